"""Offline dossiers on the server: the sync client ledger, conflict records, check-out leases and
tombstones, and the :class:`sync.store.SyncStore` over them and the domain (docs/adr/0024)."""
