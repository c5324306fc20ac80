"""The SQL form of :class:`~backend.access.policy.Visibility`: one condition on a document row.

A listing adds this condition to its own query, so that a page and its counts cost the same number
of statements with or without scoped grants, and show exactly what ``can`` allows.
"""

from __future__ import annotations

from typing import Any

from backend.access.policy import Visibility
from backend.persistence.sql import in_list

__all__ = ["customer_condition", "document_condition"]


def document_condition(
    visible: Visibility, alias: str = "d", id_column: str = "id"
) -> tuple[str, list[Any]]:
    """``(sql, args)`` true for the rows of ``document`` (as ``alias``) in ``visible``; also for
    rows that repeat a document's customer and type and name it in ``id_column`` (search entries).

    Only fixed identifiers are interpolated; every id is a bound parameter."""
    if visible.everything:
        return "1 = 1", []
    parts: list[str] = []
    args: list[Any] = []
    for column, ids in (
        ("customer", visible.customers),
        ("document_type", visible.document_types),
        (id_column, visible.documents),
    ):
        if ids:
            values = sorted(ids)
            parts.append(f"{alias}.{column} IN ({in_list(values)})")
            args += values
    if visible.registers:
        values = sorted(visible.registers)
        parts.append(
            f"EXISTS (SELECT 1 FROM document_register vr WHERE vr.document = {alias}.{id_column} "
            f"AND vr.register IN ({in_list(values)}))"
        )
        args += values
    if not parts:
        return "1 = 0", []
    return "(" + " OR ".join(parts) + ")", args


def customer_condition(visible: Visibility, alias: str = "c") -> tuple[str, list[Any]]:
    """True for customers in ``visible``.

    Grants on a register or a document type reach across customers ("all complaints"), so they
    show every customer's cover sheet; a customer grant shows that customer; a document grant shows
    the customer of that document."""
    if visible.everything or visible.registers or visible.document_types:
        return "1 = 1", []
    parts: list[str] = []
    args: list[Any] = []
    if visible.customers:
        values = sorted(visible.customers)
        parts.append(f"{alias}.id IN ({in_list(values)})")
        args += values
    if visible.documents:
        values = sorted(visible.documents)
        parts.append(
            f"EXISTS (SELECT 1 FROM document vd WHERE vd.customer = {alias}.id "
            f"AND vd.tenant = {alias}.tenant AND vd.status <> 'deleted' "
            f"AND vd.id IN ({in_list(values)}))"
        )
        args += values
    if not parts:
        return "1 = 0", []
    return "(" + " OR ".join(parts) + ")", args
