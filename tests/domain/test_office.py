"""The LibreOffice conversion as a process: a fresh profile each time, killed with everything it
started when it takes too long, and a clear reason when it fails (a stand-in ``soffice`` script
makes each case happen on purpose)."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

import pytest

from backend.documents.imaging import PreviewRefused
from backend.documents.office import convert_to_pdf, find_soffice

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def fake_soffice(folder: Path, body: str) -> str:
    """A stand-in converter: it logs its arguments, then runs ``body`` (a shell snippet, with
    ``$out`` the output folder and ``$src`` the document)."""
    script = folder / "soffice"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" >> "{folder}/calls"\n'
        'for a; do prev_is_out=${next_out:-}; next_out=; [ "$a" = --outdir ] && next_out=1;'
        ' [ -n "$prev_is_out" ] && out="$a"; src="$a"; done\n'
        f"{body}\n"
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def left_behind(profiles: list[str]) -> list[str]:
    folders = [Path(p.split("file://", 1)[1]).parent for p in profiles]
    return [str(f) for f in folders if f.exists()]


async def test_each_conversion_gets_a_fresh_profile_and_folder(tmp_path: Path) -> None:
    soffice = fake_soffice(
        tmp_path, 'mkdir -p "$out" && printf "%%PDF-1.4 fake" > "$out/document.pdf"'
    )
    first = await convert_to_pdf(b"doc", DOCX, soffice, time_limit=10)
    second = await convert_to_pdf(b"doc", DOCX, soffice, time_limit=10)
    assert first == second == b"%PDF-1.4 fake"
    calls = (tmp_path / "calls").read_text().splitlines()
    profiles = [next(a for a in c.split() if a.startswith("-env:UserInstallation=")) for c in calls]
    assert len(set(profiles)) == 2, "no two conversions share a LibreOffice profile"
    assert all("--headless" in c.split() for c in calls)
    assert left_behind(profiles) == [], "each conversion's folder goes with it"


async def test_a_conversion_that_takes_too_long_is_killed_with_its_children(
    tmp_path: Path,
) -> None:
    soffice = fake_soffice(tmp_path, f'sleep 300 & echo $! > "{tmp_path}/child"; wait')
    with pytest.raises(PreviewRefused) as refused:
        await convert_to_pdf(b"doc", DOCX, soffice, time_limit=1)
    assert refused.value.reason == "conversion_timeout"
    child = int((tmp_path / "child").read_text())
    for _ in range(50):
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError("the converter's child process outlived the timeout")


async def test_a_failed_conversion_says_why(tmp_path: Path) -> None:
    soffice = fake_soffice(tmp_path, 'echo "Error: source file could not be loaded" >&2; exit 1')
    with pytest.raises(PreviewRefused) as refused:
        await convert_to_pdf(b"doc", DOCX, soffice, time_limit=10)
    assert refused.value.reason == "conversion_failed"
    assert "could not be loaded" in refused.value.detail


def test_the_converter_is_found_on_path_or_switched_off() -> None:
    assert find_soffice("") is None
    assert find_soffice("no-such-program-here") is None
    assert find_soffice(None) in {None, find_soffice("soffice")}
