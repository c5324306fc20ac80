"""Distinguished names (RFC 4514), compared the way directories compare them.

A directory answers ``uid=Anna,OU=People,dc=example,dc=org`` for an entry a group lists as
``uid=anna, ou=people, dc=example, dc=org``; both are the same DN. :func:`normalise_dn` gives every
spelling of a DN one canonical string: attribute types and values case-folded (values also
NFKC-normalised, with runs of spaces as one, as RFC 4518 prepares them), escapes resolved and
written back the one RFC 4514 way, the values of a multi-valued RDN sorted. Values are compared
case-insensitively, as ``cn``, ``ou``, ``dc`` and ``uid`` are.

Pure: no directory client, so the sync plan can compare DNs too.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["InvalidDn", "is_within", "normalise_dn", "rdn_value", "tidy_dn"]

_TYPE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9-]*|[0-9]+(?:\.[0-9]+)+)$")
_HEX = frozenset("0123456789abcdefABCDEF")
#: Characters RFC 4514 escapes anywhere in a value (a backslash is escaped first).
_SPECIAL = ('"', "+", ",", ";", "<", ">", "=")


class InvalidDn(ValueError):
    """The text is not a distinguished name."""


def _split(dn: str) -> list[list[tuple[str, str]]]:
    """RDNs (leaf first) of ``(type, raw value)`` pairs; separators inside escapes are kept."""
    rdns: list[list[tuple[str, str]]] = [[]]
    current: list[str] = []
    i = 0

    def close_ava() -> None:
        text = "".join(current)
        current.clear()
        kind, equals, value = text.partition("=")
        if not equals or not _TYPE.fullmatch(kind.strip()):
            raise InvalidDn(f"{dn!r} is not a distinguished name")
        rdns[-1].append((kind.strip(), value))

    while i < len(dn):
        char = dn[i]
        if char == "\\":
            if i + 1 >= len(dn):
                raise InvalidDn(f"{dn!r} ends in a lone backslash")
            current.append(dn[i : i + 2])
            i += 2
            continue
        if char in ",;+":
            close_ava()
            if char != "+":
                rdns.append([])
        else:
            current.append(char)
        i += 1
    close_ava()
    return rdns


def _unescape(raw: str, dn: str) -> str:
    value = raw.strip(" ")
    trimmed = raw.rstrip(" ")
    if raw != trimmed and (len(trimmed) - len(trimmed.rstrip("\\"))) % 2:
        value += " "  # an escaped trailing space belongs to the value
    out = bytearray()
    i = 0
    while i < len(value):
        char = value[i]
        if char != "\\":
            out += char.encode()
            i += 1
        elif value[i + 1 : i + 2] in _HEX and value[i + 2 : i + 3] in _HEX:
            out.append(int(value[i + 1 : i + 3], 16))
            i += 3
        else:
            out += value[i + 1 : i + 2].encode()
            i += 2
    try:
        return out.decode()
    except UnicodeDecodeError:
        raise InvalidDn(f"{dn!r} has an escape that is not UTF-8") from None


def _escape(value: str) -> str:
    escaped = value.replace("\\", "\\5c")
    for char in _SPECIAL:
        escaped = escaped.replace(char, f"\\{ord(char):02x}")
    escaped = escaped.replace("\x00", "\\00")
    if escaped.startswith((" ", "#")):
        escaped = f"\\{ord(escaped[0]):02x}{escaped[1:]}"
    if escaped.endswith(" "):
        escaped = f"{escaped[:-1]}\\20"
    return escaped


def _parts(dn: str) -> list[list[tuple[str, str]]]:
    if not dn.strip():
        raise InvalidDn("a distinguished name cannot be empty")
    return [
        sorted((kind.casefold(), _fold(_unescape(raw, dn))) for kind, raw in rdn)
        for rdn in _split(dn)
    ]


def _fold(value: str) -> str:
    # RFC 4518 in short: compatibility-normalised, case-folded, runs of spaces count as one.
    folded = unicodedata.normalize("NFKC", value).casefold()
    return " ".join(part for part in folded.split(" ") if part)


def normalise_dn(dn: str) -> str:
    """The canonical spelling of ``dn``; raises :class:`InvalidDn` when it is not one."""
    return ",".join(
        "+".join(f"{kind}={_escape(value)}" for kind, value in rdn) for rdn in _parts(dn)
    )


def tidy_dn(dn: str) -> str:
    """``dn`` with case and order kept, spaces around separators dropped and every value escaped
    the one RFC 4514 way: a spelling every server and client library accepts as a search base."""
    return ",".join(
        "+".join(f"{kind.strip()}={_escape(_unescape(raw, dn))}" for kind, raw in rdn)
        for rdn in _split(dn)
    )


def is_within(dn: str, base: str) -> bool:
    """Whether ``dn`` is ``base`` or below it (both canonical, from :func:`normalise_dn`)."""
    return dn == base or dn.endswith(f",{base}")


def rdn_value(dn: str) -> str:
    """The (first) value of the leaf RDN as written, unescaped: ``Sales`` for ``cn=Sales,ou=…``."""
    _, raw = _split(dn)[0][0]
    return _unescape(raw, dn)
