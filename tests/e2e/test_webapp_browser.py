"""The patient's page in a real browser (docs/webapp.md): Debian's headless Chromium, driven by
Playwright, opens the page the real bot process serves in long-polling mode (WEBAPP_URL and PORT
set), with Telegram's signed initData in the URL's fragment as Telegram passes it; the bot talks
to the fake Bot API. Telegram's own script is refused, so the page runs without it, and every
other request the page makes must stay on 127.0.0.1.

One bot process serves the whole module (three patients seeded before it starts, each test its
own); screenshots of each view, light and dark, English and German, at a small phone's width and
a wider one go to test-artifacts/webapp/."""

from __future__ import annotations

import json
import socket
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from playwright.sync_api import Browser, Locator, Page, sync_playwright

from bot.db import make_engine, migrate, transaction
from bot.domain.schedule import Course, build_plan
from bot.models import Appointment, DoseRecord, Patient, PenPeriod
from bot.texts import webapp as page_texts
from bot.webapp import auth
from tests.conftest import missing_tool
from tests.support import harness
from tests.support.database import SQLITE_ONLY, rows, value
from tests.support.fakebotapi import FakeBotApi
from tests.support.harness import REPO_ROOT, BotProcess

pytestmark = SQLITE_ONLY

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO_ROOT / "test-artifacts" / "webapp"
PAGE_PATH = "/app/"
CHROME_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LIGHT = {
    "bg_color": "#ffffff",
    "text_color": "#000000",
    "hint_color": "#999999",
    "link_color": "#2481cc",
    "button_color": "#2481cc",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#efeff3",
}
DARK = {
    "bg_color": "#17212b",
    "text_color": "#f5f5f5",
    "hint_color": "#708499",
    "link_color": "#6ab3f3",
    "button_color": "#5288c1",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#232e3c",
}
PHONE = {"width": 360, "height": 740}
WIDE = {"width": 1024, "height": 800}

HISTORY, EDITOR, SHOWN = 7301, 7302, 7303
"""Patients: one whose dose is confirmed, one who writes notes and changes settings, one only
looked at (the screenshots)."""


@dataclass(frozen=True)
class History:
    """A patient's seeded course, in UTC: dose 1 on time, 2 two days late, 3 a day early, 4 on
    time, 5 planned three days ago and not taken (missed, and due), 6 on provisional."""

    first: date
    taken: dict[int, date]
    planned: dict[int, date]

    @classmethod
    def ending(cls, today: date) -> History:
        """The course whose dose 5 was planned three days before `today` (a day or two more
        where a month end moves it)."""
        for back in range(60, 90):
            first = today - timedelta(days=back)
            taken = {1: first, 2: first + timedelta(days=9)}
            taken[3] = taken[2] + timedelta(days=6)
            taken[4] = taken[3] + timedelta(days=14)
            plan = build_plan(Course(first, taken), today)
            planned = {dose.number: dose.planned for dose in plan}
            if timedelta(days=3) <= today - planned[5] <= timedelta(days=5):
                return cls(first, taken, planned)
        raise AssertionError("no course fits")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def seed(workdir: Path, today: date) -> History:
    """The three patients, before the bot starts (docs: tests/support/seed.py does the same for
    broadcasts): seeding a history through the chat would need a restart per dose day."""
    url = f"sqlite:///{workdir}/bot.db"
    migrate(url)
    engine = make_engine(url)
    history = History.ending(today)
    now = datetime.now(UTC)
    enrolled = datetime.combine(history.first - timedelta(days=2), clock_time(8), UTC)
    try:
        with transaction(engine) as session:
            for user_id in (HISTORY, EDITOR, SHOWN):
                session.add(
                    Patient(
                        user_id=user_id,
                        chat_id=user_id,
                        first_name=f"P{user_id}",
                        time_zone="UTC",
                        reminder_time=clock_time(9),
                        first_injection=history.first,
                        enrolled_after=0,
                        enrolled_at=enrolled,
                        updated_at=enrolled,
                    )
                )
            session.flush()
            for user_id in (HISTORY, EDITOR, SHOWN):
                for number, day in history.taken.items():
                    session.add(
                        DoseRecord(
                            patient_id=user_id,
                            number=number,
                            taken_on=day,
                            recorded_at=datetime.combine(day, clock_time(10), UTC),
                            recorded_by=user_id,
                            source="button",
                        )
                    )
                session.add(
                    Appointment(
                        patient_id=user_id,
                        kind="mri",
                        note="bring the CD",
                        day=today + timedelta(days=4),
                        at=clock_time(14, 30),
                        created_at=now,
                        updated_at=now,
                    )
                )
                session.add(
                    PenPeriod(
                        patient_id=user_id,
                        dose_number=4,
                        removed_at=datetime.combine(
                            history.taken[4] - timedelta(days=1), clock_time(18), UTC
                        ),
                        closed_at=datetime.combine(history.taken[4], clock_time(10), UTC),
                        outcome="used",
                    )
                )
    finally:
        engine.dispose()
    return history


