"""The key that signs audit checkpoints: from the settings, or in development a key made once
and kept in the data folder (readable by its owner only)."""

from __future__ import annotations

import os
from pathlib import Path

from backend.audit.checkpoints import SigningKey
from backend.settings import Settings

__all__ = ["DEVELOPMENT_KEY_FILE", "signing_key"]

DEVELOPMENT_KEY_FILE = "audit-signing.key"


def signing_key(settings: Settings) -> SigningKey:
    if settings.security.audit_signing_key:
        return SigningKey.from_seed_b64(settings.security.audit_signing_key)
    path = Path(settings.data_dir) / DEVELOPMENT_KEY_FILE
    if path.exists():
        return SigningKey.from_seed_b64(path.read_text().strip())
    key = SigningKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key.seed_b64() + "\n")
    return key
