"""The page's API in process (aiohttp's test client) on the real store, both backends, with the
fake Bot API for what the chat also gets: who may ask (valid, forged, expired, absent
initData), and each action answering as the chat does. Where the chat's answer is built by a
function, a twin patient takes the chat's path and the two are compared."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from telegram.ext import Application

from bot import web
from bot.actions import diary as diary_action
from bot.actions import doses as dose_actions
from bot.actions import settings as setting_actions
from bot.actions.diary import MAX_LENGTH
from bot.app import build_application
from bot.clock import FixedClock
from bot.config import Settings
from bot.db import make_engine, transaction
from bot.domain.answers import ClockProblem
from bot.domain.triage import Urgency, triage_answer
from bot.handlers import doses as chat_doses
from bot.keyboards.doses import DoseAction, DoseTap
from bot.models import CaregiverLink
from bot.services import Services
from bot.texts import account, care, common, enrolment, limits, reminders, safety
from bot.webapp import auth
from bot.webapp.plain import plain
from bot.webapp.site import CONTENT_SECURITY_POLICY
from tests.support import harness
from tests.support.factories import enrol
from tests.support.fakebotapi import FakeBotApi
from tests.support.pending import pending_at

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 09:00 in Berlin; dose 1 is planned today
ANA, BEN, NOBODY = 4101, 4102, 4109
BASE = "/app/"
FLOOD_LIMIT = 8


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    yield from harness.fake_api_session()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


@pytest.fixture
async def application(
    engine: Engine, database_url: str, api: FakeBotApi, clock: FixedClock
) -> AsyncIterator[Application]:
    settings = Settings(
        token=api.token,
        database_url=database_url,
        admin_ids=frozenset(),
        api_base_url=api.base_url,
        rate_limit=False,
        flood_limit=FLOOD_LIMIT,
        webapp_url="https://bot.example.org/app/",
    )
    application = build_application(settings, clock=clock)
    async with application:
        yield application


@pytest.fixture
async def client(application: Application) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(web.web_app(application, T0))) as client:
        yield client


@pytest.fixture
def services(application: Application) -> Services:
    found: Services = application.bot_data["services"]
    return found


@pytest.fixture
def patients(services: Services, api: FakeBotApi) -> None:
    """Ana (who uses the page) and Ben (her twin, who uses the chat): the same plan."""
    for user_id, name in ((ANA, "Ana"), (BEN, "Ben")):
        api.user(user_id, name)
        enrol(services.engine, user_id, T0, name=name)


def init_data(user_id: int, token: str, at: datetime = T0) -> str:
    fields = {
        "user": json.dumps({"id": user_id, "first_name": "X"}),
        "auth_date": str(int(at.timestamp())),
    }
    return urlencode(fields | {"hash": auth.sign(fields, token)}, quote_via=quote)


def signed(api: FakeBotApi, user_id: int = ANA, **changes: Any) -> dict[str, str]:
    return {"Authorization": "tma " + init_data(user_id, api.token, **changes)}


async def call(
    client: TestClient, api: FakeBotApi, path: str, body: Any = None, user_id: int = ANA
) -> Any:
    headers = signed(api, user_id)
    if body is None:
        response = await client.get(BASE + "api/" + path, headers=headers)
    else:
        response = await client.post(BASE + "api/" + path, json=body, headers=headers)
    assert response.status == 200, await response.text()
    assert response.headers["Cache-Control"] == "no-store"
    return await response.json()


def sent_to(api: FakeBotApi, user_id: int) -> list[dict[str, Any]]:
    return [call.params for call in api.calls_to("sendMessage", chat_id=user_id)]


def without_ids(state: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in state.items() if key != "appointments"}


# -- who may ask ---------------------------------------------------------------------------


@pytest.mark.usefixtures("patients")
async def test_the_state_of_an_enrolled_patient(client: TestClient, api: FakeBotApi) -> None:
    state = await call(client, api, "state")
    assert state["enrolled"] is True
    assert state["language"] == "en"
    assert state["today"] == "2026-03-02"
    assert state["settings"] == {
        "reminder_time": "10:00",
        "time_zone": "Europe/Berlin",
        "discreet": False,
        "language": "en",
        "paused": False,
    }
    assert state["next"] == {
        "number": 1,
        "planned": "2026-03-02",
        "reminder_time": "10:00",
        "days_to_go": 0,
        "phase": "loading",
        "phase_index": 1,
        "phase_of": 3,
        "status": "due_today",
        "provisional": False,
        "due": True,
    }
    assert state["undo"] is None
    assert [dose["number"] for dose in state["doses"]] == list(range(1, 13))
    assert [dose["planned"] for dose in state["doses"][:4]] == [
        "2026-03-02",
        "2026-03-09",
        "2026-03-16",
        "2026-03-30",
    ]
    assert {dose["status"] for dose in state["doses"]} == {"due_today", "upcoming"}
    assert state["adherence"] == {"on_time": 0, "early": 0, "late": 0, "missed": 0, "points": []}
    assert state["diary"] == []
    assert state["notes"]["timing"] == plain(common.timing_is_our_reading())


async def test_someone_not_enrolled_gets_only_their_language(
    client: TestClient, api: FakeBotApi
) -> None:
    assert await call(client, api, "state", user_id=NOBODY) == {
        "enrolled": False,
        "language": "en",
    }
    response = await client.get(
        BASE + "api/state", headers=signed(api, NOBODY) | {"Accept-Language": "de-DE,de;q=0.9"}
    )
    assert await response.json() == {"enrolled": False, "language": "de"}


@pytest.mark.usefixtures("patients")
@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "tma ",
        "Bearer x",
        "tma user=%7B%22id%22%3A4101%7D&auth_date=1772438400&hash=" + "0" * 64,
    ],
)
async def test_absent_or_malformed_init_data_gets_401_and_nothing_else(
    client: TestClient, api: FakeBotApi, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    for method, path in [("GET", "state"), ("POST", "confirm"), ("POST", "settings")]:
        response = await client.request(
            method, BASE + "api/" + path, headers=headers, json={"reminder_time": "07:00"}
        )
        assert response.status == 401
        assert await response.read() == b""
    assert api.count("sendMessage") == 0


@pytest.mark.usefixtures("patients")
async def test_another_persons_id_signed_with_a_wrong_key_gets_401(
    client: TestClient, api: FakeBotApi, services: Services
) -> None:
    forged = "tma " + init_data(ANA, "999999:forged-token")
    response = await client.post(
        BASE + "api/confirm",
        json={"number": 1, "planned": "2026-03-02"},
        headers={"Authorization": forged},
    )
    assert response.status == 401
    assert await response.read() == b""
    state = await call(client, api, "state")
    assert state["next"]["number"] == 1  # nothing recorded
    assert sent_to(api, ANA) == []


@pytest.mark.usefixtures("patients")
async def test_expired_and_future_init_data_get_401(
    client: TestClient, api: FakeBotApi, clock: FixedClock
) -> None:
    old = signed(api, at=T0 - timedelta(seconds=3601))
    assert (await client.get(BASE + "api/state", headers=old)).status == 401
    ahead = signed(api, at=T0 + timedelta(minutes=5))
    assert (await client.get(BASE + "api/state", headers=ahead)).status == 401
    fresh = signed(api)
    clock.set(T0 + timedelta(hours=2))  # the same sign-in, two hours on
    assert (await client.get(BASE + "api/state", headers=fresh)).status == 401


async def test_the_texts_need_no_sign_in(client: TestClient) -> None:
    english = await (await client.get(BASE + "api/texts?lang=en")).json()
    german = await (await client.get(BASE + "api/texts?lang=de")).json()
    assert english.keys() == german.keys()
    assert english != german


# -- confirm and undo ----------------------------------------------------------------------


@pytest.mark.usefixtures("patients")
async def test_confirm_is_the_chats_check_mark_and_tells_the_chat(
    client: TestClient, api: FakeBotApi, services: Services
) -> None:
    answer = await call(client, api, "confirm", {"number": 1, "planned": "2026-03-02"})
    text, _, _ = chat_doses.record(services, BEN, 1, date(2026, 3, 2), "button")
    assert answer["ok"] is True
    assert answer["message"] == plain(text)
    assert without_ids(answer["state"]) == without_ids(await call(client, api, "state", None, BEN))
    assert answer["state"]["undo"] == {"number": 1}
    assert answer["state"]["next"]["number"] == 2
    assert pending_at(services.engine, ANA) == pending_at(services.engine, BEN)

    confirmation, who = sent_to(api, ANA)
    assert confirmation["text"] == text
    buttons = [
        b["callback_data"] for row in confirmation["reply_markup"]["inline_keyboard"] for b in row
    ]
    taps = [DoseTap.parse(data) for data in buttons]
    assert any(
        tap is not None and (tap.patient_id, tap.number, tap.action) == (ANA, 1, DoseAction.UNDO)
        for tap in taps
    )
    assert who["text"] == reminders.ask_who()

    again = await call(client, api, "confirm", {"number": 1, "planned": "2026-03-02"})
    with pytest.raises(chat_doses.Refused) as refused:
        chat_doses.record(services, BEN, 1, date(2026, 3, 2), "button", due_only=True)
    assert again["ok"] is False
    assert again["message"] == plain(str(refused.value)) == plain(reminders.already_recorded())
    assert len(sent_to(api, ANA)) == 2  # nothing more in the chat


async def test_a_dose_not_due_yet_is_refused_with_the_chats_words(
    client: TestClient, api: FakeBotApi, services: Services
) -> None:
    api.user(ANA, "Ana")
    enrol(services.engine, ANA, T0, first=date(2026, 3, 5))
    answer = await call(client, api, "confirm", {"number": 1, "planned": "2026-03-05"})
    assert answer == {
        "ok": False,
        "message": plain(reminders.not_due_yet(1, date(2026, 3, 5))),
        "state": answer["state"],
    }
    assert answer["state"]["next"]["due"] is False
    assert answer["state"]["undo"] is None
    assert sent_to(api, ANA) == []


@pytest.mark.usefixtures("patients")
@pytest.mark.parametrize(
    "body",
    [
        {"number": 2, "planned": "2026-03-16"},
        {"number": 1, "planned": "2026-03-01"},
        {},
        {"number": True, "planned": "2026-03-02"},
        {"number": 1, "planned": "march"},
    ],
)
async def test_a_stale_or_malformed_confirm_changes_nothing(
    client: TestClient, api: FakeBotApi, body: dict[str, Any]
) -> None:
    answer = await call(client, api, "confirm", body)
    assert answer["ok"] is False
    assert answer["message"] == plain(reminders.stale_dose_button())
    assert answer["state"]["next"]["number"] == 1


@pytest.mark.usefixtures("patients")
async def test_a_blocked_chat_does_not_fail_the_confirm(
    client: TestClient, api: FakeBotApi
) -> None:
    api.user(ANA, "Ana").block()
    answer = await call(client, api, "confirm", {"number": 1, "planned": "2026-03-02"})
    assert answer["ok"] is True
    assert answer["state"]["next"]["number"] == 2


@pytest.mark.usefixtures("patients")
async def test_undo_is_the_chats_undo(
    client: TestClient, api: FakeBotApi, services: Services
) -> None:
    await call(client, api, "confirm", {"number": 1, "planned": "2026-03-02"})
    chat_doses.record(services, BEN, 1, date(2026, 3, 2), "button")

    answer = await call(client, api, "undo", {"number": 1})
    outcome = dose_actions.undo_dose(services.engine, T0, BEN, 1)
    assert answer["ok"] is True
    assert answer["message"] == plain(chat_doses.undo_text(outcome, 1))
    assert answer["state"]["undo"] is None
    assert answer["state"]["next"]["number"] == 1
    assert without_ids(answer["state"]) == without_ids(await call(client, api, "state", None, BEN))
    assert pending_at(services.engine, ANA) == pending_at(services.engine, BEN)

    again = await call(client, api, "undo", {"number": 1})
    assert again["ok"] is False
    assert again["message"] == plain(common.button_expired())


# -- diary ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("patients")
async def test_an_unclear_note_gets_the_advice_first_in_the_answer_and_the_chat(
    client: TestClient, api: FakeBotApi
) -> None:
    note = "my arm is a bit strange since yesterday"
    urgency = triage_answer(note)
    assert urgency is not Urgency.FINE
    answer = await call(client, api, "diary", {"text": note})
    assert answer["ok"] is True
    assert answer["advice"] == plain(safety.advice(urgency))
    assert answer["message"] == plain(care.diary_noted(date(2026, 3, 2), note))
    assert answer["state"]["diary"] == [{"day": "2026-03-02", "text": note}]
    assert [sent["text"] for sent in sent_to(api, ANA)] == [safety.advice(urgency)]


@pytest.mark.usefixtures("patients")
async def test_a_clearly_fine_note_is_written_without_advice(
    client: TestClient, api: FakeBotApi
) -> None:
    answer = await call(client, api, "diary", {"text": "all   good"})
    assert answer["advice"] is None
    assert answer["ok"] is True
    assert answer["state"]["diary"] == [{"day": "2026-03-02", "text": "all good"}]
    assert sent_to(api, ANA) == []


@pytest.mark.usefixtures("patients")
async def test_a_too_long_note_is_refused_but_its_advice_still_given(
    client: TestClient, api: FakeBotApi
) -> None:
    note = "I can't breathe properly and my throat is swelling. " * 12
    assert len(note) > MAX_LENGTH
    answer = await call(client, api, "diary", {"text": note})
    assert answer["ok"] is False
    assert answer["message"] == plain(care.diary_too_long(MAX_LENGTH))
    assert answer["advice"] == plain(safety.advice(triage_answer(note)))
    assert answer["state"]["diary"] == []
    assert len(sent_to(api, ANA)) == 1


async def test_the_advice_does_not_depend_on_being_enrolled(
    client: TestClient, api: FakeBotApi
) -> None:
    api.user(NOBODY, "Nobody")
    note = "I feel dizzy"
    answer = await call(client, api, "diary", {"text": note}, user_id=NOBODY)
    assert answer["ok"] is False
    assert answer["advice"] == plain(safety.advice(triage_answer(note)))
    assert answer["message"] == plain(common.not_enrolled())


# -- settings ------------------------------------------------------------------------------


@pytest.mark.usefixtures("patients")
async def test_a_new_reminder_time_replans_the_reminders_as_the_chat_does(
    client: TestClient, api: FakeBotApi, services: Services
) -> None:
    before = pending_at(services.engine, ANA)
    answer = await call(client, api, "settings", {"reminder_time": "7.30 pm"})
    setting_actions.set_reminder_time(services.engine, T0, BEN, time(19, 30))
    assert answer["ok"] is True
    assert answer["state"]["settings"]["reminder_time"] == "19:30"
    assert answer["state"]["next"]["reminder_time"] == "19:30"
    assert pending_at(services.engine, ANA) == pending_at(services.engine, BEN) != before


@pytest.mark.usefixtures("patients")
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("25:00", lambda: enrolment.time_unreadable("25:00", ClockProblem.NO_SUCH_HOUR)),
        ("soon", lambda: enrolment.time_unreadable("soon", ClockProblem.UNREADABLE)),
        (42, lambda: enrolment.time_unreadable("", ClockProblem.UNREADABLE)),
    ],
)
async def test_a_bad_reminder_time_is_refused_with_the_chats_message(
    client: TestClient, api: FakeBotApi, services: Services, typed: object, expected: Any
) -> None:
    before = pending_at(services.engine, ANA)
    answer = await call(client, api, "settings", {"reminder_time": typed})
    assert answer["ok"] is False
    assert answer["message"] == plain(expected())
    assert answer["state"]["settings"]["reminder_time"] == "10:00"
    assert pending_at(services.engine, ANA) == before


@pytest.mark.usefixtures("patients")
async def test_a_part_of_the_day_offers_times(client: TestClient, api: FakeBotApi) -> None:
    answer = await call(client, api, "settings", {"reminder_time": "morning"})
    assert answer["ok"] is False
    assert answer["message"] == plain(enrolment.pick_time("morning"))
    assert answer["choices"] and all(len(choice) == 5 for choice in answer["choices"])


@pytest.mark.usefixtures("patients")
async def test_time_zones_as_the_chat_reads_them(client: TestClient, api: FakeBotApi) -> None:
    unknown = await call(client, api, "settings", {"time_zone": "Qwertzhausen"})
    assert unknown["ok"] is False
    assert unknown["message"] == plain(enrolment.zone_unknown("Qwertzhausen"))
    assert "choices" not in unknown

    several = await call(client, api, "settings", {"time_zone": "USA"})
    assert several["ok"] is False
    assert len(several["choices"]) > 1 and "America/New_York" in several["choices"]
    assert several["state"]["settings"]["time_zone"] == "Europe/Berlin"

    one = await call(client, api, "settings", {"time_zone": "Lisbon"})
    assert one["ok"] is True
    assert one["state"]["settings"]["time_zone"] == "Europe/Lisbon"


@pytest.mark.usefixtures("patients")
async def test_discreet_and_language(client: TestClient, api: FakeBotApi) -> None:
    answer = await call(client, api, "settings", {"discreet": True, "language": "de"})
    assert answer["ok"] is True
    assert answer["state"]["settings"]["discreet"] is True
    assert answer["state"]["language"] == answer["state"]["settings"]["language"] == "de"
    assert "Sprache" in answer["message"] or "Deutsch" in answer["message"]
    refused = await call(client, api, "settings", {"language": "xx"})
    assert refused["ok"] is False
    assert refused["state"]["language"] == "de"


# -- limits and headers --------------------------------------------------------------------


@pytest.mark.usefixtures("patients")
async def test_a_body_over_16_kib_is_refused(client: TestClient, api: FakeBotApi) -> None:
    huge = {"text": "x" * (16 * 1024)}
    response = await client.post(BASE + "api/diary", json=huge, headers=signed(api))
    assert response.status == 413
    assert (await call(client, api, "state"))["diary"] == []
    response = await client.post(BASE + "api/diary", data=b"[1, 2]", headers=signed(api))
    assert response.status == 400

    async def pieces(body: bytes) -> AsyncIterator[bytes]:  # chunked: no length given ahead
        for start in range(0, len(body), 1000):
            yield body[start : start + 1000]

    big = json.dumps(huge).encode()
    response = await client.post(BASE + "api/diary", data=pieces(big), headers=signed(api))
    assert response.status == 413
    small = json.dumps({"text": "all good"}).encode()
    response = await client.post(BASE + "api/diary", data=pieces(small), headers=signed(api))
    assert response.status == 200
    assert (await response.json())["ok"] is True


@pytest.mark.usefixtures("patients")
async def test_the_chats_flood_limit_applies(client: TestClient, api: FakeBotApi) -> None:
    for _ in range(FLOOD_LIMIT):
        await call(client, api, "state")
    response = await client.get(BASE + "api/state", headers=signed(api))
    assert response.status == 429
    assert await response.json() == {"message": plain(limits.flood_pause())}
    assert (await call(client, api, "state", user_id=BEN))["enrolled"] is True


async def test_the_page_and_its_answers_carry_the_security_headers(
    client: TestClient,
) -> None:
    page = await client.get(BASE)
    assert page.status == 200
    assert "<html" in await page.text()
    for response in (page, await client.get(BASE + "api/state"), await client.get(BASE + "nope")):
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
    assert (await client.get(BASE.rstrip("/"), allow_redirects=False)).status == 308
    health = await client.get("/healthz")
    assert "Content-Security-Policy" not in health.headers


@pytest.mark.usefixtures("patients")
async def test_the_advice_does_not_wait_for_the_diary_write(
    client: TestClient, api: FakeBotApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    def database_down(*args: object) -> None:
        raise OperationalError("INSERT", {}, Exception("the database is gone"))

    monkeypatch.setattr(diary_action, "add", database_down)
    note = "I feel dizzy and strange"
    answer = await call(client, api, "diary", {"text": note})
    assert answer["ok"] is False
    assert answer["advice"] == plain(safety.advice(triage_answer(note)))
    assert answer["message"] == plain(account.something_went_wrong())
    assert [sent["text"] for sent in sent_to(api, ANA)] == [safety.advice(triage_answer(note))]


@pytest.mark.usefixtures("patients")
async def test_a_caregiver_sees_nothing_of_the_patient(
    client: TestClient, api: FakeBotApi, services: Services
) -> None:
    with transaction(services.engine) as session:
        session.add(
            CaregiverLink(
                patient_id=ANA,
                caregiver_id=NOBODY,
                caregiver_name="Carl",
                approved_at=T0,
                created_at=T0,
            )
        )
    assert await call(client, api, "state", user_id=NOBODY) == {
        "enrolled": False,
        "language": "en",
    }
    refused = await call(client, api, "confirm", {"number": 1, "planned": "2026-03-02"}, NOBODY)
    assert refused["ok"] is False
    assert refused["message"] == plain(common.not_enrolled())
    assert (await call(client, api, "state"))["next"]["number"] == 1


async def test_webhook_and_page_share_one_server(
    application: Application, services: Services
) -> None:
    both = dataclasses.replace(
        services.settings, webhook_url="https://bot.example.org/telegram", webhook_secret="s3cret"
    )
    application.bot_data["services"] = dataclasses.replace(services, settings=both)
    async with TestClient(TestServer(web.web_app(application, T0))) as client:
        assert (await client.post("/telegram", json={})).status == 403  # the webhook's check
        assert (await client.get(BASE)).status == 200
        assert (await client.get(BASE + "api/state")).status == 401
        assert (await client.get("/healthz")).status in (200, 503)


@pytest.mark.usefixtures("patients")
async def test_the_advice_reaches_the_page_with_the_database_down(
    application: Application, services: Services, api: FakeBotApi, tmp_path: Path
) -> None:
    gone = make_engine(f"sqlite:///{tmp_path}/no/such/dir/bot.db")
    application.bot_data["services"] = dataclasses.replace(services, engine=gone)
    note = "my throat is swelling"
    async with TestClient(TestServer(web.web_app(application, T0))) as client:
        response = await client.post(BASE + "api/diary", json={"text": note}, headers=signed(api))
        assert response.status == 200
        answer = await response.json()
    assert answer == {
        "ok": False,
        "advice": plain(safety.advice(triage_answer(note))),
        "message": plain(account.something_went_wrong()),
        "state": None,
    }
    assert [sent["text"] for sent in sent_to(api, ANA)] == [safety.advice(triage_answer(note))]
