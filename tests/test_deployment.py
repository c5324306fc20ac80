"""The deployment description speaks the settings' language: every environment name in
docker-compose.yml is one Dossier reads, the required ones are there, and they parse."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from backend.settings import ENVIRONMENT_NAMES, Environment, load_settings

ROOT = Path(__file__).resolve().parent.parent
SUBSTITUTION = re.compile(r"\$\{([A-Z_]+)(?::[-?]([^}]*))?\}")


def compose_environment() -> dict[str, str]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return {k: str(v) for k, v in compose["services"]["dossier"]["environment"].items()}


def test_compose_names_are_settings_dossier_reads() -> None:
    env = compose_environment()
    dossier_names = {k for k in env if k.startswith("DOSSIER_")}
    assert dossier_names <= set(ENVIRONMENT_NAMES), dossier_names - set(ENVIRONMENT_NAMES)
    assert {
        "DOSSIER_ENV",
        "DOSSIER_DATABASE_URL",
        "DOSSIER_BLOB_ROOT",
        "DOSSIER_SECRET_KEY",
    } <= dossier_names


def test_compose_environment_parses_in_production() -> None:
    secrets = {"DOSSIER_SECRET_KEY": "x" * 48, "DOSSIER_AUDIT_SIGNING_KEY": "A" * 43}

    def substitute(value: str) -> str:
        return SUBSTITUTION.sub(lambda m: secrets.get(m.group(1), m.group(2) or ""), value)

    settings = load_settings({k: substitute(v) for k, v in compose_environment().items()})
    assert settings.environment is Environment.PRODUCTION
    assert settings.database.is_postgres
    assert str(settings.blobs.root) == "/data/blobs"


def test_the_image_installs_from_the_lock_and_runs_migrations_first() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "uv sync --frozen" in dockerfile
    assert "dossier migrate && dossier serve" in dockerfile
    assert "libmagic1" in dockerfile
