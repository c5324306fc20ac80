"""A directory group as read: the one type the reader and the sync plan share (no ldap3 here)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DirectoryGroup"]


@dataclass(frozen=True, slots=True)
class DirectoryGroup:
    """One directory group with its members resolved through nested groups.

    ``member_emails`` are lower-cased, unique and sorted: the first value of each member's mail
    attribute. ``members_without_email`` are the DNs of members that have none (reported, not
    imported); ``unresolved_members`` are member DNs that name no entry, and ``memberUid=…`` for
    uids that name none."""

    dn: str
    name: str
    member_emails: tuple[str, ...]
    members_without_email: tuple[str, ...] = ()
    unresolved_members: tuple[str, ...] = ()
