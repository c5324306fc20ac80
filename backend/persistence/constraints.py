"""Recognising unique-constraint violations on both engines, by the name of the unique index."""

from __future__ import annotations

import sqlite3

import asyncpg

__all__ = ["violates_unique"]


def violates_unique(exc: BaseException, index: str, columns: tuple[str, ...]) -> bool:
    """True if ``exc`` is a unique violation of ``index`` (PostgreSQL names the index; SQLite names
    the ``table.column`` list instead, given here as ``columns``)."""
    if isinstance(exc, asyncpg.UniqueViolationError):
        return getattr(exc, "constraint_name", None) == index
    if isinstance(exc, sqlite3.IntegrityError):
        return "UNIQUE constraint failed: " + ", ".join(columns) in str(exc)
    return False
