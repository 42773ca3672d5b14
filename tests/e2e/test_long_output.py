"""Outputs that grow with data, end to end: Telegram counts a message's length in UTF-16 units
(an emoji is two), and the fake Bot API refuses an over-long message as Telegram does. Emoji
diary notes in /history, a /support request of 2,000 emoji, a staff answer as long as Telegram
lets staff write, /patients for a caregiver of 25 patients and /caregivers for a patient of 32
with long names each arrive whole, in as many messages as needed."""

from __future__ import annotations

from pathlib import Path

from bot import texts
from tests.support.database import SQLITE_ONLY
from tests.support.fakebotapi import ChatMessage, FakeBotApi, FakeUser, utf16_len
from tests.support.harness import BotProcess
from tests.support.people import enrol, say
from tests.support.seed import rows, seed

pytestmark = SQLITE_ONLY

SORRY = "Sorry, something went wrong"
REPORT = "Error in the bot"


def since(user: FakeUser, mark: ChatMessage) -> list[ChatMessage]:
    return [m for m in user.messages() if m.seq > mark.seq]


def test_history_with_emoji_diary_notes(api: FakeBotApi, bot: BotProcess) -> None:
    ana = api.user(1211, "Ana")
    enrol(ana, first="tomorrow")  # no reminder due while /history answers
    notes = [f"note {n} " + "😀" * 490 for n in range(1, 7)]
    for note in notes:
        say(ana, f"/log {note}", "Noted in your diary")
    assert sum(utf16_len(note) for note in notes) > 4096 > sum(len(note) for note in notes)
    ask = ana.send("/history")
    ana.wait_for(contains=notes[0], after=ask.seq)  # the oldest note comes last
    shown = "\n".join(m.body for m in since(ana, ask))
    assert "No injections recorded yet" in shown and "Your diary" in shown
    assert all(note in shown for note in notes)
    assert shown.index(notes[-1]) < shown.index(notes[0]), "newest first"
    assert len(since(ana, ask)) == 2
    assert not [m for m in ana.messages() if SORRY in m.body]


def test_a_support_request_of_2000_emoji_and_a_long_answer(
    api: FakeBotApi, bot: BotProcess
) -> None:
    staff = api.user(9001, "Sam")
    kim = api.user(1212, "Kim")
    words = "help " + "🙂" * 2000
    mark = say(staff, "/myid", "Your Telegram id")
    say(kim, f"/support {words}", "Sent to the support team")
    staff.wait_for(contains="reply to this message", after=mark)
    parts = since(staff, mark)
    assert len(parts) == 2 and "Support request #" in parts[0].body
    assert words in "".join(part.body.split("\n\n", 1)[-1] for part in parts).replace("\n", "")
    assert all(part.buttons == ["↩️ Answer"] for part in parts)

    answer = "ok " + "👍" * 2040
    waiting = say(kim, "/myid", "Your Telegram id")
    staff.reply_to(parts[0], answer)
    staff.wait_for(contains="was delivered", after=mark)
    kim.wait_for(contains="To write back", after=waiting)
    got = since(kim, waiting)
    assert len(got) > 1 and "Answer from the support team" in got[0].body
    assert answer in "".join(m.body for m in got).replace("\n", "")
    say(staff, "/myid", "Your Telegram id")
    for user in (staff, kim):
        assert not [m for m in user.messages() if SORRY in m.body or REPORT in m.body]


def test_patients_of_a_caregiver_of_60(api: FakeBotApi, tmp_path: Path) -> None:
    patients = list(range(12_000, 12_060))
    seed(tmp_path, patients=patients, caregivers=[(p, 1213) for p in patients])
    carer = api.user(1213, "Cara")
    with BotProcess(api, tmp_path, {"ADMIN_IDS": "9001"}):
        ask = carer.send("/patients")
        carer.wait_for(contains=f"P{patients[-1]}", after=ask.seq)
        got = since(carer, ask)
        shown = "\n".join(m.body for m in got)
        assert len(got) >= 2 and shown.startswith("👥 People you follow")
        for patient in patients:
            assert shown.count(f"P{patient}\n") == 1
        for message in got:  # a patient's lines are never split across messages
            assert message.body.rstrip().endswith(texts.caregivers.adherence_in_words(0, 0, 0))


def test_caregivers_of_a_patient_with_long_names(api: FakeBotApi, tmp_path: Path) -> None:
    carers = list(range(12_100, 12_132))
    seed(tmp_path, patients=[12_099], caregivers=[(12_099, carer) for carer in carers])
    for carer in carers:  # Telegram first names are up to 64 characters, emoji too
        rows(
            tmp_path,
            "UPDATE caregiver_links SET caregiver_name = ? WHERE caregiver_id = ?",
            f"C{carer}" + "🌷" * 58,
            carer,
        )
    pia = api.user(12_099, "Pia")
    with BotProcess(api, tmp_path, {"ADMIN_IDS": "9001"}):
        ask = pia.send("/caregivers")
        last = pia.wait_for(lambda m: bool(m.buttons), after=ask.seq)
        got = since(pia, ask)
        assert len(got) == 2 and got[-1].seq == last.seq, "the buttons come with the last part"
        shown = "\n".join(m.body for m in got)
        assert all(shown.count(f"C{carer}🌷") == 1 for carer in carers)
        assert len(last.buttons) == 2 * len(carers)
