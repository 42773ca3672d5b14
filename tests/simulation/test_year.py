"""Issue 15 in CI: a small simulated year (70 patients, 365 days, one seed) through the real
application on each backend, with crashes, outages, DST and travel, judged by the oracle. On
PostgreSQL a second sending process shares the work. `python -m tests.simulation` runs bigger
years and other seeds (README, "Speed and reliability")."""

from __future__ import annotations

import logging

import pytest

from tests.simulation.report import describe
from tests.simulation.run import simulate
from tests.simulation.world import Options
from tests.support.database import Backend

PATIENTS, DAYS, SEED = 70, 365, 15


@pytest.mark.filterwarnings("ignore:Tasks created via `Application.create_task`")
def test_a_year_sends_every_reminder_once_through_crashes_and_outages(
    database_url: str, backend: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)  # the bot's retry warnings during outages are expected
    outcome = simulate(
        Options(PATIENTS, DAYS, SEED, database_url, second_sender=backend == "postgresql")
    )
    report = describe(outcome)
    print(report)
    assert outcome.report.crashes >= 10 and outcome.report.outages >= 10, report
    assert outcome.report.dose_reminders > 500, report
    assert outcome.ok, report
