"""Caregivers: /invite, opening an invite, the patient's approval, /caregivers (remove, allow
to confirm), /patients, /leave, and a caregiver's alert choices. Every button names a link or
a patient; the server checks that the tapping user is the one side of it allowed to act."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from sqlmodel import Session
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import services, texts
from bot.db import transaction
from bot.domain.adherence import Status, summarize
from bot.domain.caregivers import INVITE_VALID_FOR, MAX_OPEN_INVITES, looks_like_token
from bot.domain.numbers import LARGEST, ROW_ID_LARGEST, parse_number
from bot.domain.schedule import build_plan
from bot.domain.timing import local_date
from bot.handlers.long_text import reply_in_parts
from bot.handlers.schedule import status_of
from bot.models import CaregiverLink, Invite
from bot.store import caregivers, languages, patients, reminders
from bot.texts import language

PREFIX = "cg"
log = logging.getLogger(__name__)


def button(label: str, action: str, ident: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=f"{PREFIX}:{action}:{ident}")


async def invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    app = services.of(context)
    now = app.clock.now()
    waiting: Sequence[Invite] = ()
    with transaction(app.engine) as session:
        patient = patients.get(session, update.effective_user.id)
        if patient is not None:
            waiting = caregivers.open_invites(session, patient, now)
        if patient is not None and len(waiting) < MAX_OPEN_INVITES:
            token, row = caregivers.create_invite(session, patient, now)
    if patient is None:
        await update.effective_message.reply_text(texts.caregivers.invite_only_patients())
        return
    hours = int(INVITE_VALID_FOR.total_seconds() // 3600)
    if len(waiting) >= MAX_OPEN_INVITES:
        await _at_limit(update, waiting, patient.time_zone, hours)
        return
    link = f"https://t.me/{context.bot.username}?start={token}"
    await update.effective_message.reply_text(
        texts.caregivers.invite_link(link, hours),
        reply_markup=InlineKeyboardMarkup(
            [[button(texts.caregivers.revoke_invite_button(), "invrevoke", row.id)]]
        ),
    )


async def _at_limit(update: Update, waiting: Sequence[Invite], zone: str, hours: int) -> None:
    """Too many links out already: each open one with a button to cancel it."""
    rows = [
        [
            button(
                texts.limits.cancel_invite(
                    number, language.moment(row.created_at.astimezone(ZoneInfo(zone)))
                ),
                "invrevoke",
                row.id or 0,
            )
        ]
        for number, row in enumerate(waiting, start=1)
    ]
    await update.effective_message.reply_text(
        texts.limits.invites_at_limit(len(waiting), hours), reply_markup=InlineKeyboardMarkup(rows)
    )


async def open_invite(update: Update, context: ContextTypes.DEFAULT_TYPE, payload: str) -> None:
    """`/start <payload>`: a pending link, and a question to the patient."""
    app = services.of(context)
    user = update.effective_user
    if not looks_like_token(payload):
        await update.effective_message.reply_text(texts.caregivers.invite_problems()["unknown"])
        return
    with transaction(app.engine) as session:
        link, problem = caregivers.redeem(
            session, payload, user.id, user.first_name or "?", app.clock.now()
        )
        patient = patients.get(session, link.patient_id) if link is not None else None
        if link is not None:
            languages.remember(session, user.id, language.current(), app.clock.now())
    if link is None or patient is None:
        await update.effective_message.reply_text(
            texts.caregivers.invite_problems()[problem or "unknown"]
        )
        return
    name = patient.first_name or texts.caregivers.the_patient()
    if link.approved_at is not None:
        await update.effective_message.reply_text(texts.caregivers.already_following(name))
        return
    await update.effective_message.reply_text(texts.caregivers.waiting_for_approval(name))
    await _tell(
        context,
        patient.chat_id,
        lambda: texts.caregivers.approve_request(link.caregiver_name),
        lambda: InlineKeyboardMarkup(
            [
                [
                    button(texts.caregivers.approve_button(), "approve", link.id),
                    button(texts.caregivers.decline_button(), "decline", link.id),
                ]
            ]
        ),
    )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    parts = (query.data or "").split(":")
    if len(parts) != 3 or parts[1] not in ACTIONS:
        await query.answer(texts.common.button_expired())
        return
    ident = parse_number(parts[2], LARGEST if parts[1] in ON_PATIENTS else ROW_ID_LARGEST)
    if ident is None:
        await query.answer(texts.common.button_expired())
        return
    await ACTIONS[parts[1]](update, context, ident)


async def revoke_invite(update: Update, context: ContextTypes.DEFAULT_TYPE, invite_id: int) -> None:
    app = services.of(context)
    with transaction(app.engine) as session:
        done = caregivers.revoke_invite(
            session, update.effective_user.id, invite_id, app.clock.now()
        )
    await update.callback_query.answer(None if done else texts.common.button_expired())
    if done:
        await update.callback_query.edit_message_text(texts.caregivers.invite_revoked())


def _own_link(session: Session, link_id: int, patient_id: int) -> CaregiverLink | None:
    """The link, only if it belongs to this patient (a forged id from anyone else: None)."""
    link = session.get(CaregiverLink, link_id)
    return link if link is not None and link.patient_id == patient_id else None


async def decide(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link_id: int, approve: bool
) -> None:
    app = services.of(context)
    now = app.clock.now()
    user_id = update.effective_user.id
    with transaction(app.engine) as session:
        link = _own_link(session, link_id, user_id)
        pending = link is not None and link.approved_at is None
        patient = patients.get(session, user_id)
        if pending and approve and patient is not None:
            link.approved_at = now
            session.add(link)
            session.flush()
            reminders.replan(session, patient, now)  # the current dose's alerts include them
        elif pending:
            caregivers.remove(session, link, now)
    query = update.callback_query
    if not pending or link is None:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    name = (patient.first_name if patient else None) or texts.caregivers.the_patient()
    if approve:
        await query.edit_message_text(texts.caregivers.approved_for_patient(link.caregiver_name))
        await _tell(
            context, link.caregiver_id, lambda: texts.caregivers.approved_for_caregiver(name)
        )
    else:
        await query.edit_message_text(texts.caregivers.declined_for_patient(link.caregiver_name))
        await _tell(
            context, link.caregiver_id, lambda: texts.caregivers.declined_for_caregiver(name)
        )


async def approve(update: Update, context: ContextTypes.DEFAULT_TYPE, link_id: int) -> None:
    await decide(update, context, link_id, approve=True)


async def decline(update: Update, context: ContextTypes.DEFAULT_TYPE, link_id: int) -> None:
    await decide(update, context, link_id, approve=False)


async def list_caregivers(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    app = services.of(context)
    with transaction(app.engine) as session:
        patient = patients.get(session, update.effective_user.id)
        links = list(caregivers.links_of_patient(session, patient.user_id)) if patient else []
    if patient is None:
        await update.effective_message.reply_text(texts.caregivers.invite_only_patients())
        return
    if not links:
        await update.effective_message.reply_text(texts.caregivers.no_caregivers())
        return
    lines = [texts.caregivers.caregivers_header()]
    rows = []
    for link in links:
        approved = link.approved_at is not None
        lines.append(
            texts.caregivers.caregiver_line(link.caregiver_name, approved, link.may_confirm)
        )
        row = [button(texts.caregivers.revoke_button(link.caregiver_name), "revoke", link.id)]
        if approved:
            label = texts.caregivers.allow_confirm_button(link.caregiver_name, link.may_confirm)
            row.append(button(label, "allow", link.id))
        rows.append(row)
    await reply_in_parts(
        update.effective_message, "\n".join(lines), reply_markup=InlineKeyboardMarkup(rows)
    )


async def ask_revoke(update: Update, context: ContextTypes.DEFAULT_TYPE, link_id: int) -> None:
    with transaction(services.of(context).engine) as session:
        link = _own_link(session, link_id, update.effective_user.id)
    query = update.callback_query
    if link is None:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    await update.effective_chat.send_message(
        texts.caregivers.confirm_revoke(link.caregiver_name),
        reply_markup=InlineKeyboardMarkup(
            [[button(texts.caregivers.yes_remove_button(), "revokeyes", link.id)]]
        ),
    )


async def revoke(update: Update, context: ContextTypes.DEFAULT_TYPE, link_id: int) -> None:
    app = services.of(context)
    user_id = update.effective_user.id
    with transaction(app.engine) as session:
        link = _own_link(session, link_id, user_id)
        if link is not None:
            caregivers.remove(session, link, app.clock.now())
        patient = patients.get(session, user_id)
    query = update.callback_query
    if link is None:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    await query.edit_message_text(texts.caregivers.revoked_for_patient(link.caregiver_name))
    name = (patient.first_name if patient else None) or texts.caregivers.the_patient()
    await _tell(context, link.caregiver_id, lambda: texts.caregivers.revoked_for_caregiver(name))


async def toggle_confirming(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link_id: int
) -> None:
    app = services.of(context)
    with transaction(app.engine) as session:
        link = _own_link(session, link_id, update.effective_user.id)
        if link is not None and link.approved_at is not None:
            link.may_confirm = not link.may_confirm
            session.add(link)
    query = update.callback_query
    if link is None or link.approved_at is None:
        await query.answer(texts.common.button_expired())
        return
    await query.answer("🔓" if link.may_confirm else "🔒")
    await list_caregivers(update, context)


async def patients_overview(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Upcoming doses, the last dose and adherence in short: never sites or notes."""
    app = services.of(context)
    now = app.clock.now()
    with transaction(app.engine) as session:
        pairs = list(caregivers.followed(session, update.effective_user.id))
        courses = patients.courses_of(session, [patient for _, patient in pairs])
    if not pairs:
        await update.effective_message.reply_text(texts.caregivers.not_following())
        return
    parts = [texts.caregivers.patients_header()]
    for _, patient in pairs:
        plan = build_plan(courses[patient.user_id], local_date(now, patient.time_zone), upcoming=3)
        statuses = [status_of(dose, patient, now) for dose in plan]
        taken = [dose for dose in plan if dose.taken is not None]
        upcoming = [(dose.number, dose.planned) for dose in plan if dose.taken is None][:3]
        last = (taken[-1].number, taken[-1].taken) if taken else None
        counts = summarize(s for s in statuses if s is not Status.BEFORE_ENROLMENT)
        parts.append(
            texts.caregivers.patient_summary(
                patient.first_name or texts.caregivers.the_patient(),
                upcoming,
                last,
                counts.on_time + counts.early,
                counts.late,
                counts.missed,
            )
        )
    await reply_in_parts(update.effective_message, "\n\n".join(parts))


