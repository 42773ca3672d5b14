"""One simulated run from a seed: the world, its people and faults, then the oracle's verdict."""

from __future__ import annotations

import asyncio
import random
import time as wallclock
from dataclasses import dataclass

from tests.simulation import faults, oracle
from tests.simulation.people import populate
from tests.simulation.world import Options, World


@dataclass
class Outcome:
    world: World
    report: oracle.Report
    wall_seconds: float

    @property
    def ok(self) -> bool:
        return self.report.ok and not self.world.surprises and not self.world.errors.unexpected

    def replay(self, patient: int) -> str:
        options = self.world.options
        return (
            f"python -m tests.simulation --patients {options.patients} --days {options.days} "
            f"--seed {options.seed} --only-patient {patient - 1_000_000}"
        )


def simulate(options: Options) -> Outcome:
    began = wallclock.perf_counter()
    world = World(options)
    world.api.start()
    populate(world)
    if options.faults:
        faults.schedule(world, random.Random(f"{options.seed}:faults"))
    asyncio.run(world.run())
    report = oracle.check(world.events, end=world.now)  # the end, once the world wound down
    return Outcome(world, report, wallclock.perf_counter() - began)
