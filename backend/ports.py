"""Ports shared by every service: transactions and the clock."""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractAsyncContextManager
from typing import Protocol

__all__ = ["Clock", "Transactions", "utcnow"]


class Transactions(Protocol):
    def write(self) -> AbstractAsyncContextManager[None]:
        """One write transaction: everything inside commits together or not at all."""
        ...


class Clock(Protocol):
    def __call__(self) -> dt.datetime: ...


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
