"""Typed settings, parsed once at start from the environment and passed down.

Nothing in Dossier reads the environment anywhere else. Every setting has an environment name
(``DOSSIER_…``); ``ENVIRONMENT_NAMES`` lists them all so that deployment descriptions can be
checked against this module.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from urllib.parse import unquote, urlsplit

from backend.access.dn import InvalidDn, normalise_dn
from backend.errors import FieldIssue, SettingsError

__all__ = [
    "ENVIRONMENT_NAMES",
    "BlobSettings",
    "DatabaseSettings",
    "DirectorySettings",
    "Environment",
    "ExtractionSettings",
    "GeoSettings",
    "GeocoderKind",
    "JobSettings",
    "LimitSettings",
    "MailSettings",
    "PreviewSettings",
    "SecuritySettings",
    "ServerSettings",
    "Settings",
    "TileSettings",
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

    audit_checkpoint_minutes: int = 60
    """How often the server signs the audit chain of every tenant that grew (0: never; then run
    ``dossier checkpoint`` from a scheduler)."""


@dataclass(frozen=True, slots=True)
class JobSettings:
    embedded_workers: int = 1
    """Workers the server process runs itself (the embedded default); 0 when ``dossier worker``
    processes do the work."""

    lease_seconds: int = 60
    """How long a claimed job is a worker's without renewal; a dead worker's jobs are claimed
    again after it."""

    keep_done_days: int = 7
    """Done jobs are deleted this many days after they finished (dead jobs are kept for
    inspection)."""


DEFAULT_MAIL_FROM = "Dossier <notifications@localhost>"


@dataclass(frozen=True, slots=True)
class MailSettings:
    """Where notification mails go (``backend.notifications``)."""

    smtp_host: str | None = None
    """SMTP server; None writes mails to ``<data dir>/mail-outbox`` instead of sending them."""

    smtp_port: int = 587
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    """Never logged, never part of an error message."""

    smtp_starttls: bool = True
    """Upgrade the connection with STARTTLS (the certificate is always verified)."""

    smtp_ca_file: str | None = None
    """PEM file of the CAs trusted for the server's certificate, instead of the system's."""

    smtp_timeout_seconds: float = 30.0

    mail_from: str = DEFAULT_MAIL_FROM
    """The default ``From`` of notification mails (a tenant can set its own); its address is
    also the contact in the VAPID claims of push messages."""


@dataclass(frozen=True, slots=True)
class PreviewSettings:
    soffice: str | None = None
    """LibreOffice's ``soffice`` program (a path or a name on PATH); unset: ``soffice`` on PATH;
    empty: office documents get no preview (``converter_unavailable``)."""

    office_timeout_seconds: int = 120
    """Longest an office document's conversion to PDF may take before LibreOffice is killed."""

    pdf_timeout_seconds: int = 30
    """Longest rendering of a PDF's first pages, of one page on demand, or reading of one page's
    text may take (each runs in a process of its own)."""

    pdf_preview_pages: int = 3
    """PDF pages the preview job renders as screen images; later pages are rendered on demand."""

    mail_max_attachments: int = 100
    """Most attachments of one e-mail made into documents; the rest are listed as skipped."""

    mail_max_bytes: int = 50 * 1024 * 1024
    """Largest e-mail file read for headers, body and attachments."""


class GeocoderKind(StrEnum):
    NOMINATIM = "nominatim"
    PHOTON = "photon"


#: Public servers whose usage policy asks for a user agent that names the application.
_PUBLIC_GEOCODERS = ("nominatim.openstreetmap.org", "photon.komoot.io")


@dataclass(frozen=True, slots=True)
class GeoSettings:
    """Geocoding of addresses and road distances for routes (docs/adr/0018)."""

    geocoder_url: str | None = None
    """Base URL of the geocoder (``https://nominatim.example.org``); ``None``: no geocoding, and
    addresses say so (state ``off``)."""

    geocoder: GeocoderKind = GeocoderKind.NOMINATIM
    """Which API the geocoder speaks: Nominatim (``/search``, ``/reverse``) or Photon."""

    user_agent: str = "dossier/0.1"
    """Sent with every request; the public Nominatim requires one that names the installation."""

    timeout_seconds: float = 10.0
    """Limit for one geocoder request."""

    min_interval_ms: int = 1000
    """Least time between two requests of the whole installation (all processes together); the
    public Nominatim allows one request per second per application."""

    routing_url: str | None = None
    """Base URL of an OSRM server for road distances (its ``/table`` service); ``None``: routes
    are planned on great-circle distances."""

    @property
    def geocoding(self) -> bool:
        return self.geocoder_url is not None


