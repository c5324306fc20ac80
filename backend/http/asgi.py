"""ASGI entry point for servers: ``uvicorn --factory backend.http.asgi:app``."""

from __future__ import annotations

import os

from litestar import Litestar

from backend.http.app import create_app
from backend.runtime import Runtime
from backend.settings import load_settings

__all__ = ["app"]


def app() -> Litestar:
    """Build the application from the environment (read here, at start, once)."""
    return create_app(Runtime.from_settings(load_settings(os.environ)))
