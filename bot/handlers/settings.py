"""/settings: reminder time, time zone, pause and resume. Upcoming reminders follow the change;
recorded injections keep their local dates."""

from __future__ import annotations

from datetime import timedelta
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import ContextTypes

from bot import services
from bot.db import transaction
from bot.domain.answers import parse_clock
from bot.domain.timing import find_zone
from bot.handlers import caregivers
from bot.handlers.enrolment import zone_keyboard
from bot.models import Conversation, Patient
from bot.store import conversations, patients, reminders
from bot.texts import en
from bot.zone_lookup import zone_at

FLOW = "settings"
PREFIX = "set"
TIME, ZONE = "time", "zone"
PROMPT_VALID_FOR = timedelta(minutes=30)
CANCEL_WORDS = frozenset({"cancel", "stop", "back"})
TOGGLES: dict[str, dict[str, bool]] = {
    "pause": {"paused": True},
    "resume": {"paused": False},
    "discreet": {"discreet": True},
    "named": {"discreet": False},
}


def overview_markup(patient: Patient) -> InlineKeyboardMarkup:
    toggle = (
        InlineKeyboardButton(en.SETTINGS_RESUME_BUTTON, callback_data=f"{PREFIX}:resume")
        if patient.paused
        else InlineKeyboardButton(en.SETTINGS_PAUSE_BUTTON, callback_data=f"{PREFIX}:pause")
    )
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(en.SETTINGS_TIME_BUTTON, callback_data=f"{PREFIX}:{TIME}"),
                InlineKeyboardButton(en.SETTINGS_ZONE_BUTTON, callback_data=f"{PREFIX}:{ZONE}"),
            ],
            [toggle],
            [
                InlineKeyboardButton(en.SETTINGS_NAMED_BUTTON, callback_data=f"{PREFIX}:named")
                if patient.discreet
                else InlineKeyboardButton(
                    en.SETTINGS_DISCREET_BUTTON, callback_data=f"{PREFIX}:discreet"
                )
            ],
        ]
    )


def overview(patient: Patient) -> str:
    return en.settings_overview(
        patient.time_zone, patient.reminder_time, patient.paused, patient.discreet
    )


async def show(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    with transaction(services.of(context).engine) as session:
        patient = patients.get(session, update.effective_user.id)
    if patient is not None:
        await update.effective_message.reply_html(
            overview(patient), reply_markup=overview_markup(patient)
        )
    follows = await caregivers.show_alert_choices(update, context)
    if patient is None and not follows:
        await update.effective_message.reply_html(en.NOT_ENROLLED)


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
        await query.answer(en.BUTTON_EXPIRED)
        return
    await query.answer()
    if action in TOGGLES:
        await query.edit_message_text(
            overview(patient), parse_mode="HTML", reply_markup=overview_markup(patient)
        )
        if action in ("pause", "resume"):
            await update.effective_message.reply_html(en.PAUSED if patient.paused else en.RESUMED)
    elif action == TIME:
        await update.effective_message.reply_html(en.ASK_NEW_REMINDER_TIME)
    else:
        await update.effective_message.reply_html(
            en.ASK_NEW_TIME_ZONE, reply_markup=zone_keyboard()
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
    if text is not None and text.strip().lower() in CANCEL_WORDS:
        with transaction(app.engine) as session:
            conversations.drop(session, user_id)
        await message.reply_html(en.SETTINGS_CANCELLED, reply_markup=ReplyKeyboardRemove())
        return
    now = app.clock.now()
    if conversation.step == TIME:
        at = parse_clock(text or "")
        if at is None:
            await message.reply_html(en.time_unreadable(text or ""))
            return
        changes = {"reminder_time": at}
    else:
        zone = _zone_from(update, text)
        if zone is None:
            reply = en.LOCATION_WITHOUT_ZONE if text is None else en.ZONE_UNKNOWN
            await message.reply_html(reply.format(text=escape(en.shorten(text or ""))))
            return
        changes = {"time_zone": zone}
    with transaction(app.engine) as session:
        patient = patients.get(session, user_id)
        if patient is not None:
            patients.update(session, patient, now, **changes)
            reminders.replan(session, patient, now)
        conversations.drop(session, user_id)
    if patient is None:
        await message.reply_html(en.NOT_ENROLLED)
    elif conversation.step == TIME:
        await message.reply_html(en.reminder_time_changed(patient.reminder_time, patient.time_zone))
    else:
        local_now = now.astimezone(ZoneInfo(patient.time_zone))
        await message.reply_html(
            en.time_zone_changed(patient.time_zone, local_now), reply_markup=ReplyKeyboardRemove()
        )


def _zone_from(update: Update, text: str | None) -> str | None:
    location = update.effective_message.location
    if location is not None:
        found = zone_at(location.latitude, location.longitude)
        return find_zone(found) if found else None
    return find_zone(text or "")
