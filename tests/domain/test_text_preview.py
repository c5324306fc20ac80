"""Text previews: UTF-8 with or without BOM, Windows-1252 CSV exports, long files cut, binary
content refused."""

from __future__ import annotations

import pytest

from backend.documents.imaging import PreviewRefused
from backend.documents.text_preview import MAX_CHARS, render_text


def shown(data: bytes) -> str:
    [rendition] = render_text(data).renditions
    return rendition.data.decode("utf-8")


def test_utf8_with_and_without_bom_and_line_ends() -> None:
    assert shown("Zażółć gęślą jaźń\r\nGrüße\rEnde".encode()) == "Zażółć gęślą jaźń\nGrüße\nEnde"
    assert shown('\ufeff{"ü": 1}'.encode()) == '{"ü": 1}'
    assert render_text(b"a\nb\nc").page_count == 3


def test_windows_1252_exports_are_read_as_such() -> None:
    assert shown("Müller;Straße;5 €".encode("cp1252")) == "Müller;Straße;5 €"


def test_a_long_file_shows_its_beginning() -> None:
    text = shown(("x" * 99 + "\n").encode() * 5000)
    assert len(text) == MAX_CHARS
    cut = shown("ą".encode() * (MAX_CHARS * 3))  # two bytes a character, cut mid-way somewhere
    assert set(cut) == {"ą"}


def test_binary_content_is_not_text() -> None:
    with pytest.raises(PreviewRefused) as refused:
        render_text(b"col1,col2\n\x00\x01\x02")
    assert refused.value.reason == "not_text"
