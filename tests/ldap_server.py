"""A real OpenLDAP server for tests that read a directory: the ``ldap_directory`` fixture.

The fixture starts ``/usr/sbin/slapd`` once per session on free 127.0.0.1 ports (``ldap://`` with
StartTLS, and ``ldaps://``; the certificate comes from a CA made for the session), with its own
configuration and mdb database in a temporary folder (never the system's slapd or its port), seeds
the organisation below and stops the server when the session ends. Without slapd the tests that use
it fail with an explanation; they are never skipped.

Use it from a conftest with ``from tests.ldap_server import ldap_directory`` (the name must stay
visible there) and ask for ``ldap_directory`` in a test. ``ldap_directory.settings()`` binds as the
read-only account; ``ldap_directory.add(...)`` adds entries for a test's own case (the session shares
one server, so pick names no other test uses). The seeded organisation (``dc=example,dc=org``):

    ou=people      anna (Anna Müller), jurgen (Jürgen Groß, upper-case mail), zofia (Zofia
                   Łukasiewicz-Żółć), pawel (Paweł Wąs, posixAccount), karl (no mail)
    ou=groups      sales (groupOfNames), service (groupOfUniqueNames), field (posixGroup with
                   memberUid), all-staff (nests sales, service and field), cycle-a ⇄ cycle-b,
                   ``R&D (north) *\\ team`` and special-parent which nests it, dangling (a member
                   that does not exist), more than one page of the server's size limit in total
    ou=projects    apollo (groupOfNames outside the group base)
    ou=system      reader (the read-only bind account)

Reads are limited to :data:`SIZE_LIMIT` entries per search for everyone but the root DN, so a reader
that does not page its searches fails here as it would on Active Directory (1,000 per page).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import ldap3
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from backend.settings import DirectorySettings

__all__ = [
    "ADMIN_DN",
    "ADMIN_PASSWORD",
    "BASE_DN",
    "GROUP_BASE",
    "PEOPLE",
    "READER_DN",
    "READER_PASSWORD",
    "SIZE_LIMIT",
    "LdapDirectory",
    "free_port",
    "ldap_directory",
]

SLAPD = Path("/usr/sbin/slapd")
SCHEMA_DIR = Path("/etc/ldap/schema")
MODULE_DIR = Path("/usr/lib/ldap")
BASE_DN = "dc=example,dc=org"
GROUP_BASE = f"ou=groups,{BASE_DN}"
PEOPLE = f"ou=people,{BASE_DN}"
ADMIN_DN = f"cn=admin,{BASE_DN}"
ADMIN_PASSWORD = "admin-password"
READER_DN = f"cn=reader,ou=system,{BASE_DN}"
READER_PASSWORD = "reader-password"
SIZE_LIMIT = 5

_CONFIG = """\
include {schema}/core.schema
include {schema}/cosine.schema
include {schema}/inetorgperson.schema
include {schema}/nis.schema
modulepath {modules}
moduleload back_mdb
pidfile {root}/slapd.pid
argsfile {root}/slapd.args
sizelimit size.soft={size_limit} size.hard={size_limit} size.prtotal=unlimited
TLSCertificateFile {root}/server.pem
TLSCertificateKeyFile {root}/server.key

