"""The sweep's table of composers (`bot.jobs.sweep.COMPOSERS`): every kind of outbox row the bot
writes has exactly one, and a kind nobody writes goes to the dose reminders' composer, as it
did before the table (which fails it: `tests/test_outbox.py`)."""

from __future__ import annotations

import pytest

from bot.domain.appointments import AppointmentAlert
from bot.domain.caregivers import Alert
from bot.domain.checkin import KIND as CHECKIN
from bot.domain.checklist import CHECK_OF_KIND
from bot.domain.pen import PenAlert
from bot.domain.pen_stock import ReorderKind
from bot.domain.reminders import Kind
from bot.jobs import retention, sweep


def test_every_kind_written_has_its_composer() -> None:
    expected = {
        **{alert.value: sweep._caregiver_alert for alert in Alert},
        **{alert.value: sweep._pen_alert for alert in PenAlert},
        **{kind.value: sweep._reorder for kind in ReorderKind},
        **{alert.value: sweep._appointment for alert in AppointmentAlert},
        CHECKIN: sweep._checkin,
        **dict.fromkeys(CHECK_OF_KIND, sweep._checklist),
        retention.KIND: sweep._retention_warning,
        **{kind.value: sweep._reminder for kind in Kind},
    }
    assert dict(sweep.COMPOSERS) == expected


def test_a_kind_has_one_composer_only() -> None:
    with pytest.raises(ValueError, match="two composers for 'dose'"):
        sweep._by_kind((["dose"], sweep._reminder), (["dose"], sweep._checkin))


def test_the_table_cannot_be_changed_in_passing() -> None:
    with pytest.raises(TypeError):
        sweep.COMPOSERS["mystery"] = sweep._reminder  # type: ignore[index]