#: Tile servers whose usage policy forbids bulk downloads ("prepare this area for offline").
_NO_BULK_TILE_HOSTS = ("tile.openstreetmap.org",)


@dataclass(frozen=True, slots=True)
class TileSettings:
    """The map's background tiles, as the PWA loads them (docs/adr/0022)."""

    url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    """Template of a tile's URL with ``{z}``, ``{x}``, ``{y}`` (and optionally ``{s}``, ``{r}``);
    the page's Content-Security-Policy allows images and connections from its origin."""

    attribution: str = "© OpenStreetMap contributors"
    """Shown on every map, as text."""

    attribution_url: str | None = "https://www.openstreetmap.org/copyright"
    """Where the attribution links to."""

    max_zoom: int = 19
    """The deepest zoom level the server has tiles for."""

    prefetch: bool = False
    """Whether the server's usage policy allows downloading an area ahead of time. Refused for
    servers whose policy forbids it (OpenStreetMap's own)."""

    prefetch_max_tiles: int = 500
    """Most tiles one "prepare this area for offline" may fetch."""

    @property
    def origin(self) -> str:
        """``scheme://host[:port]`` of the tile server, for the CSP (``{s}`` becomes ``*``)."""
        parts = urlsplit(self.url)
        host = parts.netloc.replace("{s}", "*")
        return f"{parts.scheme}://{host}"


@dataclass(frozen=True, slots=True)
class ExtractionSettings:
    """Text extraction and OCR (docs/adr/0013); the languages are a tenant setting."""

    max_text_bytes: int = 1_000_000
    """Most UTF-8 bytes of extracted text kept per version; the rest is cut (and noted)."""

    ocr_max_pages: int = 50
    """Most pages of one version read by OCR; later scanned pages are skipped (and noted)."""

    ocr_page_timeout_seconds: int = 60
    """Longest OCR of one page; a slower page is given up (``ocr_timeout``)."""


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

    pwa_dir: Path = Path("pwa/dist")
    """The built PWA (``vite build``), served at ``/``; missing: ``/`` answers ``app_not_built``."""


#: Groups of OpenLDAP (groupOfNames, groupOfUniqueNames, posixGroup) and Active Directory (group).
DEFAULT_GROUP_FILTER = (
    "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)"
    "(objectClass=posixGroup)(objectClass=group))"
)
_ATTRIBUTE_NAME = re.compile(r"^(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)+)$")


@dataclass(frozen=True, slots=True)
class DirectorySettings:
    """Where groups and their members are read from (``backend.access.directory``).

    The field names of :meth:`issues` are the camelCase names an API input would use."""

    url: str
    """``ldap://host:port`` or ``ldaps://host:port``."""

    bind_dn: str | None = None
    """Account to bind as: a DN, or ``user@domain`` on Active Directory; ``None`` binds
    anonymously. A read-only account is enough."""

    bind_password: str | None = field(default=None, repr=False)
    """Password of ``bind_dn``; never logged, never part of an error message."""

    group_base: str = ""
    """Search base of the groups, e.g. ``ou=groups,dc=example,dc=org``; nothing outside it is
    imported as a group (members and nested groups may live anywhere in the directory)."""

    group_filter: str = DEFAULT_GROUP_FILTER
    """LDAP filter that tells groups from other entries under ``group_base``."""

    mail_attribute: str = "mail"
    """Attribute holding a member's e-mail address, which matches it to a Dossier user."""

    start_tls: bool = False
    """Upgrade an ``ldap://`` connection with StartTLS (the certificate is always verified)."""

    ca_file: str | None = None
    """PEM file of the certificate authorities trusted for TLS, instead of the system's store."""

    timeout_seconds: float = 10.0
    """Limit for connecting and for each answer of the directory."""

    def issues(self) -> list[FieldIssue]:
        """Everything wrong with these settings, in field order; empty when they are usable."""
        issues: list[FieldIssue] = []
        if not self.url.strip():
            issues.append(FieldIssue("url", "required", "the directory URL is required"))
        elif not self.url.lower().startswith(("ldap://", "ldaps://")):
            issues.append(
                FieldIssue("url", "invalid_scheme", "the URL must start with ldap:// or ldaps://")
            )
        if self.bind_dn is not None and not self.bind_password:
            # An empty password turns a simple bind into an unauthenticated one (RFC 4513 5.1.2).
            issues.append(FieldIssue("bindPassword", "required", "a bind DN needs its password"))
        if self.bind_dn is None and self.bind_password is not None:
            issues.append(FieldIssue("bindDn", "required", "a bind password needs its bind DN"))
        if not self.group_base.strip():
            issues.append(FieldIssue("groupBase", "required", "the group search base is required"))
        else:
            try:
                normalise_dn(self.group_base)
            except InvalidDn as exc:
                issues.append(FieldIssue("groupBase", "invalid_dn", str(exc)))
        if not _is_filter(self.group_filter):
            issues.append(
                FieldIssue(
                    "groupFilter",
                    "invalid_filter",
                    "the group filter must be one "
                    "parenthesised LDAP filter such as (objectClass=groupOfNames)",
                )
            )
        if not _ATTRIBUTE_NAME.fullmatch(self.mail_attribute):
            issues.append(
                FieldIssue("mailAttribute", "invalid_attribute", "not an LDAP attribute name")
            )
        if self.start_tls and self.url.lower().startswith("ldaps://"):
            issues.append(
                FieldIssue("startTls", "tls_twice", "ldaps:// is encrypted already; no StartTLS")
            )
        if not 0 < self.timeout_seconds <= 600:
            issues.append(FieldIssue("timeoutSeconds", "out_of_range", "between 0 and 600 seconds"))
        return issues


