"""The people of the simulated world: patients with their seeded habits, their caregivers, and
one support person. Each acts in the chat as a person would (typing, tapping, replying), at
simulated instants, and logs what the bot accepted together with what it answered.

Every person's choices come from their own random stream (seed and index), so one patient's
year replays alone (`--only-patient`) exactly as it ran among the others."""

from __future__ import annotations

import calendar
import random
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.db import transaction
from bot.models import Broadcast, table_of
from tests.simulation import events as ev
from tests.simulation.world import STAFF, World
from tests.support.fakebotapi import FakeUser

ZONES = (
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Asia/Kathmandu",
    "Pacific/Apia",
    "America/Sao_Paulo",
    "Europe/London",
    "Asia/Tokyo",
    "UTC",
)
TIMES = (
    *("07:00", "07:30", "08:00", "08:00", "08:15", "09:00", "09:00", "09:30", "10:00"),
    *("12:00", "13:45", "17:00", "18:00", "19:30", "20:00", "21:00", "21:45", "22:30"),
    *("02:30", "01:30", "00:00", "23:59", "02:15"),  # DST gaps and repeats, midnight
)
REMINDER_KINDS = frozenset({"dose", "snoozed", "follow_up", "evening", "missed", "overdue"})
RECORDED = re.compile(
    r"Dose (\d+) recorded as injected on (\d{4}-\d\d-\d\d)\.\s*Next: dose \d+ \([^)]*\) on "
    r"(?:\w{3} )?(\d{4}-\d\d-\d\d)"
)
TOKEN = re.compile(r"\?start=([A-Za-z0-9_-]+)")
PER_YEAR = timedelta(days=365)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def on_time_dates(first: date) -> list[date]:
    """Ten years of doses all taken on their day: the history a person already on treatment
    brings (generated here only to pick plausible dates; the oracle plans on its own)."""
    loading = [first + timedelta(days=offset) for offset in (0, 7, 14, 28)]
    return loading + [add_months(loading[3], k) for k in range(1, 120)]


@dataclass
class Dose:
    """What the person does about one dose, chosen when its first reminder arrives."""

    habit: str
    overdue_seen: int = 0
    wait_overdue: int = 1
    message_id: int | None = None


