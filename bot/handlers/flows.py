"""Every conversation the bot can be in the middle of, in one table: its name (the stored
`flow`), its steps, its answers, how long it stays live and what answers a typed message or a
shared location. A conversation past its time, or whose stored answers no longer read, is
not answered: the message goes on to the rest of `replies.on_message`, as if there were none.
How to add a flow: docs/architecture.md."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Generic, TypeVar

from telegram import Update
from telegram.ext import ContextTypes

from bot import services
from bot.db import transaction
from bot.domain.conversations import (
    Answers,
    AppointmentAnswers,
    AppointmentStep,
    AskSupportAnswers,
    AskSupportStep,
    BroadcastAnswers,
    BroadcastStep,
    CorrectionAnswers,
    CorrectionStep,
    DiaryAnswers,
    DiaryStep,
    EnrolmentAnswers,
    EnrolmentStep,
    EraseAnswers,
    EraseStep,
    Exchange,
    FlowName,
    PensAnswers,
    PensStep,
    SettingsAnswers,
    SettingsStep,
    SupportAnswers,
    SupportStep,
)
from bot.handlers import appointments, broadcast, diary, doses, enrolment, pens, settings, support
from bot.handlers.access import message_of
from bot.handlers.advice import Advised
from bot.models import Conversation
from bot.store import conversations

S = TypeVar("S", bound=StrEnum)
A = TypeVar("A", bound=Answers)
Context = ContextTypes.DEFAULT_TYPE


@dataclass(frozen=True)
class Flow(Generic[S, A]):
    """One row of the table."""

    name: FlowName
    steps: type[S]
    answers: type[A]
    live_for: timedelta | None
    """None: never expires."""
    on_text: Callable[[Update, Context, Exchange[S, A], str], Awaitable[None]] | None = None
    on_location: Callable[[Update, Context, Exchange[S, A]], Awaitable[None]] | None = None
    on_health_text: (
        Callable[[Update, Context, Exchange[S, A], str, Advised | None], Awaitable[None]] | None
    ) = None
    """Instead of `on_text`, for an answer about how the person feels: it is handed the safety
    advice already sent for the message, to add to rather than repeat."""
    when_expired: Callable[[Conversation, Context], Conversation | None] | None = None
    """What becomes of it once past its time (or unreadable); returns the user's conversation
    afterwards. None: it stays, unanswered, until something replaces it."""

    def is_live(self, conversation: Conversation, now: datetime) -> bool:
        return self.live_for is None or now - conversation.updated_at <= self.live_for

    def read(self, conversation: Conversation | None) -> Exchange[S, A] | None:
        return conversations.read(conversation, self.name, self.steps, self.answers)

    def waiting(self, conversation: Conversation, now: datetime) -> Exchange[S, A] | None:
        """The conversation, read, while it still takes the user's next message."""
        return self.read(conversation) if self.is_live(conversation, now) else None


def give_back(conversation: Conversation, context: Context) -> Conversation | None:
    """A prompt left unanswered lets go: the conversation it interrupted comes back."""
    app = services.of(context)
    with transaction(app.engine) as session:
        conversations.resume(session, conversation.user_id, conversation.flow, app.clock.now())
        return conversations.get(session, conversation.user_id)


ENROLMENT = Flow(
    name=FlowName.ENROLMENT,
    steps=EnrolmentStep,
    answers=EnrolmentAnswers,
    live_for=None,
    on_text=enrolment.answer,
    on_location=enrolment.answer_location,
)
SETTINGS = Flow(
    name=FlowName.SETTINGS,
    steps=SettingsStep,
    answers=SettingsAnswers,
    live_for=timedelta(minutes=30),
    on_text=settings.answer,
    on_location=settings.answer_location,
)
CORRECTION = Flow(
    name=FlowName.CORRECTION,
    steps=CorrectionStep,
    answers=CorrectionAnswers,
    live_for=timedelta(minutes=30),
    on_text=doses.answer_correction,
)
SUPPORT = Flow(
    name=FlowName.SUPPORT,
    steps=SupportStep,
    answers=SupportAnswers,
    live_for=timedelta(minutes=30),
    on_text=support.answer,
    when_expired=give_back,
)
ERASE = Flow(
    name=FlowName.ERASE, steps=EraseStep, answers=EraseAnswers, live_for=timedelta(minutes=10)
)
"""Answered by its buttons only (`bot.handlers.erasure`)."""


