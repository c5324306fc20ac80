from piccolo.columns import UUID, DoublePrecision, ForeignKey, Text, Timestamptz
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from backend.customers.tables import CustomerTable
from backend.tenancy.tables import TenantTable


class VisitTable(Table, tablename="customer_visit"):
    """A visit at a customer. ``(customer, visited_at)`` is indexed (made in the migration): the
    last visit of a customer is one probe at the index's end, and deleting a customer finds its
    visits."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict)
    customer = ForeignKey(CustomerTable, on_delete=OnDelete.cascade)
    user_id = UUID()
    """Who visited; no foreign key, so the history outlives the account."""
    visited_at = Timestamptz()
    note = Text(default="")
    latitude = DoublePrecision(null=True, default=None)
    longitude = DoublePrecision(null=True, default=None)
    created_at = Timestamptz()
