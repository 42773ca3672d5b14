"""Caregivers: /invite, opening an invite, the patient's approval, /caregivers (remove, allow
to confirm), /patients, /leave, and a caregiver's alert choices. Every button names a link or
a patient; the server checks that the tapping user is the one side of it allowed to act."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import services, texts
from bot.actions import caregivers as actions
from bot.actions.caregivers import AlertChoice
from bot.actions.status import status_of
from bot.db import transaction
from bot.domain.adherence import Status, summarize
from bot.domain.caregivers import INVITE_VALID_FOR, MAX_OPEN_INVITES, looks_like_token
from bot.domain.schedule import build_plan, next_dose
from bot.domain.timing import local_date
from bot.handlers import menus
from bot.handlers.access import chat_of, message_of, query_of, user_of
from bot.handlers.long_text import reply_in_parts
from bot.keyboards.caregivers import (
    CaregiverAction,
    CaregiverTap,
    alert_keyboard,
    approval_keyboard,
    cancel_invites_keyboard,
    caregivers_keyboard,
    confirm_revoke_keyboard,
    leave_keyboard,
    revoke_invite_keyboard,
)
from bot.keyboards.enrolment import sign_up_keyboard
from bot.models import Invite
from bot.store import caregivers, languages, patients
from bot.texts import language

log = logging.getLogger(__name__)


async def invite(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    app = services.of(context)
    now = app.clock.now()
    waiting: Sequence[Invite] = ()
    with transaction(app.engine) as session:
        patient = patients.get(session, user_of(update).id)
        if patient is not None:
            waiting = caregivers.open_invites(session, patient, now)
        if patient is not None and len(waiting) < MAX_OPEN_INVITES:
            token, row = caregivers.create_invite(session, patient, now)
    if patient is None:
        await message_of(update).reply_text(texts.caregivers.invite_only_patients())
        return
    hours = int(INVITE_VALID_FOR.total_seconds() // 3600)
    if len(waiting) >= MAX_OPEN_INVITES:
        await _at_limit(update, waiting, patient.time_zone, hours)
        return
    link = f"https://t.me/{context.bot.username}?start={token}"
    await message_of(update).reply_text(
        texts.caregivers.invite_link(link, hours),
        reply_markup=revoke_invite_keyboard(row.id),
    )


async def _at_limit(update: Update, waiting: Sequence[Invite], zone: str, hours: int) -> None:
    """Too many links out already: each open one with a button to cancel it."""
    labelled = [
        (
            texts.limits.cancel_invite(
                number, language.moment(row.created_at.astimezone(ZoneInfo(zone)))
            ),
            row.id,
        )
        for number, row in enumerate(waiting, start=1)
    ]
    await message_of(update).reply_text(
        texts.limits.invites_at_limit(len(waiting), hours),
        reply_markup=cancel_invites_keyboard(labelled),
    )


async def open_invite(update: Update, context: ContextTypes.DEFAULT_TYPE, payload: str) -> None:
    """`/start <payload>`: a pending link, and a question to the patient."""
    app = services.of(context)
    user = user_of(update)
    if not looks_like_token(payload):
        await message_of(update).reply_text(texts.caregivers.invite_problems()["unknown"])
        return
    with transaction(app.engine) as session:
        link, problem = caregivers.redeem(
            session, payload, user.id, user.first_name or "?", app.clock.now()
        )
        patient = patients.get(session, link.patient_id) if link is not None else None
        if link is not None:
            languages.remember(session, user.id, language.current(), app.clock.now())
    if link is None or patient is None:
        await message_of(update).reply_text(
            texts.caregivers.invite_problems()[problem or "unknown"]
        )
        return
    name = patient.first_name or texts.caregivers.the_patient()
    if link.approved_at is not None:
        await message_of(update).reply_text(texts.caregivers.already_following(name))
        return
    await message_of(update).reply_text(texts.caregivers.waiting_for_approval(name))
    await _tell(
        context,
        patient.chat_id,
        lambda: texts.caregivers.approve_request(link.caregiver_name),
        lambda: approval_keyboard(link.id),
    )


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = query_of(update)
    tap = CaregiverTap.parse(query.data)
    if tap is None:
        await query.answer(texts.common.button_expired())
        return
    await ACTIONS[tap.action](update, context, tap.ident)


async def revoke_invite(update: Update, context: ContextTypes.DEFAULT_TYPE, invite_id: int) -> None:
    app = services.of(context)
    with transaction(app.engine) as session:
        done = caregivers.revoke_invite(session, user_of(update).id, invite_id, app.clock.now())
    await query_of(update).answer(None if done else texts.common.button_expired())
    if done:
        await query_of(update).edit_message_text(texts.caregivers.invite_revoked())


async def decide(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link_id: int, approve: bool
) -> None:
    app = services.of(context)
    act = actions.approve_caregiver if approve else actions.decline_caregiver
    decided = act(app.engine, app.clock.now(), user_of(update).id, link_id)
    query = query_of(update)
    if decided is None:
        await query.answer(texts.common.button_expired())
        return
    link, patient = decided.link, decided.patient
    await query.answer()
    name = (patient.first_name if patient else None) or texts.caregivers.the_patient()
    if approve:
        await query.edit_message_text(texts.caregivers.approved_for_patient(link.caregiver_name))
        await _tell(
            context, link.caregiver_id, lambda: texts.caregivers.approved_for_caregiver(name)
        )
        await menus.set_for(context, link.caregiver_id)  # /patients and /leave in their menu
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
        patient = patients.get(session, user_of(update).id)
        links = list(caregivers.links_of_patient(session, patient.user_id)) if patient else []
    if patient is None:
        await message_of(update).reply_text(texts.caregivers.invite_only_patients())
        return
    if not links:
        await message_of(update).reply_text(texts.caregivers.no_caregivers())
        return
    lines = [texts.caregivers.caregivers_header()]
    for link in links:
        approved = link.approved_at is not None
        lines.append(
            texts.caregivers.caregiver_line(link.caregiver_name, approved, link.may_confirm)
        )
    await reply_in_parts(
        message_of(update), "\n".join(lines), reply_markup=caregivers_keyboard(links)
    )


async def ask_revoke(update: Update, context: ContextTypes.DEFAULT_TYPE, link_id: int) -> None:
    with transaction(services.of(context).engine) as session:
        link = caregivers.own_link(session, link_id, user_of(update).id)
    query = query_of(update)
    if link is None:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    await chat_of(update).send_message(
        texts.caregivers.confirm_revoke(link.caregiver_name),
        reply_markup=confirm_revoke_keyboard(link.id),
    )


async def revoke(update: Update, context: ContextTypes.DEFAULT_TYPE, link_id: int) -> None:
    app = services.of(context)
    revoked = actions.revoke_caregiver(app.engine, app.clock.now(), user_of(update).id, link_id)
    query = query_of(update)
    if revoked is None:
        await query.answer(texts.common.button_expired())
        return
    link, patient = revoked.link, revoked.patient
    await query.answer()
    await query.edit_message_text(texts.caregivers.revoked_for_patient(link.caregiver_name))
    name = (patient.first_name if patient else None) or texts.caregivers.the_patient()
    await _tell(context, link.caregiver_id, lambda: texts.caregivers.revoked_for_caregiver(name))
    await menus.set_for(context, link.caregiver_id)


async def toggle_confirming(
    update: Update, context: ContextTypes.DEFAULT_TYPE, link_id: int
) -> None:
    link = actions.toggle_confirming(services.of(context).engine, user_of(update).id, link_id)
    query = query_of(update)
    if link is None:
        await query.answer(texts.common.button_expired())
        return
    await query.answer("🔓" if link.may_confirm else "🔒")
    await list_caregivers(update, context)


async def patients_overview(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Upcoming doses, the last dose and adherence in short: never sites or notes."""
    app = services.of(context)
    now = app.clock.now()
    with transaction(app.engine) as session:
        pairs = list(caregivers.followed(session, user_of(update).id))
        courses = patients.courses_of(session, [patient for _, patient in pairs])
    if not pairs:
        await message_of(update).reply_text(texts.caregivers.not_following())
        return
    parts = [texts.caregivers.patients_header()]
    for _, patient in pairs:
        course = courses[patient.user_id]
        today = local_date(now, patient.time_zone)
        plan = build_plan(course, today, upcoming=1)
        statuses = [status_of(dose, patient, now) for dose in plan]
        last = next(((dose.number, dose.taken) for dose in reversed(plan) if dose.taken), None)
        coming = next_dose(course, today)
        counts = summarize(s for s in statuses if s is not Status.BEFORE_ENROLMENT)
        parts.append(
            texts.caregivers.patient_summary(
                patient.first_name or texts.caregivers.the_patient(),
                (coming.number, coming.planned, coming.planned < today),
                last,
                texts.caregivers.adherence_in_words(
                    counts.on_time + counts.early, counts.late, counts.missed
                ),
            )
        )
    await reply_in_parts(message_of(update), "\n\n".join(parts))


