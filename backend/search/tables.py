from piccolo.columns import ForeignKey, Text
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from backend.documents.tables import DocumentTable
from backend.tenancy.tables import TenantTable


class SearchEntryTable(Table, tablename="search_entry"):
    """What full-text search finds a live document by: one row per document, rebuilt from the
    document, its customer, type, index values and the text of its latest version by
    :mod:`backend.search.index`. Deleted documents have none.

    The integer ``id`` (Piccolo's default) is the rowid SQLite's FTS5 table ``search_entry_fts``
    keys on; PostgreSQL keeps a weighted ``tsv`` column (GIN) beside the text, set by a trigger.
    Both are made by raw migrations (docs/adr/0014)."""

    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    document = ForeignKey(DocumentTable, on_delete=OnDelete.cascade, unique=True)
    title = Text(default="")
    keys = Text(default="")
    """Customer name and number, document type name, index values."""
    body = Text(default="")
    """Extracted text of the latest version (its beginning, see ``MAX_BODY``)."""
