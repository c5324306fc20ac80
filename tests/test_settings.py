"""Settings: parsed once from a mapping; every bad value is refused with the setting's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from backend.errors import SettingsError
from backend.settings import ENVIRONMENT_NAMES, Environment, load_settings

GOOD_SECRET = "k" * 40


def test_defaults_describe_an_embedded_development_install() -> None:
    settings = load_settings({})
    assert settings.environment is Environment.DEVELOPMENT
    assert settings.is_development
    assert settings.database.url == f"sqlite:///{Path('var') / 'dossier.db'}"
    assert not settings.database.is_postgres
    assert settings.database.sqlite_path == Path("var/dossier.db")
    assert settings.database.pool_size == 10
    assert settings.blobs.root == Path("var/blobs")
    assert settings.server.host == "127.0.0.1"
    assert settings.server.port == 8000
    assert settings.server.base_url == "http://localhost:8000"
    assert settings.security.session_ttl_seconds == 8 * 3600
    assert settings.security.session_max_age_seconds == 7 * 24 * 3600
    assert settings.security.cookie_secure is False
    assert settings.limits.max_upload_bytes == 100 * 1024 * 1024


def test_development_without_secret_gets_a_random_one() -> None:
    first = load_settings({}).security.secret_key
    second = load_settings({}).security.secret_key
    assert len(first) >= 32
    assert first != second


def test_data_dir_moves_database_and_blobs() -> None:
    settings = load_settings({"DOSSIER_DATA_DIR": "/srv/dossier"})
    assert settings.database.sqlite_path == Path("/srv/dossier/dossier.db")
    assert settings.blobs.root == Path("/srv/dossier/blobs")


GOOD_AUDIT_KEY = "A" * 43  # 32 zero bytes, urlsafe base64 without padding


def test_explicit_values_are_used() -> None:
    settings = load_settings(
        {
            "DOSSIER_ENV": "production",
            "DOSSIER_DATABASE_URL": "postgresql://app@db:5432/dossier",
            "DOSSIER_DB_POOL_SIZE": "25",
            "DOSSIER_BLOB_ROOT": "/data/blobs",
            "DOSSIER_SECRET_KEY": GOOD_SECRET,
            "DOSSIER_AUDIT_SIGNING_KEY": GOOD_AUDIT_KEY,
            "DOSSIER_SESSION_TTL_SECONDS": "600",
            "DOSSIER_SESSION_MAX_AGE_SECONDS": "3600",
            "DOSSIER_HOST": "0.0.0.0",  # noqa: S104 (a value under test, nothing binds to it)
            "DOSSIER_PORT": "9000",
            "DOSSIER_BASE_URL": "https://dossier.example.com/",
            "DOSSIER_MAX_UPLOAD_BYTES": "1024",
        }
    )
    assert settings.environment is Environment.PRODUCTION
    assert not settings.is_development
    assert settings.database.is_postgres
    assert settings.database.pool_size == 25
    assert settings.blobs.root == Path("/data/blobs")
    assert settings.security.secret_key == GOOD_SECRET
    assert settings.security.session_ttl_seconds == 600
    assert settings.security.session_max_age_seconds == 3600
    assert settings.security.cookie_secure is True
    assert settings.server.port == 9000
    assert settings.server.base_url == "https://dossier.example.com"
    assert settings.limits.max_upload_bytes == 1024


def test_postgres_url_has_no_sqlite_path() -> None:
    settings = load_settings({"DOSSIER_DATABASE_URL": "postgres://app@db/dossier"})
    assert settings.database.is_postgres
    with pytest.raises(SettingsError):
        _ = settings.database.sqlite_path


def test_unknown_dossier_variables_are_refused() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"DOSSIER_DATABSE_URL": "sqlite:///x.db", "DOSSIER_ENV": "test"})
    assert caught.value.setting == "DOSSIER_DATABSE_URL"
    assert caught.value.code == "settings_invalid"


def test_other_variables_are_ignored() -> None:
    settings = load_settings({"PATH": "/usr/bin", "HOME": "/root", "DOSSIERX": "1"})
    assert settings.environment is Environment.DEVELOPMENT


def test_every_documented_name_is_accepted() -> None:
    env = dict.fromkeys(ENVIRONMENT_NAMES, "")
    env.update({"DOSSIER_ENV": "development", "DOSSIER_DATABASE_URL": "sqlite:///x.db"})
    load_settings(env)  # empty values mean "default"


def test_unknown_environment_is_refused() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"DOSSIER_ENV": "staging"})
    assert caught.value.setting == "DOSSIER_ENV"


@pytest.mark.parametrize("environment", ["production", "test"])
@pytest.mark.parametrize("secret", ["", "change-me", "CHANGEME", "secret", "dev", "short-but-real"])
def test_placeholder_or_short_secret_is_refused_outside_development(
    environment: str, secret: str
) -> None:
    env = {"DOSSIER_ENV": environment, "DOSSIER_SECRET_KEY": secret}
    with pytest.raises(SettingsError) as caught:
        load_settings(env)
    assert caught.value.setting == "DOSSIER_SECRET_KEY"


def test_missing_secret_is_refused_in_production() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"DOSSIER_ENV": "production"})
    assert caught.value.setting == "DOSSIER_SECRET_KEY"


@pytest.mark.parametrize("secret", ["change-me", "dev", "short"])
def test_placeholder_secret_is_allowed_in_development(secret: str) -> None:
    settings = load_settings({"DOSSIER_ENV": "development", "DOSSIER_SECRET_KEY": secret})
    assert settings.security.secret_key == secret


@pytest.mark.parametrize(
    "url",
    ["mysql://root@db/dossier", "sqlite://relative.db", "dossier.db", "http://db", "sqlite:"],
)
def test_bad_database_url_is_refused(url: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"DOSSIER_DATABASE_URL": url})
    assert caught.value.setting == "DOSSIER_DATABASE_URL"


@pytest.mark.parametrize(
    "name",
    [
        "DOSSIER_PORT",
        "DOSSIER_DB_POOL_SIZE",
        "DOSSIER_MAX_UPLOAD_BYTES",
        "DOSSIER_SESSION_TTL_SECONDS",
        "DOSSIER_SESSION_MAX_AGE_SECONDS",
    ],
)
@pytest.mark.parametrize("value", ["abc", "1.5", "0", "-3", "10k"])
def test_bad_whole_numbers_are_refused(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({name: value})
    assert caught.value.setting == name
    assert name in caught.value.message


def test_bad_base_url_is_refused() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"DOSSIER_BASE_URL": "dossier.example.com"})
    assert caught.value.setting == "DOSSIER_BASE_URL"


def test_settings_are_immutable() -> None:
    settings = load_settings({})
    with pytest.raises(AttributeError):
        settings.environment = Environment.PRODUCTION  # type: ignore[misc]


def test_the_audit_signing_key_is_required_in_production_and_checked() -> None:
    base = {"DOSSIER_ENV": "production", "DOSSIER_SECRET_KEY": GOOD_SECRET}
    with pytest.raises(SettingsError) as missing:
        load_settings(base)
    assert missing.value.setting == "DOSSIER_AUDIT_SIGNING_KEY"
    for bad in ("short", "!" * 43, "A" * 44 + "B"):
        with pytest.raises(SettingsError) as malformed:
            load_settings(base | {"DOSSIER_AUDIT_SIGNING_KEY": bad})
        assert malformed.value.setting == "DOSSIER_AUDIT_SIGNING_KEY"
    settings = load_settings(base | {"DOSSIER_AUDIT_SIGNING_KEY": GOOD_AUDIT_KEY})
    assert settings.security.audit_signing_key == GOOD_AUDIT_KEY


LDAP_ENV = {
    "DOSSIER_LDAP_URL": "ldaps://ldap.example.com:636",
    "DOSSIER_LDAP_BIND_DN": "cn=dossier-reader,ou=system,dc=example,dc=com",
    "DOSSIER_LDAP_BIND_PASSWORD": "reader-password-123",
    "DOSSIER_LDAP_GROUP_BASE": "ou=groups,dc=example,dc=com",
}


def test_no_directory_without_its_url() -> None:
    assert load_settings({}).ldap is None
    assert load_settings({"DOSSIER_LDAP_URL": ""}).ldap is None


def test_directory_settings_are_read() -> None:
    ldap = load_settings(
        LDAP_ENV
        | {
            "DOSSIER_LDAP_URL": "ldap://ldap.example.com",
            "DOSSIER_LDAP_GROUP_FILTER": "(objectClass=groupOfNames)",
            "DOSSIER_LDAP_MAIL_ATTRIBUTE": "userPrincipalName",
            "DOSSIER_LDAP_START_TLS": "true",
            "DOSSIER_LDAP_CA_FILE": "/etc/ssl/company-ca.pem",
        }
    ).ldap
    assert ldap is not None
    assert ldap.url == "ldap://ldap.example.com"
    assert ldap.bind_dn == LDAP_ENV["DOSSIER_LDAP_BIND_DN"]
    assert ldap.bind_password == LDAP_ENV["DOSSIER_LDAP_BIND_PASSWORD"]
    assert ldap.group_base == "ou=groups,dc=example,dc=com"
    assert ldap.group_filter == "(objectClass=groupOfNames)"
    assert ldap.mail_attribute == "userPrincipalName"
    assert ldap.start_tls is True
    assert ldap.ca_file == "/etc/ssl/company-ca.pem"


def test_directory_defaults_find_every_kind_of_group_anonymously() -> None:
    ldap = load_settings(
        {"DOSSIER_LDAP_URL": "ldap://ldap", "DOSSIER_LDAP_GROUP_BASE": "dc=example,dc=com"}
    ).ldap
    assert ldap is not None
    assert ldap.bind_dn is None
    assert ldap.bind_password is None
    assert ldap.mail_attribute == "mail"
    assert ldap.start_tls is False
    for object_class in ("groupOfNames", "groupOfUniqueNames", "posixGroup", "group"):
        assert f"(objectClass={object_class})" in ldap.group_filter


def test_the_bind_password_stays_out_of_the_settings_repr() -> None:
    settings = load_settings(LDAP_ENV)
    assert LDAP_ENV["DOSSIER_LDAP_BIND_PASSWORD"] not in repr(settings)


@pytest.mark.parametrize(
    ("changes", "setting"),
    [
        ({"DOSSIER_LDAP_URL": "http://ldap.example.com"}, "DOSSIER_LDAP_URL"),
        ({"DOSSIER_LDAP_URL": "ldap.example.com"}, "DOSSIER_LDAP_URL"),
        ({"DOSSIER_LDAP_GROUP_BASE": ""}, "DOSSIER_LDAP_GROUP_BASE"),
        ({"DOSSIER_LDAP_GROUP_BASE": "groups"}, "DOSSIER_LDAP_GROUP_BASE"),
        ({"DOSSIER_LDAP_BIND_PASSWORD": ""}, "DOSSIER_LDAP_BIND_PASSWORD"),
        ({"DOSSIER_LDAP_BIND_DN": ""}, "DOSSIER_LDAP_BIND_DN"),
        ({"DOSSIER_LDAP_GROUP_FILTER": "objectClass=group"}, "DOSSIER_LDAP_GROUP_FILTER"),
        ({"DOSSIER_LDAP_GROUP_FILTER": "(a=1)(b=2)"}, "DOSSIER_LDAP_GROUP_FILTER"),
        ({"DOSSIER_LDAP_MAIL_ATTRIBUTE": "e mail"}, "DOSSIER_LDAP_MAIL_ATTRIBUTE"),
        ({"DOSSIER_LDAP_START_TLS": "maybe"}, "DOSSIER_LDAP_START_TLS"),
        ({"DOSSIER_LDAP_START_TLS": "1"}, "DOSSIER_LDAP_START_TLS"),  # ldaps:// is TLS already
    ],
)
def test_bad_directory_settings_are_refused(changes: dict[str, str], setting: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(LDAP_ENV | changes)
    assert caught.value.setting == setting
    assert LDAP_ENV["DOSSIER_LDAP_BIND_PASSWORD"] not in caught.value.message


def test_directory_settings_without_a_url_are_refused() -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({"DOSSIER_LDAP_GROUP_BASE": "ou=groups,dc=example,dc=com"})
    assert caught.value.setting == "DOSSIER_LDAP_URL"


def test_periodic_checkpoints_default_hourly_may_be_off_never_negative() -> None:
    assert load_settings({}).security.audit_checkpoint_minutes == 60
    off = load_settings({"DOSSIER_AUDIT_CHECKPOINT_MINUTES": "0"})
    assert off.security.audit_checkpoint_minutes == 0
    with pytest.raises(SettingsError) as negative:
        load_settings({"DOSSIER_AUDIT_CHECKPOINT_MINUTES": "-5"})
    assert negative.value.setting == "DOSSIER_AUDIT_CHECKPOINT_MINUTES"


def test_owner_url_goes_with_postgres_only() -> None:
    pg = "postgresql://dossier_app:secret%21@db:5432/dossier"
    settings = load_settings(
        {"DOSSIER_DATABASE_URL": pg, "DOSSIER_DATABASE_OWNER_URL": "postgresql://owner@db/dossier"}
    )
    assert (settings.database.role, settings.database.password) == ("dossier_app", "secret!")
    assert settings.database.migration_url == "postgresql://owner@db/dossier"
    with pytest.raises(SettingsError) as refused:
        load_settings({"DOSSIER_DATABASE_OWNER_URL": "postgresql://owner@db/dossier"})
    assert refused.value.setting == "DOSSIER_DATABASE_OWNER_URL"