async def leave(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    with transaction(services.of(context).engine) as session:
        pairs = list(caregivers.followed(session, update.effective_user.id))
    if not pairs:
        await update.effective_message.reply_text(texts.caregivers.not_following())
        return
    rows = [
        [
            button(
                texts.caregivers.leave_button(patient.first_name or texts.caregivers.the_patient()),
                "leave",
                patient.user_id,
            )
        ]
        for _, patient in pairs
    ]
    await update.effective_message.reply_text(
        texts.caregivers.leave_header(), reply_markup=InlineKeyboardMarkup(rows)
    )


async def leave_one(update: Update, context: ContextTypes.DEFAULT_TYPE, patient_id: int) -> None:
    app = services.of(context)
    with transaction(app.engine) as session:
        link = caregivers.approved_link(session, patient_id, update.effective_user.id)
        patient = patients.get(session, patient_id)
        if link is not None:
            caregivers.remove(session, link, app.clock.now())
    query = update.callback_query
    if link is None or patient is None:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    await query.edit_message_text(
        texts.caregivers.left_for_caregiver(patient.first_name or texts.caregivers.the_patient())
    )
    await _tell(
        context, patient.chat_id, lambda: texts.caregivers.left_for_patient(link.caregiver_name)
    )


async def show_alert_choices(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """The caregiver part of /settings; False if the user follows nobody."""
    with transaction(services.of(context).engine) as session:
        pairs = list(caregivers.followed(session, update.effective_user.id))
    for link, patient in pairs:
        await update.effective_message.reply_text(
            texts.caregivers.caregiver_settings(
                patient.first_name or texts.caregivers.the_patient(),
                link.alert_confirmations,
                link.alert_heads_up,
            ),
            reply_markup=_alert_buttons(link),
        )
    return bool(pairs)


def _alert_buttons(link: CaregiverLink) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button(
                    texts.caregivers.toggle_confirmations_button(link.alert_confirmations),
                    "alertconf",
                    link.patient_id,
                )
            ],
            [
                button(
                    texts.caregivers.toggle_heads_up_button(link.alert_heads_up),
                    "alerthead",
                    link.patient_id,
                )
            ],
        ]
    )


