"""Piccolo's configuration module (``PICCOLO_CONF=backend.piccolo_conf``).

The application binds its engine explicitly (:func:`backend.persistence.database.Database.bind`).
This module exists for Piccolo's migration machinery, which looks the engine up here: the running
process sets :data:`DB` before migrating, and Piccolo's own CLI (used to write new migrations) falls
back to the settings in the environment.
"""

from __future__ import annotations

import os
from typing import Any

from piccolo.conf.apps import AppRegistry

APPS = [
    "backend.tenancy.piccolo_app",
    "backend.accounts.piccolo_app",
    "backend.access.piccolo_app",
    "backend.customers.piccolo_app",
    "backend.dossiers.piccolo_app",
    "backend.documents.piccolo_app",
    "backend.search.piccolo_app",
    "backend.audit.piccolo_app",
    "backend.jobs.piccolo_app",
    "backend.views.piccolo_app",
    "backend.notifications.piccolo_app",
    "backend.geo.piccolo_app",
    "backend.changes.piccolo_app",
    "backend.blobs.piccolo_app",
    "backend.offline.piccolo_app",
    "backend.visits.piccolo_app",
]

APP_REGISTRY = AppRegistry(apps=APPS)


def __getattr__(name: str) -> Any:
    # Only reached when DB was never set by the process: Piccolo's CLI writing migrations.
    if name == "DB":
        from backend.persistence.database import build_engine
        from backend.settings import load_settings

        return build_engine(load_settings(os.environ).database)
    raise AttributeError(name)
