"""/settings: reminder time, time zone, pause and resume. Upcoming reminders follow the change;
recorded injections keep their local dates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from telegram import ReplyKeyboardRemove, Update
from telegram.ext import ContextTypes

from bot import services, texts
from bot.actions import settings
from bot.db import transaction
from bot.domain.answers import is_cancel
from bot.domain.conversations import Exchange, FlowName, SettingsAnswers, SettingsStep
from bot.domain.timing import find_zone
from bot.handlers import caregivers, menus
from bot.handlers.access import message_of, query_of, user_of
from bot.handlers.enrolment import read_time
from bot.handlers.zones import Taken, zone_typed
from bot.keyboards.enrolment import zone_keyboard
from bot.keyboards.settings import (
    LanguageTap,
    SettingsAction,
    SettingsTap,
    language_keyboard,
    overview_keyboard,
)
from bot.keyboards.zones import ZoneFlow, ZoneTap
from bot.models import Patient
from bot.store import conversations, languages, patients
from bot.texts import language
from bot.zone_lookup import zone_at

TOGGLES: dict[SettingsAction, Callable[[Engine, datetime, int], Patient | None]] = {
    SettingsAction.PAUSE: settings.pause,
    SettingsAction.RESUME: settings.resume,
    SettingsAction.DISCREET: partial(settings.set_discreet, discreet=True),
    SettingsAction.NAMED: partial(settings.set_discreet, discreet=False),
}
"""The buttons that change a setting at once; TIME and ZONE ask for the new value instead."""


def overview(patient: Patient) -> str:
    return texts.schedule.settings_overview(
        patient.time_zone, patient.reminder_time, patient.paused, patient.discreet
    )


async def show(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user_id = user_of(update).id
    with transaction(services.of(context).engine) as session:
        patient = patients.get(session, user_id)
        chosen = user_id in languages.of_many(session, [user_id], chosen_only=True)
    if patient is not None:
        await message_of(update).reply_text(
            overview(patient), reply_markup=overview_keyboard(patient.paused, patient.discreet)
        )
    follows = await caregivers.show_alert_choices(update, context)
    if patient is None and not follows:
        await message_of(update).reply_text(texts.common.not_enrolled())
    await message_of(update).reply_text(
        texts.preferences.language_overview(chosen), reply_markup=language_keyboard()
    )


async def on_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A language picked in /settings: kept over the app's, for answers, reminders and the
    command menu. A forged code changes nothing."""
    query = query_of(update)
    tap = LanguageTap.parse(query.data)
    if tap is None:
        await query.answer(texts.common.button_expired())
        return
    code = tap.code
    app = services.of(context)
    user_id = user_of(update).id
    with transaction(app.engine) as session:
        languages.remember(session, user_id, code, app.clock.now(), chosen=True)
    language.activate(code)
    await query.answer()
    await query.edit_message_text(
        texts.preferences.language_overview(True), reply_markup=language_keyboard()
    )
    await message_of(update).reply_text(texts.preferences.language_changed())
    await menus.set_for(context, user_id, force=True)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Only the tapping user's own settings are touched; a tap from someone not enrolled (or a
    forged action) changes nothing."""
    query = query_of(update)
    tap = SettingsTap.parse(query.data)
    if tap is None:
        await query.answer(texts.common.button_expired())
        return
    action = tap.action
    app = services.of(context)
    user_id = user_of(update).id
    now = app.clock.now()
    if action in TOGGLES:
        patient = TOGGLES[action](app.engine, now, user_id)
    else:
        with transaction(app.engine) as session:
            patient = patients.get(session, user_id)
            if patient is not None:
                conversations.save(
                    session,
                    user_id,
                    FlowName.SETTINGS,
                    SettingsStep(action.value),
                    SettingsAnswers(),
                    now,
                )
    if patient is None:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    if action in TOGGLES:
        await query.edit_message_text(
            overview(patient),
            reply_markup=overview_keyboard(patient.paused, patient.discreet),
        )
        if action in (SettingsAction.PAUSE, SettingsAction.RESUME):
            await message_of(update).reply_text(
                texts.schedule.paused() if patient.paused else texts.schedule.resumed()
            )
    elif action is SettingsAction.TIME:
        await message_of(update).reply_text(texts.schedule.ask_new_reminder_time())
    else:
        await message_of(update).reply_text(
            texts.schedule.ask_new_time_zone(), reply_markup=zone_keyboard()
        )


async def answer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    conversation: Exchange[SettingsStep, SettingsAnswers],
    text: str | None,
) -> None:
    """A typed answer (or, for the time zone, a shared location) to a settings prompt."""
    app = services.of(context)
    message = message_of(update)
    user_id = user_of(update).id
    if text is not None and is_cancel(text):
        with transaction(app.engine) as session:
            conversations.drop(session, user_id)
        await message.reply_text(
            texts.schedule.settings_cancelled(), reply_markup=ReplyKeyboardRemove()
        )
        return
    now = app.clock.now()
    if conversation.step == SettingsStep.TIME:
        at = await read_time(update, text or "")
        if at is None:
            return
        patient = settings.set_reminder_time(app.engine, now, user_id, at)
    else:
        taken = await _zone_from(update, context, text)
        if taken is not None:
            await _change_zone(update, context, taken)
        return
    if patient is None:
        await message.reply_text(texts.common.not_enrolled())
    else:
        await message.reply_text(
            texts.schedule.reminder_time_changed(patient.reminder_time, patient.time_zone)
        )


async def answer_location(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    conversation: Exchange[SettingsStep, SettingsAnswers],
) -> None:
    """A shared location: the time zone, or (to the time prompt) not a time."""
    await answer(update, context, conversation, None)


async def _zone_from(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str | None
) -> Taken | None:
    """The zone of a shared location or of what was typed; None once the person has been
    answered (the choices, or why nothing fits)."""
    location = message_of(update).location
    if location is None:
        return await zone_typed(update, context, ZoneFlow.SETTINGS, text or "")
    found = zone_at(location.latitude, location.longitude)
    zone = find_zone(found) if found else None
    if zone is None:
        await message_of(update).reply_text(texts.enrolment.location_without_zone())
        return None
    return Taken(zone)


async def on_zone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A zone picked from those offered while the time zone prompt is open; after it (or for
    forged data) the button has expired."""
    query = query_of(update)
    tap = ZoneTap.parse(query.data)
    with transaction(services.of(context).engine) as session:
        prompt = conversations.read(
            conversations.get(session, user_of(update).id),
            FlowName.SETTINGS,
            SettingsStep,
            SettingsAnswers,
        )
    if tap is None or prompt is None or prompt.step != SettingsStep.ZONE:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    await _change_zone(update, context, Taken(tap.zone))


async def _change_zone(update: Update, context: ContextTypes.DEFAULT_TYPE, taken: Taken) -> None:
    app = services.of(context)
    now = app.clock.now()
    patient = settings.set_time_zone(app.engine, now, user_of(update).id, taken.zone)
    if patient is None:
        await message_of(update).reply_text(texts.common.not_enrolled())
        return
    local_now = now.astimezone(ZoneInfo(patient.time_zone))
    await message_of(update).reply_text(
        taken.confirming(texts.schedule.time_zone_changed(patient.time_zone, local_now)),
        reply_markup=ReplyKeyboardRemove(),
    )
