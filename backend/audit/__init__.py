"""The tamper-evident audit trail: per-tenant hash chains, Merkle proofs, signed checkpoints.

The pure core (``events``, ``merkle``, ``checkpoints``) imports only the standard library and
``cryptography``; storage and services build on it.
"""
