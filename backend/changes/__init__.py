"""The change feed: a per-tenant, gap-safe sequence of what changed in which dossier, written in
the transaction of the change itself; sync pull reads it (docs/adr/0024)."""
