"""Where the time of measure A goes: cProfile over some GraphQL runs, and the statements of one."""

from __future__ import annotations

import cProfile
import io
import pstats

from bench.cover_bench import CoverPair

__all__ = ["profile_graphql"]


async def profile_graphql(pair: CoverPair, runs: int = 30, top: int = 30) -> str:
    """The statements of one run, then the ``top`` functions by own and by cumulative time."""
    out = io.StringIO()
    statements = await pair.graphql_statements()
    out.write(f"statements of one GraphQL run ({len(statements)}):\n")
    for statement in statements:
        out.write(f"  {' '.join(statement.split())[:160]}\n")
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(runs):
        pair.check_graphql(await pair.graphql())
    profiler.disable()
    for order in ("tottime", "cumulative"):
        out.write(f"\n-- {runs} GraphQL runs, top {top} by {order} --\n")
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(top)
    return out.getvalue()
