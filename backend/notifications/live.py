"""Live updates for open apps: "a document was added to customer X" as it happens.

The ``notify.document`` job publishes a :class:`LiveEvent` on one bus channel per installation.
On PostgreSQL that is ``pg_notify`` on the database connection the job already uses, so every
server process hears it (each listens on a dedicated connection; pooled connections are never
used for ``LISTEN``); on SQLite (one process) the event goes to the servers attached to the
runtime's :class:`LiveHub`. The bus carries ids only and is never shown to clients as it is:
each subscriber's server decides with :func:`visible_to` (``can`` with the user's current
grants) what its client sees.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from backend.access.policy import Action, Principal, Resource, can

__all__ = ["LIVE_CHANNEL", "LiveEvent", "LiveHub", "visible_to"]

LIVE_CHANNEL = "dossier_documents"


@dataclass(frozen=True, slots=True)
class LiveEvent:
    tenant_id: str
    event: str
    document_id: str
    customer_id: str
    document_type_id: str
    register_ids: tuple[str, ...]
    version_id: str | None = None

    def encode(self) -> str:
        return json.dumps(
            {
                "t": self.tenant_id,
                "e": self.event,
                "d": self.document_id,
                "c": self.customer_id,
                "k": self.document_type_id,
                "r": list(self.register_ids),
                "v": self.version_id,
            },
            separators=(",", ":"),
        )

    @classmethod
    def decode(cls, data: bytes | str) -> LiveEvent | None:
        try:
            raw = json.loads(data)
            return cls(
                tenant_id=str(raw["t"]),
                event=str(raw["e"]),
                document_id=str(raw["d"]),
                customer_id=str(raw["c"]),
                document_type_id=str(raw["k"]),
                register_ids=tuple(str(r) for r in raw["r"]),
                version_id=None if raw.get("v") is None else str(raw["v"]),
            )
        except (ValueError, KeyError, TypeError):
            return None


def visible_to(principal: Principal, event: LiveEvent) -> bool:
    return can(
        principal,
        Action.READ,
        Resource(
            event.tenant_id,
            customer_id=event.customer_id,
            document_type_id=event.document_type_id,
            register_ids=frozenset(event.register_ids),
            document_id=event.document_id,
        ),
    )


class LiveHub:
    """The servers of this process that want live events (embedded mode)."""

    def __init__(self) -> None:
        self._sinks: list[Callable[[str], None]] = []

    def attach(self, sink: Callable[[str], None]) -> Callable[[], None]:
        """Add ``sink``; return what detaches it again."""
        self._sinks.append(sink)
        return lambda: self._sinks.remove(sink)

    def deliver(self, data: str) -> None:
        for sink in list(self._sinks):
            sink(data)
