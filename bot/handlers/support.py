"""/support: anyone writes to the support staff (after the command, or in the next message after
the prompt); staff answer with a button or by replying, and the answer reaches the user from the
bot, without the staff member's name. The user answers back the same way (↩️ Reply, or a reply
to the answer): a follow-up of the same request, one per answer. Nothing about the user's
treatment is attached: staff see the request's number and the words they wrote."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session
from telegram import Bot, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import delivery, services, texts
from bot.commands import text_after_command
from bot.db import transaction
from bot.delivery import Delivery
from bot.domain.conversations import (
    AskSupportAnswers,
    AskSupportStep,
    Exchange,
    FlowName,
    SupportAnswers,
    SupportStep,
)
from bot.domain.message_parts import split_message
from bot.domain.outcomes import Outcome
from bot.domain.triage import triage_message
from bot.handlers import advice
from bot.handlers.access import message_of, query_of, user_of
from bot.keyboards.support import (
    SupportAction,
    SupportTap,
    answer_keyboard,
    drop_keyboard,
    follow_up_of,
    reply_keyboard,
    request_answered_by,
)
from bot.store import conversations, languages, reminders, support
from bot.texts import language

MAX_REQUEST = 3000
MAX_ANSWER = 3500


async def request(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/support with a message sends it; without one, asks for it (the next message is it)."""
    text = text_after_command(message_of(update))
    if text:
        await _open(update, context, text)
    else:
        await ask(update, context)


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Asks for the message to send; the next plain message is it (`answer_request`)."""
    app = services.of(context)
    with transaction(app.engine) as session:
        _await_message(session, user_of(update).id, None, app.clock.now())
    await message_of(update).reply_text(texts.support.support_ask())


def _await_message(session: Session, user_id: int, follow_up: int | None, now: datetime) -> None:
    """The user's next plain message goes to staff: a new request, or a follow-up of one."""
    conversations.interrupt(
        session,
        user_id,
        FlowName.ASK_SUPPORT,
        AskSupportStep.WRITE,
        AskSupportAnswers(follow_up=follow_up),
        now,
    )


async def answer_request(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    conversation: Exchange[AskSupportStep, AskSupportAnswers],
    text: str,
) -> None:
    """The message after the prompt: all of it (not `text`, the copy routing shortened)."""
    whole = (message_of(update).text or text).strip()
    number = conversation.answers.follow_up
    if not whole:
        await message_of(update).reply_text(texts.support.support_ask())
    elif number is None:
        await _open(update, context, whole)
    else:
        await _follow_up(update, context, number, whole)


async def _too_long(update: Update, text: str) -> bool:
    """A request or a follow-up past MAX_REQUEST is refused, with the limit."""
    if len(text) <= MAX_REQUEST:
        return False
    await message_of(update).reply_text(texts.support.support_too_long(MAX_REQUEST))
    return True


