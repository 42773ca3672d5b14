"""/report end to end: a patient types /report, picks a period (and, if they like, their
name on it) and gets a PDF document in their own chat, in English or German, read back with
pypdf. A forged period button and a stranger's tap change nothing; someone without a plan is
told how to get one; nothing of the report reaches the bot's log."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from pypdf import PdfReader

from bot import texts
from bot.db import make_engine, migrate, transaction
from bot.domain.schedule import Course, build_plan
from bot.models import DiaryEntry, DoseRecord, Patient, PenPeriod
from tests.support.database import database_url
from tests.support.fakebotapi import ChatMessage, FakeBotApi, FakeUser
from tests.support.harness import BotProcess
from tests.support.people import enrol, local_today, say
from tests.support.wording import GERMAN_TWIN, german

QUESTION = "Which period should it cover?"
ZONE = "Europe/Berlin"


def seed_history(workdir: Path, user_id: int, name: str, note: str) -> date:
    """A patient who started about seven months ago and injected every dose since (dose 5
    three days late, with a caregiver, in the left arm), with a diary note and a pen period.
    Returns the first injection's date."""
    today = local_today(ZONE)
    first = today - timedelta(days=210)
    taken: dict[int, date] = {}
    for number in range(1, 20):
        due = build_plan(Course(first, taken), today, upcoming=1)[-1].planned
        day = due + timedelta(days=3 if number == 5 else 0)
        if day > today - timedelta(days=2):
            break
        taken[number] = day
    now = datetime.now(UTC)
    url = database_url(workdir)
    migrate(url)
    engine = make_engine(url)
    try:
        with transaction(engine) as session:
            session.add(
                Patient(
                    user_id=user_id,
                    chat_id=user_id,
                    first_name=name,
                    time_zone=ZONE,
                    reminder_time=time(9),
                    first_injection=first,
                    enrolled_at=datetime.combine(first, time(7), UTC),
                    updated_at=now,
                )
            )
            session.flush()
            for number, day in taken.items():
                session.add(
                    DoseRecord(
                        patient_id=user_id,
                        number=number,
                        taken_on=day,
                        recorded_at=now,
                        recorded_by=user_id,
                        source="taken",
                        injector="caregiver" if number == 5 else "self",
                        site="arm_left" if number == 5 else "thigh_right",
                    )
                )
            session.add(
                DiaryEntry(
                    patient_id=user_id,
                    noted_on=today - timedelta(days=9),
                    text=note,
                    created_at=now,
                )
            )
            last = max(taken)
            removed = datetime.combine(taken[last], time(6), UTC)
            session.add(
                PenPeriod(
                    patient_id=user_id,
                    dose_number=last,
                    removed_at=removed,
                    closed_at=removed + timedelta(days=2),
                    outcome="used",
                )
            )
    finally:
        engine.dispose()
    return first


def pdf_text(message: ChatMessage) -> tuple[PdfReader, str]:
    assert message.document is not None
    assert message.document.filename is not None
    assert message.document.filename.startswith("report-")
    assert message.document.filename.endswith(".pdf")
    reader = PdfReader(io.BytesIO(message.document.content))
    return reader, " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def report_of(user: FakeUser, question: ChatMessage, period: str) -> ChatMessage:
    """Tap a period under the question; the document the bot sends."""
    user.tap(question, period)
    return user.wait_for(lambda m: m.document is not None, timeout=30)