def init_data(user_id: int, token: str, *, language: str = "en", forged: bool = False) -> str:
    """What Telegram hands the page: the fields and their signature with the bot's token."""
    fields = {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(
            {"id": user_id, "first_name": "Ana", "language_code": language}, separators=(",", ":")
        ),
        "auth_date": str(int(time.time())),
    }
    signature = auth.sign(fields, token if not forged else token + "x")
    return urlencode(fields | {"hash": signature}, quote_via=quote)


@dataclass
class Site:
    api: FakeBotApi
    bot: BotProcess
    workdir: Path
    base: str
    history: History
    today: date

    def url(self, user_id: int, *, theme: dict[str, str] = LIGHT, forged: bool = False) -> str:
        fragment = urlencode(
            {
                "tgWebAppData": init_data(user_id, self.api.token, forged=forged),
                "tgWebAppVersion": "8.0",
                "tgWebAppPlatform": "android",
                "tgWebAppThemeParams": json.dumps(theme),
            },
            quote_via=quote,
        )
        return f"{self.base}{PAGE_PATH}#{fragment}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    if not CHROMIUM.exists():
        missing_tool("Chromium is not installed (Debian package chromium)")
    workdir = tmp_path_factory.mktemp("webapp")
    today = datetime.now(UTC).date()
    history = seed(workdir, today)
    port = free_port()
    env = {"WEBAPP_URL": f"https://bot.example.org{PAGE_PATH}", "PORT": str(port)}
    base = f"http://127.0.0.1:{port}"
    for api in harness.fake_api_session():
        with BotProcess(api, workdir, env) as bot:
            harness.eventually(lambda: healthy(base), "the page's server answers", 20)
            yield Site(api, bot, workdir, base, history, today)


def healthy(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


@pytest.fixture(autouse=True)
def _sqlite_only(backend: str) -> None:
    """One bot on one SQLite file serves the module (the page's subject is the page; the API's
    storage is tested on both backends by the API's own tests)."""
    assert backend == "sqlite"


@pytest.fixture(scope="module")
def browser(site: Site) -> Iterator[Browser]:
    with sync_playwright() as driver:
        launched = driver.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROME_ARGS
        )
        yield launched
        launched.close()


class Tab:
    """One browser tab in its own context (cookies, storage and cache of its own; Playwright
    launches Chromium with a fresh temporary user-data directory), recording every request."""

    def __init__(self, browser: Browser, site: Site, viewport: dict[str, int], locale: str) -> None:
        self.context = browser.new_context(viewport=viewport, locale=locale)
        self.requests: list[str] = []
        self.context.on("request", lambda request: self.requests.append(request.url))
        self.context.route("https://telegram.org/**", lambda route: route.abort())
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.site = site

    def open(self, url: str) -> Page:
        self.page.goto(url)
        return self.page

    def close(self) -> None:
        outside = [
            url
            for url in self.requests
            if not url.startswith(self.site.base + "/")
            and not url.startswith("https://telegram.org/")
        ]
        self.context.close()
        assert outside == [], "the page asked for something beyond the bot's own server"
        assert self.errors == [], self.errors
        assert any(url.startswith("https://telegram.org/js/") for url in self.requests), (
            "the page loads Telegram's script (refused here, as it may fail anywhere)"
        )