DIARY = Flow(
    name=FlowName.DIARY,
    steps=DiaryStep,
    answers=DiaryAnswers,
    live_for=timedelta(minutes=15),
    on_health_text=diary.answer,
    when_expired=give_back,
)
ASK_SUPPORT = Flow(
    name=FlowName.ASK_SUPPORT,
    steps=AskSupportStep,
    answers=AskSupportAnswers,
    live_for=timedelta(minutes=15),
    on_text=support.answer_request,
    when_expired=give_back,
)
"""After a prompt ("What did you notice?", "What would you like to ask?") the next plain message
is its answer, for a quarter of an hour."""
BROADCAST = Flow(
    name=FlowName.BROADCAST,
    steps=BroadcastStep,
    answers=BroadcastAnswers,
    live_for=timedelta(minutes=30),
    on_text=broadcast.answer,
    when_expired=give_back,
)
"""Staff: after "Add German version" or "Send later", the next message is the text or the time."""

PENS = Flow(
    name=FlowName.PENS,
    steps=PensStep,
    answers=PensAnswers,
    live_for=timedelta(minutes=15),
    on_text=pens.answer,
    when_expired=give_back,
)
"""After ✏️ Set the count or 📦 A delivery came (/pens), the next message is the number."""

APPOINTMENT = Flow(
    name=FlowName.APPOINTMENT,
    steps=AppointmentStep,
    answers=AppointmentAnswers,
    live_for=timedelta(minutes=30),
    on_text=appointments.answer,
)
"""Adding or changing an appointment: its kind, note, day and time typed or tapped."""

FLOWS: Mapping[str, Flow[Any, Any]] = MappingProxyType(
    {
        flow.name.value: flow
        for flow in (
            ENROLMENT,
            SETTINGS,
            CORRECTION,
            SUPPORT,
            ERASE,
            DIARY,
            ASK_SUPPORT,
            PENS,
            BROADCAST,
            APPOINTMENT,
        )
    }
)


def find(conversation: Conversation | None) -> Flow[Any, Any] | None:
    """The flow a stored conversation belongs to (None: none, or a name no longer known)."""
    return FLOWS.get(conversation.flow) if conversation is not None else None


async def answer(
    update: Update,
    context: Context,
    conversation: Conversation | None,
    text: str | None,
    advised: Advised | None = None,
) -> bool:
    """Hand the message to the conversation waiting for it. Returns whether one took it: a
    live, readable conversation whose flow answers this kind of message (text or location).
    `advised`: the safety advice already sent for this message, if any."""
    now = services.of(context).clock.now()
    flow = find(conversation)
    exchange = flow.waiting(conversation, now) if flow and conversation else None
    if flow and conversation and exchange is None and flow.when_expired is not None:
        conversation = flow.when_expired(conversation, context)
        flow = find(conversation)
        exchange = flow.waiting(conversation, now) if flow and conversation else None
    if flow is None or exchange is None:
        return False
    location = message_of(update).location if message_of(update) else None
    if location is not None and flow.on_location is not None:
        await flow.on_location(update, context, exchange)
        return True
    if location is None and text is not None and flow.on_health_text is not None:
        await flow.on_health_text(update, context, exchange, text, advised)
        return True
    if location is None and text is not None and flow.on_text is not None:
        await flow.on_text(update, context, exchange, text)
        return True
    return False