database mdb
maxsize 67108864
suffix "{base}"
rootdn "{admin}"
rootpw {admin_password}
directory {root}/data
access to attrs=userPassword by anonymous auth by * none
access to * by * read
"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (the moment it is asked)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True, slots=True)
class LdapDirectory:
    """A running test directory: where it is and how to bind to it."""

    url: str
    """``ldap://127.0.0.1:PORT`` (StartTLS offered)."""

    ldaps_url: str
    """``ldaps://127.0.0.1:PORT``."""

    ca_file: Path
    """The CA that signed the server's certificate (for 127.0.0.1 only, no host name)."""

    log: Path

    def settings(self, **changes: object) -> DirectorySettings:
        """Directory settings for the read-only account and ``ou=groups``, with ``changes``."""
        base = DirectorySettings(
            url=self.url,
            bind_dn=READER_DN,
            bind_password=READER_PASSWORD,
            group_base=GROUP_BASE,
            timeout_seconds=5.0,
        )
        return replace(base, **changes)  # type: ignore[arg-type]

    def add(self, dn: str, object_classes: Sequence[str], attributes: Mapping[str, object]) -> None:
        """Add one entry as the root DN; fails the test when the server refuses it."""
        with _admin(self.url) as conn:
            if not conn.add(dn, list(object_classes), dict(attributes)):
                pytest.fail(f"slapd refused to add {dn}: {conn.result}")

    def replace_values(self, dn: str, attribute: str, values: Sequence[str]) -> None:
        """Replace all values of one attribute of an entry, as the root DN."""
        with _admin(self.url) as conn:
            if not conn.modify(dn, {attribute: [(ldap3.MODIFY_REPLACE, list(values))]}):
                pytest.fail(f"slapd refused to change {dn}: {conn.result}")


@contextmanager
def _admin(url: str) -> Iterator[ldap3.Connection]:
    conn = ldap3.Connection(
        ldap3.Server(url, get_info=ldap3.NONE, connect_timeout=5),
        user=ADMIN_DN,
        password=ADMIN_PASSWORD,
        receive_timeout=5,
    )
    try:
        conn.open()
        if not conn.bind():
            pytest.fail(f"slapd refused the root DN: {conn.result}")
        yield conn
    finally:
        conn.unbind()


def _person(
    uid: str, name: str, mail: str | None, *, posix_id: int | None = None
) -> tuple[str, list[str], dict[str, object]]:
    attributes: dict[str, object] = {"uid": uid, "cn": name, "sn": name.split()[-1]}
    classes = ["inetOrgPerson"]
    if mail is not None:
        attributes["mail"] = mail
    if posix_id is not None:
        classes.append("posixAccount")
        attributes |= {
            "uidNumber": posix_id,
            "gidNumber": posix_id,
            "homeDirectory": f"/home/{uid}",
        }
    return f"uid={uid},{PEOPLE}", classes, attributes


def _group(
    cn: str, members: Sequence[str], base: str = GROUP_BASE
) -> tuple[str, list[str], dict[str, object]]:
    rdn = cn.replace("\\", "\\\\")
    return f"cn={rdn},{base}", ["groupOfNames"], {"cn": cn, "member": list(members)}


def _seed() -> list[tuple[str, list[str], dict[str, object]]]:
    def person(uid: str) -> str:
        return f"uid={uid},{PEOPLE}"

    def group(cn: str) -> str:
        return f"cn={cn},{GROUP_BASE}"

    entries: list[tuple[str, list[str], dict[str, object]]] = [
        (BASE_DN, ["dcObject", "organization"], {"dc": "example", "o": "Example GmbH"}),
        *(
            (f"ou={ou},{BASE_DN}", ["organizationalUnit"], {"ou": ou})
            for ou in ("people", "groups", "projects", "system")
        ),
        (
            READER_DN,
            ["organizationalRole", "simpleSecurityObject"],
            {"cn": "reader", "userPassword": READER_PASSWORD},
        ),
        _person("anna", "Anna Müller", "anna.mueller@example.org"),
        _person("jurgen", "Jürgen Groß", "Juergen.Gross@EXAMPLE.org"),
        _person("zofia", "Zofia Łukasiewicz-Żółć", "zofia@example.org"),
        _person("pawel", "Paweł Wąs", "pawel@example.org", posix_id=2001),
        _person("karl", "Karl Ohnemail", None),
        _group("sales", [person("anna"), person("jurgen"), person("karl")]),
        (
            group("service"),
            ["groupOfUniqueNames"],
            {"cn": "service", "uniqueMember": [person("zofia"), f"{person('anna')}#'0101'B"]},
        ),
        (
            group("field"),
            ["posixGroup"],
            {"cn": "field", "gidNumber": 5000, "memberUid": ["pawel", "ANNA", "*", "ghost"]},
        ),
        _group(
            "all-staff",
            [
                group("sales"),
                group("service"),
                group("field"),
                "UID=Zofia, OU=People, DC=Example, DC=Org",
            ],
        ),
        _group("cycle-a", [group("cycle-b"), person("anna")]),
        _group("cycle-b", [group("cycle-a"), person("jurgen")]),
        _group("R&D (north) *\\ team", [person("jurgen")]),
        _group("special-parent", ["cn=R&D (north) *\\\\ team," + GROUP_BASE]),
        _group("dangling", [person("gone"), person("pawel")]),
        _group("apollo", [person("anna")], base=f"ou=projects,{BASE_DN}"),
    ]
    return entries


