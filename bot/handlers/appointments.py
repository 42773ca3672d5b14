"""/appointments: the patient's upcoming visits and blood tests, each with ✏️ Change, 🗑 Cancel
(asked to confirm) and, for a patient with caregivers, 👥 whether they are reminded too; "Add"
asks the kind (buttons), an "other" one's note, the day (typed as at sign-up, or the date
picker), the local time (typed as the reminder time), for a blood test whether the doctor
asked for it to repeat, then saves on ✅. Changing one asks only what changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from telegram import ReplyKeyboardRemove, Update
from telegram.ext import ContextTypes

from bot import dates, services, texts
from bot.actions import appointments as actions
from bot.db import transaction
from bot.domain.answers import Ambiguous, Direction, Vague, is_cancel
from bot.domain.appointments import (
    BLOOD_TESTS,
    MAX_AHEAD_MONTHS,
    AppointmentKind,
    check_day,
    clean_note,
    has_passed,
    read_every,
)
from bot.domain.conversations import AppointmentAnswers, Exchange, FlowName, known
from bot.domain.conversations import AppointmentStep as Step
from bot.domain.schedule import add_months
from bot.domain.timing import local_date
from bot.handlers import enrolment
from bot.handlers.access import message_of, query_of, user_of
from bot.keyboards import datepicker
from bot.keyboards.appointments import (
    AppointmentAction,
    AppointmentTap,
    FlowAction,
    FlowTap,
    KindTap,
    cancel_keyboard,
    change_keyboard,
    confirm_keyboard,
    kind_keyboard,
    list_keyboard,
    once_keyboard,
    skip_note_keyboard,
)
from bot.keyboards.datepicker import ShowMonth
from bot.keyboards.enrolment import date_choice_keyboard, time_keyboard
from bot.models import Patient
from bot.store import appointments as store
from bot.store import conversations, patients
from bot.texts import language

Adding = Exchange[Step, AppointmentAnswers]
Context = ContextTypes.DEFAULT_TYPE
DAY_WORDS = ("today", "tomorrow")
"""The day words a hint names; "yesterday" is read too, to be refused as past."""
READ_WORDS = frozenset({*DAY_WORDS, "yesterday"})


async def show(update: Update, context: Context) -> None:
    app = services.of(context)
    view = actions.overview(app.engine, app.clock.now(), user_of(update).id)
    if view is None:
        await message_of(update).reply_text(texts.common.not_enrolled())
        return
    await message_of(update).reply_text(
        _list_text(view), reply_markup=list_keyboard(view.upcoming, view.has_caregivers)
    )


def _list_text(view: actions.Overview) -> str:
    if not view.upcoming:
        return texts.appointments.none_yet()
    lines = [texts.appointments.list_header(), ""]
    for number, found in enumerate(view.upcoming, start=1):
        entry = texts.appointments.line(
            AppointmentKind(found.kind),
            found.note,
            found.day,
            found.at,
            found.every_months,
            found.share and view.has_caregivers,
        )
        lines.append(f"{number}. {entry}")
    lines += ["", texts.appointments.list_footer(view.has_caregivers)]
    return "\n".join(lines)


async def on_button(update: Update, context: Context) -> None:
    """A button under the list, a change's choice or a cancel's confirmation: only for the
    tapper's own appointment (another's or a forged id: expired, nothing changes)."""
    query = query_of(update)
    tap = AppointmentTap.parse(query.data)
    app = services.of(context)
    user_id = user_of(update).id
    with transaction(app.engine) as session:
        patient = patients.get(session, user_id)
        found = (
            store.own(session, user_id, tap.appointment_id)
            if tap is not None and tap.action is not AppointmentAction.ADD
            else None
        )
    adding = tap is not None and tap.action is AppointmentAction.ADD
    if tap is None or patient is None or (found is None and not adding):
        await query.answer(texts.common.button_expired())
        return
    now = app.clock.now()
    message = message_of(update)
    if adding:
        await query.answer()
        await _advance(update, context, patient, Step.KIND, AppointmentAnswers())
        return
    assert found is not None and found.id is not None
    kind = AppointmentKind(found.kind)
    editing = AppointmentAnswers(
        editing=found.id,
        kind=found.kind,
        note=found.note,
        day=found.day,
        at=found.at,
        every=found.every_months,
    )
    match tap.action:
        case AppointmentAction.CHANGE:
            await query.answer()
            number = _number_in_list(context, patient, found.id)
            await message.reply_text(
                texts.appointments.ask_change(number), reply_markup=change_keyboard(found.id)
            )
        case AppointmentAction.DAY:
            await query.answer()
            await _advance(update, context, patient, Step.DAY, editing)
        case AppointmentAction.TIME:
            await query.answer()
            await _advance(update, context, patient, Step.TIME, editing)
        case AppointmentAction.KIND:
            await query.answer()
            await _advance(update, context, patient, Step.KIND, editing)
        case AppointmentAction.CANCEL:
            await query.answer()
            await message.reply_text(
                texts.appointments.ask_cancel(kind, found.note, found.day, found.at),
                reply_markup=cancel_keyboard(found.id),
            )
        case AppointmentAction.CANCEL_YES:
            if not actions.cancel(app.engine, now, user_id, found.id):
                await query.answer(texts.common.button_expired())
                return
            await query.answer()
            await query.edit_message_text(texts.appointments.cancelled())
        case AppointmentAction.KEEP:
            await query.answer()
            await query.edit_message_text(texts.appointments.kept())
        case AppointmentAction.SHARE:
            toggled = actions.toggle_share(app.engine, now, user_id, found.id)
            if toggled is None:
                await query.answer(texts.common.button_expired())
                return
            await query.answer(texts.appointments.shared(toggled.share))
            view = actions.overview(app.engine, now, user_id)
            if view is not None:
                await query.edit_message_text(
                    _list_text(view),
                    reply_markup=list_keyboard(view.upcoming, view.has_caregivers),
                )


def _number_in_list(context: Context, patient: Patient, appointment_id: int) -> int:
    """The appointment's number as /appointments lists it (the buttons name it so)."""
    app = services.of(context)
    with transaction(app.engine) as session:
        found = store.upcoming(session, patient, app.clock.now())
    ids = [each.id for each in found]
    return ids.index(appointment_id) + 1 if appointment_id in ids else 1