@pytest.fixture
def tab(browser: Browser, site: Site) -> Iterator[Tab]:
    opened = Tab(browser, site, PHONE, "en-GB")
    yield opened
    opened.close()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def loaded(page: Page) -> None:
    page.wait_for_selector("#month-grid .day.dose")


def day_cell(page: Page, day: date) -> Locator:
    return page.locator(f"#month-grid [data-date='{day.isoformat()}']")


def show_month_of(page: Page, day: date) -> None:
    """Step the calendar with its buttons to `day`'s month."""
    for _ in range(24):
        if day_cell(page, day).count():
            return
        title_before = page.text_content("#month-title")
        shown = page.locator("#month-grid [data-date]").first.get_attribute("data-date")
        page.click("#month-previous" if day.isoformat() < shown else "#month-next")
        assert page.text_content("#month-title") != title_before
    raise AssertionError(f"{day} is never shown")


def test_next_dose_and_the_calendar_for_a_patient_with_history(site: Site, tab: Tab) -> None:
    page = tab.open(site.url(SHOWN))
    loaded(page)
    history = site.history
    missed_day = history.planned[5]

    assert page.get_attribute("#next-date", "data-planned") == missed_day.isoformat()
    assert "Dose 5" in page.text_content("#next-phase")
    assert "Monthly dose 2" in page.text_content("#next-phase")
    assert "Missed" in page.text_content("#next-phase")
    assert page.is_visible("#confirm"), "a missed dose can still be recorded today"
    assert "Reminder at 09:00" in page.text_content("#next-body")
    days = (site.today - missed_day).days
    assert f"Planned {days} days ago" in page.text_content("#next-body")
    assert page.text_content("#timing-note").strip(), "where the plan goes beyond the label"

    expected = {
        history.planned[1]: "on_time",
        history.planned[2]: "late",
        history.planned[3]: "early",
        history.planned[4]: "on_time",
        missed_day: "missed",
        history.planned[6]: "upcoming",
    }
    for day, status in expected.items():
        show_month_of(page, day)
        cell = day_cell(page, day)
        assert cell.get_attribute("data-status") == status, day
    assert "provisional" in (day_cell(page, history.planned[6]).get_attribute("class") or "")

    # Swipe back a month, then tap a day for its details.
    show_month_of(page, missed_day)
    title = page.text_content("#month-title")
    box = page.locator("#month-grid").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + 40, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2, y, steps=5)
    page.mouse.move(box["x"] + box["width"] - 20, y, steps=5)
    page.mouse.up()
    assert page.text_content("#month-title") != title, "a swipe to the right shows the month before"
    page.click("#month-next")
    assert page.text_content("#month-title") == title

    day_cell(page, missed_day).click()
    details = page.text_content("#day-details")
    assert "Dose 5" in details and "Missed" in details
    show_month_of(page, history.planned[2])
    day_cell(page, history.planned[2]).click()
    assert "Late" in page.text_content("#day-details")
    assert "Injected on" in page.text_content("#day-details")

    page.click("#tab-adherence")
    counts = {
        status: page.text_content(f"#counts [data-status='{status}'] .count-number")
        for status in ("on_time", "early", "late", "missed")
    }
    assert counts == {"on_time": "2", "early": "1", "late": "1", "missed": "1"}
    marks = page.locator("#chart svg g.point")
    assert marks.count() == 5
    assert page.get_attribute("#chart g.point[data-number='2']", "data-status") == "late"


