"""The PWA at "/": files with the right caching, index.html for client routes, never for server
paths, and a strict Content-Security-Policy on every answer."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar, get
from litestar.testing import TestClient

from backend.http.errors import exception_handlers
from backend.http.pwa import IMMUTABLE, NO_CACHE, PWA_CSP, pwa_router
from backend.runtime import Runtime
from tests.api.conftest import browser

INDEX = b"<!doctype html><title>Dossier</title><script type=module src=/assets/index-abc123.js></script>"
SCRIPT = b"console.log('app');" * 200


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "icons").mkdir()
    (tmp_path / "index.html").write_bytes(INDEX)
    (tmp_path / "assets" / "index-abc123.js").write_bytes(SCRIPT)
    (tmp_path / "sw.js").write_bytes(b"self.addEventListener('fetch', () => {});")
    (tmp_path / "manifest.webmanifest").write_bytes(b'{"name": "Dossier"}')
    (tmp_path / "icons" / "icon-192.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path.parent / "secret.txt").write_bytes(b"outside")
    return tmp_path


@pytest.fixture
def client(dist: Path) -> Iterator[TestClient[Litestar]]:
    @get("/graphql", sync_to_thread=False)
    def graphql() -> dict[str, str]:
        return {"api": "yes"}

    app = Litestar(
        route_handlers=[graphql, pwa_router(dist)], exception_handlers=exception_handlers
    )
    with TestClient(app) as c:
        yield c


def test_root_is_the_app_shell_revalidated_every_time(client: TestClient[Litestar]) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.content == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == NO_CACHE
    assert response.headers["content-security-policy"] == PWA_CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    again = client.get("/", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(
    "path", ["/customers/42", "/customers/42/r/invoices", "/settings", "/today"]
)
def test_client_routes_fall_back_to_index_html(client: TestClient[Litestar], path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.content == INDEX
    assert response.headers["cache-control"] == NO_CACHE


def test_hashed_assets_are_immutable_and_compressed(client: TestClient[Litestar]) -> None:
    response = client.get("/assets/index-abc123.js", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == IMMUTABLE
    assert response.headers["content-encoding"] == "gzip"
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.content == SCRIPT  # the client undid the gzip
    raw = client.get("/assets/index-abc123.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers
    assert len(gzip.compress(SCRIPT)) < len(SCRIPT)


def test_service_worker_and_manifest_are_not_cached(client: TestClient[Litestar]) -> None:
    sw = client.get("/sw.js")
    assert sw.headers["cache-control"] == NO_CACHE
    assert sw.headers["content-type"].startswith("text/javascript")
    manifest = client.get("/manifest.webmanifest")
    assert manifest.headers["cache-control"] == NO_CACHE
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    assert client.get("/icons/icon-192.png").headers["cache-control"].startswith("public")


def test_strict_csp_has_no_inline_script_or_style() -> None:
    directives = dict(d.strip().split(" ", 1) for d in PWA_CSP.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in PWA_CSP
    assert "nonce" not in PWA_CSP


@pytest.mark.parametrize(
    "path",
    [
        "/assets/missing-123.js",
        "/missing.png",
        "/graphql/nothing",
        "/auth/nothing",
        "/files",
        "/renditions/",
    ],
)
def test_missing_files_and_server_paths_are_404_not_the_app(
    client: TestClient[Litestar], path: str
) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")


def test_exact_api_routes_win_over_the_app(client: TestClient[Litestar]) -> None:
    assert client.get("/graphql").json() == {"api": "yes"}


@pytest.mark.parametrize(
    "path", ["/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt"]
)
def test_no_file_outside_the_build_is_served(client: TestClient[Litestar], path: str) -> None:
    response = client.get(path)
    assert b"outside" not in response.content


def test_without_a_build_the_root_says_so(tmp_path: Path) -> None:
    with TestClient(Litestar(route_handlers=[pwa_router(tmp_path / "none")])) as c:
        response = c.get("/")
    assert response.status_code == 404
    assert "app_not_built" in response.text


async def test_the_real_app_keeps_its_server_paths(runtime: Runtime) -> None:
    async with browser(runtime) as client:
        assert (await client.get("/health")).json() == {"status": "ok"}
        assert (await client.get("/auth/session")).status_code == 401
        assert (await client.get("/files/00000000-0000-0000-0000-000000000000")).status_code == 401
        missing = await client.get("/auth/unknown")
        assert missing.status_code == 404
        assert missing.json()["error"]["code"] == "not_found"