def _is_filter(text: str) -> bool:
    depth = 0
    for position, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0 or (depth == 0 and position != len(text) - 1):
                return False
    return text.startswith("(") and depth == 0


@dataclass(frozen=True, slots=True)
class Settings:
    environment: Environment
    database: DatabaseSettings
    blobs: BlobSettings
    security: SecuritySettings
    server: ServerSettings = field(default_factory=ServerSettings)
    limits: LimitSettings = field(default_factory=LimitSettings)
    jobs: JobSettings = field(default_factory=JobSettings)
    mail: MailSettings = field(default_factory=MailSettings)
    previews: PreviewSettings = field(default_factory=PreviewSettings)
    extraction: ExtractionSettings = field(default_factory=ExtractionSettings)
    data_dir: Path = Path("var")
    """Folder for the embedded database, blobs and the development audit key."""

    ldap: DirectorySettings | None = None
    """The directory groups are imported from; ``None`` when ``DOSSIER_LDAP_URL`` is unset."""

    geo: GeoSettings = field(default_factory=GeoSettings)
    tiles: TileSettings = field(default_factory=TileSettings)

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
    "DOSSIER_EMBEDDED_WORKERS": "background workers inside the server process (0: none)",
    "DOSSIER_JOB_LEASE_SECONDS": "how long a claimed job stays a worker's without renewal",
    "DOSSIER_JOB_KEEP_DONE_DAYS": "days a done job is kept before it is deleted",
    "DOSSIER_TEXT_MAX_BYTES": "most bytes of extracted text kept per version",
    "DOSSIER_OCR_MAX_PAGES": "most pages of one version read by OCR",
    "DOSSIER_OCR_PAGE_TIMEOUT_SECONDS": "longest OCR of one page",
    "DOSSIER_BLOB_ROOT": "folder for document content",
    "DOSSIER_SOFFICE": "LibreOffice program for office previews (empty: none)",
    "DOSSIER_OFFICE_TIMEOUT_SECONDS": "longest conversion of an office document to PDF",
    "DOSSIER_PDF_TIMEOUT_SECONDS": "longest rendering of a PDF page for its preview",
    "DOSSIER_PDF_PREVIEW_PAGES": "PDF pages rendered by the preview job (later ones on demand)",
    "DOSSIER_MAIL_MAX_ATTACHMENTS": "most attachments of one e-mail made into documents",
    "DOSSIER_MAIL_MAX_BYTES": "largest e-mail file read for its preview and attachments",
    "DOSSIER_SECRET_KEY": "signing key; required outside development",
    "DOSSIER_SESSION_TTL_SECONDS": "idle session lifetime",
    "DOSSIER_SESSION_MAX_AGE_SECONDS": "absolute session lifetime",
    "DOSSIER_HOST": "bind address",
    "DOSSIER_PORT": "bind port",
    "DOSSIER_BASE_URL": "public URL",
    "DOSSIER_PWA_DIR": "folder of the built PWA served at / (default pwa/dist)",
    "DOSSIER_MAX_UPLOAD_BYTES": "largest accepted upload",
    "DOSSIER_AUDIT_SIGNING_KEY": "Ed25519 seed (urlsafe base64) for audit checkpoints",
    "DOSSIER_AUDIT_CHECKPOINT_MINUTES": "sign grown audit chains this often (0: never)",
    "DOSSIER_SMTP_HOST": "SMTP server for notification mails (unset: mails go to a folder)",
    "DOSSIER_SMTP_PORT": "SMTP port (default 587)",
    "DOSSIER_SMTP_USER": "SMTP user name",
    "DOSSIER_SMTP_PASSWORD": "SMTP password",
    "DOSSIER_SMTP_STARTTLS": "true (default) to upgrade the SMTP connection with STARTTLS",
    "DOSSIER_SMTP_CA_FILE": "PEM file of the CAs trusted for the SMTP server's certificate",
    "DOSSIER_MAIL_FROM": "default sender of notification mails",
    "DOSSIER_LDAP_URL": "ldap:// or ldaps:// URL of the directory groups are imported from",
    "DOSSIER_LDAP_BIND_DN": "account to bind as (anonymous when unset)",
    "DOSSIER_LDAP_BIND_PASSWORD": "password of the bind account",
    "DOSSIER_LDAP_GROUP_BASE": "search base of the groups",
    "DOSSIER_LDAP_GROUP_FILTER": "LDAP filter that selects groups",
    "DOSSIER_LDAP_MAIL_ATTRIBUTE": "attribute with a member's e-mail address (default mail)",
    "DOSSIER_LDAP_START_TLS": "true to upgrade ldap:// with StartTLS",
    "DOSSIER_LDAP_CA_FILE": "PEM file of the CAs trusted for the directory's certificate",
    "DOSSIER_GEOCODER_URL": "base URL of a Nominatim or Photon server (unset: no geocoding)",
    "DOSSIER_GEOCODER": "nominatim (default) or photon",
    "DOSSIER_GEOCODER_USER_AGENT": "user agent sent to the geocoder (names the installation)",
    "DOSSIER_GEOCODER_TIMEOUT_SECONDS": "limit for one geocoder request (default 10)",
    "DOSSIER_GEOCODER_MIN_INTERVAL_MS": "least time between two geocoder requests (default 1000)",
    "DOSSIER_ROUTING_URL": "base URL of an OSRM server for road distances (unset: straight lines)",
    "DOSSIER_TILE_URL": "map tile URL template with {z}/{x}/{y} (default OpenStreetMap's)",
    "DOSSIER_TILE_ATTRIBUTION": "attribution text shown on the map",
    "DOSSIER_TILE_ATTRIBUTION_URL": "where the attribution links to",
    "DOSSIER_TILE_MAX_ZOOM": "deepest zoom level of the tile server (default 19)",
    "DOSSIER_TILE_PREFETCH": "true if the tile server allows bulk downloads of an area",
    "DOSSIER_TILE_PREFETCH_MAX_TILES": "most tiles one area download fetches (default 500)",
}

