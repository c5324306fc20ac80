"""Signed one-click unsubscribe links (RFC 8058): ``{base_url}/notifications/unsubscribe?token=…``.

A token names the tenant, the user and either one subscription (instant mails) or all of the
user's e-mail (digests), signed with HMAC-SHA256 under a key derived from the installation's
secret key. Tokens do not expire: an old mail's link must keep working."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass

__all__ = ["ALL_MAIL", "UnsubscribeToken", "sign_unsubscribe", "verify_unsubscribe"]

ALL_MAIL = "all"


@dataclass(frozen=True, slots=True)
class UnsubscribeToken:
    tenant_id: str
    user_id: str
    subscription_id: str
    """A subscription id, or :data:`ALL_MAIL`."""


def _key(secret_key: str) -> bytes:
    return hashlib.sha256(b"dossier unsubscribe v1\x00" + secret_key.encode()).digest()


def _mac(secret_key: str, body: str) -> str:
    digest = hmac.new(_key(secret_key), body.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign_unsubscribe(secret_key: str, token: UnsubscribeToken) -> str:
    body = f"v1.{token.tenant_id}.{token.user_id}.{token.subscription_id}"
    return f"{body}.{_mac(secret_key, body)}"


def verify_unsubscribe(secret_key: str, text: str) -> UnsubscribeToken | None:
    """The token's content if its signature holds, else None."""
    body, _, mac = text.rpartition(".")
    parts = body.split(".")
    if len(parts) != 4 or parts[0] != "v1" or not mac:
        return None
    if not hmac.compare_digest(mac, _mac(secret_key, body)):
        return None
    return UnsubscribeToken(parts[1], parts[2], parts[3])
