"""Typed settings, parsed once at start from the environment and passed down.

Nothing in Dossier reads the environment anywhere else. Every setting has an environment name
(``DOSSIER_…``); ``ENVIRONMENT_NAMES`` lists them all so that deployment descriptions can be
checked against this module.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from urllib.parse import unquote, urlsplit

from backend.errors import SettingsError

__all__ = [
    "ENVIRONMENT_NAMES",
    "BlobSettings",
    "DatabaseSettings",
    "Environment",
    "LimitSettings",
    "SecuritySettings",
    "ServerSettings",
    "Settings",
    "load_settings",
]

#: Secrets that ship in examples and must never protect a real installation.
PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "secret", "dev", "development"})


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


@dataclass(frozen=True, slots=True)
class DatabaseSettings:
    url: str
    """``sqlite:///path/to/file.db`` (embedded default) or ``postgresql://user@host:port/db``."""

    pool_size: int = 10
    """Connections kept open per process (PostgreSQL pool, SQLite reader pool)."""

    owner_url: str | None = None
    """PostgreSQL only: the tables' owner, for migrations. The application then connects with
    ``url`` as a role of its own, which ``migrate`` grants row access (docs/adr/0011)."""

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith(("postgres://", "postgresql://"))

    @property
    def migration_url(self) -> str:
        return self.owner_url or self.url

    @property
    def role(self) -> str | None:
        """The PostgreSQL role the application connects as (the URL's user)."""
        return urlsplit(self.url).username if self.is_postgres else None

    @property
    def password(self) -> str | None:
        """The password in ``url``, if any (for creating the application role)."""
        password = urlsplit(self.url).password if self.is_postgres else None
        return None if password is None else unquote(password)

    @property
    def sqlite_path(self) -> Path:
        if self.is_postgres:
            raise SettingsError("not a SQLite database URL", setting="DOSSIER_DATABASE_URL")
        return Path(self.url.removeprefix("sqlite:///"))


@dataclass(frozen=True, slots=True)
class BlobSettings:
    root: Path
    """Folder that holds document content, addressed by SHA-256 under a folder per tenant."""


@dataclass(frozen=True, slots=True)
class SecuritySettings:
    secret_key: str
    """Signing key. Placeholders and short keys are refused outside development."""

    session_ttl_seconds: int = 8 * 3600
    """Idle lifetime of a browser session; each use extends it up to this many seconds."""

    session_max_age_seconds: int = 7 * 24 * 3600
    """Absolute lifetime of a browser session, however active it is."""

    cookie_secure: bool = False
    """Mark the session cookie ``Secure`` (on whenever the base URL is https)."""

    audit_signing_key: str | None = None
    """Ed25519 seed (urlsafe base64, 32 bytes) that signs audit checkpoints. Required in
    production; in development a key is made once and kept in the data folder."""


@dataclass(frozen=True, slots=True)
class LimitSettings:
    max_upload_bytes: int = 100 * 1024 * 1024
    """Largest document file accepted, in bytes."""

    graphql_max_depth: int = 10
    """Deepest GraphQL selection accepted."""

    graphql_max_tokens: int = 2000
    """Most tokens in one GraphQL document."""

    graphql_max_aliases: int = 30
    """Most aliases in one GraphQL document."""

    page_size_max: int = 200
    """Largest page a list query returns."""


@dataclass(frozen=True, slots=True)
class ServerSettings:
    host: str = "127.0.0.1"
    """Address the HTTP server binds to."""

    port: int = 8000
    """Port the HTTP server listens on."""

    base_url: str = "http://localhost:8000"
    """Public URL of this installation, used in links."""


