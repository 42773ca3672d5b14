"""Builds the Application: handlers, the command menu and the error handler, all in view."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot import commands, services, texts
from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.db import make_engine, transaction
from bot.handlers import (
    appointments,
    broadcast,
    caregivers,
    checkin,
    checklist,
    diary,
    doses,
    enrolment,
    erasure,
    errors,
    export,
    flood,
    info,
    limits,
    menus,
    pen,
    pens,
    presence,
    replies,
    report,
    schedule,
    settings,
    staff,
    support,
    updates,
)
from bot.handlers.access import query_of
from bot.jobs import broadcast as broadcast_worker
from bot.jobs import retention, sweep
from bot.keyboards.appointments import AppointmentTap, FlowTap, KindTap
from bot.keyboards.broadcast import BroadcastTap, BroadcastVersionTap
from bot.keyboards.caregivers import CaregiverTap
from bot.keyboards.checkin import CheckinTap
from bot.keyboards.checklist import ChecklistTap
from bot.keyboards.datepicker import PickDay
from bot.keyboards.diary import DiaryTap
from bot.keyboards.doses import CorrectionTap, DoseTap, SiteTap, WhoTap
from bot.keyboards.enrolment import EnrolTap
from bot.keyboards.erasure import EraseTap
from bot.keyboards.info import InfoTap
from bot.keyboards.pen import PenQuestionTap, PenTap
from bot.keyboards.pen_stock import PensTap
from bot.keyboards.report import ReportNameTap, ReportTap
from bot.keyboards.settings import LanguageTap, SettingsTap
from bot.keyboards.support import SupportTap
from bot.keyboards.zones import ZoneFlow, ZoneTap
from bot.store import languages

MESSAGES_PER_SECOND = 28  # evenly spaced, never a burst: Telegram allows about 30 per second


def build_application(
    config: Settings,
    clock: Clock | None = None,
    request: BaseRequest | None = None,
    updates_request: BaseRequest | None = None,
) -> Application:
    builder = Application.builder().token(config.token).base_url(config.api_base_url)
    # Every text is HTML (bot/texts escapes what people typed), so the parse mode is set once.
    builder = builder.post_init(_post_init).defaults(Defaults(parse_mode=ParseMode.HTML))
    if config.rate_limit:
        # No retry inside a send: waiting out a 429 there could outlast the outbox row's
        # lease. The outbox gives the row back until Telegram's retry_after instead, and logs
        # it, so the limiter's own error line would only repeat that. (PTB types the bot by
        # the limiter's per-call arguments; none are ever passed, so the default bot type holds.)
        builder = builder.rate_limiter(
            AIORateLimiter(  # type: ignore[arg-type]
                overall_max_rate=1,
                overall_time_period=1 / MESSAGES_PER_SECOND,
                max_retries=0,
            )
        )
        logging.getLogger("telegram.ext.AIORateLimiter").setLevel(logging.CRITICAL)
    if request is not None:
        builder = builder.request(request)
    if updates_request is not None:
        builder = builder.get_updates_request(updates_request)
    application = builder.build()
    application.bot_data[services.KEY] = services.Services(
        settings=config, engine=make_engine(config.database_url), clock=clock or SystemClock()
    )
    jobs = application.job_queue
    if jobs is None:
        raise RuntimeError("python-telegram-bot is installed without its job-queue extra")
    jobs.run_repeating(
        sweep.sweep,
        interval=sweep.INTERVAL,
        first=1,
        name="outbox sweep",
        job_kwargs={"misfire_grace_time": None, "coalesce": True, "max_instances": 1},
    )
    retention.schedule(jobs)
    application.bot_data[broadcast_worker.LIMITER] = broadcast_worker.limiter_for(
        config.paid_broadcast_rate if config.paid_broadcast else config.broadcast_rate
    )
    jobs.run_once(broadcast_worker.work, when=broadcast_worker.IDLE, name=broadcast_worker.JOB_NAME)
    application.add_error_handler(errors.on_error)
    if config.role == "sender":
        return application

    # new messages in private chats; the gate (group -4) already stops edits, business
    # messages and groups before anything else sees them
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    application.add_handler(TypeHandler(Update, updates.gate), group=-4)
    application.add_handler(TypeHandler(Update, flood.guard), group=-3)
    application.add_handler(TypeHandler(Update, presence.on_any_update), group=-2)
    staff_ids = filters.User(user_id=config.admin_ids)
    application.add_handlers(  # first in group 0: before any command sees the text
        [
            MessageHandler(private & ~staff_ids & limits.LONG_TEXT, limits.refuse_long),
            MessageHandler(private & limits.NOT_TEXT, limits.only_text),
        ]
    )
    application.add_handlers(
        [
            CommandHandler("start", enrolment.start, filters=private),
            CommandHandler("schedule", schedule.show_schedule, filters=private),
            CommandHandler("next", schedule.show_next, filters=private),
            CommandHandler("taken", doses.taken, filters=private),
            CommandHandler("history", doses.history, filters=private),
            CommandHandler("log", diary.log, filters=private),
            CommandHandler("pen", pen.pen, filters=private),
            CommandHandler("pens", pens.pens, filters=private),
            CommandHandler("appointments", appointments.show, filters=private),
            CommandHandler("export", export.export, filters=private),
            CommandHandler("report", report.report, filters=private),
            CommandHandler("settings", settings.show, filters=private),
            CommandHandler("invite", caregivers.invite, filters=private),
            CommandHandler("caregivers", caregivers.list_caregivers, filters=private),
            CommandHandler("patients", caregivers.patients_overview, filters=private),
            CommandHandler("leave", caregivers.leave, filters=private),
            CommandHandler("help", info.help_, filters=private),
            CommandHandler("about", info.about, filters=private),
            CommandHandler("myid", info.my_id, filters=private),
            *(CommandHandler(topic, info.page(topic), filters=private) for topic in info.TOPICS),
            CommandHandler("deletedata", erasure.ask, filters=private),
            CommandHandler("support", support.request, filters=private),
            CommandHandler("stats", staff.stats, filters=private),
            CommandHandler("broadcast", broadcast.compose, filters=private),
            CommandHandler("broadcasts", broadcast.recent, filters=private),
            CallbackQueryHandler(enrolment.on_button, pattern=EnrolTap.pattern()),
            CallbackQueryHandler(appointments.on_calendar, pattern=PickDay.pattern()),
            CallbackQueryHandler(enrolment.on_zone, pattern=ZoneTap.pattern_for(ZoneFlow.SIGN_UP)),
            CallbackQueryHandler(settings.on_zone, pattern=ZoneTap.pattern_for(ZoneFlow.SETTINGS)),
            CallbackQueryHandler(settings.on_button, pattern=SettingsTap.pattern()),
            CallbackQueryHandler(settings.on_language, pattern=LanguageTap.pattern()),
            CallbackQueryHandler(erasure.on_button, pattern=EraseTap.pattern()),
            CallbackQueryHandler(doses.on_dose_button, pattern=DoseTap.pattern()),
            CallbackQueryHandler(caregivers.on_button, pattern=CaregiverTap.pattern()),
            CallbackQueryHandler(broadcast.on_button, pattern=BroadcastTap.pattern()),
            CallbackQueryHandler(broadcast.on_version, pattern=BroadcastVersionTap.pattern()),
            CallbackQueryHandler(support.on_button, pattern=SupportTap.pattern()),
            CallbackQueryHandler(info.on_button, pattern=InfoTap.pattern()),
            CallbackQueryHandler(diary.on_button, pattern=DiaryTap.pattern()),
            CallbackQueryHandler(pen.on_button, pattern=PenTap.pattern()),
            CallbackQueryHandler(pen.on_answer, pattern=PenQuestionTap.pattern()),
            CallbackQueryHandler(pens.on_button, pattern=PensTap.pattern()),
            CallbackQueryHandler(appointments.on_button, pattern=AppointmentTap.pattern()),
            CallbackQueryHandler(appointments.on_kind, pattern=KindTap.pattern()),
            CallbackQueryHandler(appointments.on_flow, pattern=FlowTap.pattern()),
            CallbackQueryHandler(checkin.on_button, pattern=CheckinTap.pattern()),
            CallbackQueryHandler(doses.on_who, pattern=WhoTap.pattern()),
            CallbackQueryHandler(doses.on_site, pattern=SiteTap.pattern()),
            CallbackQueryHandler(doses.on_correction_day, pattern=CorrectionTap.pattern()),
            CallbackQueryHandler(checklist.on_button, pattern=ChecklistTap.pattern()),
            CallbackQueryHandler(report.on_period, pattern=ReportTap.pattern()),
            CallbackQueryHandler(report.on_name, pattern=ReportNameTap.pattern()),
            CallbackQueryHandler(_unknown_button),
            ChatMemberHandler(presence.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER),
            MessageHandler(private & (filters.TEXT | filters.LOCATION), replies.on_message),
        ]
    )
    # after the handlers, so a sign-up or an approval shows in the menu at once
    application.add_handler(TypeHandler(Update, menus.refresh, block=False), group=1)
    return application


async def _post_init(application: Application) -> None:
    app = services.of(application)
    if app.settings.role == "sender":
        return
    with transaction(app.engine) as session:
        chosen = languages.of_many(session, app.settings.admin_ids, chosen_only=True)
    await commands.register(application.bot, app.settings.admin_ids, chosen)
    if app.settings.webapp_url is not None:
        await commands.register_page(application.bot, app.settings.webapp_url)


async def _unknown_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await query_of(update).answer(texts.common.button_expired())
