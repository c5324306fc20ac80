"""Route planning as pure functions: optimal on small instances (checked by brute force), stable
on ties, sane with duplicates, one stop and 100 stops."""

from __future__ import annotations

import itertools
import random
import time

import pytest

from backend.geo.distance import distance_km
from backend.geo.models import Point
from backend.geo.route import nearest_neighbour, plan_order, random_restart, tour_length


def matrix(points: list[Point]) -> list[list[float]]:
    return [[distance_km(a, b) for b in points] for a in points]


def scattered(seed: int, n: int) -> list[Point]:
    rng = random.Random(seed)
    return [Point(51 + rng.random(), 12 + rng.random() * 1.6) for _ in range(n + 1)]


def optimum(d: list[list[float]], round_trip: bool) -> float:
    """The shortest tour from 0 over all stops, exactly (Held-Karp over subsets: brute force
    without the repeated work, 9 stops in milliseconds)."""
    n = len(d) - 1
    if n == 0:
        return 0.0
    best: dict[tuple[int, int], float] = {(1 << (j - 1), j): d[0][j] for j in range(1, n + 1)}
    for size in range(2, n + 1):
        for subset in itertools.combinations(range(1, n + 1), size):
            mask = sum(1 << (j - 1) for j in subset)
            for j in subset:
                rest = mask & ~(1 << (j - 1))
                best[(mask, j)] = min(best[(rest, k)] + d[k][j] for k in subset if k != j)
    full = (1 << n) - 1
    return min(best[(full, j)] + (d[j][0] if round_trip else 0.0) for j in range(1, n + 1))


def brute_force(d: list[list[float]], round_trip: bool) -> float:
    n = len(d) - 1
    return min(
        tour_length([0, *order], d, round_trip) for order in itertools.permutations(range(1, n + 1))
    )


def test_the_exact_optimum_agrees_with_brute_force() -> None:
    for seed in range(6):
        d = matrix(scattered(seed, 6))
        for round_trip in (True, False):
            assert optimum(d, round_trip) == pytest.approx(brute_force(d, round_trip))


@pytest.mark.parametrize("round_trip", [True, False])
def test_small_instances_are_within_five_percent_of_the_optimum(round_trip: bool) -> None:
    worst = 1.0
    for seed in range(120):
        n = 2 + seed % 8  # 2 … 9 stops
        d = matrix(scattered(seed, n))
        order = plan_order(d, round_trip)
        assert sorted(order) == list(range(1, n + 1)), "every stop once"
        worst = max(worst, tour_length([0, *order], d, round_trip) / optimum(d, round_trip))
    assert worst <= 1.05, worst


def test_a_known_tour_a_square_is_walked_round() -> None:
    # Start in a corner; the other corners and the midpoints of the sides: the optimum is the
    # perimeter, which nearest neighbour alone also finds; a crossing order would be longer.
    start = Point(50.0, 10.0)
    stops = [
        Point(50.2, 10.3),
        Point(50.0, 10.3),
        Point(50.2, 10.0),
        Point(50.1, 10.0),
        Point(50.0, 10.15),
        Point(50.2, 10.15),
        Point(50.1, 10.3),
    ]
    d = matrix([start, *stops])
    order = plan_order(d, round_trip=True)
    assert tour_length([0, *order], d, True) == pytest.approx(optimum(d, True), rel=1e-9)


def test_ties_are_broken_by_the_order_given() -> None:
    # Four stops at the same distance from the start, in four directions.
    start = Point(0.0, 0.0)
    stops = [Point(0.0, 1.0), Point(1.0, 0.0), Point(0.0, -1.0), Point(-1.0, 0.0)]
    d = matrix([start, *stops])
    first = plan_order(d, round_trip=True)
    assert first == plan_order(d, round_trip=True), "deterministic"
    assert nearest_neighbour(d)[1] == 1, "the first given of equally near stops"
    assert tour_length([0, *first], d, True) == pytest.approx(optimum(d, True))


def test_duplicated_positions_are_visited_together() -> None:
    start = Point(52.0, 13.0)
    a, b = Point(52.1, 13.1), Point(52.3, 13.4)
    d = matrix([start, a, b, a, b, a])
    order = plan_order(d, round_trip=False)
    legs = [d[x][y] for x, y in itertools.pairwise([0, *order])]
    assert sum(1 for leg in legs if leg == 0.0) == 3, "same place: zero-length legs, no detour"
    assert tour_length([0, *order], d, False) == pytest.approx(optimum(d, False))


def test_one_stop_and_no_stop() -> None:
    d = matrix([Point(52.0, 13.0), Point(52.5, 13.5)])
    assert plan_order(d, round_trip=True) == [1]
    assert plan_order([[0.0]], round_trip=True) == []


def test_a_hundred_stops_are_planned_quickly_and_well() -> None:
    d = matrix(scattered(100, 100))
    began = time.perf_counter()
    order = plan_order(d, round_trip=True)
    took = time.perf_counter() - began
    assert sorted(order) == list(range(1, 101))
    length = tour_length([0, *order], d, True)
    rivals = [
        tour_length([0, *random_restart(d, True, random.Random(s))], d, True) for s in range(5)
    ]
    assert length <= min(rivals) * 1.10
    assert took < 5.0, took


def test_asymmetric_road_tables_are_reported_as_given() -> None:
    d = [[0.0, 1.0, 5.0], [2.0, 0.0, 1.0], [4.0, 3.0, 0.0]]
    order = plan_order(d, round_trip=False)
    assert order == [1, 2]
    assert tour_length([0, *order], d, False) == 2.0
