"""Piccolo implementation of :class:`backend.documents.ports.DocumentRepository`.

List queries are hand-written SQL that both engines accept: keyset pagination over an index that
starts with the customer, and filters as EXISTS sub-queries over the typed index-value table.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import Any

from backend.access.policy import Visibility
from backend.documents.indexing import FilterBounds
from backend.documents.models import (
    Document,
    DocumentFilter,
    DocumentLink,
    DocumentSort,
    IndexEntry,
    LegalHold,
    MailMessage,
    MetadataChange,
    Preview,
    RenditionRef,
    SkippedFile,
    SortField,
    TextSummary,
    Tombstone,
    Version,
    VersionText,
)
from backend.documents.tables import (
    BlobTable,
    DocumentLinkTable,
    DocumentRegisterTable,
    DocumentTable,
    DocumentTombstoneTable,
    IndexValueTable,
    MetadataChangeTable,
    PreviewTable,
    RenditionTable,
    VersionMailTable,
    VersionTable,
    VersionTextTable,
)
from backend.ids import new_id
from backend.persistence.engines import PooledSQLiteEngine, record_statement
from backend.persistence.rows import as_date, as_datetime, load_json, opt_str
from backend.persistence.scope import tenant_scoped
from backend.persistence.sql import in_ids, in_list, recordset, select
from backend.persistence.visibility import document_condition
from backend.search.index import refresh_documents

__all__ = ["PiccoloDocumentRepository", "document_from_row"]

# What Piccolo's ``dump_json`` writes (``json.dumps(…, default=str)``), without making an encoder
# for every document of a batch.
_INDEX_VALUES_JSON = json.JSONEncoder(default=str)

_ROWS_PER_INSERT = 1000
"""Rows per multi-row INSERT (SQLite binds at most 32,766 values in one statement)."""

_UPDATE_SQLITE = (
    "UPDATE document SET title = ?, document_date = ?, status = ?, index_values = ?, "
    "revision = ?, updated_at = ? WHERE id = ? AND tenant = ?"
)


_INSERT_HISTORY = (
    "INSERT INTO document_history (id, tenant, document, revision, field, old_value, "
    "new_value, changed_at, changed_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def _executemany(sql: str) -> Callable[[sqlite3.Connection, list[tuple[Any, ...]]], None]:
    """SQLite, in the connection's thread inside the write transaction: one prepared statement
    run for every row (Piccolo's adapters turn dates and times into what it stores itself)."""

    def run(connection: sqlite3.Connection, rows: list[tuple[Any, ...]]) -> None:
        record_statement(sql)
        connection.executemany(sql, rows)

    return run


_HISTORY_COLUMNS = (
    ("i", "uuid"),
    ("t", "uuid"),
    ("d", "uuid"),
    ("r", "int"),
    ("f", "text"),
    ("o", "text"),
    ("n", "text"),
    ("a", "timestamptz"),
    ("b", "uuid"),
)
_UPDATE_COLUMNS = (
    ("title", "text"),
    ("document_date", "date"),
    ("status", "text"),
    ("index_values", "text"),
    ("revision", "int"),
    ("updated_at", "timestamptz"),
    ("id", "uuid"),
)


async def _insert_history(tenant_id: str, changes: list[MetadataChange]) -> None:
    """History rows in one statement; values are stored as JSON text, as Piccolo stores them."""
    rows = [
        (
            c.id,
            tenant_id,
            c.document_id,
            c.revision,
            c.field,
            json.dumps(c.old_value),
            json.dumps(c.new_value),
            c.changed_at,
            c.changed_by,
        )
        for c in changes
    ]
    engine = MetadataChangeTable._meta.db
    if engine.engine_type == "postgres":
        source, value = recordset(_HISTORY_COLUMNS, rows)
        await MetadataChangeTable.raw(
            "INSERT INTO document_history (id, tenant, document, revision, field, old_value, "
            "new_value, changed_at, changed_by) SELECT i, t, d, r, f, o::json, n::json, a, b "
            f"FROM {source}",
            value,
        )
        return
    assert isinstance(engine, PooledSQLiteEngine)
    await engine.run_in_transaction(lambda c: _executemany(_INSERT_HISTORY)(c, rows))


def _legal_hold(row: dict[str, Any]) -> LegalHold | None:
    if row.get("legal_hold_at") is None:
        return None
    return LegalHold(
        reason=row["legal_hold_reason"] or "",
        set_at=as_datetime(row["legal_hold_at"]),
        set_by=opt_str(row["legal_hold_by"]),
    )


def _document(row: dict[str, Any]) -> Document:
    return Document(
        id=str(row["id"]),
        tenant_id=str(row["tenant"]),
        customer_id=str(row["customer"]),
        document_type_id=str(row["document_type"]),
        title=row["title"],
        document_date=as_date(row["document_date"]),
        status=row["status"],
        index_values=load_json(row["index_values"]),
        revision=row["revision"],
        version_count=row["version_count"],
        created_at=as_datetime(row["created_at"]),
        created_by=opt_str(row["created_by"]),
        updated_at=as_datetime(row["updated_at"]),
        legal_hold=_legal_hold(row),
    )


document_from_row = _document
"""A document from a ``SELECT d.*`` row (for other modules' hand-written reads)."""


def _version(row: dict[str, Any]) -> Version:
    return Version(
        id=str(row["id"]),
        tenant_id=str(row["tenant"]),
        document_id=str(row["document"]),
        number=row["number"],
        sha256=row["sha256"],
        size=row["size"],
        mime_type=row["mime_type"],
        filename=row["filename"],
        comment=row["comment"],
        created_at=as_datetime(row["created_at"]),
        created_by=opt_str(row["created_by"]),
    )


def _version_row(v: Version) -> VersionTable:
    return VersionTable(
        id=v.id,
        tenant=v.tenant_id,
        document=v.document_id,
        number=v.number,
        sha256=v.sha256,
        size=v.size,
        mime_type=v.mime_type,
        filename=v.filename,
        comment=v.comment,
        created_at=v.created_at,
        created_by=v.created_by,
    )


_SORT_COLUMN = {
    SortField.DOCUMENT_DATE: "document_date",
    SortField.CREATED_AT: "created_at",
    SortField.TITLE: "title",
}


def _rendition(row: dict[str, Any]) -> RenditionRef:
    return RenditionRef(
        id=str(row["id"]),
        version_id=str(row["version"]),
        kind=row["kind"],
        sha256=row["sha256"],
        mime_type=row["mime_type"],
        size=int(row["size"]),
        width=int(row["width"]),
        height=int(row["height"]),
        page=int(row["page"]),
    )


def _page_sizes(value: str | None) -> tuple[tuple[int, int], ...]:
    if not value:
        return ()
    sizes = []
    for pair in value.split(","):
        width, height = pair.split(" ")
        sizes.append((int(width), int(height)))
    return tuple(sizes)


def _link(row: dict[str, Any]) -> DocumentLink:
    return DocumentLink(
        id=str(row["id"]),
        tenant_id=str(row["tenant"]),
        parent_id=str(row["parent"]),
        child_id=str(row["child"]),
        kind=row["kind"],
        source_version_id=str(row["source_version"]),
        position=int(row["position"]),
        filename=row["filename"],
        size=int(row["size"]),
        created_at=as_datetime(row["created_at"]),
    )


@tenant_scoped
class PiccoloDocumentRepository:
    async def add_blob(
        self, tenant_id: str, sha256: str, size: int, mime_type: str, at: dt.datetime
    ) -> None:
        await BlobTable.insert(
            BlobTable(
                id=new_id(),
                tenant=tenant_id,
                sha256=sha256,
                size=size,
                mime_type=mime_type,
                created_at=at,
            )
        ).on_conflict(target=(BlobTable.tenant, BlobTable.sha256), action="DO NOTHING")

    async def add_document(
        self, document: Document, version: Version, register_ids: list[str], index: list[IndexEntry]
    ) -> None:
        d = document
        await DocumentTable.insert(
            DocumentTable(
                id=d.id,
                tenant=d.tenant_id,
                customer=d.customer_id,
                document_type=d.document_type_id,
                title=d.title,
                document_date=d.document_date,
                status=d.status,
                index_values=d.index_values,
                revision=d.revision,
                version_count=d.version_count,
                created_at=d.created_at,
                created_by=d.created_by,
                updated_at=d.updated_at,
            )
        )
        await VersionTable.insert(_version_row(version))
        await self.set_registers(document, register_ids)
        await self._replace_indexes(d.tenant_id, {d.id: index})
        await refresh_documents(d.tenant_id, [d.id])

    async def next_version_number(
        self, tenant_id: str, document_id: str, at: dt.datetime
    ) -> int | None:
        rows = await DocumentTable.raw(
            "UPDATE document SET version_count = version_count + 1, updated_at = {} "
            "WHERE id = {} AND tenant = {} AND status <> 'deleted' RETURNING version_count",
            at,
            document_id,
            tenant_id,
        )
        return int(rows[0]["version_count"]) if rows else None

    async def add_version(self, version: Version) -> None:
        await VersionTable.insert(_version_row(version))
        # The entry now holds no text until the new version's text is extracted.
        await refresh_documents(version.tenant_id, [version.document_id])

    async def update_document(
        self, document: Document, changes: list[MetadataChange], index: list[IndexEntry] | None
    ) -> None:
        await self.update_documents(
            document.tenant_id, [document], changes, {} if index is None else {document.id: index}
        )

    async def update_documents(
        self,
        tenant_id: str,
        documents: list[Document],
        changes: list[MetadataChange],
        index: Mapping[str, list[IndexEntry]],
    ) -> None:
        if not documents:
            return
        rows = [
            (
                d.title,
                d.document_date,
                d.status,
                _INDEX_VALUES_JSON.encode(d.index_values),
                d.revision,
                d.updated_at,
                d.id,
                tenant_id,
            )
            for d in documents
        ]
        engine = DocumentTable._meta.db
        if engine.engine_type == "postgres":
            source, value = recordset(_UPDATE_COLUMNS, (row[:7] for row in rows))
            await DocumentTable.raw(
                "UPDATE document AS d SET title = v.title, document_date = v.document_date, "
                "status = v.status, index_values = v.index_values::json, revision = v.revision, "
                f"updated_at = v.updated_at FROM {source} WHERE d.id = v.id AND d.tenant = {{}}",
                value,
                tenant_id,
            )
        else:
            assert isinstance(engine, PooledSQLiteEngine)
            await engine.run_in_transaction(lambda c: _executemany(_UPDATE_SQLITE)(c, rows))
        if changes:
            await _insert_history(tenant_id, changes)
        if index:
            await self._replace_indexes(tenant_id, index)
        await refresh_documents(tenant_id, [d.id for d in documents])

    async def _replace_indexes(self, tenant_id: str, index: Mapping[str, list[IndexEntry]]) -> None:
        await IndexValueTable.delete().where(IndexValueTable.document.is_in(list(index)))
        entries = [
            IndexValueTable(
                id=new_id(),
                tenant=tenant_id,
                document=document_id,
                field=e.field,
                text_value=e.text_value,
                number_value=e.number_value,
                date_value=e.date_value,
            )
            for document_id, found in index.items()
            for e in found
        ]
        for start in range(0, len(entries), _ROWS_PER_INSERT):
            await IndexValueTable.insert(*entries[start : start + _ROWS_PER_INSERT])

    async def set_registers(self, document: Document, register_ids: list[str]) -> None:
        await DocumentRegisterTable.delete().where(DocumentRegisterTable.document == document.id)
        if register_ids:
            await DocumentRegisterTable.insert(
                *[
                    DocumentRegisterTable(
                        id=new_id(),
                        tenant=document.tenant_id,
                        customer=document.customer_id,
                        document=document.id,
                        register=register_id,
                    )
                    for register_id in register_ids
                ]
            )

    async def documents_by_ids(
        self, tenant_id: str, ids: list[str], *, hold: bool = False
    ) -> list[Document]:
        if not ids:
            return []
        # Held rows are locked in id order, so two batches holding some of the same wait
        # for each other instead of deadlocking.
        lock = ""
        if hold and DocumentTable._meta.db.engine_type == "postgres":
            lock = " ORDER BY id FOR UPDATE"
        wanted, value = in_ids(DocumentTable, ids)
        rows = await select(
            DocumentTable,
            f"SELECT * FROM document WHERE tenant = {{}} AND id {wanted}{lock}",
            tenant_id,
            value,
        )
        return [_document(r) for r in rows]

    async def versions_of(
        self, tenant_id: str, document_ids: list[str]
    ) -> dict[str, list[Version]]:
        result: dict[str, list[Version]] = defaultdict(list)
        if document_ids:
            wanted, value = in_ids(VersionTable, document_ids)
            rows = await select(
                VersionTable,
                "SELECT * FROM document_version "
                f"WHERE tenant = {{}} AND document {wanted} ORDER BY number",
                tenant_id,
                value,
            )
            for r in rows:
                result[str(r["document"])].append(_version(r))
        return result

    async def version(self, tenant_id: str, version_id: str) -> Version | None:
        rows = await select(
            VersionTable,
            "SELECT * FROM document_version WHERE tenant = {} AND id = {}",
            tenant_id,
            version_id,
        )
        return _version(rows[0]) if rows else None

    async def registers_of(self, tenant_id: str, document_ids: list[str]) -> dict[str, list[str]]:
        result: dict[str, list[str]] = defaultdict(list)
        if document_ids:
            wanted, value = in_ids(DocumentRegisterTable, document_ids)
            rows = await select(
                DocumentRegisterTable,
                f"SELECT document, register FROM document_register WHERE tenant = {{}} "
                f"AND document {wanted}",
                tenant_id,
                value,
            )
            for r in rows:
                result[str(r["document"])].append(str(r["register"]))
        return result

    async def history(self, tenant_id: str, document_id: str) -> list[MetadataChange]:
        rows = (
            await MetadataChangeTable.select()
            .where(
                (MetadataChangeTable.tenant == tenant_id)
                & (MetadataChangeTable.document == document_id)
            )
            .order_by(MetadataChangeTable.revision)
            .order_by(MetadataChangeTable.field)
        )
        return [
            MetadataChange(
                id=str(r["id"]),
                document_id=str(r["document"]),
                revision=r["revision"],
                field=r["field"],
                old_value=load_json(r["old_value"]),
                new_value=load_json(r["new_value"]),
                changed_at=as_datetime(r["changed_at"]),
                changed_by=opt_str(r["changed_by"]),
            )
            for r in rows
        ]

    async def list_documents(
        self,
        tenant_id: str,
        customer_id: str,
        filters: DocumentFilter,
        index_bounds: list[FilterBounds],
        sort: DocumentSort,
        after: tuple[Any, str] | None,
        limit: int,
        visible: Visibility,
    ) -> list[Document]:
        sql = [
            "SELECT * FROM document d WHERE d.customer = {} AND d.tenant = {} "
            "AND d.status <> 'deleted'"
        ]
        args: list[Any] = [customer_id, tenant_id]
        if not visible.everything:
            condition, more = document_condition(visible)
            sql.append(f"AND {condition}")
            args += more
        if filters.document_type_id is not None:
            sql.append("AND d.document_type = {}")
            args.append(filters.document_type_id)
        if filters.date_from is not None:
            sql.append("AND d.document_date >= {}")
            args.append(filters.date_from)
        if filters.date_to is not None:
            sql.append("AND d.document_date <= {}")
            args.append(filters.date_to)
        if filters.register_id is not None:
            sql.append(
                "AND EXISTS (SELECT 1 FROM document_register r "
                "WHERE r.document = d.id AND r.register = {})"
            )
            args.append(filters.register_id)
        for field, column, equals, minimum, maximum in index_bounds:
            cond = ["v.document = d.id", "v.field = {}"]
            args.append(field)
            for op, value in (("=", equals), (">=", minimum), ("<=", maximum)):
                if value is not None:
                    cond.append(f"v.{column} {op} {{}}")
                    args.append(value)
            # Only fixed column names are interpolated; values are bound parameters.
            sql.append(
                f"AND EXISTS (SELECT 1 FROM document_index_value v WHERE {' AND '.join(cond)})"
            )
        column = _SORT_COLUMN[sort.field]
        direction, op = ("DESC", "<") if sort.descending else ("ASC", ">")
        if after is not None:
            sql.append(f"AND (d.{column} {op} {{}} OR (d.{column} = {{}} AND d.id {op} {{}}))")
            args += [after[0], after[0], after[1]]
        sql.append(f"ORDER BY d.{column} {direction}, d.id {direction} LIMIT {{}}")
        args.append(limit)
        rows = await DocumentTable.raw(" ".join(sql), *args)
        return [_document(r) for r in rows]

    async def register_counts(
        self, tenant_id: str, customer_id: str, visible: Visibility
    ) -> dict[str, int]:
        if visible.everything:
            rows = await DocumentRegisterTable.raw(
                "SELECT register, count(*) AS n FROM document_register "
                "WHERE customer = {} AND tenant = {} GROUP BY register",
                customer_id,
                tenant_id,
            )
        else:
            condition, more = document_condition(visible)
            rows = await DocumentRegisterTable.raw(
                "SELECT r.register, count(*) AS n FROM document_register r "
                "JOIN document d ON d.id = r.document "
                f"WHERE r.customer = {{}} AND r.tenant = {{}} AND {condition} GROUP BY r.register",
                customer_id,
                tenant_id,
                *more,
            )
        return {str(r["register"]): int(r["n"]) for r in rows}

    async def document_count(self, tenant_id: str, customer_id: str, visible: Visibility) -> int:
        condition, more = document_condition(visible)
        rows = await select(
            DocumentTable,
            "SELECT count(*) AS n FROM document d WHERE d.customer = {} AND d.tenant = {} "
            f"AND d.status <> 'deleted' AND {condition}",
            customer_id,
            tenant_id,
            *more,
        )
        return int(rows[0]["n"])

    # -- previews ------------------------------------------------------------------------

    async def set_preview(self, tenant_id: str, preview: Preview, at: dt.datetime) -> None:
        await PreviewTable.raw(
            "INSERT INTO version_preview (id, tenant, version, state, reason, page_count, width, "
            "height, page_sizes, updated_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}) "
            "ON CONFLICT (version) DO UPDATE SET state = excluded.state, "
            "reason = excluded.reason, page_count = excluded.page_count, "
            "width = excluded.width, height = excluded.height, "
            "page_sizes = excluded.page_sizes, updated_at = excluded.updated_at",
            new_id(),
            tenant_id,
            preview.version_id,
            preview.state,
            preview.reason,
            preview.page_count,
            preview.width,
            preview.height,
            ",".join(f"{w} {h}" for w, h in preview.page_sizes) or None,
            at,
        )

    async def save_renditions(
        self, tenant_id: str, renditions: list[RenditionRef], at: dt.datetime
    ) -> None:
        for r in renditions:
            await RenditionTable.raw(
                "INSERT INTO version_rendition (id, tenant, version, kind, page, sha256, "
                "mime_type, size, width, height, created_at) "
                "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}) "
                "ON CONFLICT (version, kind, page) DO UPDATE SET sha256 = excluded.sha256, "
                "mime_type = excluded.mime_type, size = excluded.size, width = excluded.width, "
                "height = excluded.height, created_at = excluded.created_at",
                r.id,
                tenant_id,
                r.version_id,
                r.kind,
                r.page,
                r.sha256,
                r.mime_type,
                r.size,
                r.width,
                r.height,
                at,
            )

    async def add_rendition(
        self, tenant_id: str, rendition: RenditionRef, at: dt.datetime
    ) -> RenditionRef:
        r = rendition
        await RenditionTable.raw(
            "INSERT INTO version_rendition (id, tenant, version, kind, page, sha256, mime_type, "
            "size, width, height, created_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}) "
            "ON CONFLICT (version, kind, page) DO NOTHING",
            r.id,
            tenant_id,
            r.version_id,
            r.kind,
            r.page,
            r.sha256,
            r.mime_type,
            r.size,
            r.width,
            r.height,
            at,
        )
        [row] = await select(
            RenditionTable,
            "SELECT * FROM version_rendition WHERE tenant = {} AND version = {} AND kind = {} "
            "AND page = {}",
            tenant_id,
            r.version_id,
            r.kind,
            r.page,
        )
        return _rendition(row)

    async def previews_of(self, tenant_id: str, version_ids: list[str]) -> dict[str, Preview]:
        if not version_ids:
            return {}
        marks = in_list(version_ids)
        rows = await select(
            PreviewTable,
            f"SELECT * FROM version_preview WHERE tenant = {{}} AND version IN ({marks})",
            tenant_id,
            *version_ids,
        )
        made = await select(
            RenditionTable,
            f"SELECT * FROM version_rendition WHERE tenant = {{}} AND version IN ({marks}) "
            "ORDER BY page, width",
            tenant_id,
            *version_ids,
        )
        renditions: dict[str, list[RenditionRef]] = defaultdict(list)
        for r in made:
            renditions[str(r["version"])].append(_rendition(r))
        return {
            str(r["version"]): Preview(
                version_id=str(r["version"]),
                state=r["state"],
                reason=opt_str(r["reason"]),
                page_count=r["page_count"],
                width=r["width"],
                height=r["height"],
                renditions=tuple(renditions.get(str(r["version"]), [])),
                page_sizes=_page_sizes(r["page_sizes"]),
            )
            for r in rows
        }

    async def set_version_text(self, tenant_id: str, text: VersionText, at: dt.datetime) -> None:
        await VersionTextTable.raw(
            "INSERT INTO version_text (id, tenant, version, document, state, reason, source, "
            "language, page_count, text, updated_at) "
            "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}) "
            "ON CONFLICT (version) DO UPDATE SET state = excluded.state, "
            "reason = excluded.reason, source = excluded.source, language = excluded.language, "
            "page_count = excluded.page_count, text = excluded.text, "
            "updated_at = excluded.updated_at",
            new_id(),
            tenant_id,
            text.version_id,
            text.document_id,
            text.state,
            text.reason,
            text.source,
            text.language,
            text.page_count,
            text.text,
            at,
        )

    async def previews_without_page_sizes(
        self, tenant_id: str, after: str | None, limit: int
    ) -> list[tuple[str, dt.datetime]]:
        sql = (
            "SELECT p.version, p.updated_at FROM version_preview p "
            "JOIN document_version v ON v.id = p.version AND v.tenant = p.tenant "
            "JOIN document d ON d.id = v.document AND d.tenant = v.tenant "
            "WHERE p.tenant = {} AND p.state = 'ready' AND p.page_sizes IS NULL "
            "AND d.status <> 'deleted'"
        )
        args: list[Any] = [tenant_id]
        if after is not None:
            sql += " AND p.version > {}"
            args.append(after)
        rows = await select(PreviewTable, sql + " ORDER BY p.version LIMIT {}", *args, limit)
        return [(str(r["version"]), as_datetime(r["updated_at"])) for r in rows]

    async def texts_from(
        self, tenant_id: str, sources: tuple[str, ...], after: str | None, limit: int
    ) -> list[tuple[str, dt.datetime]]:
        if not sources:
            return []
        sql = (
            "SELECT t.version, t.updated_at FROM version_text t "
            "JOIN document d ON d.id = t.document AND d.tenant = t.tenant "
            f"WHERE t.tenant = {{}} AND t.source IN ({in_list(list(sources))}) "
            "AND d.status <> 'deleted'"
        )
        args: list[Any] = [tenant_id, *sources]
        if after is not None:
            sql += " AND t.version > {}"
            args.append(after)
        rows = await select(VersionTextTable, sql + " ORDER BY t.version LIMIT {}", *args, limit)
        return [(str(r["version"]), as_datetime(r["updated_at"])) for r in rows]

    async def texts_of(self, tenant_id: str, version_ids: list[str]) -> dict[str, VersionText]:
        rows = await self._text_rows(tenant_id, version_ids, "text")
        return {str(r["version"]): VersionText(**_text_state(r), text=r["text"]) for r in rows}

    async def text_summaries_of(
        self, tenant_id: str, version_ids: list[str]
    ) -> dict[str, TextSummary]:
        rows = await self._text_rows(tenant_id, version_ids, "LENGTH(text) AS length")
        return {
            str(r["version"]): TextSummary(**_text_state(r), length=int(r["length"] or 0))
            for r in rows
        }

    async def _text_rows(
        self, tenant_id: str, version_ids: list[str], text: str
    ) -> list[dict[str, Any]]:
        """``version_text`` rows of these versions; ``text`` is the SQL for the text column."""
        if not version_ids:
            return []
        return await select(
            VersionTextTable,
            f"SELECT version, document, state, source, language, reason, page_count, {text} "
            f"FROM version_text WHERE tenant = {{}} AND version IN ({in_list(version_ids)})",
            tenant_id,
            *version_ids,
        )

    # -- mail and links ----------------------------------------------------------------------

    async def set_mail(self, tenant_id: str, mail: MailMessage, at: dt.datetime) -> None:
        skipped = [
            {"position": s.position, "filename": s.filename, "size": s.size, "reason": s.reason}
            for s in mail.skipped
        ]
        await VersionMailTable.raw(
            "INSERT INTO version_mail (id, tenant, version, document, sender, recipients, cc, "
            "sent_at, subject, message_id, text, html, skipped, updated_at) "
            "VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}) "
            "ON CONFLICT (version) DO UPDATE SET sender = excluded.sender, "
            "recipients = excluded.recipients, cc = excluded.cc, sent_at = excluded.sent_at, "
            "subject = excluded.subject, message_id = excluded.message_id, text = excluded.text, "
            "html = excluded.html, skipped = excluded.skipped, updated_at = excluded.updated_at",
            new_id(),
            tenant_id,
            mail.version_id,
            mail.document_id,
            mail.sender,
            json.dumps(list(mail.to)),
            json.dumps(list(mail.cc)),
            mail.sent_at,
            mail.subject,
            mail.message_id,
            mail.text,
            mail.html,
            json.dumps(skipped),
            at,
        )

    async def mails_of(self, tenant_id: str, version_ids: list[str]) -> dict[str, MailMessage]:
        if not version_ids:
            return {}
        rows = await select(
            VersionMailTable,
            "SELECT * FROM version_mail WHERE tenant = {} "
            f"AND version IN ({in_list(version_ids)})",
            tenant_id,
            *version_ids,
        )
        return {
            str(r["version"]): MailMessage(
                version_id=str(r["version"]),
                document_id=str(r["document"]),
                sender=r["sender"],
                to=tuple(load_json(r["recipients"])),
                cc=tuple(load_json(r["cc"])),
                sent_at=as_datetime(r["sent_at"]) if r["sent_at"] is not None else None,
                subject=r["subject"],
                message_id=r["message_id"],
                text=r["text"],
                html=opt_str(r["html"]),
                skipped=tuple(SkippedFile(**s) for s in load_json(r["skipped"])),
            )
            for r in rows
        }

    async def add_link(self, link: DocumentLink) -> None:
        await DocumentLinkTable.insert(
            DocumentLinkTable(
                id=link.id,
                tenant=link.tenant_id,
                parent=link.parent_id,
                child=link.child_id,
                kind=link.kind,
                source_version=link.source_version_id,
                position=link.position,
                filename=link.filename,
                size=link.size,
                created_at=link.created_at,
            )
        )

    async def links_from_version(self, tenant_id: str, version_id: str) -> list[DocumentLink]:
        rows = await select(
            DocumentLinkTable,
            "SELECT * FROM document_link WHERE tenant = {} AND source_version = {} "
            "ORDER BY position",
            tenant_id,
            version_id,
        )
        return [_link(r) for r in rows]

    async def links_of(
        self, tenant_id: str, document_ids: list[str]
    ) -> dict[str, list[DocumentLink]]:
        result: dict[str, list[DocumentLink]] = defaultdict(list)
        if not document_ids:
            return result
        marks = in_list(document_ids)
        rows = await select(
            DocumentLinkTable,
            f"SELECT * FROM document_link WHERE tenant = {{}} AND (parent IN ({marks}) "
            f"OR child IN ({marks})) ORDER BY created_at, position",
            tenant_id,
            *document_ids,
            *document_ids,
        )
        wanted = set(document_ids)
        for r in rows:
            link = _link(r)
            for end in {link.parent_id, link.child_id} & wanted:
                result[end].append(link)
        return result

    async def drop_previews(self, tenant_id: str, version_ids: list[str]) -> list[str]:
        if not version_ids:
            return []
        marks = in_list(version_ids)
        await VersionMailTable.raw(
            f"DELETE FROM version_mail WHERE tenant = {{}} AND version IN ({marks})",
            tenant_id,
            *version_ids,
        )
        await VersionTextTable.raw(
            f"DELETE FROM version_text WHERE tenant = {{}} AND version IN ({marks})",
            tenant_id,
            *version_ids,
        )
        await PreviewTable.raw(
            f"DELETE FROM version_preview WHERE tenant = {{}} AND version IN ({marks})",
            tenant_id,
            *version_ids,
        )
        rows = await RenditionTable.raw(
            f"DELETE FROM version_rendition WHERE tenant = {{}} AND version IN ({marks}) "
            "RETURNING sha256",
            tenant_id,
            *version_ids,
        )
        return sorted({str(r["sha256"]) for r in rows})

    async def unused_content(self, tenant_id: str, digests: list[str]) -> list[str]:
        if not digests:
            return []
        marks = in_list(digests)
        used = await select(
            RenditionTable,
            f"SELECT sha256 FROM version_rendition WHERE tenant = {{}} AND sha256 IN ({marks}) "
            "UNION SELECT v.sha256 FROM document_version v JOIN document d ON d.id = v.document "
            f"WHERE v.tenant = {{}} AND d.status <> 'deleted' AND v.sha256 IN ({marks})",
            tenant_id,
            *digests,
            tenant_id,
            *digests,
        )
        return sorted(set(digests) - {str(r["sha256"]) for r in used})

    async def rendition(self, tenant_id: str, rendition_id: str) -> RenditionRef | None:
        rows = await select(
            RenditionTable,
            "SELECT * FROM version_rendition WHERE tenant = {} AND id = {}",
            tenant_id,
            rendition_id,
        )
        return _rendition(rows[0]) if rows else None

    # -- archive: legal hold and deletion after retention -----------------------------------

    async def set_legal_hold(self, tenant_id: str, document_id: str, hold: LegalHold) -> bool:
        rows = await DocumentTable.raw(
            "UPDATE document SET legal_hold_reason = {}, legal_hold_at = {}, legal_hold_by = {} "
            "WHERE id = {} AND tenant = {} AND status <> 'deleted' AND legal_hold_at IS NULL "
            "RETURNING id",
            hold.reason,
            hold.set_at,
            hold.set_by,
            document_id,
            tenant_id,
        )
        return bool(rows)

    async def lift_legal_hold(self, tenant_id: str, document_id: str) -> bool:
        rows = await DocumentTable.raw(
            "UPDATE document SET legal_hold_reason = NULL, legal_hold_at = NULL, "
            "legal_hold_by = NULL "
            "WHERE id = {} AND tenant = {} AND legal_hold_at IS NOT NULL RETURNING id",
            document_id,
            tenant_id,
        )
        return bool(rows)

    async def mark_deleted(self, tombstone: Tombstone) -> bool:
        t = tombstone
        rows = await DocumentTable.raw(
            "UPDATE document SET status = 'deleted', updated_at = {} "
            "WHERE id = {} AND tenant = {} AND status <> 'deleted' AND legal_hold_at IS NULL "
            "RETURNING id",
            t.deleted_at,
            t.document_id,
            t.tenant_id,
        )
        if not rows:
            return False
        await DocumentTombstoneTable.insert(
            DocumentTombstoneTable(
                id=new_id(),
                tenant=t.tenant_id,
                document=t.document_id,
                deleted_at=t.deleted_at,
                deleted_by=t.deleted_by,
                reason=t.reason,
            )
        )
        # Filings and index values would only make the document findable; the audit event of the
        # deletion records the registers it was filed in.
        await DocumentRegisterTable.delete().where(
            (DocumentRegisterTable.document == t.document_id)
            & (DocumentRegisterTable.tenant == t.tenant_id)
        )
        await IndexValueTable.delete().where(
            (IndexValueTable.document == t.document_id) & (IndexValueTable.tenant == t.tenant_id)
        )
        await refresh_documents(t.tenant_id, [t.document_id])
        return True

    async def tombstone(self, tenant_id: str, document_id: str) -> Tombstone | None:
        rows = await select(
            DocumentTombstoneTable,
            "SELECT * FROM document_tombstone WHERE tenant = {} AND document = {}",
            tenant_id,
            document_id,
        )
        if not rows:
            return None
        r = rows[0]
        return Tombstone(
            document_id=str(r["document"]),
            tenant_id=str(r["tenant"]),
            deleted_at=as_datetime(r["deleted_at"]),
            deleted_by=opt_str(r["deleted_by"]),
            reason=r["reason"],
        )

    async def unreferenced_blobs(self, tenant_id: str, digests: list[str]) -> list[str]:
        """Those of ``digests`` that no version of a live (not deleted) document refers to."""
        if not digests:
            return []
        rows = await select(
            VersionTable,
            "SELECT DISTINCT v.sha256 FROM document_version v JOIN document d ON d.id = v.document "
            f"WHERE v.tenant = {{}} AND d.status <> 'deleted' AND v.sha256 IN ({in_list(digests)})",
            tenant_id,
            *digests,
        )
        live = {str(r["sha256"]) for r in rows}
        return sorted(set(digests) - live)

    async def remove_blob_records(self, tenant_id: str, digests: list[str]) -> None:
        if digests:
            await BlobTable.delete().where(
                (BlobTable.tenant == tenant_id) & BlobTable.sha256.is_in(digests)
            )


def _text_state(row: dict[str, Any]) -> dict[str, Any]:
    """The fields a :class:`VersionText` and a :class:`TextSummary` share, from a row."""
    return {
        "version_id": str(row["version"]),
        "document_id": str(row["document"]),
        "state": row["state"],
        "source": opt_str(row["source"]),
        "language": opt_str(row["language"]),
        "reason": opt_str(row["reason"]),
        "page_count": row["page_count"],
    }