def test_confirming_the_due_dose_in_the_page_says_what_the_chat_says(site: Site, tab: Tab) -> None:
    patient = site.api.user(HISTORY, "Ana")
    page = tab.open(site.url(HISTORY))
    loaded(page)
    page.click("#confirm")
    page.wait_for_selector("#dose-message:not([hidden])")
    said = page.text_content("#dose-message")
    assert "Dose 5" in said

    patient.wait_for(lambda message: message.body.split() == said.split())  # the same text
    recorded = value(
        site.workdir,
        "SELECT taken_on FROM dose_records WHERE patient_id = ? AND number = 5",
        HISTORY,
    )
    assert str(recorded) == site.today.isoformat()

    following = date.fromisoformat(page.get_attribute("#next-date", "data-planned"))
    assert following > site.today
    assert "Dose 6" in page.text_content("#next-phase")
    assert following.strftime("%Y") in page.text_content("#next-date")
    assert not page.is_visible("#confirm"), "nothing is due any more"
    assert page.is_visible("#undo")
    show_month_of(page, site.history.planned[5])
    assert day_cell(page, site.history.planned[5]).get_attribute("data-status") == "late"

    page.click("#undo")
    page.wait_for_selector("#confirm:not([hidden])")
    assert (
        value(
            site.workdir,
            "SELECT COUNT(*) FROM dose_records WHERE patient_id = ? AND number = 5",
            HISTORY,
        )
        == 0
    )


def test_diary_notes_and_the_reminder_time(site: Site, tab: Tab) -> None:
    patient = site.api.user(EDITOR, "Ben")
    page = tab.open(site.url(EDITOR))
    loaded(page)
    page.click("#tab-diary")
    page.fill("#diary-text", "all good")
    page.click("#diary-add")
    page.wait_for_selector("#diary-list li:has-text('all good')")
    assert page.is_hidden("#advice"), "a note that is clearly fine gets no advice"

    page.fill("#diary-text", "feeling strange since this morning")
    page.click("#diary-add")
    page.wait_for_selector("#advice:not([hidden])")
    advice = page.text_content("#advice-text")
    assert advice.strip()
    page.wait_for_selector("#diary-list li:has-text('feeling strange')")
    shot(page, "diary-advice-en-light-360")
    patient.wait_for(lambda message: message.body.split() == advice.split())  # the same advice
    noted = [
        row["text"]
        for row in rows(site.workdir, "SELECT text FROM diary_entries WHERE patient_id = ?", EDITOR)
    ]
    assert sorted(noted) == ["all good", "feeling strange since this morning"]

    page.click("#tab-settings")
    # Later than any wall-clock hour a run starts at but the last minute, so the re-planned
    # reminder of a dose due today is still in the future (20:15 made it due at once after 20:15).
    page.fill("#reminder-time", "23:59")
    page.click("#time-form button[type=submit]")
    page.wait_for_selector("#settings-message:not([hidden])")
    assert page.input_value("#reminder-time") == "23:59"
    stored = value(site.workdir, "SELECT reminder_time FROM patients WHERE user_id = ?", EDITOR)
    assert str(stored).startswith("23:59")
    page.click("#tab-plan")
    assert "Reminder at 23:59" in page.text_content("#next-body")
    due = [
        row["due_at"]
        for row in rows(
            site.workdir,
            "SELECT due_at FROM outbox WHERE patient_id = ? AND finished_at IS NULL"
            " AND kind IN ('dose', 'overdue')",
            EDITOR,
        )
    ]
    assert due, "the reminders were planned again"
    assert all(str(moment)[11:16] == "23:59" for moment in due), due

    # A place with several zones: the candidates as buttons, one tap sets it.
    page.click("#tab-settings")
    page.fill("#time-zone", "Springfield")
    page.click("#zone-form button[type=submit]")
    page.wait_for_selector("#choices:not([hidden])")
    choice = page.locator("#choice-buttons button").first
    picked = choice.text_content()
    assert page.locator("#choice-buttons button").count() > 1
    choice.click()
    page.wait_for_selector("#choices", state="hidden")
    assert page.input_value("#time-zone") == picked
    assert value(site.workdir, "SELECT time_zone FROM patients WHERE user_id = ?", EDITOR) == picked


