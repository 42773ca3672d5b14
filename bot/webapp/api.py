"""The page's JSON API (docs/webapp.md, "The API"). Thin, like a handler: who is asking (the
signed `initData`, else 401 with an empty body), the chat's flood limit, then the chat's own
actions and texts, in the person's language; every answer carries the page's state afresh.
What the chat would also have said (a confirmation, safety advice) is sent to the chat too;
a chat that cannot be reached (the bot blocked) never fails the page's answer."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.exc import SQLAlchemyError

from bot import services, texts
from bot.actions import diary as diary_action
from bot.actions import doses as dose_actions
from bot.actions import settings as setting_actions
from bot.actions.diary import MAX_LENGTH
from bot.db import transaction
from bot.domain import answers
from bot.domain.answers import ClockProblem, TimeChoice
from bot.domain.flood import Verdict
from bot.domain.triage import Urgency
from bot.handlers import doses as dose_answers
from bot.handlers import flood
from bot.handlers.zones import Taken, find_typed
from bot.logs import describe
from bot.services import Services
from bot.store import languages
from bot.texts import language, safety
from bot.texts import webapp as page_texts
from bot.webapp import Bot, auth, chat
from bot.webapp.plain import plain
from bot.webapp.state import Json, state

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

log = logging.getLogger(__name__)

MAX_BODY = 16 * 1024
AUTH_SCHEME = "tma "


@dataclass(frozen=True)
class Call:
    """One signed-in request: who, what they sent, and the running bot."""

    request: web.Request
    application: Bot
    app: Services
    user_id: int
    body: Json

    def state(self) -> Json:
        return state(self.app.engine, self.app.clock.now(), self.user_id, browser(self.request))

    def answer(self, ok: bool, message: str, **extra: object) -> Json:
        """An action's answer with the state after it; `state` null when the database cannot
        be read (the message, and any advice, still reach the page)."""
        try:
            after: Json | None = self.state()
        except SQLAlchemyError as error:
            log.warning("the page's state was not read: %s", describe(error))
            after = None
        return {"ok": ok, "message": plain(message), **extra, "state": after}


Action = Callable[[Call], Awaitable[Json]]


def add_routes(routes: web.Application, application: Bot, prefix: str) -> None:
    app = services.of(application)

    def signed(action: Action, *, needs_body: bool = True) -> Handler:
        async def handle(request: web.Request) -> web.StreamResponse:
            user_id = signed_in(request, app)
            if user_id is None:
                return web.Response(status=401)
            if user_id not in app.settings.admin_ids:
                gate = flood.gate_of(application, app.settings.flood_limit)
                if gate.check(user_id, app.clock.now()) is not Verdict.READ:
                    # a flood costs no database read: the app's language is close enough
                    with language.speaking(browser(request)):
                        calm = texts.limits.flood_pause()
                    return web.json_response({"message": plain(calm)}, status=429)
            speaks = language_of(request, app, user_id)
            body: Json = {}
            if needs_body:
                found = await read_body(request)
                if isinstance(found, web.Response):
                    return found
                body = found
            with language.speaking(speaks):
                return web.json_response(
                    await action(Call(request, application, app, user_id, body))
                )

        return handle

    async def on_texts(request: web.Request) -> web.StreamResponse:
        code = language.choose(request.query.get("lang"))
        return web.json_response(page_texts.page_words(code))

    routes.router.add_get(prefix + "state", signed(on_state, needs_body=False))
    routes.router.add_post(prefix + "confirm", signed(on_confirm))
    routes.router.add_post(prefix + "undo", signed(on_undo))
    routes.router.add_post(prefix + "diary", signed(on_diary))
    routes.router.add_post(prefix + "settings", signed(on_settings))
    routes.router.add_get(prefix + "texts", on_texts)


def signed_in(request: web.Request, app: Services) -> int | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith(AUTH_SCHEME):
        return None
    return auth.user_id(
        header[len(AUTH_SCHEME) :],
        app.settings.token,
        app.clock.now().timestamp(),
        app.settings.webapp_auth_max_age,
    )


def language_of(request: web.Request, app: Services, user_id: int) -> str:
    """The person's language as the chat picks it: their stored one (a choice, or their app's
    when they signed up), else the browser's, which is their Telegram app's."""
    try:
        with transaction(app.engine) as session:
            stored = languages.of_many(session, [user_id]).get(user_id)
    except SQLAlchemyError as error:  # safety advice must not wait for the database
        log.warning("a language was not read for the page: %s", describe(error))
        stored = None
    return stored or browser(request)


def browser(request: web.Request) -> str:
    first = request.headers.get("Accept-Language", "").split(",")[0].split(";")[0].strip()
    return language.choose(first or None)


async def read_body(request: web.Request) -> dict[str, Any] | web.Response:
    """The JSON object of a request, at most MAX_BODY bytes (413 above, 400 if not one)."""
    if (request.content_length or 0) > MAX_BODY:
        return web.Response(status=413)
    raw = bytearray()
    while len(raw) <= MAX_BODY:  # a chunked body arrives in pieces of any size
        piece = await request.content.read(MAX_BODY + 1 - len(raw))
        if not piece:
            break
        raw += piece
    if len(raw) > MAX_BODY:
        return web.Response(status=413)
    try:
        body = json.loads(bytes(raw) or b"{}")
    except (ValueError, RecursionError):
        return web.Response(status=400)
    if not isinstance(body, dict):
        return web.Response(status=400)
    return body


async def on_state(call: Call) -> Json:
    return call.state()


def whole_number(value: object) -> int | None:
    return value if type(value) is int and 0 < value < 10_000 else None


def iso_day(value: object) -> date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


async def on_confirm(call: Call) -> Json:
    """The ✅ of the chat: the due dose, guarded by the number and date the page showed."""
    number, planned = whole_number(call.body.get("number")), iso_day(call.body.get("planned"))
    if number is None or planned is None:
        return call.answer(False, texts.reminders.stale_dose_button())
    try:
        text, recorded, following = dose_answers.record(
            call.app, call.user_id, number, planned, "webapp", due_only=True
        )
    except dose_answers.Refused as refusal:
        return call.answer(False, str(refusal))
    await chat.confirmed(call.application, call.user_id, text, recorded, following)
    return call.answer(True, text)


async def on_undo(call: Call) -> Json:
    number = whole_number(call.body.get("number"))
    if number is None:
        return call.answer(False, texts.common.button_expired())
    outcome = dose_actions.undo_dose(call.app.engine, call.app.clock.now(), call.user_id, number)
    done = outcome is dose_actions.UndoOutcome.UNDONE
    return call.answer(done, dose_answers.undo_text(outcome, number))


async def on_diary(call: Call) -> Json:
    """Safety advice first (in the answer and in the chat), then the note; the advice is owed
    even when the note is too long or cannot be written."""
    typed = call.body.get("text")
    if not isinstance(typed, str) or not typed.strip():
        return call.answer(False, texts.care.diary_ask(), advice=None)
    reading = diary_action.read(typed)
    advice = None
    if reading.urgency is not Urgency.FINE:
        advice = safety.advice(reading.urgency)
        await chat.send(call.application, call.user_id, advice)
    shown = None if advice is None else plain(advice)
    if reading.too_long:
        return call.answer(False, texts.care.diary_too_long(MAX_LENGTH), advice=shown)
    try:
        day = diary_action.add(call.app.engine, call.app.clock.now(), call.user_id, reading.text)
    except SQLAlchemyError as error:
        log.warning("a diary note from the page was not written: %s", describe(error))
        return call.answer(False, texts.account.something_went_wrong(), advice=shown)
    if day is None:
        return call.answer(False, texts.common.not_enrolled(), advice=shown)
    return call.answer(True, texts.care.diary_noted(day, reading.text), advice=shown)


async def on_settings(call: Call) -> Json:
    """Each setting given, validated and applied as in /settings; the first refusal stops
    (what came before it stays applied) and says why."""
    body, now = call.body, call.app.clock.now()
    engine, user_id = call.app.engine, call.user_id
    messages: list[str] = []
    code = body.get("language")
    if code is not None:
        if code not in language.LANGUAGES:
            return call.answer(False, texts.common.button_expired())
        with transaction(engine) as session:
            languages.remember(session, user_id, code, now, chosen=True)
        language.activate(code)
        messages.append(texts.preferences.language_changed())
        await chat.refresh_menu(call.application, user_id)
    zone_text = body.get("time_zone")
    if zone_text is not None:
        found = await find_typed(zone_text if isinstance(zone_text, str) else "", now)
        if not isinstance(found, Taken):
            choices = {"choices": list(found.zones)} if found.zones else {}
            return call.answer(False, found.text, **choices)
        patient = setting_actions.set_time_zone(engine, now, user_id, found.zone, prompt=False)
        if patient is None:
            return call.answer(False, texts.common.not_enrolled())
        local_now = now.astimezone(ZoneInfo(patient.time_zone))
        messages.append(
            found.confirming(texts.schedule.time_zone_changed(patient.time_zone, local_now))
        )
    typed_time = body.get("reminder_time")
    if typed_time is not None:
        typed = typed_time if isinstance(typed_time, str) else ""
        reading = answers.read_clock(typed)
        if isinstance(reading, TimeChoice):
            options = [option.strftime("%H:%M") for option in reading.options]
            return call.answer(False, texts.enrolment.pick_time(typed), choices=options)
        if isinstance(reading, ClockProblem):
            return call.answer(False, texts.enrolment.time_unreadable(typed, reading))
        patient = setting_actions.set_reminder_time(engine, now, user_id, reading, prompt=False)
        if patient is None:
            return call.answer(False, texts.common.not_enrolled())
        messages.append(
            texts.schedule.reminder_time_changed(patient.reminder_time, patient.time_zone)
        )
    discreet = body.get("discreet")
    if discreet is not None:
        if not isinstance(discreet, bool):
            return call.answer(False, texts.common.button_expired())
        patient = setting_actions.set_discreet(engine, now, user_id, discreet)
        if patient is None:
            return call.answer(False, texts.common.not_enrolled())
        messages.append(
            texts.schedule.settings_overview(
                patient.time_zone, patient.reminder_time, patient.paused, patient.discreet
            )
        )
    return call.answer(bool(messages), "\n\n".join(messages))