def current(context: Context, user_id: int) -> Adding | None:
    with transaction(services.of(context).engine) as session:
        conversation = conversations.get(session, user_id)
    return conversations.read(conversation, FlowName.APPOINTMENT, Step, AppointmentAnswers)


def _today(context: Context, patient: Patient) -> date:
    return local_date(services.of(context).clock.now(), patient.time_zone)


def _bounds(context: Context, patient: Patient) -> tuple[date, date]:
    today = _today(context, patient)
    return today, add_months(today, MAX_AHEAD_MONTHS)


def _patient(context: Context, user_id: int) -> Patient | None:
    with transaction(services.of(context).engine) as session:
        return patients.get(session, user_id)


async def _advance(
    update: Update, context: Context, patient: Patient, step: Step, answers: AppointmentAnswers
) -> None:
    app = services.of(context)
    with transaction(app.engine) as session:
        conversations.save(
            session, patient.user_id, FlowName.APPOINTMENT, step, answers, app.clock.now()
        )
    await _ask(update, context, patient, step, answers)


async def _ask(
    update: Update, context: Context, patient: Patient, step: Step, answers: AppointmentAnswers
) -> None:
    message = message_of(update)
    kind = AppointmentKind(answers.kind) if answers.kind else None
    match step:
        case Step.KIND:
            await message.reply_text(texts.appointments.ask_kind(), reply_markup=kind_keyboard())
        case Step.NOTE:
            await message.reply_text(
                texts.appointments.ask_note(), reply_markup=skip_note_keyboard()
            )
        case Step.DAY:
            today = _today(context, patient)
            lowest, highest = _bounds(context, patient)
            await message.reply_text(
                texts.appointments.ask_day(known(kind), answers.note, today),
                reply_markup=datepicker.keyboard(today, lowest, highest),
            )
        case Step.TIME:
            await message.reply_text(
                texts.appointments.ask_time(known(answers.day)), reply_markup=time_keyboard()
            )
        case Step.EVERY:
            await message.reply_text(texts.appointments.ask_every(), reply_markup=once_keyboard())
        case Step.CONFIRM:
            await message.reply_text(
                texts.appointments.confirm(
                    known(kind), answers.note, known(answers.day), known(answers.at), answers.every
                ),
                reply_markup=confirm_keyboard(),
            )


