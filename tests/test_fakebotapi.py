"""Tests of the fake Bot API server and the bot process harness.

They drive the fake with python-telegram-bot's own ``telegram.Bot`` (and raw HTTP), so we know
the fake speaks the protocol PTB expects before any bot test relies on it.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import json
import re
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    MenuButtonWebApp,
    ReplyKeyboardMarkup,
    ReplyParameters,
    WebAppInfo,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from tests.conftest import missing_tool
from tests.support.fakebotapi import DEFAULT_TOKEN, FakeBotApi, FakeUser, render_text
from tests.support.harness import BotProcess, faketime_env, libfaketime_path

PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def server() -> Iterator[FakeBotApi]:
    with FakeBotApi() as api:
        yield api


@pytest.fixture
def ana(server: FakeBotApi) -> FakeUser:
    return server.user(user_id=1001, first_name="Ana", language_code="en")


@pytest.fixture
async def bot(server: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(DEFAULT_TOKEN, base_url=server.base_url) as tg_bot:
        yield tg_bot


def tg_error(text: str) -> str:
    """A regex for a Telegram error description; PTB capitalizes it and drops the prefix."""
    return "(?i)" + re.escape(text)


def http(
    server: FakeBotApi,
    method: str,
    *,
    token: str = DEFAULT_TOKEN,
    body: bytes | None = None,
    content_type: str | None = None,
    query: str = "",
) -> tuple[int, dict[str, Any]]:
    """A raw HTTP request to the fake, returning (status, decoded JSON)."""
    url = f"{server.base_url}{token}/{method}{'?' + query if query else ''}"
    request = urllib.request.Request(url, data=body)
    if content_type:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


# ---- protocol basics ------------------------------------------------------------------------


async def test_get_me(bot: Bot, server: FakeBotApi) -> None:
    me = await bot.get_me()
    assert me.is_bot
    assert me.username == "kesimpta_test_bot"
    assert me.id == 123456
    assert me.can_join_groups is True
    assert server.calls[0].method == "getMe"


def test_wrong_token_is_unauthorized(server: FakeBotApi) -> None:
    status, body = http(server, "getMe", token="999:nope")
    assert status == 401
    assert body == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert server.calls == []


async def test_wrong_token_via_ptb_raises_invalid_token(server: FakeBotApi) -> None:
    with pytest.raises(InvalidToken):
        await Bot("999:nope", base_url=server.base_url).get_me()


def test_unknown_method_is_404(server: FakeBotApi) -> None:
    status, body = http(server, "sendTelepathy", body=b"", content_type="application/json")
    assert status == 404
    assert body == {"ok": False, "error_code": 404, "description": "Not Found: method not found"}


def test_json_body_get_query_and_case_insensitive_methods(
    server: FakeBotApi, ana: FakeUser
) -> None:
    status, body = http(
        server,
        "sendmessage",
        body=json.dumps(
            {"chat_id": 1001, "text": "json", "reply_markup": {"remove_keyboard": True}}
        ).encode(),
        content_type="application/json",
    )
    assert status == 200, body
    assert body["result"]["text"] == "json"
    status, body = http(server, "sendMessage", query="chat_id=1001&text=query")
    assert status == 200, body
    assert [m.text for m in ana.messages()] == ["json", "query"]
    assert server.count("sendMessage", chat_id=1001) == 2


def test_form_values_are_json_decoded_except_strings(server: FakeBotApi, ana: FakeUser) -> None:
    form = "chat_id=1001&text=123&reply_markup=" + urllib.request.quote(
        json.dumps({"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]})
    )
    status, body = http(
        server,
        "sendMessage",
        body=form.encode(),
        content_type="application/x-www-form-urlencoded",
    )
    assert status == 200, body
    assert body["result"]["text"] == "123"
    assert ana.last_message().buttons == ["A"]  # type: ignore[union-attr]


# ---- messages, keyboards, edits ---------------------------------------------------------------


async def test_send_message_with_inline_keyboard_round_trip(
    bot: Bot, server: FakeBotApi, ana: FakeUser
) -> None:
    markup = InlineKeyboardMarkup(
        [
            [InlineKeyboardButton("Yes, taken", callback_data="dose:taken:7")],
            [InlineKeyboardButton("Help", url="https://example.org/help")],
        ]
    )
    sent = await bot.send_message(
        1001, "<b>Dose</b> due today", parse_mode="HTML", reply_markup=markup
    )
    assert sent.text == "Dose due today"
    assert sent.entities[0].type == "bold"
    assert sent.reply_markup == markup
    assert sent.from_user is not None and sent.from_user.is_bot
    assert sent.chat.type == "private" and sent.chat.first_name == "Ana"
    again = await bot.send_message(1001, "second")
    assert again.message_id == sent.message_id + 1

    shown = ana.messages()[0]
    assert shown.buttons == ["Yes, taken", "Help"]
    assert shown.button("Yes").get("callback_data") == "dose:taken:7"
    assert ana.last_message().text == "second"  # type: ignore[union-attr]


async def test_reply_parameters_and_reply_keyboard(
    bot: Bot, server: FakeBotApi, ana: FakeUser
) -> None:
    question = ana.send("where am I?")
    keyboard = ReplyKeyboardMarkup(
        [[KeyboardButton("Share location", request_location=True)], ["Type a city"]]
    )
    reply = await bot.send_message(
        1001,
        "Tell me",
        reply_markup=keyboard,
        reply_parameters=ReplyParameters(question.message_id),
    )
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.text == "where am I?"
    assert reply.reply_markup is None  # Telegram only echoes inline keyboards
    shown = ana.last_message()
    assert shown is not None
    assert shown.reply_keyboard == ["Share location", "Type a city"]
    assert shown.location_buttons == ["Share location"]
    assert ana.reply_keyboard == ["Share location", "Type a city"]
    with pytest.raises(BadRequest, match=tg_error("message to be replied not found")):
        await bot.send_message(1001, "x", reply_parameters=ReplyParameters(999))


async def test_edit_message_text_and_markup(bot: Bot, ana: FakeUser) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Snooze", callback_data="snooze")]])
    sent = await bot.send_message(1001, "Reminder", reply_markup=markup)
    before = ana.last_message()
    assert before is not None

    edited = await bot.edit_message_text(
        "Reminder (done)", chat_id=1001, message_id=sent.message_id
    )
    assert isinstance(edited, type(sent))
    assert edited.edit_date is not None
    after = ana.wait_for_edit(before, timeout=2)
    assert after.text == "Reminder (done)"
    assert after.buttons == []  # editing text without reply_markup drops the keyboard
    assert after.history[0].text == "Reminder"
    assert after.edited and after.version == 1

    with pytest.raises(BadRequest, match=tg_error("message is not modified")):
        await bot.edit_message_text("Reminder (done)", chat_id=1001, message_id=sent.message_id)
    await bot.edit_message_reply_markup(
        chat_id=1001, message_id=sent.message_id, reply_markup=markup
    )
    assert ana.last_message().buttons == ["Snooze"]  # type: ignore[union-attr]
    with pytest.raises(BadRequest, match=tg_error("message to edit not found")):
        await bot.edit_message_text("x", chat_id=1001, message_id=999)


async def test_delete_message(bot: Bot, ana: FakeUser) -> None:
    sent = await bot.send_message(1001, "temporary")
    assert await bot.delete_message(1001, sent.message_id)
    assert ana.messages() == []
    assert ana.messages(include_deleted=True)[0].deleted
    with pytest.raises(BadRequest, match=tg_error("message to delete not found")):
        await bot.delete_message(1001, sent.message_id)


async def test_send_message_bad_requests(bot: Bot, server: FakeBotApi, ana: FakeUser) -> None:
    with pytest.raises(BadRequest, match=tg_error("chat not found")):
        await bot.send_message(424242, "hello?")
    with pytest.raises(BadRequest, match=tg_error("message text is empty")):
        await bot.send_message(1001, "   ")
    with pytest.raises(BadRequest, match=tg_error("can't parse entities")):
        await bot.send_message(1001, "<b>unclosed", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=tg_error('Unsupported start tag "div"')):
        await bot.send_message(1001, "<div>x</div>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=tg_error("reserved and must be escaped")):
        await bot.send_message(1001, "Dose at 10.00!", parse_mode=ParseMode.MARKDOWN_V2)
    with pytest.raises(BadRequest, match=tg_error("message is too long")):
        await bot.send_message(1001, "x" * 4097)
    with pytest.raises(BadRequest, match=tg_error("BUTTON_DATA_INVALID")):
        await bot.send_message(
            1001,
            "x",
            reply_markup=InlineKeyboardMarkup(
                [[InlineKeyboardButton("b", callback_data="d" * 65)]]
            ),
        )
    assert ana.messages() == []
    assert server.count("sendMessage", ok=False) == 7


def test_render_text_formats() -> None:
    text, entities = render_text(
        '<b>Bold <i>both</i></b> <a href="https://x.org">link</a> &lt;3 '
        '<span class="tg-spoiler">s</span> <pre><code class="language-py">x</code></pre>',
        "HTML",
        None,
    )
    assert text == "Bold both link <3 s x"
    assert [(e["type"], e["offset"], e["length"]) for e in entities] == [
        ("bold", 0, 9),
        ("italic", 5, 4),
        ("text_link", 10, 4),
        ("spoiler", 18, 1),
        ("pre", 20, 1),
    ]
    assert entities[-1]["language"] == "py"
    text, entities = render_text("*Dose* on 29\\.03 [here](https://x.org)", "MarkdownV2", None)
    assert text == "Dose on 29.03 here"
    assert [e["type"] for e in entities] == ["bold", "text_link"]
    assert render_text("😀 <b>x</b>", "HTML", None)[1][0]["offset"] == 3  # UTF-16 units


# ---- commands, files, misc ------------------------------------------------------------------


async def test_my_commands_per_scope(bot: Bot, server: FakeBotApi, ana: FakeUser) -> None:
    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("help", "Help")])
    admin_scope = BotCommandScopeChat(1001)
    await bot.set_my_commands([BotCommand("stats", "Statistics")], scope=admin_scope)
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    assert [c.command for c in await bot.get_my_commands(scope=admin_scope)] == ["stats"]
    assert [c["command"] for c in server.commands({"type": "chat", "chat_id": 1001})] == ["stats"]
    assert await bot.get_my_commands(scope=BotCommandScopeChat(1001), language_code="de") == ()
    await bot.delete_my_commands(scope=admin_scope)
    assert await bot.get_my_commands(scope=admin_scope) == ()
    assert len(await bot.get_my_commands(scope=BotCommandScopeDefault())) == 2
    with pytest.raises(BadRequest, match=tg_error("BOT_COMMAND_INVALID")):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])


async def test_send_document_and_photo(bot: Bot, server: FakeBotApi, ana: FakeUser) -> None:
    document = await bot.send_document(
        1001, b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", filename="doses.ics", caption="Your plan"
    )
    assert document.document is not None
    assert document.document.file_name == "doses.ics"
    assert document.caption == "Your plan"
    photo = await bot.send_photo(1001, PNG_1x1, caption="<i>chart</i>", parse_mode="HTML")
    assert photo.photo[-1].width == 1
    assert photo.caption == "chart"

    shown_document, shown_photo = ana.messages()
    assert shown_document.document is not None
    assert shown_document.document.filename == "doses.ics"
    assert shown_document.document.content.startswith(b"BEGIN:VCALENDAR")
    assert shown_document.body == "Your plan"
    assert shown_photo.photo is not None and shown_photo.photo.content == PNG_1x1

    resent = await bot.send_document(1001, document.document.file_id)
    assert resent.document is not None
    assert resent.document.file_id == document.document.file_id
    with pytest.raises(BadRequest, match=tg_error("there is no text in the message to edit")):
        await bot.edit_message_text("x", chat_id=1001, message_id=document.message_id)


async def test_chat_action_menu_button_get_chat_webhook(
    bot: Bot, server: FakeBotApi, ana: FakeUser
) -> None:
    assert await bot.send_chat_action(1001, "typing")
    assert server.chat_actions == [(1001, "typing")]
    assert await bot.set_chat_menu_button()
    chat = await bot.get_chat(1001)
    assert chat.first_name == "Ana" and chat.type == "private"
    assert await bot.set_webhook("https://example.org/hook")
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"
    assert await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""
    assert await bot.log_out()


# ---- users, updates, callbacks ----------------------------------------------------------------


async def test_long_poll_returns_early_when_user_writes(bot: Bot, ana: FakeUser) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    assert not poll.done()
    threading.Timer(0.1, ana.send, args=("/start hello",)).start()
    updates = await poll
    assert time.monotonic() - started < 2
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None and message.text == "/start hello"
    assert message.entities[0].type == "bot_command" and message.entities[0].length == 6
    assert message.from_user is not None and message.from_user.language_code == "en"


async def test_long_poll_times_out_empty(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 < time.monotonic() - started < 3


async def test_offset_semantics(bot: Bot, server: FakeBotApi, ana: FakeUser) -> None:
    for text in ("one", "two", "three"):
        ana.send(text)
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first if u.message] == ["one", "two"]
    again = await bot.get_updates()
    assert len(again) == 3  # unconfirmed updates are delivered again
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["three"]
    assert await bot.get_updates(offset=rest[-1].update_id + 1) == ()
    assert server.pending_updates == []


async def test_tap_reply_and_answer_callback(bot: Bot, server: FakeBotApi, ana: FakeUser) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Taken ✅", callback_data="taken:1")]])
    sent = await bot.send_message(1001, "Did you inject?", reply_markup=markup)
    shown = ana.last_message()
    assert shown is not None
    query_id = ana.tap(shown, "Taken")
    with pytest.raises(AssertionError, match="no inline button"):
        ana.tap(shown, "Skip")
    (update,) = await bot.get_updates()
    query = update.callback_query
    assert query is not None and query.id == query_id
    assert query.data == "taken:1"
    assert query.message is not None and query.message.message_id == sent.message_id
    assert query.from_user.id == 1001
    assert await bot.answer_callback_query(query.id, text="Saved", show_alert=True)
    answer = server.wait_for_callback_answer(query_id, timeout=1)
    assert answer.text == "Saved" and answer.show_alert
    assert server.answered_callbacks[query_id] == answer
    with pytest.raises(BadRequest, match=tg_error("query ID is invalid")):
        await bot.answer_callback_query(query.id)

    reply = ana.reply_to(shown, "done")
    updates = await bot.get_updates(offset=update.update_id + 1)
    message = updates[0].message
    assert message is not None and message.reply_to_message is not None
    assert message.reply_to_message.message_id == sent.message_id
    assert reply.reply_to_message_id == sent.message_id


async def test_forged_tap_data_and_location(bot: Bot, ana: FakeUser) -> None:
    await bot.send_message(1001, "no buttons here")
    shown = ana.last_message()
    assert shown is not None
    ana.tap_data(shown, "admin:delete_all")
    ana.send_location(47.37, 8.54)
    forged, location = await bot.get_updates()
    assert forged.callback_query is not None
    assert forged.callback_query.data == "admin:delete_all"
    assert location.message is not None and location.message.location is not None
    assert location.message.location.latitude == pytest.approx(47.37)


async def test_block_and_unblock(bot: Bot, server: FakeBotApi, ana: FakeUser) -> None:
    ana.block()
    with pytest.raises(Forbidden, match=tg_error("bot was blocked by the user")):
        await bot.send_message(1001, "hello?")
    (update,) = await bot.get_updates()
    member = update.my_chat_member
    assert member is not None
    assert member.old_chat_member.status == "member"
    assert member.new_chat_member.status == "kicked"
    ana.unblock()
    updates = await bot.get_updates(offset=update.update_id + 1)
    assert updates[0].my_chat_member is not None
    assert updates[0].my_chat_member.new_chat_member.status == "member"
    await bot.send_message(1001, "welcome back")
    assert [m.text for m in ana.messages()] == ["welcome back"]


async def test_edits_business_messages_groups_and_channels(
    bot: Bot, server: FakeBotApi, ana: FakeUser
) -> None:
    sent = ana.send("/log tired")
    ana.edit(sent, "/log very tired")
    ana.send_business("hello shop")
    family = server.group(-1002, "Family")
    family.send(ana, "/next@kesimpta_test_bot")
    news = server.group(-1003, "News", kind="channel")
    news.add_bot(by=ana)
    news.send(None, "today's news")
    wanted = ["message", "edited_message", "business_message", "channel_post", "my_chat_member"]
    updates = await bot.get_updates(allowed_updates=wanted)
    kinds = [next(kind for kind in wanted if getattr(update, kind)) for update in updates]
    assert kinds == [
        "message",
        "edited_message",
        "business_message",
        "message",
        "my_chat_member",
        "channel_post",
    ]
    edited = updates[1].edited_message
    assert edited.message_id == sent.message_id and edited.text == "/log very tired"
    assert edited.edit_date is not None and edited.entities[0].type == "bot_command"
    assert updates[2].business_message.business_connection_id == "business-1"
    in_group = updates[3].message
    assert in_group.chat.type == "group" and in_group.from_user.id == 1001
    assert updates[4].my_chat_member.new_chat_member.status == "administrator"
    post = updates[5].channel_post
    assert post.from_user is None and post.sender_chat.id == -1003

    await bot.send_message(-1002, "private chats only")
    assert [m.text for m in family.messages()] == ["private chats only"]
    assert await bot.leave_chat(-1002)
    assert not family.bot_member
    with pytest.raises(Forbidden, match=tg_error("bot is not a member of the group chat")):
        await bot.send_message(-1002, "still here?")
    with pytest.raises(BadRequest):
        await bot.leave_chat(1001)
    (left,) = await bot.get_updates(offset=updates[-1].update_id + 1)
    assert left.my_chat_member.new_chat_member.status == "left"


def test_wait_for_cursor_and_timeout_dump(server: FakeBotApi, ana: FakeUser) -> None:
    def bot_send(text: str) -> None:
        http(server, "sendMessage", query=f"chat_id=1001&text={urllib.request.quote(text)}")

    bot_send("old message")
    ana.send("/start")
    threading.Timer(0.2, bot_send, args=("Welcome, Ana",)).start()
    assert ana.wait_for(contains="Welcome", timeout=5).text == "Welcome, Ana"
    with pytest.raises(AssertionError, match="old message") as error:
        ana.wait_for(contains="old", timeout=0.3)
    assert "chat 1001" in str(error.value)
    assert ana.wait_for(contains="old", after=0, timeout=0.1).text == "old message"


# ---- fault injection ------------------------------------------------------------------------


async def test_429_retry_after(
    bot: Bot, server: FakeBotApi, ana: FakeUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    server.fail_next("sendMessage", 429, retry_after=5)
    with pytest.raises(RetryAfter) as error:
        await bot.send_message(1001, "hi")
    assert error.value.retry_after == dtm.timedelta(seconds=5)
    assert server.calls_to("sendMessage")[0].description == "Too Many Requests: retry after 5"
    await bot.send_message(1001, "hi")
    assert [m.text for m in ana.messages()] == ["hi"]


def test_429_error_json_shape(server: FakeBotApi, ana: FakeUser) -> None:
    server.fail_next("sendMessage", 429, retry_after=5)
    status, body = http(server, "sendMessage", query="chat_id=1001&text=x")
    assert status == 429
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 5",
        "parameters": {"retry_after": 5},
    }


async def test_injected_403_500_and_chat_filter(
    bot: Bot, server: FakeBotApi, ana: FakeUser
) -> None:
    bea = server.user(1002, "Bea")
    server.fail_next("sendMessage", 403, chat_id=1002)
    await bot.send_message(1001, "Ana is unaffected")
    with pytest.raises(Forbidden):
        await bot.send_message(1002, "x")
    server.fail_next("*", 500, times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await bot.send_message(1002, "x")
    await bot.send_message(1002, "finally")
    assert [m.text for m in bea.messages()] == ["finally"]
    assert server.count("sendMessage", chat_id=1002) == 1
    assert server.count("sendMessage", chat_id=1002, ok=False) == 3

    server.fail_chat(1002, 403)
    with pytest.raises(Forbidden):
        await bot.send_chat_action(1002, "typing")
    server.clear_faults()
    assert await bot.send_chat_action(1002, "typing")


async def test_delay_next(server: FakeBotApi, ana: FakeUser) -> None:
    server.delay_next("sendMessage", 0.5)
    async with Bot(DEFAULT_TOKEN, base_url=server.base_url) as bot:
        started = time.monotonic()
        await bot.send_message(1001, "slow")
        assert time.monotonic() - started >= 0.45
        server.delay_next("sendMessage", 2)
        request = HTTPXRequest(read_timeout=0.3)
        async with Bot(DEFAULT_TOKEN, base_url=server.base_url, request=request) as impatient:
            with pytest.raises(TimedOut):
                await impatient.send_message(1001, "too slow")
    # Like Telegram, the message still arrives although the client gave up.
    assert ana.wait_for(contains="too slow", after=0, timeout=5).text == "too slow"


def test_stop_releases_pending_long_poll() -> None:
    api = FakeBotApi().start()
    results: list[int] = []
    poller = threading.Thread(
        target=lambda: results.append(http(api, "getUpdates", query="timeout=30")[0])
    )
    poller.start()
    api.wait_for_call("getUpdates", 5)
    started = time.monotonic()
    api.stop()
    poller.join(10)
    assert results == [200]
    assert time.monotonic() - started < 5


# ---- process harness ------------------------------------------------------------------------

ECHO_BOT = textwrap.dedent(
    """
    import os

    from telegram import Update
    from telegram.ext import Application, CommandHandler, ContextTypes


    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        name = update.effective_user.first_name
        await update.message.reply_text(f"hello {name} pid={os.getpid()}")


    app = (
        Application.builder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_BASE_URL"])
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    print("echo bot starting", flush=True)
    app.run_polling()
    print("echo bot stopped cleanly", flush=True)
    """
)


def test_bot_process_harness(server: FakeBotApi, ana: FakeUser, tmp_path: Path) -> None:
    script = tmp_path / "echo_bot.py"
    script.write_text(ECHO_BOT)
    bot = BotProcess(server, tmp_path / "run", argv=[sys.executable, str(script)])
    env = bot.environment()
    assert env["TELEGRAM_API_BASE_URL"] == server.base_url
    assert env["DATABASE_URL"] == f"sqlite:///{tmp_path / 'run'}/bot.db"
    assert env["PTB_TIMEDELTA"] == "1" and env["ADMIN_IDS"] == ""

    with bot:
        ana.send("/start")
        first = ana.wait_for(contains="hello Ana", timeout=10)
        first_pid = bot.pid
        bot.restart()
        assert bot.pid != first_pid
        ana.send("/start")
        second = ana.wait_for(contains="hello Ana", timeout=10)
        assert f"pid={bot.pid}" in second.text  # type: ignore[operator]
    assert not bot.running
    # The first instance confirmed its update on shutdown, so nothing was answered twice.
    assert [m.message_id for m in ana.messages()] == [first.message_id, second.message_id]
    logs = bot.logs()
    assert logs.count("echo bot stopped cleanly") == 2
    assert server.token not in logs


def test_bot_process_start_failure_shows_logs(server: FakeBotApi, tmp_path: Path) -> None:
    crash = [
        sys.executable,
        "-c",
        "import sys; print('boom on stderr', file=sys.stderr); sys.exit(3)",
    ]
    bot = BotProcess(server, tmp_path, argv=crash, ready_timeout=10)
    started = time.monotonic()
    with pytest.raises(AssertionError, match="exited with 3") as error:
        bot.start()
    assert "boom on stderr" in str(error.value)
    assert time.monotonic() - started < 5


def test_faketime_env(tmp_path: Path, server: FakeBotApi) -> None:
    library = libfaketime_path()
    if library is None:
        with pytest.raises(RuntimeError):
            faketime_env("@2026-03-29 01:30:00")
        missing_tool("libfaketime is not installed (Debian package faketime)")
    bot = BotProcess(
        server, tmp_path, faketime="@2026-03-29 01:30:00", env={"FAKETIME_NO_CACHE": "0"}
    )
    env = bot.environment()
    assert env["LD_PRELOAD"] == library
    assert env["FAKETIME"] == "@2026-03-29 01:30:00"
    assert env["FAKETIME_DONT_RESET"] == "1"
    assert env["FAKETIME_NO_CACHE"] == "0"  # explicit overrides win


async def test_web_app_buttons_need_https_and_a_private_chat(bot: Bot, server: FakeBotApi) -> None:
    server.user(1001, "Ana")
    server.group(-1002, "Family")

    def page(url: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("Open", web_app=WebAppInfo(url))]])

    sent = await bot.send_message(1001, "plan", reply_markup=page("https://x.example/app/"))
    assert sent.reply_markup is not None
    assert server.chat_messages(1001)[-1].button("Open")["web_app"] == {
        "url": "https://x.example/app/"
    }
    with pytest.raises(BadRequest, match=tg_error("BUTTON_URL_INVALID")):
        await bot.send_message(1001, "plan", reply_markup=page("http://x.example/app/"))
    with pytest.raises(BadRequest, match=tg_error("BUTTON_TYPE_INVALID")):
        await bot.send_message(-1002, "plan", reply_markup=page("https://x.example/app/"))

    await bot.set_chat_menu_button(
        menu_button=MenuButtonWebApp("My doses", WebAppInfo("https://x.example/app/"))
    )
    assert server.menu_button(None) == {
        "type": "web_app",
        "text": "My doses",
        "web_app": {"url": "https://x.example/app/"},
    }
    with pytest.raises(BadRequest, match=tg_error("BUTTON_URL_INVALID")):
        await bot.set_chat_menu_button(
            menu_button=MenuButtonWebApp("My doses", WebAppInfo("http://x.example/"))
        )
