"""A throwaway Dossier server for browser tests and benchmarks: its own data folder and port,
migrated, with demo data, served by ``dossier serve`` in a process of its own, stopped after.

    env = server_env(data, free_port(), PWA / "dist", DOSSIER_EMBEDDED_WORKERS="0")
    prepare(env, customers=6, documents=90)
    with serving(env, data / "server.log") as base_url:
        ...

``serving`` can be entered again with the same environment: the server comes back on the same
port and database (a test that stops the server to be offline does so).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

__all__ = ["ROOT", "free_port", "prepare", "server_env", "serving"]

ROOT = Path(__file__).resolve().parents[1]
#: Our own CLI, run by this interpreter with arguments made here (hence the S603 waivers).
_CLI = [sys.executable, "-m", "backend.cli"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(
    data_dir: Path, port: int, pwa_dir: Path, environment: str = "test", **settings: str
) -> dict[str, str]:
    """This process's environment without its ``DOSSIER_`` settings, plus the server's own:
    data folder, port, address, the PWA to serve, and ``settings`` (``DOSSIER_…=value``)."""
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("DOSSIER_")},
        "DOSSIER_ENV": environment,
        "DOSSIER_DATA_DIR": str(data_dir),
        "DOSSIER_PORT": str(port),
        "DOSSIER_BASE_URL": f"http://localhost:{port}",
        "DOSSIER_PWA_DIR": str(pwa_dir),
        **settings,
    }


def prepare(env: Mapping[str, str], *, customers: int, documents: int) -> None:
    """Migrate the database and load the demo; a failure raises with the command's error output."""
    for args in (
        ["migrate"],
        ["demo", "--customers", str(customers), "--documents", str(documents)],
    ):
        done = subprocess.run(  # noqa: S603
            [*_CLI, *args], env=env, cwd=ROOT, capture_output=True, check=False
        )
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]}: {done.stderr.decode(errors='replace')[-4000:]}")


@contextmanager
def serving(env: Mapping[str, str], log_path: Path, timeout: float = 60) -> Iterator[str]:
    """``dossier serve`` until the block ends; its address once ``/health`` answers. A server
    that exits or stays silent raises with its log."""
    base_url = env["DOSSIER_BASE_URL"]
    with log_path.open("ab") as log:
        server = subprocess.Popen([*_CLI, "serve"], env=env, cwd=ROOT, stdout=log, stderr=log)  # noqa: S603
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    with urllib.request.urlopen(base_url + "/health", timeout=2):  # noqa: S310
                        break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(log_path.read_text()) from None
                    time.sleep(0.3)
            yield base_url
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