@dataclass
class Patient:
    world: World
    index: int
    rng: random.Random
    user: FakeUser
    zone: str
    reminder: time
    enrol_at: datetime
    starts_in: int = 0
    """Days from sign-up to the first injection, for someone starting treatment."""
    on_treatment_for: int | None = None
    """Days since the first injection, for someone already on treatment."""
    shift: int = 0
    """Days their most recent injection was off its planned date (monthly doses only)."""
    first: date = date.min
    last: date | None = None
    last_number: int | None = None
    enrolled: bool = False
    gone: bool = False
    blocked: bool = False
    paused: bool = False
    home: str = ""
    caregivers: list[FakeUser] = field(default_factory=list)
    linked: set[int] = field(default_factory=set)
    doses: dict[tuple[int, date], Dose] = field(default_factory=dict)
    recorded: int = 0

    @property
    def id(self) -> int:
        return self.user.user_id

    @property
    def name(self) -> str:
        return self.user.first_name

    def local_now(self) -> datetime:
        return self.world.now.astimezone(ZoneInfo(self.zone))

    def later(self, delay: timedelta, run: Callable[[], Awaitable[None]]) -> None:
        async def act() -> None:
            if not self.gone:
                await run()

        self.world.at(self.world.now + delay, act, self.id)

    def minutes(self, low: float, high: float) -> timedelta:
        return timedelta(minutes=self.rng.uniform(low, high))

    # -- talking ------------------------------------------------------------------------------

    async def say(self, text: str, user: FakeUser | None = None) -> list[str]:
        user = user or self.user
        index = self.world.api.call_index()
        user.send(text)
        await self.world.pump()
        return self._answers(index, user)

    async def tap(self, message_id: int, label: str, user: FakeUser | None = None) -> list[str]:
        user = user or self.user
        index = self.world.api.call_index()
        try:
            query = user.tap(message_id, label)
        except AssertionError as error:
            self.world.surprise(self.id, f"cannot tap {label!r}: {error}")
            return []
        await self.world.pump()
        toast = self.world.api.answered_callbacks.get(query)
        return [*self._answers(index, user), *([toast.text] if toast and toast.text else [])]

    async def reply(self, message_id: int, text: str) -> list[str]:
        index = self.world.api.call_index()
        self.user.reply_to(message_id, text)
        await self.world.pump()
        return self._answers(index, self.user)

    def _answers(self, index: int, user: FakeUser) -> list[str]:
        return [text for _, chat, text in self.world.calls_since(index) if chat == user.user_id]

    def expect(self, answers: list[str], words: str, doing: str) -> str | None:
        found = next((text for text in answers if words in text), None)
        if found is None:
            self.world.surprise(self.id, f"{doing}: no {words!r} in {answers!r}"[:600])
        return found

    def latest(self, words: str) -> int | None:
        for message in reversed(self.user.messages()):
            if words in message.body:
                return message.message_id
        return None

    # -- sign-up ------------------------------------------------------------------------------

    def dates_at_sign_up(self) -> None:
        """The first injection and, for someone on treatment, the most recent one and which
        dose it was, as of the day they actually sign up (a sign-up put off while the bot
        was down happens later)."""
        today = self.local_now().date()
        if self.on_treatment_for is None:
            self.first = today + timedelta(days=self.starts_in)
            return
        self.first = today - timedelta(days=self.on_treatment_for)
        dates = [day for day in on_time_dates(self.first) if day <= today]
        self.last, self.last_number = dates[-1], len(dates)
        shifted = dates[-1] + timedelta(days=self.shift)
        if self.last_number >= 5 and dates[-2] < shifted <= today:
            self.last = shifted

    async def enrol(self) -> None:
        self.dates_at_sign_up()
        answers = await self.say("/start")
        if not self.expect(answers, "Do you agree", "/start"):
            return
        if not self.expect(await self.say("yes"), "time zone", "consent"):
            return
        if not self.expect(await self.say(self.zone), "first", "zone"):
            return
        answers = await self.say(self.first.isoformat())
        if self.last is not None:
            if not self.expect(answers, "most recent", "first injection"):
                return
            answers = await self.say(self.last.isoformat())
            if any("Was it dose" in text for text in answers):
                answers = await self.say(str(self.last_number))
        if not self.expect(answers, "remind you on dose days", "dates"):
            return
        answers = await self.say(f"{self.reminder:%H:%M}")
        if not self.expect(answers, "You're all set", "reminder time"):
            return
        self.enrolled = True
        self.home = self.zone
        self.world.log(
            ev.Enrolled(
                self.world.now,
                self.id,
                self.name,
                self.zone,
                self.reminder,
                self.first,
                self.last,
                self.last_number,
            )
        )
        self.plan_life()

    def plan_life(self) -> None:
        """The year's other events, each at a random moment (a Poisson process per kind)."""
        left = self.world.end - self.world.now
        for rate, run in (
            (0.6, self.change_time),
            (0.5, self.travel),
            (0.2, self.pause),
            (0.12, self.block),
            (0.03, self.erase),
        ):
            moment = timedelta(0)
            while True:
                moment += timedelta(days=self.rng.expovariate(rate) * 365)
                if moment > left:
                    break
                self.later(moment, run)
        if self.rng.random() < 0.35:
            self.later(timedelta(days=self.rng.uniform(0, 60)), self.invite)

    # -- doses --------------------------------------------------------------------------------

    def on_sent(self, sent: ev.Sent, message_id: int | None) -> None:
        if sent.chat != self.id or self.gone or sent.number is None or sent.planned is None:
            return
        key = (sent.number, sent.planned)
        if sent.kind == "heads_up" and self.rng.random() < 0.04:
            self.later(self.minutes(60, 240), self.taken)
            return
        if sent.kind not in REMINDER_KINDS:
            return
        dose = self.doses.get(key)
        if dose is None:
            dose = self.doses[key] = Dose(self.habit(), wait_overdue=self.rng.randint(1, 3))
            self.plan_dose(dose, message_id, sent.number, sent.planned)
        dose.message_id = message_id
        if sent.kind == "snoozed" and dose.habit == "snooze":
            dose.habit = "button"
            self.later(self.minutes(1, 30), lambda: self.confirm(message_id))
        if sent.kind == "overdue" and dose.habit == "days_late":
            dose.overdue_seen += 1
            if dose.overdue_seen >= dose.wait_overdue:
                self.later(self.minutes(5, 120), lambda: self.confirm(message_id))

    def habit(self) -> str:
        habits = {
            "button": 45,
            "reply": 10,
            "taken": 10,
            "hours_late": 8,
            "snooze": 8,
            "days_late": 7,
            "late_report": 5,
        }
        return self.rng.choices(list(habits), weights=list(habits.values()))[0]

    def plan_dose(self, dose: Dose, message_id: int | None, number: int, planned: date) -> None:
        match dose.habit:
            case "button":
                self.later(self.minutes(1, 90), lambda: self.confirm(message_id))
            case "reply":
                self.later(self.minutes(1, 180), lambda: self.reply_done(message_id))
            case "taken":
                self.later(self.minutes(10, 480), self.taken)
            case "hours_late":
                self.later(self.minutes(360, 1320), lambda: self.confirm(None, planned))
            case "snooze":
                self.later(self.minutes(1, 20), lambda: self.snooze(message_id, number))
            case "late_report":
                self.later(self.minutes(26 * 60, 50 * 60), lambda: self.taken(planned))

    def due_message(self, planned: date | None) -> int | None:
        """The most recent reminder about the dose planned for `planned` (or any)."""
        for (_, day), dose in sorted(self.doses.items(), key=lambda item: item[0], reverse=True):
            if (planned is None or day == planned) and dose.message_id is not None:
                return dose.message_id
        return None

    async def confirm(self, message_id: int | None, planned: date | None = None) -> None:
        if self.blocked:  # planned before they blocked the bot: they no longer write to it
            return
        target = message_id if message_id is not None else self.due_message(planned)
        if target is None:
            await self.taken()
            return
        self.took(await self.tap(target, "✅"), "button", self.local_now().date())

    async def reply_done(self, message_id: int | None) -> None:
        if self.blocked:  # planned before they blocked the bot: they no longer write to it
            return
        if message_id is None:
            await self.taken()
            return
        self.took(await self.reply(message_id, "done"), "reply", self.local_now().date())

    async def taken(self, day: date | None = None) -> None:
        if self.blocked:  # planned before they blocked the bot: they no longer write to it
            return
        today = self.local_now().date()
        if day is None or day >= today:
            self.took(await self.say("/taken"), "taken", today)
        else:
            self.took(await self.say(f"/taken {day.isoformat()}"), "taken_date", day)

    def took(self, answers: list[str], how: str, day: date) -> None:
        for text in answers:
            found = RECORDED.search(text)
            if found is None:
                continue
            number, on, following = found.groups()
            if date.fromisoformat(on) != day:
                self.world.surprise(self.id, f"{how}: recorded {on}, meant {day}: {text!r}")
            self.recorded = int(number)
            self.world.log(
                ev.Taken(
                    self.world.now,
                    self.id,
                    date.fromisoformat(on),
                    how,
                    int(number),
                    date.fromisoformat(following),
                )
            )
            self.after_taking(int(number))
            return
        if not any("already recorded" in text or "out of date" in text for text in answers):
            self.world.surprise(self.id, f"{how} not recorded: {answers!r}"[:600])

    def after_taking(self, number: int) -> None:
        roll = self.rng.random()
        if roll < 0.04:
            self.later(self.minutes(5, 60), lambda: self.correct(number))
        elif roll < 0.07:
            self.later(self.minutes(1, 30), lambda: self.undo(number))

    async def correct(self, number: int) -> None:
        if self.blocked:  # planned before they blocked the bot: they no longer write to it
            return
        message = self.latest(f"Dose {number} recorded as injected")
        if message is None or self.recorded != number:
            return
        answers = await self.tap(message, "📅")
        if not self.expect(answers, "On which day did you inject", "📅"):
            return
        question = self.latest("On which day did you inject")
        if question is None:
            return
        for text in await self.tap(question, "Yesterday"):
            found = RECORDED.search(text)
            if found is not None:
                _, on, following = found.groups()
                self.world.log(
                    ev.Corrected(
                        self.world.now,
                        self.id,
                        number,
                        date.fromisoformat(on),
                        date.fromisoformat(following),
                    )
                )
                return

    async def undo(self, number: int) -> None:
        if self.blocked:  # planned before they blocked the bot: they no longer write to it
            return
        message = self.latest(f"Dose {number} recorded as injected")
        if message is None or self.recorded != number:
            return
        answers = await self.tap(message, "↩️")
        if self.expect(answers, "no longer recorded", "↩️") is None:
            return
        self.recorded = number - 1
        self.world.log(ev.Undone(self.world.now, self.id, number))
        self.later(self.minutes(10, 90), self.taken)

    async def snooze(self, message_id: int | None, number: int) -> None:
        if self.blocked:  # planned before they blocked the bot: they no longer write to it
            return
        if message_id is None:
            return
        choice = self.rng.choice(("⏰ 1 h", "⏰ 3 h", "⏰ Tomorrow"))
        answers = await self.tap(message_id, choice)
        if self.expect(answers, "remind you again", choice) is None:
            return
        now = self.world.now
        if choice == "⏰ 1 h":
            until = now + timedelta(hours=1)
        elif choice == "⏰ 3 h":
            until = now + timedelta(hours=3)
        else:
            tomorrow = self.local_now().date() + timedelta(days=1)
            until = datetime.combine(tomorrow, self.reminder, ZoneInfo(self.zone)).astimezone(UTC)
        self.world.log(ev.Snoozed(now, self.id, number, until))

    # -- settings and the rest of life --------------------------------------------------------

    async def settings(self, label: str) -> list[str]:
        answers = await self.say("/settings")
        if self.expect(answers, "Settings", "/settings") is None:
            return []
        menu = self.latest("Settings")
        return [] if menu is None else await self.tap(menu, label)

    async def change_time(self) -> None:
        if self.blocked or self.paused:
            return
        if not await self.settings("⏰"):
            return
        hour, minute = self.rng.randint(6, 22), self.rng.choice((0, 15, 30, 45))
        chosen = time(hour, minute)
        answers = await self.say(f"{chosen:%H:%M}")
        if self.expect(answers, f"{chosen:%H:%M}", "new reminder time") is not None:
            self.reminder = chosen
            self.world.log(ev.ReminderTimeChanged(self.world.now, self.id, chosen))

    async def travel(self, back: bool = False) -> None:
        if self.blocked:
            return
        zone = self.home if back else self.rng.choice([z for z in ZONES if z != self.zone])
        if zone == self.zone or not await self.settings("🌍"):
            return
        answers = await self.say(zone)
        if self.expect(answers, "Time zone changed", "new zone") is None:
            return
        self.zone = zone
        self.world.log(ev.ZoneChanged(self.world.now, self.id, zone))
        if not back:
            self.later(timedelta(days=self.rng.uniform(2, 10)), lambda: self.travel(back=True))

    async def pause(self) -> None:
        if self.blocked or self.paused:
            return
        answers = await self.settings("⏸")
        if self.expect(answers, "paused", "⏸") is None:
            return
        self.paused = True
        self.world.log(ev.Paused(self.world.now, self.id))
        self.later(timedelta(days=self.rng.uniform(1, 20)), self.resume)

    async def resume(self) -> None:
        if self.blocked or not self.paused:
            return
        answers = await self.settings("▶️")
        if self.expect(answers, "back on", "▶️") is None:
            return
        self.paused = False
        self.world.log(ev.Resumed(self.world.now, self.id))

    async def block(self) -> None:
        if self.blocked:
            return
        self.user.block()
        self.blocked = True
        await self.world.pump()
        self.world.log(ev.Blocked(self.world.now, self.id))
        if self.rng.random() < 0.8:
            self.later(timedelta(days=self.rng.uniform(1, 30)), self.unblock)

    async def unblock(self) -> None:
        if not self.blocked:
            return
        self.user.unblock()
        self.blocked = False
        await self.world.pump()
        self.world.log(ev.Unblocked(self.world.now, self.id))
        await self.say("/start")

    async def erase(self) -> None:
        if self.blocked:
            return
        answers = await self.say("/deletedata")
        if self.expect(answers, "erases everything", "/deletedata") is None:
            return
        message = next(
            (m for m in reversed(self.user.messages()) if any("✅" in b for b in m.buttons)), None
        )
        if message is None:
            self.world.surprise(self.id, "no ✅ to confirm the erasure")
            return
        await self.tap(message.message_id, "✅")
        self.gone = True
        self.world.log(ev.Erased(self.world.now, self.id))

    async def invite(self) -> None:
        if self.blocked or self.gone:
            return
        answers = await self.say("/invite")
        link = self.expect(answers, "Send this link", "/invite")
        found = TOKEN.search(link or "")
        if found is None:
            return
        caregiver = self.world.api.user(
            user_id=2_000_000 + self.index * 10 + len(self.caregivers),
            first_name=f"Care{self.index:04d}",
        )
        self.caregivers.append(caregiver)

        async def open_link() -> None:
            answers = await self.say(f"/start {found.group(1)}", caregiver)
            if any("has expired" in text for text in answers):  # opened too late: ask again
                self.later(timedelta(days=self.rng.uniform(1, 10)), self.invite)
                return
            if self.expect(answers, "Waiting for their approval", "invite link") is None:
                return
            self.world.log(ev.InviteOpened(self.world.now, self.id, caregiver.user_id))
            self.later(self.minutes(5, 600), lambda: self.approve(caregiver))

        self.later(self.minutes(10, 2000), open_link)

    async def approve(self, caregiver: FakeUser) -> None:
        if self.blocked:
            return
        request = self.latest("opened your invite")
        if request is None:
            self.world.surprise(self.id, "no approval request")
            return
        answers = await self.tap(request, "✅ Approve")
        if self.expect(answers, "now follows your injections", "approve") is None:
            return
        self.linked.add(caregiver.user_id)
        self.world.log(ev.CaregiverApproved(self.world.now, self.id, caregiver.user_id))
        if self.rng.random() < 0.25:
            self.later(timedelta(days=self.rng.uniform(5, 120)), lambda: self.revoke(caregiver))

    async def revoke(self, caregiver: FakeUser) -> None:
        if self.blocked or caregiver.user_id not in self.linked:
            return
        listed = await self.say("/caregivers")
        if self.expect(listed, "Your caregivers", "/caregivers") is None:
            return
        message = self.latest("Your caregivers")
        if message is None:
            return
        answers = await self.tap(message, "❌")
        confirm = next(
            (
                m
                for m in reversed(self.user.messages())
                if any(b.startswith("✅") for b in m.buttons)
            ),
            None,
        )
        if confirm is None:
            self.world.surprise(self.id, f"revoke: no ✅ after ❌: {answers!r}"[:400])
            return
        answers = await self.tap(confirm.message_id, "✅")
        if self.expect(answers, "no longer follows", "revoke") is None:
            return
        self.linked.discard(caregiver.user_id)
        self.world.log(ev.CaregiverRevoked(self.world.now, self.id, caregiver.user_id))