def test_a_forged_signature_shows_an_error_and_no_data(site: Site, tab: Tab) -> None:
    page = tab.open(site.url(HISTORY, forged=True))
    page.wait_for_selector("#notice.error")
    assert page_texts.page_words("en")["error_auth"] in page.text_content("#notice")
    assert page.is_hidden("#tabs")
    html = page.content()
    for day in (*site.history.planned.values(), *site.history.taken.values()):
        assert day.isoformat() not in html
        assert str(day.year) not in page.inner_text("body")
    assert page.locator("#month-grid .day").count() == 0
    shot(page, "forged-en-light-360")

    page.goto(f"{site.base}{PAGE_PATH}")  # opened outside Telegram: no initData at all
    before = len(tab.requests)
    page.reload()
    page.wait_for_selector("#notice.error")
    assert page_texts.page_words("en")["error_auth"] in page.text_content("#notice")
    asked = tab.requests[before:]
    assert any("/api/texts" in url for url in asked)
    assert not any("/api/state" in url for url in asked), "nothing to ask for without initData"
    assert page.locator("#month-grid .day").count() == 0


def test_screenshots_light_and_dark_english_and_german(
    browser: Browser, site: Site, tab: Tab
) -> None:
    page = tab.open(site.url(SHOWN))
    loaded(page)
    views = ("plan", "adherence", "diary", "settings")
    for view in views:
        page.click(f"#tab-{view}")
        shot(page, f"{view}-en-light-360")
    page.goto(site.url(SHOWN, theme=DARK))
    page.reload()
    loaded(page)
    assert page.evaluate("document.documentElement.dataset.scheme") == "dark"
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(23, 33, 43)"
    for view in views:
        page.click(f"#tab-{view}")
        shot(page, f"{view}-en-dark-360")

    page.click("#tab-settings")
    page.check("input[name=language][value=de]")
    page.wait_for_selector("html[lang=de]")
    assert (
        page.text_content("#tab-settings")
        .replace("\N{SOFT HYPHEN}", "")
        .strip()
        .endswith("Einstellungen")
    )
    assert value(site.workdir, "SELECT code FROM languages WHERE user_id = ?", SHOWN) == "de"
    for view in views:
        page.click(f"#tab-{view}")
        shot(page, f"{view}-de-dark-360")
    page.click("#tab-plan")
    assert "Dosis 5" in page.text_content("#next-phase")
    assert "Versäumt" in page.text_content("#next-phase")

    wide = Tab(browser, site, WIDE, "de-DE")
    try:
        wide_page = wide.open(site.url(SHOWN, theme=LIGHT))
        loaded(wide_page)
        assert wide_page.evaluate("document.documentElement.lang") == "de"
        for view in views:
            wide_page.click(f"#tab-{view}")
            shot(wide_page, f"{view}-de-light-1024")
    finally:
        wide.close()


TELEGRAM_STUB = """
window.telegramCalls = [];
window.telegramHandlers = {};
window.Telegram = {WebApp: {
  initData: %s,
  initDataUnsafe: {user: {id: %d, language_code: "en"}},
  colorScheme: "light",
  themeParams: %s,
  ready() { telegramCalls.push("ready"); },
  expand() { telegramCalls.push("expand"); },
  onEvent(name, handler) { telegramHandlers[name] = handler; },
}};
"""


def test_inside_telegram_the_page_uses_its_script(site: Site, tab: Tab) -> None:
    """As Telegram's script would be: initData and the theme from `Telegram.WebApp` (no fragment
    at all), `ready()` and `expand()` called, a `themeChanged` followed."""
    data = init_data(SHOWN, site.api.token)
    stub = TELEGRAM_STUB % (json.dumps(data), SHOWN, json.dumps(LIGHT))
    tab.context.add_init_script(stub)
    page = tab.open(site.base + PAGE_PATH)
    loaded(page)
    assert page.evaluate("telegramCalls") == ["ready", "expand"]
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    page.evaluate(
        "theme => { Telegram.WebApp.themeParams = theme; Telegram.WebApp.colorScheme = 'dark';"
        " telegramHandlers.themeChanged(); }",
        DARK,
    )
    assert page.evaluate("document.documentElement.dataset.scheme") == "dark"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(23, 33, 43)"