async def _open(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    message = message_of(update)
    if await _too_long(update, text):
        return
    app = services.of(context)
    user_id = user_of(update).id
    with transaction(app.engine) as session:
        conversations.resume(session, user_id, FlowName.ASK_SUPPORT, app.clock.now())
        opened = support.open_request(session, user_id, app.clock.now())
        if opened is not None:  # the answer comes later, in the language they wrote in
            languages.remember(session, user_id, language.current(), app.clock.now())
    if opened is None:
        await message.reply_text(texts.support.support_too_often())
        return
    number = opened.id or 0
    if not await _to_staff(update, context, number, text, follow_up=False):
        with transaction(app.engine) as session:
            support.withdraw(session, number)
        await message.reply_text(texts.support.support_unreachable())
        return
    await message.reply_text(texts.support.support_sent())


async def _follow_up(
    update: Update, context: ContextTypes.DEFAULT_TYPE, number: int, text: str
) -> None:
    """A user's answer to the staff's answer: to the staff, under the same request. One per
    answer, so a request cannot become a way around the daily limit."""
    message = message_of(update)
    if not text:
        await message.reply_text(texts.support.follow_up_ask())
        return
    if await _too_long(update, text):
        return
    app = services.of(context)
    user_id = user_of(update).id
    with transaction(app.engine) as session:
        conversations.resume(session, user_id, FlowName.ASK_SUPPORT, app.clock.now())
        found = support.get(session, number)
        mine = found is not None and found.user_id == user_id
        waiting = found is not None and found.answered_at is None
    if not mine:
        await message.reply_text(texts.support.follow_up_gone())
        return
    if waiting:
        await message.reply_text(texts.support.follow_up_waiting())
        return
    if not await _to_staff(update, context, number, text, follow_up=True):
        await message.reply_text(texts.support.support_unreachable())
        return
    with transaction(app.engine) as session:
        support.reopen(session, number)
    await message.reply_text(texts.support.follow_up_sent())


async def _to_staff(
    update: Update, context: ContextTypes.DEFAULT_TYPE, number: int, text: str, *, follow_up: bool
) -> bool:
    """Each staff member gets it in their language (with the user's first name where the
    setting says so). Returns whether any of them did."""
    app = services.of(context)
    with transaction(app.engine) as session:
        speaks = languages.of_many(session, app.settings.admin_ids)
    name = user_of(update).first_name if app.settings.support_shows_first_name else None
    reached = 0
    for staff_id in sorted(app.settings.admin_ids):
        with language.speaking(speaks.get(staff_id, language.DEFAULT)):
            if follow_up:
                request_text = texts.support.support_follow_up(number, text, name)
            else:
                request_text = texts.support.support_request(number, text, name)
            answer = answer_keyboard(number)
        result = await _send_parts(context.bot, staff_id, request_text, answer)
        reached += result.result is Outcome.SENT
    return reached > 0


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """↩️ Answer: the staff member's next message is the answer (✖️ drops it). ↩️ Reply under
    an answer: the user's next message is a follow-up."""
    query = query_of(update)
    reply = SupportTap.parse(query.data)
    if reply is not None and reply.action is SupportAction.REPLY:
        await _ask_follow_up(update, context, reply.number)
        return
    if not services.is_staff(context, user_of(update).id):
        await query.answer(texts.account.staff_only(), show_alert=True)
        return
    tap = SupportTap.parse(query.data)
    if tap is None:
        await query.answer(texts.common.button_expired())
        return
    number = tap.number
    app = services.of(context)
    staff_id = user_of(update).id
    with transaction(app.engine) as session:
        exists = support.get(session, number) is not None
        pending = conversations.read(
            conversations.get(session, staff_id), FlowName.SUPPORT, SupportStep, SupportAnswers
        )
        awaited = pending is not None and pending.answers.request == number
        if tap.action is SupportAction.ANSWER and exists:
            conversations.interrupt(
                session,
                staff_id,
                FlowName.SUPPORT,
                SupportStep.ANSWER,
                SupportAnswers(request=number),
                app.clock.now(),
            )
        elif tap.action is SupportAction.DROP and awaited:
            conversations.resume(session, staff_id, FlowName.SUPPORT, app.clock.now())
    if tap.action is SupportAction.DROP and not awaited:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    if tap.action is SupportAction.DROP:
        await query.edit_message_text(texts.support.answer_dropped())
    elif not exists:
        await message_of(update).reply_text(texts.support.support_request_gone())
    else:
        await message_of(update).reply_text(
            texts.support.answer_prompt(number), reply_markup=drop_keyboard(number)
        )


async def _ask_follow_up(update: Update, context: ContextTypes.DEFAULT_TYPE, number: int) -> None:
    query = query_of(update)
    app = services.of(context)
    user_id = user_of(update).id
    with transaction(app.engine) as session:
        found = support.get(session, number)
        mine = found is not None and found.user_id == user_id
        if mine:
            _await_message(session, user_id, number, app.clock.now())
    if not mine:
        await query.answer(texts.common.button_expired())
        return
    await query.answer()
    await message_of(update).reply_text(texts.support.follow_up_ask())


async def answer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    conversation: Exchange[SupportStep, SupportAnswers],
    text: str,
) -> None:
    """The staff member's message after ↩️ Answer: the whole message is relayed (up to
    MAX_ANSWER), not `text`, the copy routing shortened."""
    app = services.of(context)
    if not services.is_staff(context, user_of(update).id):
        with transaction(app.engine) as session:
            conversations.resume(session, conversation.user_id, FlowName.SUPPORT, app.clock.now())
        await message_of(update).reply_text(texts.account.staff_only())
        return
    if await _relay(update, context, conversation.answers.request):
        with transaction(app.engine) as session:
            conversations.resume(session, conversation.user_id, FlowName.SUPPORT, app.clock.now())


async def on_reply(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """A staff member replying to a request message answers it; a user replying to an answer
    follows it up. Returns whether it was either."""
    message = message_of(update)
    follows = follow_up_of(message.reply_to_message)
    if follows is not None:
        text = (message.text or "").strip()
        urgency = triage_message(text) if text else None
        if urgency is not None:  # it skips the routing that gives everyone else the advice
            await advice.advise(message, urgency)
        await _follow_up(update, context, follows, text)
        return True
    number = request_answered_by(message.reply_to_message)
    if number is None or not services.is_staff(context, user_of(update).id):
        return False
    await _relay(update, context, number)
    return True


async def _relay(update: Update, context: ContextTypes.DEFAULT_TYPE, number: int) -> bool:
    """Send the answer to the user. Returns whether the exchange is over (delivered, or it
    never can be); on a passing Telegram fault the staff member is asked to send it again."""
    message = message_of(update)
    text = (message.text or "").strip()
    if not text:
        await message.reply_text(texts.support.answer_prompt(number))
        return False
    if len(text) > MAX_ANSWER:
        await message.reply_text(texts.support.support_too_long(MAX_ANSWER))
        return False
    app = services.of(context)
    with transaction(app.engine) as session:
        found = support.get(session, number)
        user_id = found.user_id if found is not None else None
        speaks = languages.of(session, user_id) if user_id is not None else language.DEFAULT
    if user_id is None:
        await message.reply_text(texts.support.support_request_gone())
        return True
    with language.speaking(speaks):
        answer_text = texts.support.support_answer(text)
        markup = reply_keyboard(number)
    result = await _send_parts(context.bot, user_id, answer_text, markup)
    if result.result is Outcome.SENT:
        with transaction(app.engine) as session:
            support.mark_answered(session, number, app.clock.now())
        await message.reply_text(texts.support.answer_delivered(number))
        return True
    if result.result is Outcome.RETRY:
        await message.reply_text(texts.support.answer_not_now())
        return False
    if result.result is Outcome.BLOCKED:
        with transaction(app.engine) as session:
            reminders.user_blocked(session, user_id, app.clock.now())
        await message.reply_text(texts.support.answer_blocked())
        return True
    await message.reply_text(texts.support.support_request_gone())
    return True


async def _send_parts(
    bot: Bot, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
) -> Delivery:
    """A request or an answer as long as Telegram lets people write, in as many messages as
    it takes; each carries the buttons, so replying to any part of a request answers it. The
    first part Telegram does not take ends the sending, and its outcome is the outcome."""
    outcome = Delivery(Outcome.FAILED)
    for part in split_message(text):
        outcome = await delivery.send(bot, chat_id, part, markup)
        if outcome.result is not Outcome.SENT:
            break
    return outcome
