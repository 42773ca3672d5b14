"""Caregivers: invites, approval, alerts, and what they see."""

from __future__ import annotations

from datetime import date
from html import escape

from bot.texts.common import (
    dose_phase,
)
from bot.texts.language import _, ngettext, numeric_day

# --- caregivers --------------------------------------------------------------------------


def the_patient() -> str:
    return _("the person you follow")


def a_caregiver() -> str:
    return _("a caregiver")


def invite_only_patients() -> str:
    return _(
        "Only someone signed up with their own dose plan can invite caregivers. Send /start to "
        "sign up."
    )


def invite_link(link: str, hours: int) -> str:
    return _(
        "🤝 Send this link to the person who helps you (a partner, a parent, a nurse):\n"
        "{link}\n\n"
        "It works once, for {hours} hours. When they open it, I'll ask you to approve them. "
        "Once approved they get an alert if a dose is missed and, if they wish, when one is "
        "recorded. They never see your injection sites or notes. /caregivers lists them and "
        "lets you remove anyone at any time."
    ).format(link=link, hours=hours)


def revoke_invite_button() -> str:
    return _("❌ Cancel this invite")


def invite_revoked() -> str:
    return _("This invite is cancelled: the link no longer works.")


def invite_problems() -> dict[str, str]:
    return {
        "unknown": _("This invite link isn't valid. Please ask for a new one."),
        "expired": _(
            "This invite link has expired (they last 48 hours). Please ask for a new one."
        ),
        "used": _("This invite link was already used. Please ask for a new one."),
        "revoked": _("This invite was cancelled. Please ask for a new one if needed."),
        "own": _("That's your own invite link: send it to the person who helps you."),
    }


def waiting_for_approval(name: str) -> str:
    return _(
        "👋 {name} invited you to follow their Kesimpta injections. Once they approve you, "
        "you'll get an alert if a dose is missed and, unless you switch it off, when one is "
        "recorded. You won't see their injection sites or notes.\n\n"
        "⏳ Waiting for their approval."
    ).format(name=escape(name))


def already_following(name: str) -> str:
    return _("You already follow {name}. /patients shows their upcoming doses.").format(
        name=escape(name)
    )


def approve_request(name: str) -> str:
    return _(
        "🤝 <b>{name}</b> opened your invite and would like to follow your injections "
        "(missed-dose alerts, and confirmations unless they switch them off). Approve?"
    ).format(name=escape(name))


def approve_button() -> str:
    return _("✅ Approve")


def decline_button() -> str:
    return _("❌ Decline")


def approved_for_patient(name: str) -> str:
    return _("✅ {name} now follows your injections. /caregivers to manage.").format(
        name=escape(name)
    )


def declined_for_patient(name: str) -> str:
    return _("{name} was not added.").format(name=escape(name))


def approved_for_caregiver(name: str) -> str:
    return _(
        "✅ {name} approved you. You'll be told if a dose is missed. /patients shows "
        "their upcoming doses; /settings chooses your alerts; /leave stops following."
    ).format(name=escape(name))


def declined_for_caregiver(name: str) -> str:
    return _("{name} did not approve the request. Nothing about them is shared with you.").format(
        name=escape(name)
    )


def no_caregivers() -> str:
    return _("No caregivers yet. /invite creates a link for one.")


def caregivers_header() -> str:
    return _("🤝 <b>Your caregivers</b>")


def caregiver_line(name: str, approved: bool, may_confirm: bool) -> str:
    if approved and may_confirm:
        line = _("• {name}: approved, may confirm doses for you")
    elif approved:
        line = _("• {name}: approved")
    elif may_confirm:
        line = _("• {name}: waiting for your approval, may confirm doses for you")
    else:
        line = _("• {name}: waiting for your approval")
    return line.format(name=escape(name))


def revoke_button(name: str) -> str:
    return _("❌ Remove {name}").format(name=name)