async def leave(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    with transaction(services.of(context).engine) as session:
        pairs = list(caregivers.followed(session, user_of(update).id))
    if not pairs:
        await message_of(update).reply_text(texts.caregivers.not_following())
        return
    await message_of(update).reply_text(
        texts.caregivers.leave_header(),
        reply_markup=leave_keyboard(patient for _, patient in pairs),
    )


async def leave_one(update: Update, context: ContextTypes.DEFAULT_TYPE, patient_id: int) -> None:
    app = services.of(context)
    left = actions.leave(app.engine, app.clock.now(), user_of(update).id, patient_id)
    query = query_of(update)
    if left is None or left.patient is None:
        await query.answer(texts.common.button_expired())
        return
    link, patient = left.link, left.patient
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
        pairs = list(caregivers.followed(session, user_of(update).id))
    for link, patient in pairs:
        await message_of(update).reply_text(
            texts.caregivers.caregiver_settings(
                patient.first_name or texts.caregivers.the_patient(),
                link.alert_confirmations,
                link.alert_heads_up,
            ),
            reply_markup=alert_keyboard(link),
        )
    return bool(pairs)


async def toggle_alert(
    update: Update, context: ContextTypes.DEFAULT_TYPE, patient_id: int, which: AlertChoice
) -> None:
    app = services.of(context)
    changed = actions.toggle_alert(
        app.engine, app.clock.now(), user_of(update).id, patient_id, which
    )
    query = query_of(update)
    if changed is None or changed.patient is None:
        await query.answer(texts.common.button_expired())
        return
    link, patient = changed.link, changed.patient
    await query.answer()
    await query.edit_message_text(
        texts.caregivers.caregiver_settings(
            patient.first_name or texts.caregivers.the_patient(),
            link.alert_confirmations,
            link.alert_heads_up,
        ),
        reply_markup=alert_keyboard(link),
    )


async def toggle_confirmation_alerts(
    update: Update, context: ContextTypes.DEFAULT_TYPE, patient_id: int
) -> None:
    await toggle_alert(update, context, patient_id, AlertChoice.CONFIRMATIONS)


async def toggle_heads_up_alerts(
    update: Update, context: ContextTypes.DEFAULT_TYPE, patient_id: int
) -> None:
    await toggle_alert(update, context, patient_id, AlertChoice.HEADS_UP)


async def caregiver_welcome(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """/start from someone who only follows others: their menu, no sign-up nagging."""
    with transaction(services.of(context).engine) as session:
        pairs = list(caregivers.followed(session, user_of(update).id))
    if not pairs:
        return False
    await message_of(update).reply_text(
        texts.caregivers.caregiver_welcome([patient.first_name for _, patient in pairs]),
        reply_markup=sign_up_keyboard(),
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
    CaregiverAction.REVOKE_INVITE: revoke_invite,
    CaregiverAction.APPROVE: approve,
    CaregiverAction.DECLINE: decline,
    CaregiverAction.REVOKE: ask_revoke,
    CaregiverAction.REVOKE_YES: revoke,
    CaregiverAction.ALLOW: toggle_confirming,
    CaregiverAction.LEAVE: leave_one,
    CaregiverAction.ALERT_CONFIRMATIONS: toggle_confirmation_alerts,
    CaregiverAction.ALERT_HEADS_UP: toggle_heads_up_alerts,
}
