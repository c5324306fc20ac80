"""Ordering visits: nearest neighbour from the start, improved by 2-opt and Or-opt.

Pure functions over a distance matrix ``d`` whose index 0 is the start and 1…n the stops. A tour
is ``[0, s1, …, sn]``; an open route ends at its last stop, a round trip returns to 0. The search
works on the symmetric part of ``d`` (the mean of both directions), because a reversed 2-opt
segment is only cheap to price when both directions cost the same; road tables are asymmetric, so
legs are reported from ``d`` itself.

- Nearest neighbour: always the closest unvisited stop; ties go to the stop given first, so the
  same input gives the same route. A few tours are built, each beginning with another of the
  stops nearest the start (:data:`STARTS`), and the shortest after improvement wins: one greedy
  first step is the usual way nearest neighbour goes wrong.
- 2-opt: reverse a segment when that shortens the route (removes crossings).
- Or-opt: move a run of one to three stops, either way round, to where it costs least (what 2-opt
  misses: a stop left behind on the way).
Both repeat until no move gains more than :data:`EPSILON` (a local optimum), so the result never
depends on float noise, and every move strictly shortens the route, so the loop ends.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Sequence

__all__ = [
    "EPSILON",
    "SMALL",
    "STARTS",
    "Matrix",
    "improve",
    "nearest_neighbour",
    "plan_order",
    "random_restart",
    "symmetric",
    "tour_length",
]

Matrix = Sequence[Sequence[float]]
EPSILON = 1e-9
STARTS = 4
"""Improved nearest-neighbour tours tried, each beginning with another stop near the start."""
SMALL = 13
"""Up to this many points (start included), a tour begins with every stop once."""


def symmetric(d: Matrix) -> list[list[float]]:
    n = len(d)
    return [[(d[i][j] + d[j][i]) / 2 for j in range(n)] for i in range(n)]


def tour_length(tour: Sequence[int], d: Matrix, round_trip: bool) -> float:
    total = sum(d[a][b] for a, b in itertools.pairwise(tour))
    return total + (d[tour[-1]][tour[0]] if round_trip and len(tour) > 1 else 0.0)


def nearest_neighbour(d: Matrix, first: int | None = None) -> list[int]:
    """Start, then always the closest unvisited stop (``first`` first, when given)."""
    tour = [0] if first is None else [0, first]
    left = [j for j in range(1, len(d)) if j != first]
    while left:
        here = d[tour[-1]]
        best = min(left, key=lambda j: (here[j], j))
        tour.append(best)
        left.remove(best)
    return tour


def _two_opt(tour: list[int], d: Matrix, round_trip: bool) -> bool:
    n = len(tour)
    improved = False
    for i in range(1, n - 1):
        a, b = tour[i - 1], tour[i]
        dab = d[a][b]
        for j in range(i + 1, n):
            c = tour[j]
            if j + 1 < n:
                e = tour[j + 1]
                delta = d[a][c] + d[b][e] - dab - d[c][e]
            elif round_trip:
                delta = d[a][c] + d[b][0] - dab - d[c][0]
            else:
                delta = d[a][c] - dab
            if delta < -EPSILON:
                tour[i : j + 1] = tour[i : j + 1][::-1]
                improved = True
                b = tour[i]
                dab = d[a][b]
    return improved


def _or_opt(tour: list[int], d: Matrix, round_trip: bool) -> bool:
    n = len(tour)
    end = 0 if round_trip else None

    def after(k: int) -> int | None:
        return tour[k + 1] if k + 1 < n else end

    def cost(x: int, y: int | None) -> float:
        return 0.0 if y is None else d[x][y]

    for length in (1, 2, 3):
        for i in range(1, n - length + 1):
            last_at = i + length - 1
            prev, first, last, nxt = tour[i - 1], tour[i], tour[last_at], after(last_at)
            gain = cost(prev, first) + cost(last, nxt) - cost(prev, nxt)
            if gain <= EPSILON:
                continue
            best, where, flip = gain - EPSILON, -1, False
            for p in range(n):
                if i - 1 <= p <= last_at:
                    continue
                x, y = tour[p], after(p)
                base = cost(x, y)
                forward = d[x][first] + cost(last, y) - base
                backward = d[x][last] + cost(first, y) - base
                if forward < best:
                    best, where, flip = forward, p, False
                if backward < best:
                    best, where, flip = backward, p, True
            if where >= 0:
                segment = tour[i : last_at + 1]
                if flip:
                    segment.reverse()
                rest = tour[:i] + tour[last_at + 1 :]
                at = where + 1 if where < i else where - length + 1
                tour[:] = rest[:at] + segment + rest[at:]
                return True
    return False


def improve(tour: list[int], d: Matrix, round_trip: bool) -> list[int]:
    """2-opt and Or-opt until neither shortens ``tour`` (changed in place and returned)."""
    while True:
        changed = _two_opt(tour, d, round_trip)
        changed = _or_opt(tour, d, round_trip) or changed
        if not changed:
            return tour


def plan_order(d: Matrix, round_trip: bool, starts: int = STARTS) -> list[int]:
    """The visiting order of stops 1…n (without the start): the shortest of the improved
    nearest-neighbour tours that begin with each of the ``starts`` stops nearest the start."""
    search = symmetric(d)
    if len(d) <= SMALL:
        starts = len(d)
    firsts = sorted(range(1, len(d)), key=lambda j: (search[0][j], j))[:starts]
    best: list[int] = [0]
    best_length = float("inf")
    choices: list[int | None] = [*firsts] or [None]
    for first in choices:
        tour = improve(nearest_neighbour(search, first), search, round_trip)
        length = tour_length(tour, search, round_trip)
        if length < best_length - EPSILON:
            best, best_length = tour, length
    return best[1:]


def random_restart(d: Matrix, round_trip: bool, rng: random.Random) -> list[int]:
    """The same improvement from a random first tour (to judge :func:`plan_order` by)."""
    search = symmetric(d)
    stops = list(range(1, len(d)))
    rng.shuffle(stops)
    return improve([0, *stops], search, round_trip)[1:]
