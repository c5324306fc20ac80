from __future__ import annotations

from dataclasses import dataclass, field

from backend.fields import FieldDef

__all__ = ["Tenant"]


@dataclass(frozen=True, slots=True)
class Tenant:
    """A legal entity. Its cover schema types the key data shown on every dossier's cover sheet."""

    id: str
    slug: str
    name: str
    locale: str
    cover_schema: list[FieldDef] = field(default_factory=list)
    catalog_revision: int = 1
    """Grows with every change of registers or document types (see ``tenancy.cache``)."""
    blob_root: str | None = None
    """A storage folder of the tenant's own (legal entities that need separate media); None:
    the installation's blob store."""
    ocr_languages: str | None = None
    """Tesseract languages OCR reads the tenant's scans in (``deu+eng``); None: those of its
    locale (see :mod:`backend.documents.ocr_languages`)."""