def _after(step: Step, answers: AppointmentAnswers) -> Step:
    """The next question: a change goes straight to the confirmation once its answer is in
    (an "other" kind asks its note first); an addition asks every question in turn, the
    interval only for a blood test."""
    kind = AppointmentKind(known(answers.kind))
    if step is Step.KIND and kind is AppointmentKind.OTHER:
        return Step.NOTE
    if answers.editing is not None:
        return Step.CONFIRM
    following = {Step.KIND: Step.DAY, Step.NOTE: Step.DAY, Step.DAY: Step.TIME}
    if step in following:
        return following[step]
    if step is Step.TIME and kind in BLOOD_TESTS:
        return Step.EVERY
    return Step.CONFIRM


async def answer(update: Update, context: Context, exchange: Adding, text: str) -> None:
    """A typed answer (or a picked date) to the pending question; "cancel" drops it."""
    patient = _patient(context, exchange.user_id)
    if patient is None:
        return
    if is_cancel(text):
        await _drop(update, context, exchange.user_id)
        return
    answers = exchange.answers
    match exchange.step:
        case Step.NOTE:
            answers = replace(answers, note=clean_note(text))
        case Step.DAY:
            day = await _read_day(update, context, patient, text)
            if day is None:
                return
            answers = replace(answers, day=day)
            now = services.of(context).clock.now()
            if answers.at is not None and has_passed(day, answers.at, patient.time_zone, now):
                await message_of(update).reply_text(texts.appointments.time_passed())
                await _advance(update, context, patient, Step.TIME, answers)  # a change's time
                return
        case Step.TIME:
            at = await enrolment.read_time(update, text)
            if at is None:
                return
            if has_passed(
                known(answers.day), at, patient.time_zone, services.of(context).clock.now()
            ):
                await message_of(update).reply_text(texts.appointments.time_passed())
                return
            answers = replace(answers, at=at)
            await message_of(update).reply_text(
                texts.appointments.time_noted(at), reply_markup=ReplyKeyboardRemove()
            )
        case Step.EVERY:
            every = read_every(text)
            if every is None:
                await message_of(update).reply_text(
                    texts.appointments.every_unreadable(text), reply_markup=once_keyboard()
                )
                return
            answers = replace(answers, every=every)
        case _:  # a button is awaited: ask again
            await _ask(update, context, patient, exchange.step, answers)
            return
    await _advance(update, context, patient, _after(exchange.step, answers), answers)


async def _read_day(update: Update, context: Context, patient: Patient, text: str) -> date | None:
    """A typed day, read as at sign-up; anything else gets its answer here and None."""
    today = _today(context, patient)
    lowest, highest = _bounds(context, patient)
    reading = dates.read_day(
        text,
        today,
        keywords=READ_WORDS,
        language=language.current(),
        direction=Direction.NEAR,
    )
    message = message_of(update)
    if isinstance(reading, Ambiguous):
        inside = [day for day in reading.options if lowest <= day <= highest]
        if len(inside) == 1:
            return inside[0]
        await message.reply_text(
            texts.enrolment.which_date(text), reply_markup=date_choice_keyboard(reading.options)
        )
        return None
    if isinstance(reading, Vague):
        month = min(max(reading.month or today, lowest), highest)
        await message.reply_text(
            texts.appointments.vague_day(),
            reply_markup=datepicker.keyboard(month, lowest, highest),
        )
        return None
    if reading is None:
        await message.reply_text(texts.enrolment.date_unreadable(text, today, DAY_WORDS))
        return None
    problem = check_day(reading, today)
    if problem is not None:
        await message.reply_text(
            texts.appointments.day_problem(problem),
            reply_markup=datepicker.keyboard(today, lowest, highest),
        )
        return None
    return reading


