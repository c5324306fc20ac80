"""Verifying a tenant's chain of audit events in one pass (``dossier verify``).

The problem codes are documented with :class:`backend.audit.events.ChainProblem`.
"""

from __future__ import annotations

import bisect
from collections.abc import AsyncIterable, Iterable
from dataclasses import dataclass

from backend.audit.events import GENESIS_HASH, AuditEvent, ChainProblem, ProblemKind

__all__ = ["ChainVerifier", "verify_chain", "verify_chain_async"]


@dataclass(slots=True)
class _Gap:
    """Sequence numbers ``start..end`` not seen yet, and what their seen neighbours say."""

    start: int
    end: int
    below_hash: str  # the hash of event start - 1
    above_prev_hash: str  # the prev_hash of event end + 1


def _gap_start(gap: _Gap) -> int:
    return gap.start


def _short(hash_hex: str) -> str:
    return f"{hash_hex[:12]}…"


class ChainVerifier:
    """Checks one tenant's chain event by event (:meth:`feed`); :meth:`finish` reports.

    Events should come in ``seq`` order but need not: every event is re-hashed, and every link
    ``seq - 1 → seq`` is checked whichever of the two arrives later. Memory is O(1) plus the
    problems found: besides counters the verifier keeps the hash of the highest event so far and,
    for each run of sequence numbers not seen yet, the hashes its seen neighbours name.

    Links are checked against the *stored* hashes, so one changed row is one ``hash_mismatch``;
    a row whose stored hash was recomputed as well shows as a ``broken_link`` at the next event.
    An event of another tenant is reported and re-hashed but otherwise ignored. Runs of
    consecutive out-of-order events are reported once.
    """

    __slots__ = (
        "_count",
        "_gaps",
        "_head_hash",
        "_last_seq",
        "_out_of_order_run",
        "_problems",
        "_start_seq",
        "_tenant_id",
    )

    def __init__(
        self,
        *,
        tenant_id: str | None = None,
        start_prev_hash: str = GENESIS_HASH,
        start_seq: int = 1,
    ) -> None:
        """``tenant_id`` defaults to the first event's; ``start_prev_hash`` and ``start_seq``
        verify a chain from the middle (the hash of event ``start_seq - 1`` and the first seq)."""
        self._tenant_id = tenant_id
        self._start_seq = start_seq
        self._last_seq = start_seq - 1
        self._head_hash = start_prev_hash
        self._gaps: list[_Gap] = []
        self._problems: list[ChainProblem] = []
        # The latest out-of-order run: lowest and highest seq, the highest event they arrived
        # after, and the index of their problem.
        self._out_of_order_run: tuple[int, int, int, int] | None = None
        self._count = 0

    @property
    def count(self) -> int:
        """How many events were fed, including those reported."""
        return self._count

    @property
    def last_seq(self) -> int:
        """The highest sequence number seen (``start_seq - 1`` before any)."""
        return self._last_seq

    @property
    def head_hash(self) -> str:
        """The stored hash of event :attr:`last_seq` (``start_prev_hash`` before any)."""
        return self._head_hash

    def feed(self, event: AuditEvent) -> None:
        self._count += 1
        if self._tenant_id is None:
            self._tenant_id = event.tenant_id
        if event.tenant_id != self._tenant_id:
            detail = f"belongs to tenant {event.tenant_id!r}, not {self._tenant_id!r}"
            self._report(event.seq, "wrong_tenant", detail)
            self._check_hash(event)
            return
        self._check_hash(event)
        seq = event.seq
        if seq == self._last_seq + 1:
            self._check_link(seq, event.prev_hash, self._head_hash)
        elif seq > self._last_seq:
            gap = _Gap(self._last_seq + 1, seq - 1, self._head_hash, event.prev_hash)
            self._gaps.append(gap)
        elif seq < self._start_seq:
            detail = f"comes before {self._start_seq}, the first event to verify"
            self._report(seq, "out_of_order", detail)
            return
        else:
            self._fill(event)
            return
        self._last_seq, self._head_hash = seq, event.hash

    def finish(self) -> list[ChainProblem]:
        """Every problem found so far, by ``seq`` (chain-wide ones first), missing runs included."""
        missing = [
            ChainProblem(
                gap.start,
                "missing_events",
                f"event {gap.start} is missing"
                if gap.start == gap.end
                else f"events {gap.start}–{gap.end} are missing ({gap.end - gap.start + 1})",
            )
            for gap in self._gaps
        ]
        return sorted(self._problems + missing, key=lambda p: -1 if p.seq is None else p.seq)

    def _report(self, seq: int | None, kind: ProblemKind, detail: str) -> None:
        self._problems.append(ChainProblem(seq, kind, detail))

    def _check_hash(self, event: AuditEvent) -> None:
        try:
            computed = event.computed_hash()
        except ValueError as exc:
            detail = f"cannot be re-encoded, so it is not what was sealed: {exc}"
            self._report(event.seq, "hash_mismatch", detail)
            return
        if computed != event.hash:
            detail = f"its content hashes to {_short(computed)}, its stored hash is {event.hash!r}"
            self._report(event.seq, "hash_mismatch", detail)

    def _check_link(self, seq: int, prev_hash: str, expected: str) -> None:
        if prev_hash != expected:
            before = f"event {seq - 1}" if seq > self._start_seq else "the chain's start"
            detail = f"prev_hash {prev_hash!r} is not the hash of {before}, {_short(expected)}"
            self._report(seq, "broken_link", detail)

    def _fill(self, event: AuditEvent) -> None:
        """An event at or below the highest seq: a late arrival into a gap, or a duplicate."""
        seq = event.seq
        index = bisect.bisect_right(self._gaps, seq, key=_gap_start) - 1
        if index < 0 or seq > self._gaps[index].end:
            self._report(seq, "duplicate_seq", f"event {seq} occurs more than once")
            return
        self._report_out_of_order(seq)
        gap = self._gaps[index]
        if seq == gap.start:
            self._check_link(seq, event.prev_hash, gap.below_hash)
        if seq == gap.end:
            self._check_link(seq + 1, gap.above_prev_hash, event.hash)
        if gap.start == gap.end:
            del self._gaps[index]
        elif seq == gap.start:
            gap.start, gap.below_hash = seq + 1, event.hash
        elif seq == gap.end:
            gap.end, gap.above_prev_hash = seq - 1, event.prev_hash
        else:
            self._gaps.insert(index + 1, _Gap(seq + 1, gap.end, event.hash, gap.above_prev_hash))
            gap.end, gap.above_prev_hash = seq - 1, event.prev_hash

    def _report_out_of_order(self, seq: int) -> None:
        """One problem per run of adjacent seqs that arrived after the same highest event."""
        run = self._out_of_order_run
        if run is not None and run[2] == self._last_seq and seq in (run[0] - 1, run[1] + 1):
            low, high = min(run[0], seq), max(run[1], seq)
            detail = f"events {low}–{high} arrived after event {self._last_seq}"
            self._problems[run[3]] = ChainProblem(low, "out_of_order", detail)
            self._out_of_order_run = (low, high, self._last_seq, run[3])
            return
        self._report(seq, "out_of_order", f"arrived after event {self._last_seq}")
        self._out_of_order_run = (seq, seq, self._last_seq, len(self._problems) - 1)


def verify_chain(
    events: Iterable[AuditEvent],
    *,
    tenant_id: str | None = None,
    start_prev_hash: str = GENESIS_HASH,
    start_seq: int = 1,
) -> list[ChainProblem]:
    """Every problem of the chain ``events`` in one pass (see :class:`ChainVerifier`);
    ``[]`` for an untouched chain. A cut-off tail needs a checkpoint to be seen."""
    verifier = ChainVerifier(
        tenant_id=tenant_id, start_prev_hash=start_prev_hash, start_seq=start_seq
    )
    for event in events:
        verifier.feed(event)
    return verifier.finish()


async def verify_chain_async(
    events: AsyncIterable[AuditEvent],
    *,
    tenant_id: str | None = None,
    start_prev_hash: str = GENESIS_HASH,
    start_seq: int = 1,
) -> list[ChainProblem]:
    """:func:`verify_chain` over an asynchronous stream (events read from the database)."""
    verifier = ChainVerifier(
        tenant_id=tenant_id, start_prev_hash=start_prev_hash, start_seq=start_seq
    )
    async for event in events:
        verifier.feed(event)
    return verifier.finish()
