"""The directory tests need the session's OpenLDAP server, and no database."""

from __future__ import annotations

from tests.ldap_server import ldap_directory

__all__ = ["ldap_directory"]
