"""CSV export of the audit trail (newest first), for users with the audit right."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from typing import Any

from litestar import Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Stream

from backend.errors import ValidationFailed
from backend.http.auth import require_principal
from backend.ids import parse_id
from backend.runtime import Runtime

__all__ = ["audit_routes"]

COLUMNS = (
    "seq",
    "occurred_at",
    "actor",
    "device",
    "action",
    "target_type",
    "target_id",
    "details",
    "prev_hash",
    "hash",
)
TARGETS = ("document", "dossier", "customer", "user", "tenant")


@get("/audit/export.csv")
async def export_audit_csv(
    request: Request[Any, Any, Any],
    runtime: NamedDependency[Runtime],
    target: FromQuery[str | None] = None,
    target_id: FromQuery[str | None] = None,
) -> Response[Any]:
    principal = await require_principal(request, runtime)
    if (target is None) != (target_id is None) or (target is not None and target not in TARGETS):
        raise ValidationFailed.one(
            "target", "invalid_value", f"give target ({', '.join(TARGETS)}) and target_id together"
        )
    audit = runtime.services().audit
    chosen = None if target is None else (target, parse_id(target, target_id))
    first = await audit.trail(principal, target=chosen, limit=1000)  # checks the audit right

    async def rows() -> AsyncIterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(COLUMNS)
        if not first:  # an empty export is still a CSV file with its header row
            yield buffer.getvalue()
        page = first
        while page:
            for e in page:
                writer.writerow(
                    (
                        e.seq,
                        e.occurred_at.isoformat(),
                        e.actor_id or "",
                        e.device,
                        e.action,
                        e.target_type,
                        e.target_id,
                        json.dumps(e.details, ensure_ascii=False, sort_keys=True),
                        e.prev_hash,
                        e.hash,
                    )
                )
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            page = await audit.trail(principal, target=chosen, before_seq=page[-1].seq, limit=1000)

    return Stream(
        rows(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="audit-trail.csv"'},
    )


audit_routes = [export_audit_csv]
