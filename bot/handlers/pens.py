"""/pens, pens at home (not /pen, the one pen out of the fridge): the count and what it covers,
with buttons to set it, note a delivery and switch the reorder reminder. `/pens 5` sets the
count, `/pens +3` notes a delivery; after ✏️ or 📦 the next message is the number."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import services, texts
from bot.actions import pen_stock as actions
from bot.actions.pen_stock import StockRefusal, StockView
from bot.commands import text_after_command
from bot.domain.conversations import Exchange, PensAnswers, PensStep
from bot.domain.pen_stock import parse_count, parse_delivery
from bot.handlers.access import message_of, query_of, user_of
from bot.keyboards.pen_stock import (
    PensAction,
    PensTap,
    delivery_keyboard,
    lead_keyboard,
    stock_keyboard,
)

Context = ContextTypes.DEFAULT_TYPE


def overview(view: StockView) -> str:
    """The /pens message: the count, the doses it covers, the lead time's needs, the reminder."""
    parts = [texts.pens.header()]
    stock, cover = view.stock, view.cover
    if stock is None or cover is None:
        parts.append(texts.pens.never_counted())
    else:
        lines = [texts.pens.count_line(stock.count)]
        last = cover.last_covered
        if last is None:
            lines.append(texts.pens.none_left(cover.short.planned))
        else:
            lines.append(texts.pens.covered(stock.count, last, cover.short.planned))
        lines.append(texts.pens.needed(view.needed, view.lead_days))
        if view.short:
            lines.append(texts.pens.time_to_reorder(view.lead_days))
        parts.append("\n".join(lines))
        parts.append(texts.pens.reminder_line(stock.reorder_days))
    parts.append(texts.pens.how_it_counts())
    return "\n\n".join(parts)


def keyboard(view: StockView) -> InlineKeyboardMarkup:
    return stock_keyboard(view.stock.reorder_days if view.stock else None)


async def pens(update: Update, context: Context) -> None:
    typed = text_after_command(message_of(update))
    if typed:
        await _typed(update, context, PensStep.DELIVERY if "+" in typed else PensStep.COUNT, typed)
        return
    app = services.of(context)
    view = actions.look(app.engine, app.clock.now(), user_of(update).id)
    if view is None:
        await message_of(update).reply_text(texts.common.not_enrolled())
        return
    await message_of(update).reply_text(overview(view), reply_markup=keyboard(view))


async def answer(
    update: Update, context: Context, exchange: Exchange[PensStep, PensAnswers], text: str
) -> None:
    """The number after ✏️ Set the count or 📦 A delivery came."""
    await _typed(update, context, exchange.step, text)


async def _typed(update: Update, context: Context, step: PensStep, text: str) -> None:
    app = services.of(context)
    message = message_of(update)
    if step is PensStep.COUNT:
        count = parse_count(text)
        if count is None:
            await message.reply_text(texts.pens.not_a_count())
            return
        view = actions.set_count(app.engine, app.clock.now(), user_of(update).id, count)
        if view is None:
            await message.reply_text(texts.common.not_enrolled())
            return
        await message.reply_text(
            texts.pens.count_set(count) + "\n\n" + overview(view), reply_markup=keyboard(view)
        )
        return
    pens = parse_delivery(text)
    if pens is None:
        await message.reply_text(texts.pens.not_a_delivery())
        return
    result = actions.add_delivery(app.engine, app.clock.now(), user_of(update).id, pens)
    if result is StockRefusal.NOT_ENROLLED:
        await message.reply_text(texts.common.not_enrolled())
    elif isinstance(result, StockRefusal):
        await message.reply_text(texts.pens.too_many())
    else:
        await message.reply_text(
            texts.pens.delivery_noted(pens) + "\n\n" + overview(result),
            reply_markup=keyboard(result),
        )


async def on_button(update: Update, context: Context) -> None:
    query = query_of(update)
    tap = PensTap.parse(query.data)
    if tap is None:
        await query.answer(texts.common.button_expired())
        return
    app = services.of(context)
    now, user_id = app.clock.now(), user_of(update).id
    match tap.action:
        case PensAction.COUNT | PensAction.DELIVERY:
            step = PensStep.COUNT if tap.action is PensAction.COUNT else PensStep.DELIVERY
            view = actions.look(app.engine, now, user_id)
            if view is None or not actions.ask(app.engine, now, user_id, step):
                await query.answer(texts.common.not_enrolled(), show_alert=True)
                return
            await query.answer()
            if step is PensStep.COUNT:
                await message_of(update).reply_text(texts.pens.ask_count())
            else:
                seen = view.stock.count if view.stock else 0
                await message_of(update).reply_text(
                    texts.pens.ask_delivery(), reply_markup=delivery_keyboard(seen)
                )
        case PensAction.ADD:
            result = actions.add_delivery(app.engine, now, user_id, tap.value, tap.seen)
            if result is StockRefusal.TOO_MANY:
                await query.answer(texts.pens.too_many(), show_alert=True)
            elif isinstance(result, StockRefusal):
                await query.answer(texts.common.button_expired())
            else:
                await query.answer()
                await query.edit_message_text(
                    texts.pens.delivery_noted(tap.value) + "\n\n" + overview(result),
                    reply_markup=keyboard(result),
                )
        case PensAction.REMIND:
            await query.answer()
            await message_of(update).reply_text(texts.pens.ask_lead(), reply_markup=lead_keyboard())
        case PensAction.LEAD:
            days = tap.value or None
            outcome = actions.set_reorder(app.engine, now, user_id, days)
            if outcome is StockRefusal.NO_COUNT:
                await query.answer(texts.pens.count_first(), show_alert=True)
            elif isinstance(outcome, StockRefusal):
                await query.answer(texts.common.button_expired())
            else:
                await query.answer()
                await query.edit_message_text(
                    texts.pens.reminder_set(days) + "\n\n" + overview(outcome),
                    reply_markup=keyboard(outcome),
                )
