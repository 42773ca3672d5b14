"""The run's report: the oracle's figures, the world's own (steps, wall time, surprises), and
for a failure the trail of each patient concerned with the command that replays them alone."""

from __future__ import annotations

from dataclasses import fields

from tests.simulation import events as ev
from tests.simulation.run import Outcome

TRAIL = 40
SHOWN = 3


def describe(outcome: Outcome) -> str:
    world, report = outcome.world, outcome.report
    options = world.options
    backend = "PostgreSQL" if world.database_url.startswith("postgresql") else "SQLite"
    senders = len(world.processes)
    days_per_second = options.days / outcome.wall_seconds if outcome.wall_seconds else 0.0
    lines = [
        f"simulated {options.patients if options.only_patient is None else 1} patients × "
        f"{options.days} days, seed {options.seed}, {backend}, {senders} sending process"
        f"{'es' if senders > 1 else ''}",
        report.format(),
        f"people's surprises (answers unlike the contract): {len(world.surprises)}",
        f"bot's error lines: {sum(world.errors.seen.values())}, unexpected "
        f"{sum(world.errors.unexpected.values())} (expected: messages given up once their "
        "window closed during an outage)",
        f"steps: {world.steps}; wall time {outcome.wall_seconds:.0f} s; "
        f"{days_per_second:.2f} simulated days per second",
    ]
    if report.window:
        lines.append("sent twice in the documented window (Telegram accepted, process died):")
        lines.extend(
            f"  {sent.at:%Y-%m-%d %H:%M} to {sent.chat}: {getattr(sent, 'kind', 'broadcast')}"
            f" (crash {crash.point} at {crash.at:%H:%M:%S})"
            for sent, crash in report.window[:10]
        )
    for said, count in world.errors.unexpected.most_common(10):
        lines.append(f"  unexpected error line ×{count}: {said}")
    for who, what in world.surprises[:20]:
        lines.append(f"  surprise for {who}: {what}")
    concerned = sorted(
        {v.who for v in report.violations if v.who is not None}
        | {who for who, _ in world.surprises if who >= 1_000_000 and who < 2_000_000}
    )
    for who in concerned[:SHOWN]:
        lines.append(f"\ntrail of {who} (last {TRAIL} events):")
        lines.extend(f"  {line}" for line in map(_line, report.trail(who)[-TRAIL:]))
        if 1_000_000 <= who < 2_000_000:
            lines.append(f"replay: {outcome.replay(who)}")
    return "\n".join(lines)


def _line(event: ev.Event) -> str:
    values = []
    for item in fields(event):
        if item.name == "at":
            continue
        value = getattr(event, item.name)
        if isinstance(value, str) and len(value) > 70:
            value = value[:70] + "…"
        values.append(f"{item.name}={value}")
    return f"{event.at:%Y-%m-%d %H:%M:%S} {type(event).__name__} " + " ".join(values)
