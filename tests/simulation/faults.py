"""The year's faults, from the seed: processes dying at chosen points of a send and coming back
after seconds, hours or days; Telegram failing for hours (5xx or timeouts), once for three
days; storms of 429s. Outages never overlap each other; crashes fall anywhere."""

from __future__ import annotations

import random
from datetime import timedelta

from tests.simulation.world import World

POINTS = ("after_claim", "after_accept", "broadcast", "idle")
LONG_OUTAGE = timedelta(days=3)


def schedule(world: World, rng: random.Random) -> None:
    start, days = world.options.start, world.options.days
    span = timedelta(days=days)
    long_at = start + span * rng.uniform(0.35, 0.55)
    moment = start + timedelta(days=rng.uniform(3, 10))
    placed_long = days < 20
    while moment < start + span:
        if not placed_long and moment >= long_at:
            world.outage(moment, "5xx", LONG_OUTAGE)
            moment += LONG_OUTAGE
            placed_long = True
        else:
            kind = rng.choice(("5xx", "timeout", "429"))
            hours = rng.uniform(0.5, 2) if kind == "timeout" else rng.uniform(1, 10)
            world.outage(moment, kind, timedelta(hours=hours))
            moment += timedelta(hours=hours)
        moment += timedelta(days=rng.uniform(5, 25))
    crashes = max(4, round(days / 365 * 30))
    for _ in range(crashes):
        when = start + span * rng.random()
        process = rng.choice(world.processes)
        point = rng.choices(POINTS, weights=(3, 3, 1, 2))[0]
        roll = rng.random()
        if roll < 0.6:
            restart = timedelta(seconds=rng.uniform(2, 120))
        elif roll < 0.9:
            restart = timedelta(hours=rng.uniform(1, 8))
        else:
            restart = timedelta(days=rng.uniform(1, 2.5))
        world.crash(when, process, point, restart)