def test_a_patient_picks_a_period_and_gets_their_report(api: FakeBotApi, bot: BotProcess) -> None:
    ana = api.user(6701, "Ana")
    sol = api.user(6702, "Sol")
    enrol(ana, zone=ZONE, first="today")
    enrol(sol, zone=ZONE, first="today")
    say(ana, "/taken", "Dose 1 recorded")
    say(ana, "/log zebrafish itch 🐟 on the thigh", "Noted in your diary")

    question = say(ana, "/report", QUESTION)
    assert "not</b>" not in question.body and "not printed" in question.body
    assert question.buttons == [
        "Last 3 months",
        "Last 6 months",
        "Last 12 months",
        "Everything",
        "👤 Name on it: no (tap for yes)",
    ]
    document = report_of(ana, question, "Last 3 months")
    reader, text = pdf_text(document)
    today = local_today(ZONE).isoformat()
    assert "Kesimpta injection report" in text and "(last 3 months)" in text
    assert f"1 {today} {today} 0 on time" in text, "dose 1, injected on its day"
    assert "zebrafish itch on the thigh" in text, "the note, its emoji dropped"
    assert "Ana" not in text, "no name unless chosen"
    assert "the doctor decides" in text
    assert reader.pages[0].images, "with the chart"
    assert document.caption == "Your injection report (PDF)"
    ana.wait_for_edit(question, predicate=lambda m: "I made it for you only" in m.body)

    again = say(ana, "/report", QUESTION)
    ana.tap(again, "👤 Name on it: no")
    named = ana.wait_for_edit(again)
    assert "is</b>" not in named.body and "first name is printed" in named.body
    assert named.buttons[-1] == "👤 Name on it: yes (tap for no)"
    _, text = pdf_text(report_of(ana, named, "Everything"))
    assert "Ana" in text and "(since the first injection)" in text

    sends = api.calls_to("sendDocument")
    assert [str(call.chat_id) for call in sends] == [str(ana.chat_id)] * 2, "to the patient only"
    assert all(message.document is None for message in sol.messages())
    logs = bot.logs()
    assert "zebrafish" not in logs and "report-" not in logs, "nothing of the report logged"


def test_a_patient_with_no_doses_yet_gets_a_short_report(api: FakeBotApi, bot: BotProcess) -> None:
    eva = api.user(6703, "Eva")
    enrol(eva, zone=ZONE, first="tomorrow")
    reader, text = pdf_text(report_of(eva, say(eva, "/report", QUESTION), "Last 6 months"))
    assert len(reader.pages) == 1 and not reader.pages[0].images
    assert "No dose was due in this period." in text


@GERMAN_TWIN
def test_a_german_patient_gets_a_german_report_of_months_of_doses(
    api: FakeBotApi, tmp_path: Path
) -> None:
    first = seed_history(tmp_path, 6704, "Lena", "Kopfschmerzen am Abend 🤕 sonst gut")
    lena = api.user(6704, "Lena", language_code="de")
    with BotProcess(api, tmp_path):
        opening = german(lambda: texts.report.ask_period(False)).split(":")[0]
        question = say(lena, "/report", opening)
        assert "Letzte 6 Monate" in question.buttons
        document = report_of(lena, question, "Alles")
    assert document.caption == german(texts.report.caption) == "Ihr Injektionsbericht (PDF)"
    reader, text = pdf_text(document)
    assert "Bericht über die Kesimpta-Injektionen" in text
    assert f"{first:%d.%m.%Y}" in text and first.isoformat() not in text, "German dates"
    assert "Kopfschmerzen am Abend sonst gut" in text, "the note, its emoji dropped"
    assert "Oberarm außen links" in text
    assert "+3 spät eine Betreuungsperson Oberarm außen links" in text, "dose 5, by a caregiver"
    assert "die Dosis wurde eingetragen" in text, "the pen period"
    assert "Lena" not in text
    assert "Every dose" not in text and len(reader.pages) >= 2


def test_forged_taps_and_people_without_a_plan_change_nothing(
    api: FakeBotApi, bot: BotProcess
) -> None:
    max_ = api.user(6705, "Max")
    enrol(max_, zone=ZONE, first="today")
    question = say(max_, "/report", QUESTION)
    for forged in ("report:5:no", "report:6:maybe", "report:6:no:6706", "rname:perhaps"):
        query = max_.tap_data(question, forged)
        assert api.wait_for_callback_answer(query).text == "This button is no longer active."

    stranger = api.user(6706, "Sol")
    say(stranger, "/report", "haven't signed up")
    own = say(stranger, "/myid", "Telegram id")
    query = stranger.tap_data(own, "report:6:no")  # a period button without a plan
    answer = api.wait_for_callback_answer(query)
    assert answer.text is not None and "haven't signed up" in answer.text
    say(max_, "/myid", "Telegram id")  # updates are handled in order: the taps are done
    assert api.calls_to("sendDocument") == []
    (unchanged,) = [m for m in max_.messages() if m.message_id == question.message_id]
    assert (unchanged.body, unchanged.buttons) == (question.body, question.buttons)