async def toggle_alert(
    update: Update, context: ContextTypes.DEFAULT_TYPE, patient_id: int, which: str
) -> None:
    app = services.of(context)
    with transaction(app.engine) as session:
        link = caregivers.approved_link(session, patient_id, update.effective_user.id)
        patient = patients.get(session, patient_id)
        if link is not None:
            setattr(link, which, not getattr(link, which))
            session.add(link)
            if which == "alert_heads_up" and patient is not None:
                session.flush()
                reminders.replan(session, patient, app.clock.now())  # writes or drops it
    query = update.callback_query
    if link is None or patient is None:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    await query.edit_message_text(
        texts.caregivers.caregiver_settings(
            patient.first_name or texts.caregivers.the_patient(),
            link.alert_confirmations,
            link.alert_heads_up,
        ),
        reply_markup=_alert_buttons(link),
    )


async def toggle_confirmation_alerts(
    update: Update, context: ContextTypes.DEFAULT_TYPE, patient_id: int
) -> None:
    await toggle_alert(update, context, patient_id, "alert_confirmations")


async def toggle_heads_up_alerts(
    update: Update, context: ContextTypes.DEFAULT_TYPE, patient_id: int
) -> None:
    await toggle_alert(update, context, patient_id, "alert_heads_up")


async def caregiver_welcome(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """/start from someone who only follows others: their menu, no sign-up nagging."""
    with transaction(services.of(context).engine) as session:
        pairs = list(caregivers.followed(session, update.effective_user.id))
    if not pairs:
        return False
    await update.effective_message.reply_text(
        texts.caregivers.caregiver_welcome([patient.first_name for _, patient in pairs]),
        reply_markup=InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        texts.caregivers.sign_up_myself_button(), callback_data="enrol:signup"
                    )
                ]
            ]
        ),
    )
    return True


async def _tell(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    text: Callable[[], str],
    markup: Callable[[], InlineKeyboardMarkup] | None = None,
) -> None:
    """A notice to the other side, composed in their language. Best effort: they may have
    blocked the bot; nothing about it is lost."""
    app = services.of(context)
    with transaction(app.engine) as session:
        speaks = languages.of(session, chat_id)
    with language.speaking(speaks):
        notice, buttons = text(), markup() if markup is not None else None
    try:
        await context.bot.send_message(chat_id, notice, reply_markup=buttons)
    except TelegramError as error:
        log.info("a caregiver notice was not delivered: %s", type(error).__name__)


ACTIONS = {
    "invrevoke": revoke_invite,
    "approve": approve,
    "decline": decline,
    "revoke": ask_revoke,
    "revokeyes": revoke,
    "allow": toggle_confirming,
    "leave": leave_one,
    "alertconf": toggle_confirmation_alerts,
    "alerthead": toggle_heads_up_alerts,
}
ON_PATIENTS = frozenset({"leave", "alertconf", "alerthead"})
"""Actions whose number is a patient's Telegram id; the others name a link or an invite."""