#: Where each field of :class:`DirectorySettings` comes from.
_LDAP_NAMES: Mapping[str, str] = {
    "url": "DOSSIER_LDAP_URL",
    "bindDn": "DOSSIER_LDAP_BIND_DN",
    "bindPassword": "DOSSIER_LDAP_BIND_PASSWORD",
    "groupBase": "DOSSIER_LDAP_GROUP_BASE",
    "groupFilter": "DOSSIER_LDAP_GROUP_FILTER",
    "mailAttribute": "DOSSIER_LDAP_MAIL_ATTRIBUTE",
    "startTls": "DOSSIER_LDAP_START_TLS",
    "caFile": "DOSSIER_LDAP_CA_FILE",
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


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SettingsError(f"{name} must be true or false, got {raw!r}", setting=name)


def _ldap(env: Mapping[str, str]) -> DirectorySettings | None:
    url = env.get("DOSSIER_LDAP_URL") or ""
    if not url:
        stray = sorted(n for n in _LDAP_NAMES.values() if env.get(n))
        if stray:
            raise SettingsError(
                f"{stray[0]} is set but DOSSIER_LDAP_URL is not", setting="DOSSIER_LDAP_URL"
            )
        return None
    directory = DirectorySettings(
        url=url,
        bind_dn=env.get("DOSSIER_LDAP_BIND_DN") or None,
        bind_password=env.get("DOSSIER_LDAP_BIND_PASSWORD") or None,
        group_base=env.get("DOSSIER_LDAP_GROUP_BASE") or "",
        group_filter=env.get("DOSSIER_LDAP_GROUP_FILTER") or DEFAULT_GROUP_FILTER,
        mail_attribute=env.get("DOSSIER_LDAP_MAIL_ATTRIBUTE") or "mail",
        start_tls=_bool(env, "DOSSIER_LDAP_START_TLS", default=False),
        ca_file=env.get("DOSSIER_LDAP_CA_FILE") or None,
    )
    issues = directory.issues()
    if issues:
        name = _LDAP_NAMES.get(issues[0].field, "DOSSIER_LDAP_URL")
        raise SettingsError(f"{name}: {issues[0].message}", setting=name)
    return directory


def _http_url(env: Mapping[str, str], name: str) -> str | None:
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SettingsError(f"{name} must be an http(s) URL, got {raw!r}", setting=name)
    return raw.rstrip("/")


def _geo(env: Mapping[str, str]) -> GeoSettings:
    url = _http_url(env, "DOSSIER_GEOCODER_URL")
    try:
        kind = GeocoderKind((env.get("DOSSIER_GEOCODER") or "nominatim").strip().lower())
    except ValueError:
        raise SettingsError(
            "DOSSIER_GEOCODER must be nominatim or photon", setting="DOSSIER_GEOCODER"
        ) from None
    sent_as = (env.get("DOSSIER_GEOCODER_USER_AGENT") or "").strip()
    host = (urlsplit(url).hostname or "") if url else ""
    if not sent_as and host.endswith(_PUBLIC_GEOCODERS):
        raise SettingsError(
            f"{host} requires DOSSIER_GEOCODER_USER_AGENT naming this installation "
            "(e.g. 'dossier-acme/1.0 (it@acme.example)')",
            setting="DOSSIER_GEOCODER_USER_AGENT",
        )
    raw_timeout = env.get("DOSSIER_GEOCODER_TIMEOUT_SECONDS") or "10"
    try:
        timeout = float(raw_timeout)
    except ValueError:
        timeout = -1.0
    if not 0 < timeout <= 120:
        raise SettingsError(
            "DOSSIER_GEOCODER_TIMEOUT_SECONDS must be a number of seconds between 0 and 120",
            setting="DOSSIER_GEOCODER_TIMEOUT_SECONDS",
        )
    return GeoSettings(
        geocoder_url=url,
        geocoder=kind,
        user_agent=sent_as or "dossier/0.1",
        timeout_seconds=timeout,
        min_interval_ms=_int(env, "DOSSIER_GEOCODER_MIN_INTERVAL_MS", 1000, minimum=0),
        routing_url=_http_url(env, "DOSSIER_ROUTING_URL"),
    )


def _tiles(env: Mapping[str, str]) -> TileSettings:
    default = TileSettings()
    raw = (env.get("DOSSIER_TILE_URL") or "").strip()
    url = raw or default.url
    parts = urlsplit(url.replace("{s}", "a"))
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or not all(p in url for p in ("{z}", "{x}", "{y}"))
    ):
        raise SettingsError(
            "DOSSIER_TILE_URL must be an http(s) URL template with {z}, {x} and {y}, "
            f"got {raw!r}",
            setting="DOSSIER_TILE_URL",
        )
    attribution = (env.get("DOSSIER_TILE_ATTRIBUTION") or "").strip()
    link = (env.get("DOSSIER_TILE_ATTRIBUTION_URL") or "").strip()
    if raw and not attribution:
        raise SettingsError(
            "DOSSIER_TILE_ATTRIBUTION is required with DOSSIER_TILE_URL (the tile server's terms)",
            setting="DOSSIER_TILE_ATTRIBUTION",
        )
    if link and urlsplit(link).scheme not in ("http", "https"):
        raise SettingsError(
            f"DOSSIER_TILE_ATTRIBUTION_URL must be an http(s) URL, got {link!r}",
            setting="DOSSIER_TILE_ATTRIBUTION_URL",
        )
    prefetch = _bool(env, "DOSSIER_TILE_PREFETCH", default=False)
    if prefetch and (parts.hostname or "").endswith(_NO_BULK_TILE_HOSTS):
        raise SettingsError(
            f"{parts.hostname} forbids bulk downloads: DOSSIER_TILE_PREFETCH needs a tile server "
            "of your own or one whose terms allow it",
            setting="DOSSIER_TILE_PREFETCH",
        )
    max_zoom = _int(env, "DOSSIER_TILE_MAX_ZOOM", default.max_zoom, minimum=1)
    if max_zoom > 22:
        raise SettingsError(
            f"DOSSIER_TILE_MAX_ZOOM must be at most 22, got {max_zoom}",
            setting="DOSSIER_TILE_MAX_ZOOM",
        )
    return TileSettings(
        url=url,
        attribution=attribution or default.attribution,
        attribution_url=(link or None) if raw else (link or default.attribution_url),
        max_zoom=max_zoom,
        prefetch=prefetch,
        prefetch_max_tiles=min(
            _int(env, "DOSSIER_TILE_PREFETCH_MAX_TILES", default.prefetch_max_tiles), 10_000
        ),
    )


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