def allow_confirm_button(name: str, allowed: bool) -> str:
    if allowed:
        return _("🔒 Stop {name} confirm doses").format(name=name)
    return _("🔓 Let {name} confirm doses").format(name=name)


def confirm_revoke(name: str) -> str:
    return _("Remove {name}? They'll get no more alerts about you.").format(name=escape(name))


def yes_remove_button() -> str:
    return _("✅ Yes, remove")


def revoked_for_patient(name: str) -> str:
    return _("{name} no longer follows your injections.").format(name=escape(name))


def revoked_for_caregiver(name: str) -> str:
    return _("{name} removed you as a caregiver. You won't get alerts about them any more.").format(
        name=escape(name)
    )


def not_following() -> str:
    return _("You don't follow anyone. A patient can invite you with /invite.")


def patients_header() -> str:
    return _("👥 <b>People you follow</b>")


def patient_summary(
    name: str,
    following: tuple[int, date, bool] | None,
    last: tuple[int, date] | None,
    adherence: str,
) -> str:
    """`following`: the next dose's number, planned date and whether it is overdue;
    `adherence` from `adherence_in_words`."""
    lines = [f"<b>{escape(name)}</b>"]
    if last is not None:
        lines.append(
            _("Last dose: dose {number} on {day}").format(number=last[0], day=numeric_day(last[1]))
        )
    if following is not None:
        number, day, overdue = following
        line = (
            _("Next: dose {number} ({phase}), due since {day}")
            if overdue
            else _("Next: dose {number} ({phase}) on {day}")
        )
        lines.append(line.format(number=number, phase=dose_phase(number), day=numeric_day(day)))
    lines.append(adherence)
    return "\n".join(lines)


def adherence_in_words(on_time: int, late: int, missed: int) -> str:
    """How the doses since sign-up went, as a sentence: "all 5 doses on time", "4 of 5 on
    time, 1 late". Early doses count as on time."""
    total = on_time + late + missed
    if total == 0:
        return _("No doses due yet since they signed up.")
    if total == on_time:
        return ngettext(
            "{total} dose so far, on time.",
            "All {total} doses so far on time.",
            total,
        ).format(total=total)
    parts = [
        ngettext(
            "{on_time} of {total} dose on time", "{on_time} of {total} doses on time", total
        ).format(on_time=on_time, total=total)
    ]
    if late:
        parts.append(_("{late} late").format(late=late))
    if missed:
        parts.append(_("{missed} missed").format(missed=missed))
    return ", ".join(parts) + "."


def leave_header() -> str:
    return _("Stop following whom?")


def leave_button(name: str) -> str:
    return _("🚪 Stop following {name}").format(name=name)


def left_for_caregiver(name: str) -> str:
    return _("You no longer follow {name}.").format(name=escape(name))


def left_for_patient(name: str) -> str:
    return _("{name} stopped following your injections.").format(name=escape(name))


def caregiver_settings(name: str, confirmations: bool, heads_up: bool) -> str:
    return "\n".join(
        (
            _("🔔 <b>Alerts about {name}</b>").format(name=escape(name)),
            _("Missed doses: always"),
            _("Recorded doses: on") if confirmations else _("Recorded doses: off"),
            _("The day before a dose: on") if heads_up else _("The day before a dose: off"),
        )
    )


def toggle_confirmations_button(on: bool) -> str:
    return _("🔕 Stop recorded-dose alerts") if on else _("🔔 Get recorded-dose alerts")


def toggle_heads_up_button(on: bool) -> str:
    return _("🔕 Stop day-before alerts") if on else _("🔔 Get day-before alerts")


def caregiver_welcome(names: list[str | None]) -> str:
    """`names` are the followed patients' first names (None when Telegram had none)."""
    shown = ", ".join(escape(name or the_patient()) for name in names)
    return _(
        "👋 Welcome back. You follow: {names}.\n\n"
        "/patients – their upcoming doses · /settings – your alerts · /leave – stop following\n"
        "If you take Kesimpta yourself too, tap below to set up your own plan."
    ).format(names=shown)


