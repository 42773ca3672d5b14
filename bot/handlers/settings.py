"""/settings: reminder time, time zone, pause and resume. Upcoming reminders follow the change;
recorded injections keep their local dates."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import ContextTypes

from bot import commands, services, texts
from bot.db import transaction
from bot.domain.answers import is_cancel, parse_clock
from bot.domain.timing import find_zone
from bot.handlers import caregivers
from bot.handlers.enrolment import zone_keyboard
from bot.models import Conversation, Patient
from bot.store import conversations, languages, patients, reminders
from bot.texts import language
from bot.zone_lookup import zone_at

FLOW = "settings"
PREFIX = "set"
LANGUAGE = "lang"
TIME, ZONE = "time", "zone"
PROMPT_VALID_FOR = timedelta(minutes=30)
TOGGLES: dict[str, dict[str, bool]] = {
    "pause": {"paused": True},
    "resume": {"paused": False},
    "discreet": {"discreet": True},
    "named": {"discreet": False},
}


def overview_markup(patient: Patient) -> InlineKeyboardMarkup:
    toggle = (
        InlineKeyboardButton(
            texts.schedule.settings_resume_button(), callback_data=f"{PREFIX}:resume"
        )
        if patient.paused
        else InlineKeyboardButton(
            texts.schedule.settings_pause_button(), callback_data=f"{PREFIX}:pause"
        )
    )
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.schedule.settings_time_button(), callback_data=f"{PREFIX}:{TIME}"
                ),
                InlineKeyboardButton(
                    texts.schedule.settings_zone_button(), callback_data=f"{PREFIX}:{ZONE}"
                ),
            ],
            [toggle],
            [
                InlineKeyboardButton(
                    texts.schedule.settings_named_button(), callback_data=f"{PREFIX}:named"
                )
                if patient.discreet
                else InlineKeyboardButton(
                    texts.schedule.settings_discreet_button(), callback_data=f"{PREFIX}:discreet"
                )
            ],
        ]
    )


def overview(patient: Patient) -> str:
    return texts.schedule.settings_overview(
        patient.time_zone, patient.reminder_time, patient.paused, patient.discreet
    )


async def show(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user_id = update.effective_user.id
    with transaction(services.of(context).engine) as session:
        patient = patients.get(session, user_id)
        chosen = user_id in languages.of_many(session, [user_id], chosen_only=True)
    if patient is not None:
        await update.effective_message.reply_text(
            overview(patient), reply_markup=overview_markup(patient)
        )
    follows = await caregivers.show_alert_choices(update, context)
    if patient is None and not follows:
        await update.effective_message.reply_text(texts.common.not_enrolled())
    await update.effective_message.reply_text(
        texts.preferences.language_overview(chosen), reply_markup=language_markup()
    )


def language_markup() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.preferences.language_button(code), callback_data=f"{LANGUAGE}:{code}"
                )
                for code in language.LANGUAGES
            ]
        ]
    )


async def on_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A language picked in /settings: kept over the app's, for answers, reminders and the
    command menu. A forged code changes nothing."""
    query = update.callback_query
    code = (query.data or "").partition(":")[2]
    if code not in language.LANGUAGES:
        await query.answer(texts.common.button_expired())
        return
    app = services.of(context)
    user_id = update.effective_user.id
    with transaction(app.engine) as session:
        languages.remember(session, user_id, code, app.clock.now(), chosen=True)
    language.activate(code)
    await query.answer()
    await query.edit_message_text(
        texts.preferences.language_overview(True), reply_markup=language_markup()
    )
    await update.effective_message.reply_text(texts.preferences.language_changed())
    staff = services.is_staff(context, user_id)
    await commands.register_chat(context.bot, update.effective_chat.id, staff=staff, chosen=code)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Only the tapping user's own settings are touched; a tap from someone not enrolled (or a
    forged action) changes nothing."""
    query = update.callback_query
    action = (query.data or "").partition(":")[2]
    app = services.of(context)
    user_id = update.effective_user.id
    now = app.clock.now()
    with transaction(app.engine) as session:
        patient = patients.get(session, user_id)
        if patient is not None and action in TOGGLES:
            reminders.change_reachability(session, patient, now, **TOGGLES[action])
        elif patient is not None and action in (TIME, ZONE):
            conversations.save(session, user_id, FLOW, action, {}, now)
    if patient is None or (action not in TOGGLES and action not in (TIME, ZONE)):
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    if action in TOGGLES:
        await query.edit_message_text(overview(patient), reply_markup=overview_markup(patient))
        if action in ("pause", "resume"):
            await update.effective_message.reply_text(
                texts.schedule.paused() if patient.paused else texts.schedule.resumed()
            )
    elif action == TIME:
        await update.effective_message.reply_text(texts.schedule.ask_new_reminder_time())
    else:
        await update.effective_message.reply_text(
            texts.schedule.ask_new_time_zone(), reply_markup=zone_keyboard()
        )


def is_live(conversation: Conversation, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A settings prompt left unanswered for a while no longer captures what the user types."""
    return services.of(context).clock.now() - conversation.updated_at <= PROMPT_VALID_FOR


async def answer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    conversation: Conversation,
    text: str | None,
) -> None:
    """A typed answer (or, for the time zone, a shared location) to a settings prompt."""
    app = services.of(context)
    message = update.effective_message
    user_id = update.effective_user.id
    if text is not None and is_cancel(text):
        with transaction(app.engine) as session:
            conversations.drop(session, user_id)
        await message.reply_text(
            texts.schedule.settings_cancelled(), reply_markup=ReplyKeyboardRemove()
        )
        return
    now = app.clock.now()
    if conversation.step == TIME:
        at = parse_clock(text or "")
        if at is None:
            await message.reply_text(texts.enrolment.time_unreadable(text or ""))
            return
        changes = {"reminder_time": at}
    else:
        zone = _zone_from(update, text)
        if zone is None:
            reply = (
                texts.enrolment.location_without_zone()
                if text is None
                else texts.enrolment.zone_unknown(text)
            )
            await message.reply_text(reply)
            return
        changes = {"time_zone": zone}
    with transaction(app.engine) as session:
        patient = patients.get(session, user_id)
        if patient is not None:
            patients.update(session, patient, now, **changes)
            reminders.replan(session, patient, now)
        conversations.drop(session, user_id)
    if patient is None:
        await message.reply_text(texts.common.not_enrolled())
    elif conversation.step == TIME:
        await message.reply_text(
            texts.schedule.reminder_time_changed(patient.reminder_time, patient.time_zone)
        )
    else:
        local_now = now.astimezone(ZoneInfo(patient.time_zone))
        await message.reply_text(
            texts.schedule.time_zone_changed(patient.time_zone, local_now),
            reply_markup=ReplyKeyboardRemove(),
        )


def _zone_from(update: Update, text: str | None) -> str | None:
    location = update.effective_message.location
    if location is not None:
        found = zone_at(location.latitude, location.longitude)
        return find_zone(found) if found else None
    return find_zone(text or "")