def make_patient(world: World, index: int, seed: int) -> Patient:
    """A patient with their own random stream: where they live, when they sign up, and whether
    they start treatment or are already on it."""
    rng = random.Random(f"{seed}:{index}")
    span = world.end - world.options.start
    enrol_at = world.options.start + timedelta(seconds=rng.uniform(0, 0.6) * span.total_seconds())
    zone = rng.choice(ZONES)
    local = enrol_at.astimezone(ZoneInfo(zone))
    local = local.replace(
        hour=rng.randint(8, 21), minute=rng.randint(0, 59), second=0, microsecond=0
    )
    enrol_at = local.astimezone(UTC)
    if enrol_at < world.options.start:
        enrol_at += timedelta(days=1)
    hour, minute = rng.choice(TIMES).split(":")
    user = world.api.user(user_id=1_000_000 + index, first_name=f"Pat{index:04d}")
    patient = Patient(world, index, rng, user, zone, time(int(hour), int(minute)), enrol_at)
    if rng.random() < 0.7:
        patient.starts_in = rng.choice((0, 0, 1, 2, 3, 5, 7, 10))
    else:
        patient.on_treatment_for = rng.randint(20, 900)
        patient.shift = rng.choice((-3, -2, -1, 1, 2, 3)) if rng.random() < 0.3 else 0
    return patient