def _mail(env: Mapping[str, str]) -> MailSettings:
    host = env.get("DOSSIER_SMTP_HOST") or None
    user = env.get("DOSSIER_SMTP_USER") or None
    password = env.get("DOSSIER_SMTP_PASSWORD") or None
    if (user is None) != (password is None):
        raise SettingsError(
            "DOSSIER_SMTP_USER and DOSSIER_SMTP_PASSWORD go together", setting="DOSSIER_SMTP_USER"
        )
    mail_from = env.get("DOSSIER_MAIL_FROM") or DEFAULT_MAIL_FROM
    if not re.search(r"[^@\s<>]+@[^@\s<>]+", mail_from):
        raise SettingsError(
            "DOSSIER_MAIL_FROM must contain an address", setting="DOSSIER_MAIL_FROM"
        )
    return MailSettings(
        smtp_host=host,
        smtp_port=_int(env, "DOSSIER_SMTP_PORT", 587),
        smtp_user=user,
        smtp_password=password,
        smtp_starttls=_bool(env, "DOSSIER_SMTP_STARTTLS", default=True),
        smtp_ca_file=env.get("DOSSIER_SMTP_CA_FILE") or None,
        mail_from=mail_from,
    )


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
            audit_checkpoint_minutes=_int(env, "DOSSIER_AUDIT_CHECKPOINT_MINUTES", 60, minimum=0),
        ),
        server=ServerSettings(
            host=env.get("DOSSIER_HOST") or "127.0.0.1",
            port=_int(env, "DOSSIER_PORT", 8000),
            base_url=base_url.rstrip("/"),
            pwa_dir=Path(env.get("DOSSIER_PWA_DIR") or "pwa/dist"),
        ),
        limits=LimitSettings(max_upload_bytes=_int(env, "DOSSIER_MAX_UPLOAD_BYTES", 100 << 20)),
        jobs=JobSettings(
            embedded_workers=_int(env, "DOSSIER_EMBEDDED_WORKERS", 1, minimum=0),
            lease_seconds=_int(env, "DOSSIER_JOB_LEASE_SECONDS", 60, minimum=5),
            keep_done_days=_int(env, "DOSSIER_JOB_KEEP_DONE_DAYS", 7, minimum=1),
        ),
        mail=_mail(env),
        previews=PreviewSettings(
            soffice=env.get("DOSSIER_SOFFICE"),
            office_timeout_seconds=_int(env, "DOSSIER_OFFICE_TIMEOUT_SECONDS", 120),
            pdf_timeout_seconds=_int(env, "DOSSIER_PDF_TIMEOUT_SECONDS", 30),
            pdf_preview_pages=_int(env, "DOSSIER_PDF_PREVIEW_PAGES", 3, minimum=1),
            mail_max_attachments=_int(env, "DOSSIER_MAIL_MAX_ATTACHMENTS", 100, minimum=0),
            mail_max_bytes=_int(env, "DOSSIER_MAIL_MAX_BYTES", 50 << 20),
        ),
        extraction=ExtractionSettings(
            max_text_bytes=_int(env, "DOSSIER_TEXT_MAX_BYTES", 1_000_000, minimum=1024),
            ocr_max_pages=_int(env, "DOSSIER_OCR_MAX_PAGES", 50),
            ocr_page_timeout_seconds=_int(env, "DOSSIER_OCR_PAGE_TIMEOUT_SECONDS", 60),
        ),
        data_dir=data_dir,
        ldap=_ldap(env),
        geo=_geo(env),
        tiles=_tiles(env),
    )
