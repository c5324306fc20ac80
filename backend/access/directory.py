"""Groups and their members, read from an LDAP directory (OpenLDAP, Active Directory, 389 DS).

:func:`read_groups` is synchronous (ldap3); callers run it with ``asyncio.to_thread``. It only
binds, searches and unbinds: the directory is never written.

Members come from ``member`` (groupOfNames, Active Directory's group), ``uniqueMember``
(groupOfUniqueNames) and ``memberUid`` (posixGroup: a uid, looked up below the directory's naming
context). A member that lists members itself is a group, followed to any depth; a cycle of groups
ends where it closes. Lookups are batched: one search per chunk of DNs (an OR filter on
``entryDN``, or ``distinguishedName`` on Active Directory) or of uids, every value escaped. A DN no
batch found is read once more by itself before it counts as dangling, so a server that knows
neither attribute is slower, never wrong. Every search is paged: servers cap one answer's entries.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import ldap3
from ldap3.utils.conv import escape_filter_chars

from backend.access.directory_group import DirectoryGroup
from backend.access.dn import InvalidDn, is_within, normalise_dn, rdn_value, tidy_dn
from backend.access.ldap_connection import connect, outcome
from backend.errors import (
    DirectoryGroupNotFound,
    DirectoryNotConfigured,
    DirectoryUnavailable,
    FieldIssue,
    ValidationFailed,
)
from backend.settings import DirectorySettings

__all__ = [
    "LOOKUP_CHUNK",
    "PAGE_SIZE",
    "DirectoryGroup",
    "DirectorySettings",
    "directory_reader",
    "read_groups",
]

#: DNs or uids per lookup search (one OR filter each).
LOOKUP_CHUNK = 50
#: Entries per page of a search; below Active Directory's default MaxPageSize of 1,000.
PAGE_SIZE = 500

_GROUP_CLASSES = frozenset({"groupofnames", "groupofuniquenames", "posixgroup", "group"})
_PAGED_RESULTS = "1.2.840.113556.1.4.319"
_ACTIVE_DIRECTORY = "1.2.840.113556.1.4.800"
_NO_SUCH_OBJECT = 32
_Scope = Literal["BASE", "SUBTREE"]
#: The optional bit-string UID of a uniqueMember value (``dn#'0101'B``, RFC 4517).
_UNIQUE_ID = re.compile(r"#'[01]*'B$")


@dataclass(frozen=True, slots=True)
class _Entry:
    dn: str
    name: str
    is_group: bool
    email: str | None
    member_dns: tuple[str, ...]
    member_uids: tuple[str, ...]
    uids: tuple[str, ...]


def directory_reader(
    settings: DirectorySettings | None,
) -> Callable[[Sequence[str]], Awaitable[list[DirectoryGroup]]]:
    """:func:`read_groups` for the event loop (ldap3 blocks: it runs in a worker thread);
    raises :class:`DirectoryNotConfigured` when it is called without settings."""

    async def read(dns: Sequence[str]) -> list[DirectoryGroup]:
        if settings is None:
            raise DirectoryNotConfigured()
        return await asyncio.to_thread(read_groups, settings, dns)

    return read


def read_groups(
    settings: DirectorySettings, dns: Sequence[str] | None = None
) -> list[DirectoryGroup]:
    """Every group under the group base (``dns=None``, sorted by name), or exactly the groups
    ``dns`` names, in that order (repeats once).

    Raises :class:`ValidationFailed` for unusable settings or DNs (fields ``url``, ``groupBase``,
    ``dns[2]`` …), :class:`DirectoryGroupNotFound` for a DN that is not a group under the group base
    and :class:`DirectoryUnavailable` when the directory cannot be reached, refuses the bind or TLS,
    fails a search or does not answer in time."""
    issues = settings.issues()
    if dns is not None and not issues:
        issues = _dn_issues(dns, settings.group_base)
    if issues:
        raise ValidationFailed(issues)
    with connect(settings) as conn:
        reader = _Reader(conn, settings)
        if dns is None:
            roots = reader.groups()
            roots.sort(key=lambda e: (e.name.casefold(), normalise_dn(e.dn)))
        else:
            unique: dict[str, str] = {}
            for dn in dns:
                unique.setdefault(normalise_dn(dn), dn)
            roots = [reader.group(dn) for dn in unique.values()]
        reader.resolve(roots)
        return [reader.group_of(root) for root in roots]


def _dn_issues(dns: Sequence[str], group_base: str) -> list[FieldIssue]:
    base = normalise_dn(group_base)
    issues: list[FieldIssue] = []
    for index, dn in enumerate(dns):
        try:
            inside = is_within(normalise_dn(dn), base)
        except InvalidDn as exc:
            issues.append(FieldIssue(f"dns[{index}]", "invalid_dn", str(exc)))
            continue
        if not inside:
            issues.append(
                FieldIssue(
                    f"dns[{index}]", "outside_group_base", f"{dn!r} is not under {group_base!r}"
                )
            )
    return issues


def _values(attributes: Mapping[str, Any], name: str) -> list[str]:
    value = attributes.get(name)
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), LOOKUP_CHUNK):
        yield items[start : start + LOOKUP_CHUNK]


class _Reader:
    """Searches of one connection, and the entries they found by canonical DN."""

    def __init__(self, conn: ldap3.Connection, settings: DirectorySettings) -> None:
        self.conn = conn
        self.settings = settings
        self.attributes = sorted(
            {"objectClass", "cn", "uid", "member", "uniqueMember", "memberUid"}
            | {settings.mail_attribute}
        )
        self.entries: dict[str, _Entry | None] = {}
        self.by_uid: dict[str, list[str]] = {}
        self.context, self.dn_attribute = self._root_dse()

    # --- searching -------------------------------------------------------------------------

    def search(self, base: str, search_filter: str, scope: _Scope) -> list[_Entry] | None:
        """All entries (every page); ``None`` when ``base`` does not exist."""
        found: list[_Entry] = []
        cookie: bytes | None = None
        while True:
            self.conn.search(
                base,
                search_filter,
                search_scope=scope,
                attributes=self.attributes,
                paged_size=None if scope == "BASE" else PAGE_SIZE,
                paged_cookie=cookie,
            )
            result = self.conn.result or {}
            if result.get("result") == _NO_SUCH_OBJECT:
                return None
            if result.get("result") != 0:
                raise DirectoryUnavailable(
                    self.settings.url, f"the search under {base!r} failed: {outcome(self.conn)}"
                )
            found.extend(
                self._entry(item)
                for item in self.conn.response or []
                if item.get("type") == "searchResEntry"
            )
            control = (result.get("controls") or {}).get(_PAGED_RESULTS) or {}
            cookie = (control.get("value") or {}).get("cookie") or None
            if not cookie:
                return found

    def _entry(self, item: Mapping[str, Any]) -> _Entry:
        attributes: Mapping[str, Any] = item["attributes"]  # ldap3: case-insensitive keys
        dn = str(item["dn"])
        classes = {c.casefold() for c in _values(attributes, "objectClass")}
        names = _values(attributes, "cn")
        mails = [m.strip().lower() for m in _values(attributes, self.settings.mail_attribute)]
        member_dns = (
            *_values(attributes, "member"),
            *(_UNIQUE_ID.sub("", v) for v in _values(attributes, "uniqueMember")),
        )
        member_uids = tuple(_values(attributes, "memberUid"))
        return _Entry(
            dn=dn,
            name=names[0] if names else rdn_value(dn),
            # Whatever lists members is followed, whatever its object class.
            is_group=bool(classes & _GROUP_CLASSES or member_dns or member_uids),
            email=mails[0] if mails and mails[0] else None,
            member_dns=member_dns,
            member_uids=member_uids,
            uids=tuple(_values(attributes, "uid")),
        )

    def _root_dse(self) -> tuple[str, str]:
        """The naming context holding the group base, and the attribute that holds a DN."""
        self.conn.search(
            "",
            "(objectClass=*)",
            search_scope="BASE",
            attributes=["namingContexts", "supportedCapabilities"],
        )
        base = normalise_dn(self.settings.group_base)
        contexts: list[str] = []
        capabilities: list[str] = []
        for item in self.conn.response or []:
            if item.get("type") == "searchResEntry":
                attributes = item["attributes"]
                contexts = _values(attributes, "namingContexts")
                capabilities = _values(attributes, "supportedCapabilities")
        inside = [c for c in contexts if c and is_within(base, normalise_dn(c))]
        context = max(inside, key=len) if inside else _domain_of(self.settings.group_base)
        return context, "distinguishedName" if _ACTIVE_DIRECTORY in capabilities else "entryDN"

    # --- groups ------------------------------------------------------------------------------

    def groups(self) -> list[_Entry]:
        found = self.search(self.settings.group_base, self.settings.group_filter, "SUBTREE")
        if found is None:
            raise DirectoryUnavailable(
                self.settings.url, f"the group base {self.settings.group_base!r} does not exist"
            )
        return [self._remember(replace(entry, is_group=True)) for entry in found]

    def group(self, dn: str) -> _Entry:
        found = self.search(tidy_dn(dn), self.settings.group_filter, "BASE")
        if not found:
            raise DirectoryGroupNotFound(dn)
        return self._remember(replace(found[0], is_group=True))

    def _remember(self, entry: _Entry) -> _Entry:
        key = _key(entry.dn)
        if key is not None:
            self.entries[key] = entry
        return entry

    # --- members -----------------------------------------------------------------------------

    def resolve(self, roots: Iterable[_Entry]) -> None:
        """Look up every member of ``roots`` and of the groups nested in them, batch by batch."""
        frontier = [entry for entry in roots if entry.is_group]
        while frontier:
            dns: dict[str, str] = {}
            uids: dict[str, str] = {}
            for group in frontier:
                for dn in group.member_dns:
                    key = _key(dn)
                    if key is not None and key not in self.entries:
                        dns.setdefault(key, dn)
                for uid in group.member_uids:
                    if uid.casefold() not in self.by_uid:
                        uids.setdefault(uid.casefold(), uid)
            found = self._by_dn(dns) + self._by_uid(list(uids.values()))
            frontier = [entry for entry in found if entry.is_group]

    def _by_dn(self, dns: dict[str, str]) -> list[_Entry]:
        found: list[_Entry] = []
        for chunk in _chunks(list(dns)):
            terms = "".join(
                f"({self.dn_attribute}={escape_filter_chars(dns[key])})" for key in chunk
            )
            found += self.search(self.context, f"(|{terms})", "SUBTREE") or []
        for entry in found:
            self._remember(entry)
        for key, dn in dns.items():
            if key not in self.entries:  # not found in a batch: a server without the attribute?
                alone = self.search(tidy_dn(dn), "(objectClass=*)", "BASE")
                if alone:
                    self._remember(alone[0])
                    found.append(alone[0])
                else:
                    self.entries[key] = None
        return found

    def _by_uid(self, uids: list[str]) -> list[_Entry]:
        found: list[_Entry] = []
        for chunk in _chunks(uids):
            terms = "".join(f"(uid={escape_filter_chars(uid)})" for uid in chunk)
            found += self.search(self.context, f"(|{terms})", "SUBTREE") or []
        for uid in uids:
            self.by_uid.setdefault(uid.casefold(), [])
        for entry in found:
            self._remember(entry)
            for uid in entry.uids:
                if uid.casefold() in self.by_uid:
                    self.by_uid[uid.casefold()].append(normalise_dn(entry.dn))
        return found

    def group_of(self, root: _Entry) -> DirectoryGroup:
        """The members of ``root``, through nested groups, each group visited once."""
        emails: set[str] = set()
        without_email: dict[str, str] = {}
        unresolved: set[str] = set()
        visited = {normalise_dn(root.dn)}
        stack = [root]
        while stack:
            group = stack.pop()
            members: list[tuple[str, str | None]] = [(dn, _key(dn)) for dn in group.member_dns]
            for uid in group.member_uids:
                keys = self.by_uid.get(uid.casefold()) or []
                members += [(uid, key) for key in keys] or [(f"memberUid={uid}", None)]
            for label, key in members:
                entry = self.entries.get(key) if key is not None else None
                if key is None or entry is None:
                    unresolved.add(label)
                elif entry.is_group:
                    if key not in visited:
                        visited.add(key)
                        stack.append(entry)
                elif entry.email:
                    emails.add(entry.email)
                else:
                    without_email.setdefault(key, entry.dn)
        return DirectoryGroup(
            dn=root.dn,
            name=root.name,
            member_emails=tuple(sorted(emails)),
            members_without_email=tuple(sorted(without_email.values(), key=normalise_dn)),
            unresolved_members=tuple(sorted(unresolved)),
        )


def _key(dn: str) -> str | None:
    try:
        return normalise_dn(dn)
    except InvalidDn:
        return None


def _domain_of(dn: str) -> str:
    """The ``dc=`` tail of ``dn`` (``dc=example,dc=org``), or ``dn`` itself when it has none."""
    parts = [part.strip() for part in re.split(r"(?<!\\),", dn)]
    tail: list[str] = []
    for part in reversed(parts):
        if not part.lower().startswith("dc="):
            break
        tail.insert(0, part)
    return ",".join(tail) or dn
