from piccolo.columns import UUID, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.table import Table

from backend.tenancy.tables import TenantTable


class JobTable(Table, tablename="job"):
    """Work to do after a change, written in the change's transaction (a transactional outbox).

    ``state``: queued → running → done, or back to queued (a retry after ``run_after``), or dead.
    A running job whose ``lease_until`` passed lost its worker and is claimed again."""

    id = UUID(primary_key=True)
    tenant = ForeignKey(TenantTable, on_delete=OnDelete.restrict, index=True)
    kind = Varchar(length=63)
    payload = Text()
    dedupe_key = Varchar(length=255, null=True, default=None)
    state = Varchar(length=16, default="queued")
    attempts = Integer(default=0)
    max_attempts = Integer(default=5)
    run_after = Timestamptz()
    lease_until = Timestamptz(null=True, default=None)
    locked_by = Varchar(length=64, null=True, default=None)
    last_error = Text(null=True, default=None)
    created_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)
