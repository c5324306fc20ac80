"""The plan that brings Dossier groups in line with directory groups: a pure function.

:func:`plan_sync` gets the mappings (directory group DN → Dossier group key), the directory groups
read for them, the tenant's groups and its users by e-mail; it returns what to create, add and
remove, and what could not be matched. It does no I/O: the caller reads the directory
(:func:`backend.access.directory.read_groups`), loads the groups and applies the plan in one
transaction.

Invariants:

- Only memberships that came from the directory are ever removed; manual members of a group are
  never touched, and a user who is a manual member gets no second, directory membership.
- Members are matched to users by e-mail, case-insensitively; unmatched addresses are reported.
- A mapping never takes over a manual group, a group of another directory DN, or a DN already
  imported under another key: those are refused as ``ValidationFailed`` before anything is planned.
- Groups that no mapping names are left alone. Applying a plan and planning again gives an empty
  plan. Every list in the plan is sorted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from backend.access.directory_group import DirectoryGroup
from backend.access.dn import InvalidDn, normalise_dn
from backend.errors import FieldIssue, ValidationFailed

__all__ = [
    "GROUP_KEY",
    "DirectoryGroup",
    "ExistingGroup",
    "GroupMapping",
    "Membership",
    "NewGroup",
    "SyncPlan",
    "check_mappings",
    "plan_sync",
]

#: A Dossier group key: lower-case letters, digits and hyphens, 1–63 characters.
GROUP_KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


@dataclass(frozen=True, slots=True)
class GroupMapping:
    """One directory group → one Dossier group, created when missing."""

    directory_dn: str
    group_key: str


@dataclass(frozen=True, slots=True)
class ExistingGroup:
    """A Dossier group of the tenant as stored."""

    id: str
    key: str
    name: str
    source_dn: str | None
    """The directory group it was imported from; ``None`` for a group made in Dossier."""

    member_user_ids: frozenset[str]
    """Members whose membership came from the directory (source ``directory``): the only ones a sync
    adds to or removes from."""

    manual_member_user_ids: frozenset[str] = field(default_factory=frozenset)
    """Members added in Dossier: never removed, and never given a directory membership too."""


class NewGroup(NamedTuple):
    key: str
    name: str
    dn: str


class Membership(NamedTuple):
    group_key: str
    user_id: str


@dataclass(frozen=True, slots=True)
class SyncPlan:
    create_groups: tuple[NewGroup, ...]
    """Groups to create with their source DN (as the directory spells it), by key."""

    add_members: tuple[Membership, ...]
    """Directory memberships to add, by group key and user id."""

    remove_members: tuple[Membership, ...]
    """Directory memberships to remove, by group key and user id."""

    unknown_emails: tuple[str, ...]
    """Members' addresses that no Dossier user of the tenant has."""

    members_without_email: tuple[str, ...]
    """DNs of members without an e-mail address in the directory."""

    unresolved_members: tuple[str, ...]
    """Member references that name no directory entry."""

    @property
    def changes_nothing(self) -> bool:
        return not (self.create_groups or self.add_members or self.remove_members)


def check_mappings(mappings: Sequence[GroupMapping]) -> list[FieldIssue]:
    """What is wrong with the mappings on their own (before the directory is asked).

    Codes: ``required`` (no mapping), ``invalid_dn``, ``invalid_key``, ``duplicate_dn`` (a DN
    mapped twice, compared as directories compare DNs) and ``duplicate_key`` (two DNs, one key);
    the later of two duplicates carries the issue."""
    if not mappings:
        return [FieldIssue("mappings", "required", "map at least one directory group")]
    issues: list[FieldIssue] = []
    seen_dns: dict[str, int] = {}
    seen_keys: dict[str, int] = {}
    for index, mapping in enumerate(mappings):
        where = f"mappings[{index}]"
        try:
            dn = normalise_dn(mapping.directory_dn)
        except InvalidDn as exc:
            issues.append(FieldIssue(f"{where}.directoryDn", "invalid_dn", str(exc)))
        else:
            if dn in seen_dns:
                issues.append(
                    FieldIssue(
                        f"{where}.directoryDn",
                        "duplicate_dn",
                        f"the directory group is mapped already by mappings[{seen_dns[dn]}]",
                    )
                )
            seen_dns.setdefault(dn, index)
        if not GROUP_KEY.fullmatch(mapping.group_key):
            issues.append(
                FieldIssue(
                    f"{where}.groupKey",
                    "invalid_key",
                    "1–63 lower-case letters, digits and hyphens, not starting with a hyphen",
                )
            )
        elif mapping.group_key in seen_keys:
            issues.append(
                FieldIssue(
                    f"{where}.groupKey",
                    "duplicate_key",
                    f"the key is mapped already by mappings[{seen_keys[mapping.group_key]}]",
                )
            )
        seen_keys.setdefault(mapping.group_key, index)
    return issues


