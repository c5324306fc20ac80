"""Checking what criteria refer to against the tenant: document types, registers, customers and the
index fields of the chosen types.

A malformed id, an id of another tenant and a customer the user may not read all answer the same
``unknown_*`` code (docs/adr/0002). Index conditions and an index sort must name a field of one of
the chosen document types (of any type of the tenant when none is chosen), and their values must
suit that field's type.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace

from backend.documents.indexing import normalise_filter
from backend.documents.models import DocumentType, IndexFilter
from backend.errors import FieldIssue, ValidationFailed
from backend.fields import FieldDef
from backend.search.criteria import SearchCriteria, SortKey

__all__ = ["ViewCatalog", "check_references", "normalise"]

_BOUND_NAMES = {"equals": "equals", "minimum": "min", "maximum": "max"}


@dataclass(frozen=True, slots=True)
class ViewCatalog:
    """What the criteria may name: the tenant's types and registers, and of the customers the
    criteria name, those the user may read."""

    document_types: Sequence[DocumentType]
    register_ids: frozenset[str]
    readable_customer_ids: frozenset[str]


def _canonical(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return value  # stays unknown


def _unique(values: tuple[str, ...], canonical: bool = True) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        seen[_canonical(value) if canonical else value] = None
    return tuple(seen)


def normalise(criteria: SearchCriteria) -> SearchCriteria:
    """Text stripped, ids in canonical form, repeated ids and statuses once."""
    return replace(
        criteria,
        text=criteria.text.strip(),
        customer_ids=_unique(criteria.customer_ids),
        document_type_ids=_unique(criteria.document_type_ids),
        register_ids=_unique(criteria.register_ids),
        statuses=_unique(criteria.statuses, canonical=False),
    )


def _unknown(ids: tuple[str, ...], known: frozenset[str], path: str, code: str) -> list[FieldIssue]:
    return [
        FieldIssue(f"{path}.{i}", code, "no such id") for i, v in enumerate(ids) if v not in known
    ]


def _fields(criteria: SearchCriteria, catalog: ViewCatalog) -> dict[str, list[FieldDef]]:
    chosen = set(criteria.document_type_ids)
    fields: dict[str, list[FieldDef]] = {}
    for doc_type in catalog.document_types:
        if not chosen or doc_type.id in chosen:
            for fd in doc_type.fields:
                fields.setdefault(fd.key, []).append(fd)
    return fields


def check_references(
    criteria: SearchCriteria, catalog: ViewCatalog, path: str = "criteria"
) -> list[FieldIssue]:
    """Every reference of (normalised) ``criteria`` that the tenant does not know."""
    type_ids = frozenset(t.id for t in catalog.document_types)
    issues = [
        *_unknown(
            criteria.document_type_ids, type_ids, f"{path}.documentTypeIds", "unknown_document_type"
        ),
        *_unknown(
            criteria.register_ids, catalog.register_ids, f"{path}.registerIds", "unknown_register"
        ),
        *_unknown(
            criteria.customer_ids,
            catalog.readable_customer_ids,
            f"{path}.customerIds",
            "unknown_customer",
        ),
    ]
    fields = _fields(criteria, catalog)
    for i, condition in enumerate(criteria.index):
        where = f"{path}.index.{i}"
        defs = fields.get(condition.field)
        if not defs:
            issues.append(
                FieldIssue(f"{where}.field", "unknown_field", "no index field of the chosen types")
            )
            continue
        for fd in defs:
            found = _condition_issues(
                fd, condition.equals, condition.minimum, condition.maximum, where
            )
            if found:
                issues.extend(found)
                break
    sort_field = criteria.sort.index_field
    if criteria.sort.key is SortKey.INDEX and sort_field and sort_field not in fields:
        issues.append(
            FieldIssue(
                f"{path}.sort.indexField", "unknown_field", "no index field of the chosen types"
            )
        )
    return issues


def _condition_issues(
    fd: FieldDef, equals: object, minimum: object, maximum: object, where: str
) -> list[FieldIssue]:
    """The problems of one condition's values for ``fd``, under the condition's own path."""
    try:
        normalise_filter({fd.key: fd}, IndexFilter(fd.key, equals, minimum, maximum))
    except ValidationFailed as exc:
        found = []
        for issue in exc.issues:
            last = issue.field.rsplit(".", 1)[-1]
            suffix = f".{_BOUND_NAMES[last]}" if last in _BOUND_NAMES else ""
            found.append(FieldIssue(f"{where}{suffix}", issue.code, issue.message))
        return found
    return []
