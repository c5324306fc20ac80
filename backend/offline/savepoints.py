"""A savepoint inside the current write transaction: one sync mutation that fails leaves nothing
behind (rows, audit lines, noted feed changes), and the batch goes on."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import AsyncIterator
from typing import Any

from piccolo.engine.base import Engine

from backend.changes.recording import forget_since, recorded_so_far

__all__ = ["savepoint"]

_names = itertools.count(1)


@contextlib.asynccontextmanager
async def savepoint(engine: Engine[Any]) -> AsyncIterator[None]:
    transaction = engine.current_transaction.get()
    if transaction is None:
        raise RuntimeError("a savepoint needs a write transaction")
    point = await transaction.savepoint(f"sync_{next(_names)}")
    mark = recorded_so_far()
    try:
        yield
    except BaseException:
        await point.rollback_to()
        forget_since(mark)
        raise
    await point.release()