@dataclass(frozen=True, slots=True)
class Settings:
    environment: Environment
    database: DatabaseSettings
    blobs: BlobSettings
    security: SecuritySettings
    server: ServerSettings = field(default_factory=ServerSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    data_dir: Path = Path("var")
    """Folder for the embedded database, blobs and the development audit key."""

    @property
    def is_development(self) -> bool:
        return self.environment is not Environment.PRODUCTION


#: Every environment variable Dossier reads, with a one-line meaning.
ENVIRONMENT_NAMES: Mapping[str, str] = {
    "DOSSIER_ENV": "development | test | production",
    "DOSSIER_DATA_DIR": "folder for the embedded database and blobs (default ./var)",
    "DOSSIER_DATABASE_URL": "sqlite:///file or postgresql://…",
    "DOSSIER_DATABASE_OWNER_URL": "PostgreSQL: the tables' owner, used only to migrate",
    "DOSSIER_DB_POOL_SIZE": "connections per process",
    "DOSSIER_BLOB_ROOT": "folder for document content",
    "DOSSIER_SECRET_KEY": "signing key; required outside development",
    "DOSSIER_SESSION_TTL_SECONDS": "idle session lifetime",
    "DOSSIER_SESSION_MAX_AGE_SECONDS": "absolute session lifetime",
    "DOSSIER_HOST": "bind address",
    "DOSSIER_PORT": "bind port",
    "DOSSIER_BASE_URL": "public URL",
    "DOSSIER_MAX_UPLOAD_BYTES": "largest accepted upload",
    "DOSSIER_AUDIT_SIGNING_KEY": "Ed25519 seed (urlsafe base64) for audit checkpoints",
}


def _int(env: Mapping[str, str], name: str, default: int, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}", setting=name) from None
    if value < minimum:
        raise SettingsError(f"{name} must be at least {minimum}, got {value}", setting=name)
    return value


def _audit_key(env: Mapping[str, str], environment: Environment) -> str | None:
    key = env.get("DOSSIER_AUDIT_SIGNING_KEY") or None
    if key is not None:
        raw = key + "=" * (-len(key) % 4)
        try:
            valid = len(base64.urlsafe_b64decode(raw.encode())) == 32
        except (binascii.Error, ValueError):
            valid = False
        if not valid:
            raise SettingsError(
                "DOSSIER_AUDIT_SIGNING_KEY must be 32 bytes in urlsafe base64 "
                "(dossier audit-key makes one)",
                setting="DOSSIER_AUDIT_SIGNING_KEY",
            )
        return key
    if environment is Environment.PRODUCTION:
        raise SettingsError(
            "DOSSIER_AUDIT_SIGNING_KEY is required in production (dossier audit-key makes one)",
            setting="DOSSIER_AUDIT_SIGNING_KEY",
        )
    return None


def load_settings(env: Mapping[str, str]) -> Settings:
    """Parse settings from an environment mapping; raise :class:`SettingsError` on any bad value."""
    unknown = sorted(k for k in env if k.startswith("DOSSIER_") and k not in ENVIRONMENT_NAMES)
    if unknown:
        raise SettingsError(f"unknown setting(s): {', '.join(unknown)}", setting=unknown[0])
    try:
        environment = Environment(env.get("DOSSIER_ENV", "development"))
    except ValueError:
        raise SettingsError(
            "DOSSIER_ENV must be development, test or production", setting="DOSSIER_ENV"
        ) from None
    data_dir = Path(env.get("DOSSIER_DATA_DIR") or "var")
    database_url = env.get("DOSSIER_DATABASE_URL") or f"sqlite:///{data_dir / 'dossier.db'}"
    if not database_url.startswith(("sqlite:///", "postgres://", "postgresql://")):
        raise SettingsError(
            "DOSSIER_DATABASE_URL must start with sqlite:///, postgres:// or postgresql://",
            setting="DOSSIER_DATABASE_URL",
        )
    owner_url = env.get("DOSSIER_DATABASE_OWNER_URL") or None
    if owner_url is not None and not (
        owner_url.startswith(("postgres://", "postgresql://"))
        and database_url.startswith(("postgres://", "postgresql://"))
    ):
        raise SettingsError(
            "DOSSIER_DATABASE_OWNER_URL is a postgresql:// URL, and only with a PostgreSQL "
            "DOSSIER_DATABASE_URL",
            setting="DOSSIER_DATABASE_OWNER_URL",
        )
    secret_key = env.get("DOSSIER_SECRET_KEY", "")
    if secret_key.lower() in PLACEHOLDER_SECRETS or len(secret_key) < 32:
        if environment is not Environment.DEVELOPMENT:
            raise SettingsError(
                "DOSSIER_SECRET_KEY must be set to a random value of at least 32 characters "
                f"outside development (DOSSIER_ENV={environment.value})",
                setting="DOSSIER_SECRET_KEY",
            )
        secret_key = secret_key or secrets.token_urlsafe(32)
    base_url = env.get("DOSSIER_BASE_URL") or "http://localhost:8000"
    if not base_url.startswith(("http://", "https://")):
        raise SettingsError("DOSSIER_BASE_URL must be an http(s) URL", setting="DOSSIER_BASE_URL")
    return Settings(
        environment=environment,
        database=DatabaseSettings(
            url=database_url,
            pool_size=_int(env, "DOSSIER_DB_POOL_SIZE", 10),
            owner_url=owner_url,
        ),
        blobs=BlobSettings(root=Path(env.get("DOSSIER_BLOB_ROOT") or data_dir / "blobs")),
        security=SecuritySettings(
            secret_key=secret_key,
            session_ttl_seconds=_int(env, "DOSSIER_SESSION_TTL_SECONDS", 8 * 3600),
            session_max_age_seconds=_int(env, "DOSSIER_SESSION_MAX_AGE_SECONDS", 7 * 24 * 3600),
            cookie_secure=base_url.startswith("https://"),
            audit_signing_key=_audit_key(env, environment),
        ),
        server=ServerSettings(
            host=env.get("DOSSIER_HOST") or "127.0.0.1",
            port=_int(env, "DOSSIER_PORT", 8000),
            base_url=base_url.rstrip("/"),
        ),
        limits=LimitSettings(max_upload_bytes=_int(env, "DOSSIER_MAX_UPLOAD_BYTES", 100 << 20)),
        data_dir=data_dir,
    )
