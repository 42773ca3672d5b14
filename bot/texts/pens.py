"""/pens, pens at home: the count, what it covers, deliveries and the reorder reminder. (The
pen out of the fridge, /pen, is in `care`.) No text names the medicine: the reorder reminder
goes out on its own, and "pens" keeps it discreet."""

from __future__ import annotations

from datetime import date

from bot.domain.pen_stock import MAX_PENS, REPEAT_AFTER
from bot.texts.language import _, day, ngettext


def header() -> str:
    return _("📦 <b>Pens at home</b>")


def never_counted() -> str:
    return _(
        "You haven't told me yet how many pens you have at home. Tap ✏️ Set the count: from "
        "then on each dose you record takes one pen off, and a delivery adds some."
    )


def count_line(count: int) -> str:
    return ngettext(
        "You have <b>{count}</b> pen at home.", "You have <b>{count}</b> pens at home.", count
    ).format(count=count)


def covered(count: int, last: date, short: date) -> str:
    return ngettext(
        "It is there for your dose on {last}; the dose on {short} needs a new one.",
        "They cover your doses until {last}; the dose on {short} is the first without a pen.",
        count,
    ).format(last=day(last), short=day(short))


def none_left(short: date) -> str:
    return _("No pens left: your next dose, on {short}, needs one.").format(short=day(short))


def needed(doses: int, days: int) -> str:
    """How many doses fall within the lead time (three in the first two weeks of loading)."""
    return ngettext(
        "Planned in the next {days} days: {doses} dose.",
        "Planned in the next {days} days: {doses} doses.",
        doses,
    ).format(doses=doses, days=days)


def time_to_reorder(days: int) -> str:
    return _("⚠️ Your pens don't cover the doses of the next {days} days: time to reorder.").format(
        days=days
    )


def reminder_line(days: int | None) -> str:
    if days is None:
        return _("🔕 Reorder reminder: off.")
    return _("🔔 Reorder reminder: on, {days} days ahead.").format(days=days)


def how_it_counts() -> str:
    return _(
        "Each dose you record takes one pen; undoing it gives the pen back. A pen that just came "
        "out of the fridge is another matter: /pen counts its days at room temperature."
    )


def set_count_button() -> str:
    return _("✏️ Set the count")


def delivery_button() -> str:
    return _("📦 A delivery came")


def reminder_button(days: int | None) -> str:
    if days is None:
        return _("🔔 Reorder reminder…")
    return _("🔔 Reorder reminder: {days} days").format(days=days)


def delivery_choice(pens: int) -> str:
    return f"+{pens}"


def lead_choice(days: int) -> str:
    return ngettext("{days} day", "{days} days", days).format(days=days)


def reminder_off_button() -> str:
    return _("🔕 No reminder")


def ask_count() -> str:
    return _(
        "How many pens do you have at home now, counting the one in use? Type the number "
        "(0 to {most})."
    ).format(most=MAX_PENS)


def ask_delivery() -> str:
    return _("📦 How many pens came? Tap a button, or type the number (e.g. 3).")


def ask_lead() -> str:
    return _(
        "🔔 How long before you run out should I remind you to reorder? I'll write once when "
        "your pens no longer cover the doses planned within that time, and once more {repeat} "
        "days later if nothing changed. Pharmacies and prescriptions can take a while: ask your "
        "doctor or pharmacy how much time you need."
    ).format(repeat=REPEAT_AFTER.days)


def not_a_count() -> str:
    return _(
        "That isn't a number of pens I can note. Please type a whole number from 0 to {most}, "
        "e.g. 4 (or send /pens to see your pens)."
    ).format(most=MAX_PENS)


def not_a_delivery() -> str:
    return _(
        "That isn't a number of pens I can add. Please type how many came, a whole number from "
        "1 to {most}, e.g. 3 (or send /pens to see your pens)."
    ).format(most=MAX_PENS)


def too_many() -> str:
    return _(
        "That would make more than {most} pens at home, so I haven't changed anything. Please "
        "check the number."
    ).format(most=MAX_PENS)


def count_set(count: int) -> str:
    noted = ngettext("✅ Noted: {count} pen at home.", "✅ Noted: {count} pens at home.", count)
    return noted.format(count=count)


def delivery_noted(pens: int) -> str:
    return ngettext(
        "✅ Delivery noted: {pens} pen more.", "✅ Delivery noted: {pens} pens more.", pens
    ).format(pens=pens)


def reminder_set(days: int | None) -> str:
    if days is None:
        return _("🔕 Done: no reorder reminder.")
    return _(
        "🔔 Done: I'll remind you to reorder when your pens no longer cover the doses of the "
        "next {days} days."
    ).format(days=days)


def count_first() -> str:
    return _("Please set the count first: tap ✏️ Set the count.")


def reorder(pens: int, last: date | None, short: date, *, again: bool) -> str:
    """The reorder reminder (or its one repeat)."""
    opening = (
        _("📦 A reminder once more: time to reorder pens.")
        if again
        else _("📦 Time to reorder pens.")
    )
    if last is None:
        situation = _("You have none left at home, and your next dose is on {short}.").format(
            short=day(short)
        )
    else:
        situation = ngettext(
            "The {pens} pen at home is there for your dose on {last}; the dose on {short} "
            "needs a new one.",
            "The {pens} pens at home cover your doses until {last}; the dose on {short} needs "
            "a new one.",
            pens,
        ).format(pens=pens, last=day(last), short=day(short))
    after = _("When the delivery comes, note it in /pens (📦 A delivery came).")
    return "\n".join((opening, situation, after))
