"""Reading and writing sync entities through the domain services, one savepoint per write.

Ids: documents and versions keep the ids their devices chose; a register assignment is named
``<document id>/<register id>`` (:func:`backend.changes.models.assignment_id`); addresses and
contacts keep theirs (the customer service keeps given ids when it replaces the lists).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import AsyncIterator, Iterable
from typing import Any

from backend.access.policy import Principal, Resource
from backend.changes.models import assignment_id
from backend.customers.models import Address, AddressKind, Contact, CustomerDraft
from backend.documents.models import Document, DocumentDraft, MetadataPatch, NewContent, Version
from backend.documents.repository import PiccoloDocumentRepository
from backend.documents.tables import DocumentTable
from backend.ids import canonical_uuid
from backend.offline.fields import (
    DocumentFieldsOnUse,
    address_fields,
    contact_fields,
    customer_fields,
    document_fields,
    version_fields,
)
from backend.offline.repository import PiccoloOfflineRepository
from backend.offline.savepoints import savepoint
from backend.persistence.database import Database
from backend.persistence.sql import select
from backend.runtime import Services
from sync.entities import Entity
from sync.errors import Code, MutationRejected
from sync.store import EntityState, Target

__all__ = ["EntityWrites"]

DELETED_ON_DEVICE = "deleted on a device (offline sync)"

_DOCUMENTS_OF = (
    "SELECT id FROM document WHERE tenant = {} AND customer = {} AND status <> 'deleted' "
    "ORDER BY id LIMIT {}"
)
_DOCUMENTS_OF_FROM = (
    "SELECT id FROM document WHERE tenant = {} AND customer = {} AND status <> 'deleted' "
    "AND id >= {} ORDER BY id LIMIT {}"
)


def _uuid(value: object) -> str | None:
    """The canonical form of an id, None if it is none."""
    return canonical_uuid(str(value))


def _number(version: Version) -> int:
    return version.number


def _invalid(message: str) -> MutationRejected:
    return MutationRejected(Code.INVALID, message)


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _invalid("document_date: an ISO date (YYYY-MM-DD)") from None


class EntityWrites:
    def __init__(
        self, database: Database, services: Services, principal: Principal, *, hold: bool
    ) -> None:
        """``hold``: every read holds the rows it read until the transaction ends (the engine
        reads, merges and writes in one unit; on PostgreSQL ``FOR UPDATE``, on SQLite its one
        writer does it), so a concurrent push cannot slip a change between read and write."""
        self._hold_rows = hold and database.is_postgres
        self._db = database
        self._s = services
        self._p = principal
        self._tenant = principal.tenant_id
        self._documents = PiccoloDocumentRepository()
        self._offline = PiccoloOfflineRepository()
        self.audit_lines = services.audit.buffer()
        """The audit lines of this unit of work, appended together (in order) when it flushes."""
        self._batch = services.documents.metadata_batch(
            principal, self.audit_lines, hold=self._hold_rows
        )
        self._versions: dict[str, list[Version]] = {}
        self._first_versions: dict[str, Version | None] = {}  # what a document's fields show
        # A document's sync state, as last made from the batch's document object: the engine
        # reads an entity before and after each change (versions are read again only after a
        # write elsewhere, which clears this too).
        self._states: dict[str, tuple[Document, EntityState]] = {}
        self._version_documents: dict[str, str] = {}
        """Version id → document id, as read by :meth:`documents_of` (versions never move)."""

    # -- one unit of work ------------------------------------------------------------------------

    async def prefetch(self, targets: Iterable[tuple[Entity, str]]) -> None:
        """Read the documents named (and what belongs to them) together, once for the batch."""
        ids = [
            key
            for entity, entity_id in targets
            if entity in (Entity.DOCUMENT, Entity.REGISTER_ASSIGNMENT)
            and (key := _uuid(entity_id.partition("/")[0])) is not None
        ]
        await self._batch.load(ids)
        await self._load_versions(ids)

    async def _load_versions(self, document_ids: list[str]) -> None:
        wanted = [i for i in dict.fromkeys(document_ids) if i not in self._versions]
        if wanted:
            found = await self._documents.versions_of(self._tenant, wanted)
            for document_id in wanted:
                versions = self._versions[document_id] = found.get(document_id, [])
                self._first_versions[document_id] = min(versions, key=_number) if versions else None

    async def flush(self) -> None:
        """Write what the batch staged and the audit lines so far (before the unit commits, and
        before any write that does not go through the batch)."""
        await self._batch.flush()

    @contextlib.asynccontextmanager
    async def _elsewhere(self) -> AsyncIterator[None]:
        """A write outside the batch: what was staged is written first, and what was read is
        read again afterwards."""
        await self.flush()
        self._batch.forget()
        self._versions.clear()
        self._first_versions.clear()
        self._states.clear()
        try:
            yield
        finally:
            self._batch.forget()
            self._versions.clear()
            self._first_versions.clear()
            self._states.clear()

    # -- reading ---------------------------------------------------------------------------------

    async def documents_of(
        self, customer_id: str, from_id: str, count: int
    ) -> list[tuple[EntityState, list[EntityState], list[EntityState]]]:
        """Up to ``count`` documents of the dossier that are not deleted, with ids from
        ``from_id`` on, in id order: each with its register assignments and versions (a few
        statements for the whole page, whatever its size)."""
        start = _uuid(from_id)
        query = _DOCUMENTS_OF if start is None else _DOCUMENTS_OF_FROM
        bounds = [] if start is None else [start]
        rows = await select(DocumentTable, query, self._tenant, customer_id, *bounds, count)
        ids = [str(r["id"]) for r in rows]
        if not ids:
            return []
        await self._batch.load(ids)
        await self._load_versions(ids)
        version_ids = [v.id for i in ids for v in self._versions[i]]
        previews = await self._documents.previews_of(self._tenant, version_ids)
        page = []
        for document_id in ids:
            document = await self._batch.document(document_id)
            if document is None or document.status == "deleted":
                continue
            versions = self._versions[document_id]
            first = min(versions, key=lambda v: v.number) if versions else None
            state = EntityState(
                Target(Entity.DOCUMENT, document_id, document.customer_id),
                document_fields(document, first),
                document.revision,
            )
            assignments = [
                EntityState(
                    Target(
                        Entity.REGISTER_ASSIGNMENT,
                        assignment_id(document_id, register_id),
                        document.customer_id,
                    ),
                    {"document_id": document_id, "register_id": register_id},
                    1,
                )
                for register_id in sorted(await self._batch.registers(document_id))
            ]
            for version in versions:
                self._version_documents[version.id] = document_id
            version_states = [
                EntityState(
                    Target(Entity.VERSION, version.id, document.customer_id),
                    version_fields(version, previews.get(version.id)),
                    1,
                )
                for version in versions
            ]
            page.append((state, assignments, version_states))
        return page

    async def _hold(self, table: str, row_id: str) -> None:
        """Lock the customer or document row an entity belongs to (see ``hold``)."""
        if self._hold_rows:
            await self._db.fetch(
                f"SELECT id FROM {table} WHERE tenant = {{}} AND id = {{}} FOR UPDATE",  # noqa: S608
                self._tenant,
                row_id,
            )

    async def read(self, entity: Entity, entity_id: str) -> EntityState | None:
        if entity is Entity.REGISTER_ASSIGNMENT:
            document_id = _uuid(entity_id.partition("/")[0])
            if document_id is not None:
                await self._hold("document", document_id)
            return await self._assignment(entity_id)
        key = _uuid(entity_id)
        if key is None:
            return None
        match entity:
            case Entity.CUSTOMER:
                await self._hold("customer", key)
                [customer] = await self._s.customers.by_ids(self._p, [key])
                if customer is None:
                    return None
                target = Target(entity, key, key)
                return EntityState(target, customer_fields(customer), customer.revision)
            case Entity.ADDRESS | Entity.CONTACT:
                return await self._listed(entity, key)
            case Entity.DOCUMENT:
                document = await self._batch.document(key)  # held on PostgreSQL
                if document is None:
                    return None
                known = self._states.get(key)
                if known is not None and known[0] is document:
                    return known[1]  # made from this very state of the document
                await self._load_versions([key])
                state = EntityState(
                    Target(entity, key, document.customer_id),
                    document_fields(document, self._first_versions[key]),
                    document.revision,
                    deleted=document.status == "deleted",
                )
                self._states[key] = (document, state)
                return state
            case Entity.VERSION:
                version = await self._documents.version(self._tenant, key)
                if version is None:
                    return None
                await self._hold("document", version.document_id)
                [document] = await self._documents.documents_by_ids(
                    self._tenant, [version.document_id]
                )
                previews = await self._documents.previews_of(self._tenant, [key])
                return EntityState(
                    Target(entity, key, document.customer_id),
                    version_fields(version, previews.get(key)),
                    1,
                    deleted=document.status == "deleted",
                )
        return None

    async def _listed(self, entity: Entity, key: str) -> EntityState | None:
        table = "customer_address" if entity is Entity.ADDRESS else "customer_contact"
        rows = await self._db.fetch(
            f"SELECT customer FROM {table} WHERE tenant = {{}} AND id = {{}}",  # noqa: S608
            self._tenant,
            key,
        )
        if not rows:
            gone = await self._offline.tombstone(self._tenant, entity.value, key)
            if gone is None:
                return None
            customer_id, fields, revision = gone
            return EntityState(Target(entity, key, customer_id), fields, revision, deleted=True)
        customer_id = str(rows[0]["customer"])
        await self._hold("customer", customer_id)
        if entity is Entity.ADDRESS:
            [addresses] = await self._s.customers.addresses(self._p, [customer_id])
            fields = next(address_fields(a) for a in addresses if a.id == key)
        else:
            [contacts] = await self._s.customers.contacts(self._p, [customer_id])
            fields = next(contact_fields(c) for c in contacts if c.id == key)
        return EntityState(Target(entity, key, customer_id), fields, 1)

    async def _assignment(self, entity_id: str) -> EntityState | None:
        document_id, _, register_id = entity_id.partition("/")
        if _uuid(document_id) is None or _uuid(register_id) is None:
            return None
        found = await self._documents.documents_by_ids(self._tenant, [document_id])
        if not found:
            return None
        filed = (await self._documents.registers_of(self._tenant, [document_id])).get(
            document_id, []
        )
        if register_id not in filed:
            return None
        target = Target(Entity.REGISTER_ASSIGNMENT, entity_id, found[0].customer_id)
        return EntityState(target, {"document_id": document_id, "register_id": register_id}, 1)

    async def document_resource(self, target: Target) -> Resource | None:
        """The resource access is decided on for a document and what belongs to it; None when
        the document does not exist (yet)."""
        document_id: str | None = None
        if target.entity is Entity.DOCUMENT:
            document_id = _uuid(target.entity_id)
        elif target.entity is Entity.REGISTER_ASSIGNMENT:
            document_id = _uuid(target.entity_id.partition("/")[0])
        elif (key := _uuid(target.entity_id)) is not None:
            document_id = self._version_documents.get(key)
            if document_id is None:
                version = await self._documents.version(self._tenant, key)
                document_id = None if version is None else version.document_id
        if document_id is None:
            return None
        return await self._batch.resource(document_id)

    # -- writing ---------------------------------------------------------------------------------

    async def write(
        self, target: Target, fields: dict[str, Any], blob_sha256: str | None
    ) -> EntityState:
        current = await self.read(target.entity, target.entity_id)
        if target.entity is Entity.DOCUMENT and current is not None:
            # Checked and staged in the batch (a refused change stages nothing).
            await self._update_document(target, current, fields)
            key = current.target.entity_id
            document = await self._batch.document(key)
            assert document is not None  # it was read above, and the batch keeps it
            return EntityState(
                current.target,
                DocumentFieldsOnUse(document, self._first_versions[key]),
                document.revision,
                deleted=document.status == "deleted",
            )
        async with self._elsewhere(), savepoint(self._db.engine):
            await self._write(target, current, fields, blob_sha256)
        state = await self.read(target.entity, target.entity_id)
        assert state is not None
        return state

    async def _write(
        self,
        target: Target,
        current: EntityState | None,
        fields: dict[str, Any],
        blob_sha256: str | None,
    ) -> None:
        match target.entity:
            case Entity.CUSTOMER:
                await self._s.customers.update(
                    self._p,
                    target.entity_id,
                    CustomerDraft(
                        name=fields.get("name"),
                        erp_number=fields.get("erp_number"),
                        key_data=fields.get("key_data"),
                    ),
                )
            case Entity.ADDRESS:
                await self._put_address(target, current, fields)
            case Entity.CONTACT:
                await self._put_contact(target, current, fields)
            case Entity.DOCUMENT:
                if current is None:
                    await self._create_document(target, fields, blob_sha256)
                else:
                    await self._update_document(target, current, fields)
            case Entity.VERSION:
                document_id = str(fields.get("document_id"))
                data = await self._content(blob_sha256)
                await self._s.documents.add_version(
                    self._p,
                    document_id,
                    NewContent(str(fields.get("file_name") or "file"), data),
                    version_id=target.entity_id,
                )
            case Entity.REGISTER_ASSIGNMENT:
                document_id, register_id = self._assignment_parts(target, fields)
                [filed] = await self._s.documents.registers_of(self._p, [document_id])
                await self._s.documents.assign_registers(
                    self._p, document_id, [*filed, register_id]
                )
            case _:
                raise _invalid(f"{target.entity} cannot be written")

    async def delete(self, target: Target) -> EntityState:
        current = await self.read(target.entity, target.entity_id)
        if current is None:
            raise MutationRejected(Code.UNKNOWN_ENTITY, f"no {target.entity} {target.entity_id}")
        async with self._elsewhere(), savepoint(self._db.engine):
            match target.entity:
                case Entity.DOCUMENT:
                    await self._s.archive.delete(self._p, target.entity_id, DELETED_ON_DEVICE)
                case Entity.REGISTER_ASSIGNMENT:
                    document_id, register_id = self._assignment_parts(target, current.fields)
                    [filed] = await self._s.documents.registers_of(self._p, [document_id])
                    await self._s.documents.assign_registers(
                        self._p, document_id, [r for r in filed if r != register_id]
                    )
                case Entity.ADDRESS | Entity.CONTACT:
                    await self._remove_listed(current)
                case _:
                    raise _invalid(f"{target.entity} cannot be deleted")
        return dataclasses.replace(current, revision=current.revision + 1, deleted=True)

    # -- documents -------------------------------------------------------------------------------

    async def _content(self, blob_sha256: str | None) -> bytes:
        if blob_sha256 is None:
            raise _invalid("blob_sha256 is required")
        return await self._s.uploads.content(self._p, blob_sha256)

    async def _create_document(
        self, target: Target, fields: dict[str, Any], blob_sha256: str | None
    ) -> None:
        if _uuid(target.entity_id) is None:
            raise _invalid("a document's id is a UUID")
        data = await self._content(blob_sha256)
        await self._s.documents.upload(
            self._p,
            DocumentDraft(
                customer_id=target.customer_id,
                document_type_id=str(fields.get("document_type_id", "")),
                title=str(fields.get("title", "")),
                document_date=_date(fields.get("document_date")),
                index_values=dict(fields.get("index_values") or {}),
                register_ids=None,
                content=NewContent(str(fields.get("file_name") or "file"), data),
                status=str(fields.get("status") or "active"),
                id=target.entity_id,
            ),
        )

    async def _update_document(
        self, target: Target, current: EntityState, fields: dict[str, Any]
    ) -> None:
        for name in ("file_name", "media_type", "document_type_id"):
            if name in fields and fields[name] != current.fields.get(name):
                raise _invalid(f"{name} cannot change (a new version brings new content)")
        await self._batch.update(
            target.entity_id,
            MetadataPatch(
                title=fields.get("title"),
                document_date=_date(fields.get("document_date")),
                status=fields.get("status"),
                index_values=fields.get("index_values"),
            ),
        )

    @staticmethod
    def _assignment_parts(target: Target, fields: Any) -> tuple[str, str]:
        document_id = str(fields.get("document_id", ""))
        register_id = str(fields.get("register_id", ""))
        if target.entity_id != assignment_id(document_id, register_id):
            raise _invalid("a register assignment's id is '<document id>/<register id>'")
        return document_id, register_id

    # -- addresses and contacts ------------------------------------------------------------------

    async def _put_address(
        self, target: Target, current: EntityState | None, fields: dict[str, Any]
    ) -> None:
        values = {**(current.fields if current else {}), **fields}
        try:
            address = Address(
                kind=AddressKind(str(values.get("kind", ""))),
                street=str(values.get("street", "")),
                postal_code=str(values.get("postal_code", "")),
                city=str(values.get("city", "")),
                country=str(values.get("country", "")),
                label=str(values.get("label") or ""),
                latitude=values.get("latitude"),
                longitude=values.get("longitude"),
                id=_uuid(target.entity_id) or "",
            )
        except ValueError:
            raise _invalid("kind: billing or delivery") from None
        if not address.id:
            raise _invalid("an address's id is a UUID")
        [addresses] = await self._s.customers.addresses(self._p, [target.customer_id])
        kept = [a for a in addresses if a.id != address.id]
        await self._s.customers.update(
            self._p, target.customer_id, CustomerDraft(addresses=[*kept, address])
        )

    async def _put_contact(
        self, target: Target, current: EntityState | None, fields: dict[str, Any]
    ) -> None:
        values = {**(current.fields if current else {}), **fields}
        if values.get("notes"):
            raise _invalid("notes: contacts have no notes here")
        contact = Contact(
            name=str(values.get("name", "")),
            role=str(values.get("role") or ""),
            email=str(values.get("email") or ""),
            phone=str(values.get("phone") or ""),
            id=_uuid(target.entity_id) or "",
        )
        if not contact.id:
            raise _invalid("a contact's id is a UUID")
        [contacts] = await self._s.customers.contacts(self._p, [target.customer_id])
        kept = [c for c in contacts if c.id != contact.id]
        await self._s.customers.update(
            self._p, target.customer_id, CustomerDraft(contacts=[*kept, contact])
        )

    async def _remove_listed(self, current: EntityState) -> None:
        target = current.target
        customers = self._s.customers
        if target.entity is Entity.ADDRESS:
            [addresses] = await customers.addresses(self._p, [target.customer_id])
            draft = CustomerDraft(addresses=[a for a in addresses if a.id != target.entity_id])
        else:
            [contacts] = await customers.contacts(self._p, [target.customer_id])
            draft = CustomerDraft(contacts=[c for c in contacts if c.id != target.entity_id])
        await customers.update(self._p, target.customer_id, draft)
        await self._offline.put_tombstone(
            self._tenant,
            target.entity.value,
            target.entity_id,
            target.customer_id,
            dict(current.fields),
            current.revision + 1,
            dt.datetime.now(dt.UTC),
        )
