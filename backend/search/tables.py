from piccolo.columns import Date, ForeignKey, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from backend.customers.tables import CustomerTable
from backend.documents.tables import DocumentTable, DocumentTypeTable
from backend.tenancy.tables import TenantTable


class SearchEntryTable(Table, tablename="search_entry"):
    """What full-text search finds a live document by: one row per document, rebuilt from the
    document, its customer, type, index values and the text of its latest version by
    :mod:`backend.search.index`. Deleted documents have none.

    The integer ``id`` (Piccolo's default) is the rowid SQLite's FTS5 table ``search_entry_fts``
    keys on; PostgreSQL keeps a weighted ``tsv`` column (GIN) beside the text, set by a trigger.
    Both are made by raw migrations (docs/adr/0014).

    The document's filter columns are repeated here (customer, type, dates, status), so a search
    reads one table: PostgreSQL combines the full-text bitmap with B-tree bitmaps on them, and
    ``tags`` gives FTS5 the same conditions as words of their own (:mod:`backend.search.tags`)."""

    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    document = ForeignKey(DocumentTable, on_delete=OnDelete.cascade, unique=True)
    title = Text(default="")
    keys = Text(default="")
    """Customer name and number, document type name, index values."""
    body = Text(default="")
    """Extracted text of the latest version (its beginning, see ``MAX_BODY``)."""
    customer = ForeignKey(CustomerTable, on_delete=OnDelete.restrict, null=True, default=None)
    document_type = ForeignKey(
        DocumentTypeTable, on_delete=OnDelete.restrict, null=True, default=None
    )
    document_date = Date(null=True, default=None)
    created_at = Timestamptz(null=True, default=None)
    status = Varchar(length=32, default="active")
    tags = Text(default="")
    """Filter words for FTS5 (customer, type, status, year and month of the document date)."""