def _certificates(root: Path) -> Path:
    """A CA and a server certificate for the IP address 127.0.0.1; returns the CA file."""
    now = dt.datetime.now(dt.UTC)

    def certificate(
        subject: str,
        key: ec.EllipticCurvePrivateKey,
        issuer: x509.Name | None,
        signer: ec.EllipticCurvePrivateKey,
    ) -> x509.Certificate:
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
        builder = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(issuer or name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
        )
        if issuer is None:
            builder = builder.add_extension(
                x509.BasicConstraints(ca=True, path_length=None), critical=True
            ).add_extension(
                x509.KeyUsage(False, False, False, False, False, True, True, False, False),
                critical=True,
            )
        else:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False,
            ).add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
            )
        return builder.sign(signer, hashes.SHA256())

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = certificate("Dossier test CA", ca_key, None, ca_key)
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = certificate("127.0.0.1", server_key, ca.subject, ca_key)
    (root / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (root / "server.pem").write_bytes(server.public_bytes(serialization.Encoding.PEM))
    (root / "server.key").write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return root / "ca.pem"


def _start(root: Path) -> tuple[subprocess.Popen[bytes], LdapDirectory]:
    (root / "data").mkdir()
    ca_file = _certificates(root)
    config = root / "slapd.conf"
    config.write_text(
        _CONFIG.format(
            schema=SCHEMA_DIR,
            modules=MODULE_DIR,
            root=root,
            base=BASE_DN,
            admin=ADMIN_DN,
            admin_password=ADMIN_PASSWORD,
            size_limit=SIZE_LIMIT,
        )
    )
    port = free_port()
    tls_port = free_port()
    while tls_port == port:
        tls_port = free_port()
    url = f"ldap://127.0.0.1:{port}"
    ldaps_url = f"ldaps://127.0.0.1:{tls_port}"
    log = root / "slapd.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (a fixed binary with arguments made here)
            [str(SLAPD), "-f", str(config), "-h", f"{url}/ {ldaps_url}/", "-d", "0"],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 15
    while True:
        if process.poll() is not None:
            pytest.fail(f"slapd exited with {process.returncode}:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            if time.monotonic() > deadline:
                process.kill()
                process.wait()
                pytest.fail(f"slapd did not listen on {url} within 15 s:\n{log.read_text()}")
            time.sleep(0.05)
        else:
            return process, LdapDirectory(url=url, ldaps_url=ldaps_url, ca_file=ca_file, log=log)


@pytest.fixture(scope="session")
def ldap_directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LdapDirectory]:
    """A seeded OpenLDAP server of this session (see the module docstring)."""
    if not os.access(SLAPD, os.X_OK):
        pytest.fail(
            f"{SLAPD} is missing: the directory tests need a real OpenLDAP server "
            "(apt-get install slapd; ./dev test installs it)"
        )
    process, directory = _start(tmp_path_factory.mktemp("slapd"))
    try:
        with _admin(directory.url) as conn:
            for dn, classes, attributes in _seed():
                if not conn.add(dn, classes, attributes):
                    pytest.fail(f"slapd refused the seed entry {dn}: {conn.result}")
        yield directory
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
