from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Register", "RegisterCount"]


@dataclass(frozen=True, slots=True)
class Register:
    """A tab of every dossier of a tenant (Correspondence, Offers, …).

    ``parent_id`` makes the register tree."""

    id: str
    tenant_id: str
    key: str
    name: str
    parent_id: str | None
    position: int


@dataclass(frozen=True, slots=True)
class RegisterCount:
    register_id: str
    count: int