class Staff:
    """The support person: a broadcast to everyone now and then."""

    def __init__(self, world: World, seed: int) -> None:
        self.world = world
        self.rng = random.Random(f"{seed}:staff")
        self.user = world.api.user(user_id=STAFF, first_name="Staff")
        self.sent = 0
        moment = world.options.start + timedelta(days=self.rng.uniform(5, 40))
        while moment < world.end:
            world.at(moment, self.broadcast, STAFF)
            moment += timedelta(days=self.rng.uniform(20, 45))

    async def broadcast(self) -> None:
        self.sent += 1
        marker = f"Notice {self.sent}"
        index = self.world.api.call_index()
        self.user.send(f"/broadcast {marker} from the support team.")
        await self.world.pump()
        preview = next(
            (
                m
                for m in reversed(self.user.messages())
                if any(b.startswith("✅ Send to") for b in m.buttons)
            ),
            None,
        )
        if preview is None:
            said = [t for _, c, t in self.world.calls_since(index) if c == STAFF]
            self.world.surprise(STAFF, f"no broadcast preview: {said!r}"[:400])
            return
        self.user.tap(preview.message_id, "✅ Send to")
        await self.world.pump()
        self.world.broadcasting = True
        engine = self.world.receiver.services.engine
        table = table_of(Broadcast)
        with transaction(engine) as session:
            newest = session.execute(select(func.max(table.c.id))).scalar()
        self.world.log(ev.BroadcastStarted(self.world.now, int(newest or 0), marker))


def populate(world: World) -> list[Patient]:
    """Everyone, with their sign-up on the calendar and their reactions wired to the log."""
    options = world.options
    indexes = (
        [options.only_patient] if options.only_patient is not None else range(options.patients)
    )
    patients = [make_patient(world, index, options.seed) for index in indexes]
    by_chat = {patient.id: patient for patient in patients}

    def react(sent: ev.Sent, message_id: int | None) -> None:
        patient = by_chat.get(sent.chat)
        if patient is not None:
            patient.on_sent(sent, message_id)

    world.on_sent.append(react)
    for patient in patients:
        world.at(patient.enrol_at, patient.enrol, patient.id)
    if options.only_patient is None:
        Staff(world, options.seed)
    return patients
