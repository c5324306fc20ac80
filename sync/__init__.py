"""The pure sync engine of offline dossiers (docs/adr/0021).

- :mod:`sync.protocol`  the messages (msgspec) and ``PROTOCOL_VERSION``
- :mod:`sync.entities`  entities, their fields and mutation kinds
- :mod:`sync.errors`    stable codes
- :mod:`sync.store`     the port the backend implements (ledger, entities, feed, hooks)
- :mod:`sync.merge`     field-level three-way merge
- :mod:`sync.push`, :mod:`sync.pull`  the two operations, pure functions over a store
- :mod:`sync.memory`    an in-memory store

Imports only the standard library, msgspec and its own modules.
"""