def plan_sync(
    mappings: Sequence[GroupMapping],
    groups: Sequence[DirectoryGroup],
    existing: Sequence[ExistingGroup],
    user_ids_by_email: Mapping[str, str],
) -> SyncPlan:
    """The changes that make each mapped Dossier group's directory members those of its group.

    ``groups`` must hold a group for every mapping (read them with the mappings' DNs); a missing
    one is a programming error (``ValueError``). Raises :class:`ValidationFailed` with the issues of
    :func:`check_mappings`, and these conflicts with existing groups, on ``mappings[i].groupKey``:
    ``manual_group`` (the key is a group made in Dossier) and ``other_directory_group`` (the key
    was imported from another DN); on ``mappings[i].directoryDn``: ``imported_as_other_key`` (the
    DN was imported under another key)."""
    issues = check_mappings(mappings)
    if issues:
        raise ValidationFailed(issues)
    read = {normalise_dn(group.dn): group for group in groups}
    by_key = {group.key: group for group in existing}
    by_source = {_dn_or_none(g.source_dn): g for g in existing if g.source_dn is not None}
    users = _users_by_email(user_ids_by_email)

    create: list[NewGroup] = []
    add: list[Membership] = []
    remove: list[Membership] = []
    unknown: set[str] = set()
    without_email: set[str] = set()
    unresolved: set[str] = set()
    for index, mapping in enumerate(mappings):
        dn = normalise_dn(mapping.directory_dn)
        directory_group = read.get(dn)
        if directory_group is None:
            raise ValueError(f"no directory group was read for {mapping.directory_dn!r}")
        current = by_key.get(mapping.group_key)
        issue = _conflict(index, mapping, dn, current, by_source.get(dn))
        if issue is not None:
            issues.append(issue)
            continue
        wanted = {users[e] for e in directory_group.member_emails if e in users}
        unknown.update(e for e in directory_group.member_emails if e not in users)
        without_email.update(directory_group.members_without_email)
        unresolved.update(directory_group.unresolved_members)
        if current is None:
            create.append(NewGroup(mapping.group_key, directory_group.name, directory_group.dn))
            had, manual = frozenset[str](), frozenset[str]()
        else:
            had, manual = current.member_user_ids, current.manual_member_user_ids
        add += (Membership(mapping.group_key, u) for u in wanted - had - manual)
        remove += (Membership(mapping.group_key, u) for u in had - wanted)
    if issues:
        raise ValidationFailed(issues)
    return SyncPlan(
        create_groups=tuple(sorted(create)),
        add_members=tuple(sorted(add)),
        remove_members=tuple(sorted(remove)),
        unknown_emails=tuple(sorted(unknown)),
        members_without_email=tuple(sorted(without_email)),
        unresolved_members=tuple(sorted(unresolved)),
    )


def _conflict(
    index: int,
    mapping: GroupMapping,
    dn: str,
    current: ExistingGroup | None,
    imported: ExistingGroup | None,
) -> FieldIssue | None:
    where = f"mappings[{index}]"
    if current is not None and current.source_dn is None:
        return FieldIssue(
            f"{where}.groupKey",
            "manual_group",
            f"{mapping.group_key!r} is a group made in Dossier; choose a new key",
        )
    if current is not None and _dn_or_none(current.source_dn) != dn:
        return FieldIssue(
            f"{where}.groupKey",
            "other_directory_group",
            f"{mapping.group_key!r} was imported from {current.source_dn!r}",
        )
    if imported is not None and imported.key != mapping.group_key:
        return FieldIssue(
            f"{where}.directoryDn",
            "imported_as_other_key",
            f"the directory group was imported as {imported.key!r}",
        )
    return None


def _dn_or_none(dn: str | None) -> str | None:
    if dn is None:
        return None
    try:
        return normalise_dn(dn)
    except InvalidDn:
        return None


def _users_by_email(user_ids_by_email: Mapping[str, str]) -> dict[str, str]:
    """Addresses lower-cased; should two users differ only in case, the first in order wins."""
    users: dict[str, str] = {}
    for email, user_id in sorted(user_ids_by_email.items()):
        users.setdefault(email.strip().lower(), user_id)
    return users
