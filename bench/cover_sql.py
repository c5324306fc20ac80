"""Measure B: the same cover data with the SQL a careful engineer would write by hand.

Seven statements, run one after another on the application's engine
(:meth:`backend.persistence.database.Database.fetch`), selecting only the columns the screen shows,
joining what is one-to-one with a document (its type, its creator, its current version and that
version's creator) into the page query, and materialised into the exact dictionaries the GraphQL
query returns, so that the two results can be compared for equality.

Every statement filters by tenant and customer, as the application does; the dossier indexes
(``document_dossier_date``, ``document_register_dossier``) answer the counts without visiting rows.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from backend.cursors import encode_cursor
from backend.persistence.database import Database
from backend.persistence.scope import tenant_scope
from bench.cover_query import PAGE_SIZE

__all__ = ["SqlCover"]

_CUSTOMER = (
    "SELECT c.name, c.erp_number, c.key_data, t.cover_schema "
    "FROM customer c JOIN tenant t ON t.id = c.tenant WHERE c.id = {} AND c.tenant = {}"
)
_ADDRESSES = (
    "SELECT city FROM customer_address WHERE customer = {} AND tenant = {} ORDER BY position"
)
_CONTACTS = (
    "SELECT name FROM customer_contact WHERE customer = {} AND tenant = {} ORDER BY position"
)
_COUNT = "SELECT count(*) AS n FROM document WHERE customer = {} AND tenant = {}"
_REGISTERS = (
    "SELECT r.id, r.key, r.name, (SELECT count(*) FROM document_register dr "
    "WHERE dr.customer = {} AND dr.tenant = r.tenant AND dr.register = r.id) AS n "
    "FROM register r WHERE r.tenant = {} ORDER BY r.position"
)
# The current version is the one numbered version_count: numbers are handed out by incrementing
# version_count (DocumentRepository.next_version_number).
_PAGE = (
    "SELECT d.id, d.title, d.document_date, d.index_values, t.name AS type_name, "
    "u.display_name AS created_by_name, v.filename, v.size, vu.display_name AS version_by_name "
    "FROM document d "
    "JOIN document_type t ON t.id = d.document_type "
    "LEFT JOIN user_account u ON u.id = d.created_by "
    "LEFT JOIN document_version v ON v.document = d.id AND v.number = d.version_count "
    "LEFT JOIN user_account vu ON vu.id = v.created_by "
    "WHERE d.customer = {} AND d.tenant = {} "
    "ORDER BY d.document_date DESC, d.id DESC LIMIT {}"
)
_FILED = "SELECT document, register FROM document_register WHERE document IN ({})"


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _iso(value: Any) -> str:
    return value if isinstance(value, str) else dt.date.isoformat(value)


def _user(name: str | None) -> dict[str, str] | None:
    return None if name is None else {"displayName": name}


class SqlCover:
    """Fetches the cover data of one customer of one tenant; returns the GraphQL-shaped dict."""

    def __init__(self, database: Database, tenant_id: str, customer_id: str) -> None:
        self._db = database
        self._tenant_id = tenant_id
        self._customer_id = customer_id

    async def __call__(self) -> dict[str, Any]:
        # In the tenant's scope, as the application's own SQL runs (row-level security holds it).
        with tenant_scope(self._tenant_id):
            return await self._fetch()

    async def _fetch(self) -> dict[str, Any]:
        fetch, ids = self._db.fetch, (self._customer_id, self._tenant_id)
        head = (await fetch(_CUSTOMER, *ids))[0]
        addresses = await fetch(_ADDRESSES, *ids)
        contacts = await fetch(_CONTACTS, *ids)
        count = (await fetch(_COUNT, *ids))[0]["n"]
        registers = await fetch(_REGISTERS, *ids)
        rows = await fetch(_PAGE, *ids, PAGE_SIZE + 1)
        page = rows[:PAGE_SIZE]
        doc_ids = [str(r["id"]) for r in page]
        filed = (
            await fetch(_FILED.format(", ".join("{}" for _ in doc_ids)), *doc_ids)
            if doc_ids
            else []
        )

        position = {str(r["id"]): i for i, r in enumerate(registers)}
        register_keys = [r["key"] for r in registers]
        filed_in: dict[str, list[int]] = {}
        for f in filed:
            filed_in.setdefault(str(f["document"]), []).append(position[str(f["register"])])
        key_data = _json(head["key_data"])
        customer_ref = {"name": head["name"]}
        items = [
            {
                "title": r["title"],
                "documentDate": _iso(r["document_date"]),
                "indexValues": _json(r["index_values"]),
                "documentType": {"name": r["type_name"]},
                "registers": [
                    {"key": register_keys[i]} for i in sorted(filed_in.get(str(r["id"]), []))
                ],
                "currentVersion": None
                if r["filename"] is None
                else {
                    "filename": r["filename"],
                    "size": r["size"],
                    "createdBy": _user(r["version_by_name"]),
                },
                "customer": customer_ref,
                "createdBy": _user(r["created_by_name"]),
            }
            for r in page
        ]
        last = page[-1] if len(rows) > PAGE_SIZE else None
        return {
            "dossier": {
                "customer": {
                    "name": head["name"],
                    "erpNumber": head["erp_number"],
                    "addresses": [{"city": a["city"]} for a in addresses],
                    "contacts": [{"name": c["name"]} for c in contacts],
                },
                "coverFields": [
                    {"key": f["key"], "label": f["label"], "value": key_data.get(f["key"])}
                    for f in _json(head["cover_schema"])
                ],
                "documentCount": int(count),
                "registers": [
                    {"register": {"key": r["key"], "name": r["name"]}, "count": int(r["n"])}
                    for r in registers
                ],
                "documents": {
                    "items": items,
                    "pageInfo": {
                        "hasNextPage": last is not None,
                        "endCursor": None
                        if last is None
                        else encode_cursor(
                            "document_date", _iso(last["document_date"]), str(last["id"])
                        ),
                    },
                },
            }
        }
