"""Interleaved timing of two async callables, and percentiles of the samples.

A and B run alternately (ABAB…) after a warm-up of both, so that whatever else the machine does
(another process, a checkpoint, the garbage collector of the other side) falls on both alike.
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from backend.http.app import freeze_startup_objects

__all__ = ["Side", "Timing", "interleaved", "percentile"]

A = TypeVar("A")
B = TypeVar("B")
T = TypeVar("T")


def percentile(samples: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0–100), linearly interpolated between closest ranks."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass(frozen=True, slots=True)
class Timing:
    """Wall-clock durations of the runs, in milliseconds."""

    samples_ms: tuple[float, ...]

    @property
    def runs(self) -> int:
        return len(self.samples_ms)

    @property
    def p50(self) -> float:
        return percentile(self.samples_ms, 50)

    @property
    def p95(self) -> float:
        return percentile(self.samples_ms, 95)


@dataclass(frozen=True, slots=True)
class Side(Generic[T]):
    """One side of the comparison: the work, and a check of its result (not timed)."""

    run: Callable[[], Awaitable[T]]
    check: Callable[[T], object]


async def _timed(side: Side[T]) -> float:
    started = time.perf_counter_ns()
    result = await side.run()
    elapsed = time.perf_counter_ns() - started
    side.check(result)
    return elapsed / 1e6


async def interleaved(a: Side[A], b: Side[B], *, runs: int, warmup: int) -> tuple[Timing, Timing]:
    """Time ``runs`` runs of each, alternating, after ``warmup`` untimed runs of each."""
    for _ in range(warmup):
        a.check(await a.run())
        b.check(await b.run())
    # As the server does after start-up (backend.http.app.freeze_startup_objects): long-lived
    # objects leave the collector's view, so collections during the runs see request garbage only.
    freeze_startup_objects()
    a_ms: list[float] = []
    b_ms: list[float] = []
    for _ in range(runs):
        a_ms.append(await _timed(a))
        b_ms.append(await _timed(b))
    return Timing(tuple(a_ms)), Timing(tuple(b_ms))
