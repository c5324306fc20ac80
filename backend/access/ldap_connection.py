"""One bound, read-only ldap3 connection to a directory, and TLS that verifies host names.

Every failure to reach the directory, negotiate TLS or bind becomes :class:`DirectoryUnavailable`
whose message names the URL and the reason, never the password.
"""

from __future__ import annotations

import math
import re
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import ldap3
from ldap3.core.exceptions import LDAPException

from backend.errors import DirectoryUnavailable
from backend.settings import DirectorySettings

__all__ = ["VerifyingTls", "connect", "outcome"]

_TUPLE_REPR = re.compile(r"""\((['"])(.*)\1,\)""", re.DOTALL)


@contextmanager
def connect(settings: DirectorySettings) -> Iterator[ldap3.Connection]:
    """A bound connection that refuses writes; closed (and its socket too) when the block ends.

    ldap3 errors and socket errors raised inside the block become DirectoryUnavailable as well."""
    secure = settings.start_tls or settings.url.lower().startswith("ldaps://")
    conn: ldap3.Connection | None = None
    try:
        tls = _tls(settings) if secure else None
        server = ldap3.Server(
            settings.url,
            get_info=ldap3.NONE,
            connect_timeout=settings.timeout_seconds,
            tls=tls,
        )
        conn = ldap3.Connection(
            server,
            user=settings.bind_dn,
            password=settings.bind_password,
            read_only=True,
            auto_referrals=False,
            raise_exceptions=False,
            receive_timeout=math.ceil(settings.timeout_seconds),  # ldap3 packs it as an integer
        )
        conn.open()
        if settings.start_tls and not conn.start_tls():
            raise DirectoryUnavailable(settings.url, f"StartTLS failed: {outcome(conn)}")
        if not conn.bind():
            who = settings.bind_dn or "anonymous"
            raise DirectoryUnavailable(settings.url, f"the bind as {who} failed: {outcome(conn)}")
        yield conn
    except (LDAPException, OSError) as exc:
        # Not chained: some ldap3 messages embed the connection, whose repr shows the password.
        raise DirectoryUnavailable(settings.url, _reason(exc, settings)) from None
    finally:
        if conn is not None:
            _close(conn)


def _close(conn: ldap3.Connection) -> None:
    if not conn.closed:
        with suppress(LDAPException, OSError):  # a broken connection; its error is on its way
            conn.unbind()
    leftover: socket.socket | None = getattr(conn, "socket", None)
    if leftover is not None:  # ldap3 keeps the socket of a connect that failed
        leftover.close()


class VerifyingTls(ldap3.Tls):
    """TLS whose certificate chain and host name the standard library verifies.

    ldap3 turns the context's host name check off and checks with ``ssl.match_hostname``
    (deprecated since Python 3.7, gone in 3.12); this does what ``ssl`` does for HTTPS."""

    def __init__(self, ca_file: str | None) -> None:
        super().__init__(validate=ssl.CERT_REQUIRED)
        # With a CA file, only those CAs are trusted; without one, the system's.
        self.context = ssl.create_default_context(cafile=ca_file)

    def wrap_socket(self, connection: ldap3.Connection, do_handshake: bool = False) -> None:
        connection.socket = self.context.wrap_socket(
            connection.socket,
            server_hostname=connection.server.host,
            do_handshake_on_connect=do_handshake,
        )


def _tls(settings: DirectorySettings) -> VerifyingTls:
    try:
        return VerifyingTls(settings.ca_file)
    except OSError as exc:  # ssl.SSLError included
        reason = f"the CA file {settings.ca_file} cannot be used ({exc.strerror or exc})"
        raise DirectoryUnavailable(settings.url, reason) from None


def outcome(conn: ldap3.Connection) -> str:
    result = conn.result or {}
    description = result.get("description") or "no answer"
    message = result.get("message") or ""
    return f"{description} ({message})" if message else str(description)


def _reason(exc: Exception, settings: DirectorySettings) -> str:
    text = str(exc)
    # ldap3 nests messages in tuple reprs: ("('socket ssl wrapping error: …',)",)
    while unwrapped := _TUPLE_REPR.fullmatch(text):
        text = unwrapped.group(2).replace("\\'", "'").replace('\\"', '"')
    reason = f"{type(exc).__name__}: {text}"
    if settings.bind_password:
        reason = reason.replace(settings.bind_password, "***")
    return reason
