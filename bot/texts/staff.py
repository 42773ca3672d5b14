"""Staff only: aggregate figures and broadcasts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timedelta
from html import escape, unescape

from bot.domain.adherence import Recent
from bot.domain.broadcast import Audience, Tally
from bot.domain.broadcast import Status as BroadcastStatus
from bot.texts import language
from bot.texts.common import (
    shorten,
)
from bot.texts.language import _, ngettext


def stats(
    *,
    patients: int,
    paused: int,
    enrolling: int,
    caregivers: int,
    active: int,
    inactive: int,
    pending: int,
    doses: Recent,
    days: int,
) -> str:
    return _(
        "📊 <b>Figures</b> (counts only)\n"
        "Patients enrolled: {patients} ({paused} with reminders paused)\n"
        "Caregivers (approved): {caregivers}\n"
        "Active users: {active} · inactive (blocked the bot): {inactive}\n"
        "Sign-ups in progress: {enrolling}\n"
        "Reminders and alerts waiting to be sent: {pending}\n\n"
        "<b>Doses, last {days} days</b>\n"
        "Confirmed on time: {on_time}\n"
        "Confirmed early: {early}\n"
        "Confirmed late: {late}\n"
        "Missed (not confirmed): {missed}"
    ).format(
        patients=patients,
        paused=paused,
        caregivers=caregivers,
        active=active,
        inactive=inactive,
        enrolling=enrolling,
        pending=pending,
        days=days,
        on_time=doses.on_time,
        early=doses.early,
        late=doses.late,
        missed=doses.missed,
    )


# --- broadcasts (staff) ------------------------------------------------------------------


def broadcast_usage() -> str:
    return _(
        "Write the notice after the command, for example:\n"
        "<code>/broadcast The bot will be down for maintenance tonight from 22:00 to "
        "22:30.</code>\n\n"
        "Several lines are fine, and Telegram's HTML formatting works: &lt;b&gt;bold&lt;/b&gt;, "
        '&lt;i&gt;italic&lt;/i&gt;, &lt;a href="https://…"&gt;a link&lt;/a&gt;. '
        "You'll see a preview before anything is sent."
    )


def broadcast_preview_intro() -> str:
    return _(
        "👀 Here is the notice exactly as people will see it. Choose who gets it, then press ✅ to "
        "send, or cancel."
    )


def broadcast_cancelled() -> str:
    return _("Broadcast cancelled: nothing was sent.")


def broadcast_stopping() -> str:
    return _("Stopping: nobody else will get it. The report follows.")


def not_your_broadcast() -> str:
    return _("Only the staff member who wrote this broadcast can use its buttons.")


def cancel_broadcast_button() -> str:
    return _("✖️ Cancel")


def stop_broadcast_button() -> str:
    return _("⏹ Stop sending")


def no_broadcasts() -> str:
    return _("No broadcasts yet. /broadcast &lt;text&gt; writes one.")


def broadcasts_header() -> str:
    return _("📣 <b>Recent broadcasts</b> (newest first)")


def audience_names() -> dict[str, str]:
    return {
        "everyone": _("Everyone"),
        "patients": _("Patients"),
        "caregivers": _("Caregivers"),
    }


def audience_in_sentence() -> dict[str, str]:
    """The audience inside a broadcast's summary line ("to patients"); its own words, since not
    every language writes these in lower case."""
    return {
        "everyone": _("everyone"),
        "patients": _("patients"),
        "caregivers": _("caregivers"),
    }


def broadcast_states() -> dict[str, str]:
    return {
        "draft": _("not sent yet"),
        "scheduled": _("scheduled, not started yet"),
        "sending": _("sending"),
        "done": _("sent"),
        "stopped": _("stopped"),
        "cancelled": _("cancelled, nothing sent"),
    }


def broadcast_formatting_problem(problem: str) -> str:
    return _(
        "⚠️ I can't send that: {problem}.\n\n"
        "Telegram understands &lt;b&gt;, &lt;i&gt;, &lt;u&gt;, &lt;s&gt;, &lt;code&gt;, "
        '&lt;pre&gt;, &lt;blockquote&gt;, &lt;a href="…"&gt; and '
        "&lt;tg-spoiler&gt;; write a literal &lt; as &amp;lt;. Nothing was sent."
    ).format(problem=escape(problem))


def audience_button(audience: Audience, size: int, chosen: bool) -> str:
    name = audience_names()[str(audience)]
    return f"{'🔘' if chosen else '⚪️'} {name} ({size})"


def send_broadcast_button(size: int) -> str:
    return ngettext("✅ Send to {count} person", "✅ Send to {count} people", size).format(
        count=size
    )


def broadcast_started(total: int) -> str:
    return ngettext("Sending to {count} person…", "Sending to {count} people…", total).format(
        count=total
    )


def _state(status: str) -> str:
    """A broadcast's state in words, in the current language."""
    return broadcast_states().get(status, status)


