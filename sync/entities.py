"""What sync carries: the entities of a dossier, their field names, and which mutations each takes.

Field names are checked here; field *values* are checked by the store (it knows the tenant's
cover-sheet schema and index fields) and a store rejects bad values before writing anything.

A field whose value is an object on both sides of a merge (``index_values``, ``key_data``) merges
per key (see :mod:`sync.merge`).
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "BLOB_ENTITIES",
    "CLIENT_FIELDS",
    "KINDS_BY_ENTITY",
    "REVIVABLE",
    "WHOLE_ENTITY",
    "Entity",
    "MutationKind",
    "lease_id",
]


class Entity(StrEnum):
    CUSTOMER = "customer"
    ADDRESS = "address"
    CONTACT = "contact"
    DOCUMENT = "document"
    REGISTER_ASSIGNMENT = "register_assignment"
    VERSION = "version"
    LEASE = "lease"
    """Server-made: a check-out of one dossier by one user on one device (see :func:`lease_id`)."""
    CONFLICT = "conflict"
    """Server-made: a conflict record; the target of ``resolve``."""


class MutationKind(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    RESOLVE = "resolve"
    """Resolve a conflict record: keep mine, keep theirs, or a new value."""
    CHECKOUT = "checkout"
    """Pin a dossier (entity ``customer``): a lease for this user and device; renews an open one."""
    RENEW = "renew"
    """Extend this user's and device's open lease on a dossier (else ``no_lease``)."""
    CHECKIN = "checkin"
    """End this user's and device's lease on a dossier."""
    VIEW = "view"
    """A document was viewed (offline): written to the audit trail with the device's time."""


#: The fields a client may send per entity (``create`` and ``update``).
CLIENT_FIELDS: dict[Entity, frozenset[str]] = {
    Entity.CUSTOMER: frozenset({"name", "erp_number", "key_data"}),
    Entity.ADDRESS: frozenset(
        {"kind", "label", "street", "postal_code", "city", "country", "latitude", "longitude"}
    ),
    Entity.CONTACT: frozenset({"name", "role", "email", "phone", "notes"}),
    Entity.DOCUMENT: frozenset(
        {
            "title",
            "document_date",
            "status",
            "document_type_id",
            "index_values",
            "file_name",
            "media_type",
        }
    ),
    Entity.REGISTER_ASSIGNMENT: frozenset({"document_id", "register_id"}),
    Entity.VERSION: frozenset({"document_id", "file_name", "media_type"}),
}

#: Which mutation kinds each entity takes.
KINDS_BY_ENTITY: dict[Entity, frozenset[MutationKind]] = {
    Entity.CUSTOMER: frozenset(
        {MutationKind.UPDATE, MutationKind.CHECKOUT, MutationKind.RENEW, MutationKind.CHECKIN}
    ),
    Entity.ADDRESS: frozenset({MutationKind.CREATE, MutationKind.UPDATE, MutationKind.DELETE}),
    Entity.CONTACT: frozenset({MutationKind.CREATE, MutationKind.UPDATE, MutationKind.DELETE}),
    Entity.DOCUMENT: frozenset(
        {MutationKind.CREATE, MutationKind.UPDATE, MutationKind.DELETE, MutationKind.VIEW}
    ),
    Entity.REGISTER_ASSIGNMENT: frozenset({MutationKind.CREATE, MutationKind.DELETE}),
    Entity.VERSION: frozenset({MutationKind.CREATE}),
    Entity.CONFLICT: frozenset({MutationKind.RESOLVE}),
    Entity.LEASE: frozenset(),
}

#: Entities created with a blob: a document (its first version) and a new version.
BLOB_ENTITIES = frozenset({Entity.DOCUMENT, Entity.VERSION})

#: Entities that may be created again after a delete under the same id (a register assignment is
#: named by its document and register). Anything else stays deleted: never a silent resurrection.
REVIVABLE = frozenset({Entity.REGISTER_ASSIGNMENT})

#: The conflict ``field`` that stands for the whole entity: one side deleted it, the other edited.
WHOLE_ENTITY = "*"


def lease_id(customer_id: str, user_id: str, device: str) -> str:
    """The id of the lease entity of one user's check-out of one dossier on one device."""
    return f"{customer_id}/{user_id}/{device}"
