"""Issue 14's "done when": a new patient's first days and first doses, with the real sweep run
every ten minutes under a fixed clock and a stand-in bot, send at most one message per purpose
and dose: one heads-up, one take-out note, one reminder (a snooze adds exactly its one), one
check-in, no follow-up or missed alert once the dose is recorded, and no checklist reminder
repeating the list sign-up just showed. (The messages sign-up itself sends, the plan and the
one checklist, are counted end to end in tests/e2e/test_fewer_messages.py.)"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import select

from bot.actions import doses as actions
from bot.actions.enrolment import enrol
from bot.clock import FixedClock
from bot.db import transaction
from bot.domain.outcomes import Outcome
from bot.domain.reminders import Kind, Snooze
from bot.models import OutboxMessage
from bot.services import Services
from tests.support import factories
from tests.test_outbox import StandInBot, app, clock, run_sweep

__all__ = ["app", "clock"]  # the fixtures, shared with the outbox's tests

SIGN_UP = datetime(2026, 3, 1, 7, 0, tzinfo=UTC)  # Sunday 08:00 in Berlin
AMY, BEN, CAT = 1, 2, 3
SOON = date(2026, 3, 4)  # "a few days ahead": Amy's and Cat's first injection
LATER = date(2026, 3, 17)  # Ben's: the other vaccines' notice week began before sign-up
REMINDER = time(9, 0)  # 08:00 UTC in March


def at_nine(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 8, 0, tzinfo=UTC)


def sent(app: Services, chat_id: int) -> Counter[tuple[str, int | None]]:
    """What reached the chat, by purpose (outbox kind) and dose."""
    with transaction(app.engine) as session:
        rows = session.exec(
            select(OutboxMessage).where(
                OutboxMessage.chat_id == chat_id, OutboxMessage.outcome == Outcome.SENT
            )
        ).all()
        return Counter((row.kind, row.dose_number) for row in rows)


def test_the_first_week_is_one_message_per_purpose(app: Services, clock: FixedClock) -> None:
    for patient, first in ((AMY, SOON), (BEN, LATER), (CAT, SOON)):
        enrol(app.engine, SIGN_UP, factories.enrolment(patient, first=first, at=REMINDER))
    # what each patient does, at the moment they do it
    acts = {
        at_nine(SOON) + timedelta(minutes=10): lambda now: actions.record_dose(
            app.engine, now, AMY, number=1, planned=SOON, source="button"
        ),
        at_nine(SOON) + timedelta(minutes=20): lambda now: actions.snooze(
            app.engine, now, CAT, 1, SOON, Snooze.TOMORROW
        ),
        at_nine(SOON + timedelta(days=1)) + timedelta(minutes=20): lambda now: actions.record_dose(
            app.engine, now, CAT, number=1, planned=SOON, source="button"
        ),
        at_nine(SOON + timedelta(days=7)) + timedelta(minutes=10): lambda now: actions.record_dose(
            app.engine, now, AMY, number=2, planned=SOON + timedelta(days=7), source="button"
        ),
    }
    bot = StandInBot()
    now = SIGN_UP
    while now <= SIGN_UP + timedelta(days=11):
        clock.set(now)
        if now in acts:
            outcome = acts[now](now)
            assert outcome is not None and not isinstance(outcome, actions.Refused), outcome
        run_sweep(app, bot)
        now += timedelta(minutes=10)

    amy = sent(app, AMY)
    assert amy == Counter(
        {
            (Kind.HEADS_UP, 1): 1,
            (Kind.TAKE_OUT, 1): 1,
            (Kind.DOSE, 1): 1,
            ("checkin", 1): 1,
            (Kind.HEADS_UP, 2): 1,
            (Kind.TAKE_OUT, 2): 1,
            (Kind.DOSE, 2): 1,
        }
    ), amy
    cat = sent(app, CAT)
    assert cat == Counter(
        {
            (Kind.HEADS_UP, 1): 1,
            (Kind.TAKE_OUT, 1): 1,
            (Kind.DOSE, 1): 1,
            (Kind.SNOOZED, 1): 1,
            ("checkin", 1): 1,
            (Kind.HEADS_UP, 2): 1,  # dose 2 counts from the 5th: the 12th, after the run
        }
    ), cat
    assert sent(app, BEN) == Counter(), "no checklist reminder repeating the list at sign-up"
    assert len(bot.sent) == len(set(bot.sent)), "no message sent twice to anyone"