def no_plan_of_your_own(names: list[str | None]) -> str:
    """/schedule or /next from someone who follows others but has no plan: whose doses they
    can see, and where."""
    shown = ", ".join(escape(name or the_patient()) for name in names)
    return _(
        "You have no dose plan of your own here; you follow {names} as a caregiver. "
        "/patients shows their next dose, their last one and how it's going.\n\n"
        "If you take Kesimpta yourself too, send /start to set up your own plan."
    ).format(names=shown)


def sign_up_myself_button() -> str:
    return _("💉 I take Kesimpta too: sign me up")


def caregiver_missed(name: str, number: int, planned: date, may_confirm: bool) -> str:
    """To a caregiver: what they can do about it (only the patient can change their plan)."""
    text = _(
        "❗ {name}'s dose {number}, planned {planned}, looks <b>missed</b>: it isn't "
        "recorded 24 hours after the reminder.\n\n"
        "You could check in with {name}: the dose is best injected as soon as possible, and "
        "their doctor can say how to time the doses after it. If they have injected and just "
        "didn't record it, they can send /taken."
    ).format(name=escape(name), number=number, planned=numeric_day(planned))
    if may_confirm:
        text += "\n" + _("If they've injected, you may also record it with the button below.")
    return text


def confirm_for(name: str) -> str:
    return _("✅ {name} has injected").format(name=name)


def caregiver_heads_up(name: str, number: int, planned: date) -> str:
    return _("📅 Tomorrow, {planned}, is {name}'s dose {number} ({phase}).").format(
        planned=numeric_day(planned), name=escape(name), number=number, phase=dose_phase(number)
    )


def caregiver_confirmed(name: str, number: int, taken_on: date, by: str | None) -> str:
    if by:
        return _("✅ {name}'s dose {number} was injected on {taken_on} (recorded by {by}).").format(
            name=escape(name), number=number, taken_on=numeric_day(taken_on), by=escape(by)
        )
    return _("✅ {name}'s dose {number} was injected on {taken_on}.").format(
        name=escape(name), number=number, taken_on=numeric_day(taken_on)
    )


def caregiver_corrected(name: str, number: int, taken_on: date, before: date) -> str:
    """Sent once per correction, to a caregiver who was told the earlier date."""
    return _("✏️ {name} corrected dose {number}: injected on {taken_on} (not {before}).").format(
        name=escape(name),
        number=number,
        taken_on=numeric_day(taken_on),
        before=numeric_day(before),
    )


def caregiver_undone(name: str, number: int) -> str:
    """Sent to a caregiver who was told of the dose, when the record is taken back."""
    return _(
        "↩️ {name} took back the record of dose {number}: it is not recorded as injected now."
    ).format(name=escape(name), number=number)


def confirmed_for_you(by: str, number: int, taken_on: date) -> str:
    return _(
        "✅ {by} recorded your dose {number} as injected on {taken_on}. /next shows what's next."
    ).format(by=escape(by), number=number, taken_on=numeric_day(taken_on))


def caregiver_reachability(name: str, resumed: bool, paused: bool) -> str:
    if resumed:
        return _("▶️ {name}'s reminders are running again.").format(name=escape(name))
    if paused:
        return _("⏸ {name} paused their reminders. You may want to check in with them.").format(
            name=escape(name)
        )
    return _(
        "⏸ {name} is no longer receiving reminders from me. You may want to check in with them."
    ).format(name=escape(name))


def recorded_for(name: str | None, recorded: str) -> str:
    """A caregiver's confirmation for a patient (`name` None when Telegram had none), above
    what was recorded."""
    return (
        _("Recorded for {name}; they are told it was you.").format(
            name=escape(name or the_patient())
        )
        + "\n"
        + recorded
    )