def broadcast_state(status: str) -> str:
    return _("This broadcast is {state}.").format(state=_state(status))


def progress_button(tally: Tally, sending: bool) -> str:
    done, total = tally.done, tally.total
    delivered = tally.delivered
    if sending:
        return _("📤 Sending… {done} of {total}").format(done=done, total=total)
    return _("✅ Delivered to {delivered} of {total}").format(delivered=delivered, total=total)


def broadcast_figures(tally: Tally) -> str:
    return _("{delivered} delivered, {failed} failed, {blocked} blocked, of {total}").format(
        delivered=tally.delivered, failed=tally.failed, blocked=tally.blocked, total=tally.total
    )


def duration_text(duration: timedelta) -> str:
    seconds = max(int(duration.total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return _("{hours} h {minutes} min").format(hours=hours, minutes=minutes)
    if minutes:
        return _("{minutes} min {seconds} s").format(minutes=minutes, seconds=seconds)
    return _("{seconds} s").format(seconds=seconds)


def broadcast_report(
    number: int,
    tally: Tally,
    duration: timedelta,
    *,
    stopped: bool,
    by_language: Mapping[str, int] | None = None,
) -> str:
    dropped = tally.cancelled
    if stopped:
        title = _("📣 <b>Broadcast #{number} stopped</b>")
    else:
        title = _("📣 <b>Broadcast #{number} finished</b>")
    lines = [
        title.format(number=number),
        _("Delivered: {delivered} of {total}").format(delivered=tally.delivered, total=tally.total),
        _("Failed: {failed}").format(failed=tally.failed),
        blocked_line(tally.blocked),
    ]
    if dropped:
        lines.append(_("Not sent (stopped): {dropped}").format(dropped=dropped))
    lines.append(_("Duration: {duration}").format(duration=duration_text(duration)))
    if by_language:
        lines.append(delivered_by_language(by_language))
    return "\n".join(lines)


def delivered_by_language(counts: Mapping[str, int]) -> str:
    names = language_names()
    parts = [f"{names.get(code, code)} {count}" for code, count in counts.items()]
    return _("Delivered by language: {counts}").format(counts=" · ".join(parts))


def blocked_line(blocked: int) -> str:
    """The people a broadcast found had blocked the bot (now inactive), read naturally at 0."""
    if not blocked:
        return _("Blocked the bot: nobody")
    return ngettext(
        "Blocked the bot: {blocked} person, now marked inactive",
        "Blocked the bot: {blocked} people, now marked inactive",
        blocked,
    ).format(blocked=blocked)


def broadcast_line(
    number: int,
    created: datetime,
    sender_name: str,
    sender_id: int,
    audience: Audience,
    status: BroadcastStatus,
    tally: Tally,
    text: str,
) -> str:
    outcome = _state(str(status))
    if str(status) in ("sending", "done", "stopped"):
        outcome += " · " + broadcast_figures(tally)
    heading = _(
        "<b>#{number}</b> · {created:%Y-%m-%d %H:%M} UTC · by {sender} "
        "(<code>{sender_id}</code>) · to {audience}"
    ).format(
        number=number,
        created=created,
        sender=escape(sender_name),
        sender_id=sender_id,
        audience=audience_in_sentence()[str(audience)],
    )
    return f"{heading}\n{outcome}\n<i>{escape(shorten(plain_text(text), 80))}</i>"


def plain_text(html_text: str) -> str:
    """The words of an HTML notice without its tags, for a one-line summary."""
    return unescape(re.sub(r"<[^>]*>", "", html_text))


# --- broadcasts in several languages, and scheduled ---------------------------------------

FLAGS = {"en": "🇬🇧", "de": "🇩🇪"}


def language_names() -> dict[str, str]:
    """Each language the bot speaks, named in the staff member's language."""
    return {"en": _("English"), "de": _("German")}


def add_version_button(code: str, exists: bool) -> str:
    name = language_names().get(code, code)
    if exists:
        return _("{flag} Replace {language} version").format(
            flag=FLAGS.get(code, "✏️"), language=name
        )
    return _("{flag} Add {language} version").format(flag=FLAGS.get(code, "➕"), language=name)


def schedule_button() -> str:
    return _("⏰ Send later…")


def missing_versions_warning(missing: Mapping[str, int], default: str) -> str:
    """Before sending: who will get the default language's text for lack of their own."""
    names = language_names()
    lines = [
        ngettext(
            "⚠️ No {language} version yet: {count} recipient who reads {language} will get "
            "the {default} text.",
            "⚠️ No {language} version yet: {count} recipients who read {language} will get "
            "the {default} text.",
            count,
        ).format(language=names.get(code, code), count=count, default=names.get(default, default))
        for code, count in missing.items()
    ]
    lines.append(_("Add it with the button under the preview, or send as it is."))
    return "\n".join(lines)


def ask_version(number: int, code: str) -> str:
    return _(
        "Write the {language} version of broadcast #{number} as your next message (the same "
        "formatting works as with /broadcast). Send <code>cancel</code> to leave it as it is."
    ).format(language=language_names().get(code, code), number=number)


def version_preview_intro(code: str) -> str:
    return _(
        "👀 The {language} version, exactly as people who read {language} will see it. The "
        "buttons are under it now."
    ).format(language=language_names().get(code, code))


def nothing_changed() -> str:
    return _("OK, nothing changed.")


def not_a_draft_any_more() -> str:
    return _("This broadcast is no longer a draft, so it can't be changed.")


def zone_words(zone: str | None) -> str:
    """The time zone a staff member's times are in, said in a sentence."""
    return escape(zone) if zone is not None else "UTC"


def no_zone_note() -> str:
    return _(
        "You have no time zone in the bot (it has one for you once you sign up as a patient), "
        "so times are in UTC."
    )


def ask_start_time(number: int, zone: str | None, now_local: datetime) -> str:
    return _(
        "⏰ When should broadcast #{number} go out? Type a date and time in {zone}, for "
        "example <code>{example} 9:00</code> or <code>tomorrow 9:00</code>. It is now {now} "
        "there. Send <code>cancel</code> to keep it as a draft."
    ).format(
        number=number,
        zone=zone_words(zone),
        example=language.numeric_day(now_local.date()),
        now=language.moment(now_local),
    ) + ("\n" + no_zone_note() if zone is None else "")


def start_time_unreadable() -> str:
    return _(
        "I couldn't read that as a date and time. Type it like <code>2026-12-24 09:00</code>, "
        "<code>24.12.2026 9:00</code> or <code>tomorrow 9:00</code>, or <code>cancel</code>."
    )


def start_time_past(now_local: datetime) -> str:
    return _(
        "That time has already passed (it is now {now}). Type a later one, or <code>cancel</code>."
    ).format(now=language.moment(now_local))


def start_time_too_far() -> str:
    return _("That is more than a year ahead. Type an earlier time, or <code>cancel</code>.")


def broadcast_scheduled(number: int, when_local: datetime, zone: str | None) -> str:
    return _(
        "⏰ Broadcast #{number} will go out at {when} ({zone}). "
        "Until then you can cancel it here or in /broadcasts."
    ).format(number=number, when=language.moment(when_local), zone=zone_words(zone))


def cancel_scheduled_button(number: int) -> str:
    return _("✖️ Cancel #{number}").format(number=number)


def already_started() -> str:
    return _("It has already started, so it can't be cancelled: ⏹ on its preview stops it.")


def upcoming_header() -> str:
    return _("⏰ <b>Scheduled broadcasts</b> (soonest first)")


def upcoming_line(
    number: int,
    when_local: datetime,
    zone: str | None,
    sender_name: str,
    audience: Audience,
    languages: list[str],
    text: str,
) -> str:
    names = language_names()
    heading = _(
        "<b>#{number}</b> · {when} ({zone}) · by {sender} · to {audience} · {languages}"
    ).format(
        number=number,
        when=language.moment(when_local),
        zone=zone_words(zone),
        sender=escape(sender_name),
        audience=audience_in_sentence()[str(audience)],
        languages=", ".join(names.get(code, code) for code in languages),
    )
    return f"{heading}\n<i>{escape(shorten(plain_text(text), 80))}</i>"