async def on_calendar(update: Update, context: Context) -> None:
    """The date picker (`cal:`), shared with sign-up: while an appointment's day is asked it
    answers that question as if the day had been typed; otherwise it is the sign-up's."""
    query = query_of(update)
    exchange = current(context, user_of(update).id)
    if exchange is None:
        await enrolment.on_calendar(update, context)
        return
    patient = _patient(context, exchange.user_id)
    parsed = datepicker.parse(query.data)
    if patient is None or exchange.step is not Step.DAY or parsed is None:
        await query.answer(texts.common.button_expired() if parsed is not None else None)
        return
    lowest, highest = _bounds(context, patient)
    if isinstance(parsed, ShowMonth):
        if not datepicker.offers(parsed.month, lowest, highest):
            await query.answer(texts.common.button_expired())
            return
        await query.answer()
        await query.edit_message_reply_markup(datepicker.keyboard(parsed.month, lowest, highest))
        return
    await query.answer(texts.enrolment.picked(parsed.day))
    await query.edit_message_reply_markup(None)
    await answer(update, context, exchange, parsed.day.isoformat())


async def on_kind(update: Update, context: Context) -> None:
    query = query_of(update)
    tap = KindTap.parse(query.data)
    exchange = current(context, user_of(update).id)
    patient = _patient(context, user_of(update).id)
    if tap is None or exchange is None or exchange.step is not Step.KIND or patient is None:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    answers = replace(exchange.answers, kind=tap.kind.value)
    if tap.kind is not AppointmentKind.OTHER:
        answers = replace(answers, note=None)
    if tap.kind not in BLOOD_TESTS:
        answers = replace(answers, every=None)
    await _advance(update, context, patient, _after(Step.KIND, answers), answers)


async def on_flow(update: Update, context: Context) -> None:
    """✅ Save, ✖️ Don't save, Only once, Skip (the note): each only at its own step."""
    query = query_of(update)
    tap = FlowTap.parse(query.data)
    user_id = user_of(update).id
    exchange = current(context, user_id)
    patient = _patient(context, user_id)
    expected = {
        FlowAction.SAVE: Step.CONFIRM,
        FlowAction.DISCARD: Step.CONFIRM,
        FlowAction.ONCE: Step.EVERY,
        FlowAction.SKIP_NOTE: Step.NOTE,
    }
    if tap is None or exchange is None or patient is None or exchange.step != expected[tap.action]:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    answers = exchange.answers
    match tap.action:
        case FlowAction.ONCE:
            answers = replace(answers, every=None)
            await _advance(update, context, patient, Step.CONFIRM, answers)
        case FlowAction.SKIP_NOTE:
            answers = replace(answers, note=None)
            await _advance(update, context, patient, _after(Step.NOTE, answers), answers)
        case FlowAction.DISCARD:
            await _drop(update, context, user_id)
        case FlowAction.SAVE:
            await _save(update, context, exchange)


async def _save(update: Update, context: Context, exchange: Adding) -> None:
    app = services.of(context)
    answers = exchange.answers
    details = actions.Details(
        kind=AppointmentKind(known(answers.kind)),
        note=answers.note,
        day=known(answers.day),
        at=known(answers.at),
        every_months=answers.every,
    )
    now = app.clock.now()
    if answers.editing is None:
        done = actions.add(app.engine, now, exchange.user_id, details) is not None
        reply = texts.appointments.saved()
    else:
        done = (
            actions.change(app.engine, now, exchange.user_id, answers.editing, details) is not None
        )
        reply = texts.appointments.changed()
    if not done and has_passed(details.day, details.at, _zone(context, exchange.user_id), now):
        await message_of(update).reply_text(texts.appointments.time_passed())
        await _advance_to(update, context, exchange, Step.TIME)  # it passed while asking
        return
    with transaction(app.engine) as session:
        conversations.drop(session, exchange.user_id)
    await message_of(update).reply_text(reply if done else texts.appointments.gone())
    if done:
        await show(update, context)


def _zone(context: Context, user_id: int) -> str:
    patient = _patient(context, user_id)
    return patient.time_zone if patient is not None else "UTC"


async def _advance_to(update: Update, context: Context, exchange: Adding, step: Step) -> None:
    patient = _patient(context, exchange.user_id)
    if patient is not None:
        await _advance(update, context, patient, step, exchange.answers)


async def _drop(update: Update, context: Context, user_id: int) -> None:
    with transaction(services.of(context).engine) as session:
        conversations.drop(session, user_id)
    await message_of(update).reply_text(
        texts.appointments.not_saved(), reply_markup=ReplyKeyboardRemove()
    )
