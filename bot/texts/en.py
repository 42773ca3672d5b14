"""English texts. Sentences are written for this project from the facts in shared/reference;
where the bot reads beyond the label (month ends, re-timing) it says so."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from html import escape, unescape
from zoneinfo import ZoneInfo

from bot.domain.adherence import Recent, Status
from bot.domain.answers import DateProblem
from bot.domain.broadcast import Audience, Tally
from bot.domain.broadcast import Status as BroadcastStatus
from bot.domain.checklist import Check
from bot.domain.checklist import Item as ChecklistItem
from bot.domain.schedule import PlannedDose

NOT_MEDICAL_ADVICE = (
    "<i>This bot helps you keep track; it does not replace advice from your doctor, nurse "
    "or pharmacist.</i>"
)
TIMING_IS_OUR_READING = (
    "The label gives the rhythm: weeks 0, 1 and 2, then once a month from week 4. How month "
    "ends and late or early doses move the later dates is this bot's reading of it, so please "
    "check the timing with your doctor."
)

# --- enrolment ---------------------------------------------------------------------------

CONSENT = (
    "👋 Hello! I'm a companion for people on <b>Kesimpta</b> (ofatumumab). I work out your "
    "dose dates and help you stay on rhythm.\n\n"
    "To do that I need to store, linked to your Telegram account:\n"
    "• your time zone and the time you'd like reminders,\n"
    "• the dates of your injections, and the ones you confirm later.\n\n"
    "I use this only to plan and remind you. Nothing is shared with anyone unless you invite "
    "them. /deletedata erases all of it at any time.\n\n"
    "Do you agree? Tap a button or type <b>yes</b>."
)
CONSENT_AGREE_BUTTON = "✅ I agree"
CONSENT_DECLINE_BUTTON = "✖️ No thanks"
CONSENT_DECLINED = (
    "No problem, I haven't stored anything about you. You can still read /about and /help, "
    "and send /start whenever you change your mind."
)

ASK_TIME_ZONE = (
    "🌍 Which time zone do you live in? I need it to remind you at your local time.\n\n"
    "Type its name (for example <code>Europe/Berlin</code> or <code>America/New_York</code>), "
    "tap one below, or share your location (I only keep the time zone, not where you are)."
)
SHARE_LOCATION_BUTTON = "📍 Share my location"
COMMON_ZONES = (
    ("Europe/London", "Europe/Berlin"),
    ("Europe/Paris", "Europe/Madrid"),
    ("America/New_York", "America/Chicago"),
    ("America/Denver", "America/Los_Angeles"),
    ("Australia/Sydney", "Asia/Kolkata"),
)
ZONE_UNKNOWN = (
    "I don't know the time zone “{text}”. Please type a name like <code>Europe/Rome</code> or "
    "<code>America/Toronto</code> (region/city), tap one of the buttons, or share your location."
)
LOCATION_WITHOUT_ZONE = (
    "I couldn't find a time zone for that spot (the open sea, perhaps?). Please type your time "
    "zone's name, for example <code>Europe/Berlin</code>."
)


def zone_confirmed(zone: str, local_now: datetime) -> str:
    return f"Time zone: <b>{zone}</b>. It's {local_now:%H:%M} there now ({local_now:%A})."


ASK_FIRST_INJECTION = (
    "💉 When is (or was) your <b>first</b> Kesimpta injection?\n\n"
    "Type the date as <code>YYYY-MM-DD</code>, or <b>today</b> or <b>tomorrow</b>, or pick it "
    "below. If you're already on treatment, give the date you started."
)
ASK_LAST_INJECTION = (
    "You started on {first}. When was your <b>most recent</b> injection?\n\n"
    "Type <code>YYYY-MM-DD</code>, <b>today</b> or <b>yesterday</b>, or pick it below. "
    "I'll continue your plan from there."
)
DATE_UNREADABLE = (
    "I couldn't read “{text}” as a date. Please use the form <code>YYYY-MM-DD</code> (for "
    "example <code>{example}</code>){keywords}."
)
DATE_PROBLEMS = {
    DateProblem.BEFORE_APPROVAL: (
        "That's before Kesimpta was first approved (2020-08-20), so it can't be right."
    ),
    DateProblem.TOO_FAR_AHEAD: "That's more than a year ahead; please give a nearer date.",
    DateProblem.IN_FUTURE: "That date is in the future; please give the date it happened.",
    DateProblem.BEFORE_FIRST_INJECTION: "That's before your first injection ({first}).",
}


def date_unreadable(text: str, example: date, keywords: tuple[str, ...]) -> str:
    words = ", or " + " / ".join(f"<b>{word}</b>" for word in keywords) if keywords else ""
    return DATE_UNREADABLE.format(text=escape(shorten(text)), example=example, keywords=words)


def ask_which_dose(day: date, candidates: tuple[int, ...]) -> str:
    options = " or ".join(f"dose {n} ({dose_phase(n)})" for n in candidates)
    return (
        f"Your injection on {day} falls between two planned dates. Was it {options}? "
        "Tap a button or type the number."
    )


WHICH_DOSE_UNCLEAR = "Please tap one of the buttons, or type just the dose number ({choices})."


def which_dose_button(number: int) -> str:
    return f"Dose {number} · {dose_phase(number)}"


ASK_REMINDER_TIME = (
    "⏰ At what local time should I remind you on dose days? Type it as <code>HH:MM</code> on "
    "the 24-hour clock (for example <code>09:00</code> or <code>19:30</code>), or tap one below."
)
COMMON_TIMES = (("08:00", "09:00", "10:00"), ("12:00", "18:00", "20:00"))
TIME_UNREADABLE = (
    "“{text}” isn't a time I can use. Please type it as <code>HH:MM</code> on the 24-hour clock, "
    "for example <code>08:30</code> or <code>21:00</code>."
)


def time_unreadable(text: str) -> str:
    return TIME_UNREADABLE.format(text=escape(shorten(text)))


ENROLLED = (
    "🎉 You're all set. Here is your plan. /next shows the next dose, /settings changes your "
    "reminder time or time zone, /help lists everything I can do."
)
ENROLMENT_RESUMED = "Let's pick up where we left off."
NOT_ENROLLED = "You haven't signed up yet. Send /start to set up your dose plan."
BUTTON_EXPIRED = "This button is no longer active."
PICKED = "Picked {day}."

# --- schedule ----------------------------------------------------------------------------

STATUS_MARKS = {
    Status.BEFORE_ENROLMENT: ("☑️", "before enrolment"),
    Status.ON_TIME: ("✅", "on time"),
    Status.EARLY: ("✅", "early"),
    Status.LATE: ("✅", "late"),
    Status.MISSED: ("❌", "missed: inject as soon as possible"),
    Status.OVERDUE: ("⚠️", "overdue: inject as soon as possible"),
    Status.DUE_TODAY: ("⏳", "due today"),
    Status.UPCOMING: ("▫️", "upcoming"),
}


def dose_phase(number: int) -> str:
    return f"loading {number}/3" if number <= 3 else f"monthly {number - 3}"


def schedule_line(dose: PlannedDose, status: Status) -> str:
    mark, label = STATUS_MARKS[status]
    day = dose.taken if dose.taken is not None else dose.planned
    extra = " (provisional)" if dose.provisional else ""
    if dose.taken is not None and dose.taken != dose.planned and not dose.before_enrolment:
        label = f"{label}, planned {_short(dose.planned)}"
    return f"{mark} Dose {dose.number} · {dose_phase(dose.number)} · <b>{day}</b> · {label}{extra}"


def _short(day: date) -> str:
    return f"{day:%d %b}"


def undocumented_doses(count: int) -> str:
    noun = "injection" if count == 1 else "injections"
    return f"☑️ … {count} more {noun} before enrolment (dates not recorded)"


def schedule_header(zone: str, reminder: time, paused: bool) -> str:
    state = "⏸ reminders paused" if paused else f"reminders at {reminder:%H:%M}"
    return f"📅 <b>Your Kesimpta plan</b> ({zone}, {state})"


PROVISIONAL_NOTE = (
    "A dose is overdue, so the dates marked provisional assume you inject it today; they will "
    "follow the day you actually inject it."
)


def next_dose(
    dose: PlannedDose, status: Status, reminder_at_local: datetime, left: timedelta, zone: str
) -> str:
    phase = dose_phase(dose.number)
    if status in (Status.OVERDUE, Status.MISSED):
        return (
            f"⚠️ Dose {dose.number} ({phase}) was due on <b>{dose.planned}</b> and isn't recorded "
            "yet. Inject it as soon as you can, then check the timing of the next doses with "
            "your doctor. If your doctor told you to wait (for example during an infection), "
            "you can pause reminders in /settings."
        )
    when = "today" if status is Status.DUE_TODAY else f"{dose.planned:%A}"
    return (
        f"💉 Next: <b>dose {dose.number}</b> ({phase}) on <b>{dose.planned}</b> ({when}).\n"
        f"Reminder at {reminder_at_local:%H:%M} {zone}: {time_left(left)}."
    )


def time_left(left: timedelta) -> str:
    if left <= timedelta(0):
        return "the reminder time has passed"
    minutes = int(left.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days} d"] if days else []
    if hours or days:
        parts.append(f"{hours} h")
    if not days:
        parts.append(f"{minutes} min")
    return "in " + " ".join(parts)


def status_summary(next_line: str) -> str:
    return f"Welcome back!\n\n{next_line}\n\n/schedule · /next · /settings · /help"


# --- settings ----------------------------------------------------------------------------


def settings_overview(zone: str, reminder: time, paused: bool, discreet: bool) -> str:
    state = "⏸ paused" if paused else "▶️ active"
    style = "discreet (no medicine name)" if discreet else "with the medicine's name"
    return (
        "⚙️ <b>Settings</b>\n"
        f"Reminder time: <b>{reminder:%H:%M}</b>\n"
        f"Time zone: <b>{zone}</b>\n"
        f"Reminders: <b>{state}</b>, {style}\n\n"
        "Changes apply to upcoming doses; injections already recorded keep their dates."
    )


SETTINGS_TIME_BUTTON = "⏰ Reminder time"
SETTINGS_ZONE_BUTTON = "🌍 Time zone"
SETTINGS_PAUSE_BUTTON = "⏸ Pause reminders"
SETTINGS_RESUME_BUTTON = "▶️ Resume reminders"
SETTINGS_DISCREET_BUTTON = "🙈 Discreet reminders"
SETTINGS_NAMED_BUTTON = "💊 Name the medicine in reminders"
ASK_NEW_REMINDER_TIME = (
    "Type the new reminder time as <code>HH:MM</code> (24-hour clock), or <b>cancel</b>."
)
ASK_NEW_TIME_ZONE = (
    "Type your time zone's name (for example <code>Europe/Lisbon</code>), tap one below, or "
    "share your location. Type <b>cancel</b> to keep the current one."
)
SETTINGS_CANCELLED = "Nothing changed."


def reminder_time_changed(reminder: time, zone: str) -> str:
    return f"✅ Reminders now come at <b>{reminder:%H:%M}</b> ({zone}) on upcoming dose days."


def time_zone_changed(zone: str, local_now: datetime) -> str:
    return (
        f"✅ Time zone changed to <b>{zone}</b> (it's {local_now:%H:%M} there now). Upcoming "
        "reminders follow it; injections already recorded keep their dates."
    )


PAUSED = (
    "⏸ Reminders are paused. Do this only if your doctor told you to wait (for example "
    "during an infection). Resume in /settings when you're ready."
)
RESUMED = "▶️ Reminders are back on."

# --- information and account ---------------------------------------------------------------

HELP = (
    "<b>What I can do</b>\n"
    "/start – sign up, or see where you are\n"
    "/schedule – your dose plan, past and upcoming\n"
    "/next – your next dose and when I'll remind you\n"
    "/taken – record your due dose (add a date for an earlier day)\n"
    "/history – your injections: on time, late, missed; and your diary\n"
    "/log – note a side effect in your diary\n"
    "/export – your doses and diary as a spreadsheet, and a calendar file\n"
    "/pen – a pen came out of the fridge: I'll count its days at room temperature\n"
    "/settings – reminder time, time zone, pause or resume, your alerts\n"
    "/invite – a link for a caregiver · /caregivers – yours\n"
    "/patients – people you follow as a caregiver · /leave – stop following\n"
    "/sideeffects · /precautions · /howto · /storage · /missed · /faq – about Kesimpta\n"
    "/about – what this bot is, and what it stores\n"
    "/myid – your Telegram id\n"
    "/support – write to the support team (about the bot, not medical questions)\n"
    "/deletedata – erase everything I store about you\n\n" + NOT_MEDICAL_ADVICE
)
STAFF_HELP = (
    "\n\n<b>Support staff</b>\n"
    "/broadcast &lt;text&gt; – a notice to users, with a preview first\n"
    "/broadcasts – recent broadcasts and their outcome\n"
    "/stats – aggregate figures"
)
ABOUT = (
    "<b>About this bot</b>\n"
    "An unofficial companion for people treated with Kesimpta (ofatumumab) for relapsing "
    "multiple sclerosis. It works out your dose dates and helps you keep the rhythm. It is not "
    "made by the manufacturer and it gives no medical advice: for anything about your health "
    "or your treatment, ask your doctor, nurse or pharmacist. In an emergency call your local "
    "emergency number (112 in Europe, 911 in North America).\n\n"
    "<b>What it stores</b>: your Telegram id, time zone, reminder time and the injection dates "
    "you give or confirm (with where you injected, if you say), the notes you /log, when a "
    "pen came out of the fridge (/pen), your "
    "answers while you sign up, and the caregivers you approve. Caregivers you approve see "
    "your dose dates, never your notes or injection sites; nothing is shared with anyone else. "
    "/deletedata erases all of it.\n\n" + TIMING_IS_OUR_READING
)


def my_id(user_id: int) -> str:
    return f"Your Telegram id is <code>{user_id}</code>."


CONFIRM_ERASE = (
    "🗑 This erases everything I store about you: your plan, your recorded injections, your "
    "diary notes and your settings. It can't be undone. Are you sure?"
)
ERASE_BUTTON = "✅ Yes, erase everything"
KEEP_BUTTON = "✖️ Keep my data"
ERASED = (
    "Done: everything I stored about you is erased. Send /start if you ever want to begin again."
)
NOTHING_TO_ERASE = "I don't store anything about you, so there's nothing to erase."
ERASE_KEPT = "Nothing was erased."
FALLBACK = "I didn't understand that. /help lists what I can do."
CAREGIVER_FALLBACK = (
    "I didn't understand that. /patients shows the people you follow, /settings your alerts, "
    "/help everything else."
)
STAFF_ONLY = "Sorry, that command is for the support team only."
SOMETHING_WENT_WRONG = "Sorry, something went wrong on my side. Please try again in a moment."


STATS_COUNTING = "📊 Counting… (every patient's plan is worked out; this can take a moment)"


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
    doses_as_of: datetime,
) -> str:
    return (
        "📊 <b>Figures</b> (counts only)\n"
        f"Patients enrolled: {patients} ({paused} with reminders paused)\n"
        f"Caregivers (approved): {caregivers}\n"
        f"Active users: {active} · inactive (blocked the bot): {inactive}\n"
        f"Sign-ups in progress: {enrolling}\n"
        f"Reminders and alerts waiting to be sent: {pending}\n\n"
        f"<b>Doses, last {days} days</b> (worked out at {doses_as_of:%H:%M} UTC)\n"
        f"Confirmed on time: {doses.on_time}\n"
        f"Confirmed early: {doses.early}\n"
        f"Confirmed late: {doses.late}\n"
        f"Missed (not confirmed): {doses.missed}"
    )


# --- broadcasts (staff) ------------------------------------------------------------------

BROADCAST_USAGE = (
    "Write the notice after the command, for example:\n"
    "<code>/broadcast The bot will be down for maintenance tonight from 22:00 to 22:30.</code>\n\n"
    "Several lines are fine, and Telegram's HTML formatting works: &lt;b&gt;bold&lt;/b&gt;, "
    '&lt;i&gt;italic&lt;/i&gt;, &lt;a href="https://…"&gt;a link&lt;/a&gt;. '
    "You'll see a preview before anything is sent."
)
BROADCAST_PREVIEW_INTRO = (
    "👀 Here is the notice exactly as people will see it. Choose who gets it, then press ✅ to "
    "send, or cancel."
)
BROADCAST_CANCELLED = "Broadcast cancelled: nothing was sent."
BROADCAST_STOPPING = "Stopping: nobody else will get it. The report follows."
NOT_YOUR_BROADCAST = "Only the staff member who wrote this broadcast can use its buttons."
CANCEL_BROADCAST_BUTTON = "✖️ Cancel"
STOP_BROADCAST_BUTTON = "⏹ Stop sending"
NO_BROADCASTS = "No broadcasts yet. /broadcast &lt;text&gt; writes one."
BROADCASTS_HEADER = "📣 <b>Recent broadcasts</b> (newest first)"
AUDIENCE_NAMES = {"everyone": "Everyone", "patients": "Patients", "caregivers": "Caregivers"}
BROADCAST_STATES = {
    "draft": "not sent yet",
    "sending": "sending",
    "done": "sent",
    "stopped": "stopped",
    "cancelled": "cancelled, nothing sent",
}


def broadcast_formatting_problem(problem: str) -> str:
    return (
        f"⚠️ I can't send that: {escape(problem)}.\n\n"
        "Telegram understands &lt;b&gt;, &lt;i&gt;, &lt;u&gt;, &lt;s&gt;, &lt;code&gt;, "
        '&lt;pre&gt;, &lt;blockquote&gt;, &lt;a href="…"&gt; and '
        "&lt;tg-spoiler&gt;; write a literal &lt; as &amp;lt;. Nothing was sent."
    )


def audience_button(audience: Audience, size: int, chosen: bool) -> str:
    name = AUDIENCE_NAMES[str(audience)]
    return f"{'🔘' if chosen else '⚪️'} {name} ({size})"


def send_broadcast_button(size: int) -> str:
    return f"✅ Send to {size} {'person' if size == 1 else 'people'}"


def broadcast_started(total: int) -> str:
    return f"Sending to {total} {'person' if total == 1 else 'people'}…"


def broadcast_state(status: str) -> str:
    return f"This broadcast is {BROADCAST_STATES.get(status, status)}."


def progress_button(tally: Tally, sending: bool) -> str:
    done, total = tally.done, tally.total
    delivered = tally.delivered
    if sending:
        return f"📤 Sending… {done} of {total}"
    return f"✅ Delivered to {delivered} of {total}"


def broadcast_figures(tally: Tally) -> str:
    return (
        f"{tally.delivered} delivered, {tally.failed} failed, "
        f"{tally.blocked} blocked, of {tally.total}"
    )


def duration_text(duration: timedelta) -> str:
    seconds = max(int(duration.total_seconds()), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {seconds} s"
    return f"{seconds} s"


def broadcast_report(number: int, tally: Tally, duration: timedelta, *, stopped: bool) -> str:
    dropped = tally.cancelled
    lines = [
        f"📣 <b>Broadcast #{number} {'stopped' if stopped else 'finished'}</b>",
        f"Delivered: {tally.delivered} of {tally.total}",
        f"Failed: {tally.failed}",
        f"Blocked the bot: {tally.blocked} (now marked inactive)",
    ]
    if dropped:
        lines.append(f"Not sent (stopped): {dropped}")
    lines.append(f"Duration: {duration_text(duration)}")
    return "\n".join(lines)


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
    outcome = BROADCAST_STATES.get(str(status), str(status))
    if str(status) in ("sending", "done", "stopped"):
        outcome += " · " + broadcast_figures(tally)
    return (
        f"<b>#{number}</b> · {created:%Y-%m-%d %H:%M} UTC · by {escape(sender_name)} "
        f"(<code>{sender_id}</code>) · to {AUDIENCE_NAMES[str(audience)].lower()}\n"
        f"{outcome}\n"
        f"<i>{escape(shorten(plain_text(text), 80))}</i>"
    )


def plain_text(html_text: str) -> str:
    """The words of an HTML notice without its tags, for a one-line summary."""
    return unescape(re.sub(r"<[^>]*>", "", html_text))


# --- support -----------------------------------------------------------------------------

SUPPORT_USAGE = (
    "To write to the support team, put your message after the command, for example:\n"
    "<code>/support I changed phones and stopped getting reminders.</code>\n\n"
    "They'll answer here, in this chat. Please don't include health details they don't need; "
    "for medical questions, ask your doctor or pharmacist."
)
SUPPORT_SENT = "📨 Sent to the support team. Their answer will arrive here, in this chat."
SUPPORT_UNREACHABLE = "Sorry, I couldn't reach the support team just now. Please try again later."
SUPPORT_TOO_OFTEN = (
    "You've written to the support team several times in the last day; they'll answer as soon "
    "as they can. Please wait for their reply before writing again."
)
ANSWER_BUTTON = "↩️ Answer"
CANCEL_ANSWER_BUTTON = "✖️ Don't answer"
ANSWER_DROPPED = "Okay, no answer sent."
SUPPORT_REQUEST_GONE = (
    "That person has since deleted their data or the request no longer exists; nothing was sent."
)
ANSWER_BLOCKED = "Not delivered: that person has blocked the bot."
ANSWER_NOT_NOW = "Telegram didn't take the answer just now; please send it again in a moment."


def support_too_long(limit: int) -> str:
    return f"That's a bit long for one request: please keep it under {limit} characters."


def support_request(number: int, text: str) -> str:
    return (
        f"💬 <b>Support request #{number}</b>\n\n{escape(text)}\n\n"
        "<i>Answer with the button, or reply to this message. The answer goes out from the bot, "
        "without your name.</i>"
    )


def answer_prompt(number: int) -> str:
    return (
        f"Write your answer to request #{number}. It goes to them from the bot, without your name."
    )


def support_answer(text: str) -> str:
    return (
        f"💬 <b>Answer from the support team</b>\n\n{escape(text)}\n\n"
        "<i>To write again: /support followed by your message.</i>"
    )


def answer_delivered(number: int) -> str:
    return f"✅ Your answer to request #{number} was delivered."


def shorten(text: str, limit: int = 40) -> str:
    """Echo only the start of what someone typed, so a huge message isn't sent back."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- reminders ---------------------------------------------------------------------------


def medicine(discreet: bool) -> str:
    """Discreet mode keeps the medicine's name off lock screens."""
    return "your injection" if discreet else "your Kesimpta injection"


def heads_up(number: int, planned: date, at: time, discreet: bool) -> str:
    return (
        f"📅 Tomorrow, <b>{planned}</b>, is dose {number} ({dose_phase(number)}) of "
        f"{medicine(discreet)}. I'll remind you at {at:%H:%M}."
    )


def take_out(number: int, discreet: bool) -> str:
    pen = "your pen" if discreet else "your Kesimpta pen"
    return (
        f"🧊 Time to take {pen} out of the fridge: it should sit at room temperature for "
        "15–30 minutes before you inject. Don't shake it, and keep it in its carton, away from "
        f"light. Dose {number} reminder in 30 minutes."
    )


FIRST_DOSE_NOTE = (
    "\nThe first injection is usually given under the guidance of a healthcare professional."
)


def dose_reminder(number: int, planned: date, *, late: bool, discreet: bool, snoozed: bool) -> str:
    lead = "⏰ Reminder, as you asked:" if snoozed else "💉 It's time for"
    text = (
        f"{lead} dose {number} ({dose_phase(number)}) of {medicine(discreet)}, planned {planned}."
    )
    if late:
        text += "\n(This reminder comes late: I couldn't send it on time.)"
    if number == 1:
        text += FIRST_DOSE_NOTE
    return text + "\n\nTap ✅ once you've injected, or reply <b>done</b> to this message."


def follow_up(number: int, planned: date, discreet: bool) -> str:
    return (
        f"👋 Just checking: have you injected dose {number} ({medicine(discreet)}) planned "
        f"{planned}? Tap ✅ when it's done."
    )


def missed(number: int, planned: date, discreet: bool) -> str:
    return (
        f"❗ Dose {number} ({medicine(discreet)}), planned {planned}, looks missed: it isn't "
        "recorded 24 hours after its reminder.\n\n"
        "Inject it as soon as you can; don't wait for the next date. Please check the timing of "
        "your next doses with your doctor. If your doctor told you to wait (for example during "
        "an infection), tap “Not yet / a problem” to pause reminders."
    )


def overdue(number: int, planned: date, discreet: bool) -> str:
    return (
        f"⚠️ Dose {number} ({medicine(discreet)}), planned {planned}, is still not recorded. "
        "Inject it as soon as you can, then tap ✅. Your next doses will count from the day you "
        "inject it; check the timing with your doctor."
    )


CONFIRM_BUTTON = "✅ Done, I injected"
SNOOZE_BUTTONS = (("1h", "⏰ 1 h"), ("3h", "⏰ 3 h"), ("tomorrow", "⏰ Tomorrow"))
PROBLEM_BUTTON = "🤔 Not yet / a problem"


def recorded(number: int, taken_on: date, next_number: int, next_planned: date) -> str:
    return (
        f"✅ Dose {number} recorded as injected on <b>{taken_on}</b>.\n"
        f"Next: dose {next_number} ({dose_phase(next_number)}) on <b>{next_planned}</b>."
    )


ALREADY_RECORDED = "This dose is already recorded."


def not_due_yet(number: int, planned: date) -> str:
    return (
        f"Your next dose, dose {number}, is planned for {planned}. If you injected it early, "
        "record it with /taken."
    )


NOT_A_REMINDER = (
    "I can only record a dose from a reply to one of your dose reminders. Use /taken to record "
    "your due dose."
)
STALE_DOSE_BUTTON = "This reminder is out of date: the plan has changed. See /next."
CORRECT_BUTTON = "📅 I injected on another day"
UNDO_BUTTON = "↩️ Undo"
ASK_WHO = "Who gave the injection?"
WHO_BUTTONS = (
    ("self", "🙋 I did"),
    ("caregiver", "🤝 A caregiver"),
    ("professional", "🩺 A healthcare professional"),
)
ASK_SITE = "Where was it injected?"
SITE_NAMES = {
    "thigh_left": "left thigh",
    "thigh_right": "right thigh",
    "abdomen_left": "left side of the belly",
    "abdomen_right": "right side of the belly",
    "arm_left": "left upper arm",
    "arm_right": "right upper arm",
}


def site_noted(site: str, suggestion: str) -> str:
    return (
        f"📍 Noted: {SITE_NAMES[site]}. Next time, try the {SITE_NAMES[suggestion]}, so each "
        "spot gets a rest. (Front of the thigh, or the belly at least 5 cm from the navel; the "
        "upper arm only when someone else injects.)"
    )


ASK_CORRECT_DATE = (
    "On which day did you inject dose {number}? Tap one, or type <code>YYYY-MM-DD</code> "
    "(or <b>today</b> / <b>yesterday</b>). Type <b>cancel</b> to keep {taken_on}."
)
CORRECTION_DAYS = (("0", "Today"), ("1", "Yesterday"), ("2", "2 days ago"), ("3", "3 days ago"))


def undone(number: int) -> str:
    return f"↩️ Undone: dose {number} is no longer recorded."


CANNOT_UNDO = "That can't be undone any more: a later dose is recorded after it."

TAKEN_PROBLEMS = {
    "in_future": "That date is in the future; I can only record injections that happened.",
    "before_previous_dose": "That's not after your previous recorded injection.",
    "after_next_dose": "That's after your next recorded injection.",
    "before_first_approval": "That's before Kesimpta was first approved (2020-08-20).",
}
TAKEN_USAGE = (
    "Send /taken to record your due dose as injected today, or /taken <code>YYYY-MM-DD</code> "
    "for an earlier day."
)


def problem_advice(number: int) -> str:
    return (
        f"No problem. About dose {number}:\n"
        "• If you simply haven't had time, inject as soon as you can; don't wait for the next "
        "date. The following doses then count from the day you inject (check the timing with "
        "your doctor).\n"
        "• If your doctor told you to wait, for example because you have an infection, you can "
        "pause reminders and resume them in /settings when you're cleared.\n"
        "• Signs of infection, or anything that worries you: contact your doctor. In an "
        "emergency, call your local emergency number (112 in Europe, 911 in North America)."
    )


PAUSE_BUTTON = "⏸ Pause reminders (doctor said wait)"
SNOOZED_UNTIL = "⏰ OK, I'll remind you again at {when:%H:%M} on {when:%Y-%m-%d}."

# --- history -----------------------------------------------------------------------------

HISTORY_HEADER = "📖 <b>Your injections</b>"
DIARY_HEADER = "📝 <b>Your diary</b> (latest first)"
DIARY_ASK = (
    "📝 What did you notice? Pick one, or write it after the command, for example "
    "<code>/log headache since this morning</code>."
)
DIARY_CHOICES = {
    "headache": "🤕 Headache",
    "fever": "🌡 Fever or chills",
    "site": "🔴 Redness or swelling where I injected",
    "tired": "😴 Tiredness or aching muscles",
}
DIARY_NOTES = {
    "headache": "headache",
    "fever": "fever or chills",
    "site": "redness or swelling at the injection site",
    "tired": "tiredness or aching muscles",
}


def diary_noted(day: date, text: str) -> str:
    return (
        f"📝 Noted in your diary for {day:%Y-%m-%d}: <i>{escape(text)}</i>. /history shows it.\n\n"
        "If it is getting worse, or if you have a fever, chills or other signs of an infection, "
        "contact your doctor promptly (/sideeffects). Trouble breathing or swelling of the face, "
        "lips, tongue or throat: call emergency services at once (112 in Europe, 911 in North "
        "America, otherwise your local emergency number)."
    )


EXPORT_CSV = (
    "📄 Your doses and diary notes as a spreadsheet (CSV). Only you have it; share it with your "
    "doctor if you like."
)
EXPORT_ICS = (
    "📅 Your next doses as a calendar file: open it to add them to your phone's calendar. If a "
    "dose is late the dates after it move, so export again after that (/schedule is always "
    "current)."
)
CALENDAR_DESCRIPTION = (
    "Planned by the Kesimpta companion bot. Dates after a late dose move: /schedule in the bot "
    "is always current. Check the timing with your doctor."
)


def calendar_title(discreet: bool) -> str:
    return "Injection" if discreet else "Kesimpta injection"


CHECKIN_ANSWERS = {
    "fine": "😊 Fine",
    "fever": "🤒 Fever, chills or aching",
    "worse": "😣 A reaction that gets worse",
    "breath": "🚨 Trouble breathing, or a swollen face or throat",
}
CHECKIN_NOTES = {
    "fine": "went fine",
    "fever": "fever, chills or aching",
    "worse": "a reaction getting worse",
    "breath": "trouble breathing or swelling of the face or throat",
}
CHECKIN_REPLIES = {
    "emergency": (
        "🚑 <b>Call emergency services now</b>: 112 in Europe, 911 in North America, otherwise "
        "your local emergency number. Trouble breathing or swelling of the face, lips, tongue "
        "or throat can be a severe allergic reaction. Then tell your doctor."
    ),
    "doctor": (
        "🩺 Please contact your doctor promptly and tell them about it: fever, chills or a "
        "reaction that gets worse should be looked at. If you have trouble breathing or "
        "swelling of the face or throat, call emergency services (112 / 911). I've noted it in "
        "your diary (/history)."
    ),
    "diary": (
        "📝 Thanks, noted in your diary (/history). Reactions after the first injections are "
        "common and usually mild; if something gets worse, tell your doctor."
    ),
}


def checkin_question(number: int, discreet: bool) -> str:
    what = "injection" if discreet else "Kesimpta injection"
    return (
        f"👋 How did your {what} (dose {number}) go? Tap what fits, or reply to this message in "
        "your own words. In the first weeks, fever, headache, aching muscles, chills or "
        "tiredness within a day of an injection are common."
    )


def checkin_note(number: int, answer: str) -> str:
    return f"check-in after dose {number}: {answer}"


CHECK_NAMES = {
    "hepatitis_b": "a hepatitis B blood test",
    "immunoglobulins": "a blood test of your immunoglobulins (antibodies)",
    "live_vaccines": "any live or live-attenuated vaccine you need",
    "inactivated_vaccines": "any other (inactivated) vaccine you need",
}


def checklist_overview(items: list[ChecklistItem]) -> str:
    lines = [
        "📋 <b>Before your first injection</b>, your doctor usually checks these. I'll remind "
        "you a week before each date:"
    ]
    for item in items:
        name = CHECK_NAMES[item.check.value]
        if item.too_late:
            lines.append(
                f"• {name}: it should have been done by {item.deadline:%Y-%m-%d}. If it wasn't, "
                "talk to your doctor before the first injection."
            )
        else:
            lines.append(f"• {name}: by {item.deadline:%Y-%m-%d}")
    lines.append("\n/precautions explains why. " + NOT_MEDICAL_ADVICE)
    return "\n".join(lines)


def checklist_reminder(check: Check, deadline: date, first_injection: date) -> str:
    return (
        f"📋 Before your first injection on {first_injection:%Y-%m-%d}: "
        f"{CHECK_NAMES[check.value]} should be done by {deadline:%Y-%m-%d}. If it's already done "
        "or your doctor decided otherwise, nothing to do. /precautions explains why."
    )


PEN_TOO_WARM_BUTTON = "🌡 It got warmer than 30 °C"
PEN_TOO_WARM = (
    "🌡 Above 30 °C the pen can't be trusted any more: please don't use it. Throw it away as "
    "your pharmacy advises and use a new pen from the fridge (/pen when it comes out). "
    "/storage has the details."
)


def _local(moment: datetime, zone: str) -> str:
    return f"{moment.astimezone(ZoneInfo(zone)):%a %Y-%m-%d %H:%M}"


def pen_started(removed_at: datetime, discard_at: datetime, zone: str) -> str:
    return (
        f"🧊➡️ Noted: a pen came out of the fridge on {_local(removed_at, zone)}.\n"
        f"It may stay at room temperature (never above 30 °C) until {_local(discard_at, zone)}: "
        "one period of 7 days, which putting it back in the fridge does not restart. I'll "
        "remind you on day 6, and I stop as soon as you record the injection (/taken)."
    )


def pen_status(day: int, removed_at: datetime, discard_at: datetime, zone: str) -> str:
    return (
        f"🧊 Your pen has been out of the fridge since {_local(removed_at, zone)}: this is day "
        f"{day} of 7. It may stay out (never above 30 °C) until {_local(discard_at, zone)}. "
        "Putting it back in the fridge doesn't restart the count."
    )


def pen_last_days(discard_at: datetime, zone: str, discreet: bool) -> str:
    what = "Your pen" if discreet else "Your Kesimpta pen"
    return (
        f"⏳ {what} has been out of the fridge for 5 days: it may stay out until "
        f"{_local(discard_at, zone)}. Plan your injection before then."
    )


def pen_discard(discreet: bool) -> str:
    what = "the pen" if discreet else "the Kesimpta pen"
    return (
        f"🗑 The 7 days are over for {what} that came out of the fridge: please don't use it. "
        "Throw it away as your pharmacy advises and take a new one (/pen when it comes out). "
        "If you already injected with it, record it with /taken."
    )


def diary_too_long(limit: int) -> str:
    return f"That's a bit long for the diary: please keep it under {limit} characters."


def diary_line(day: date, text: str) -> str:
    return f"{day:%Y-%m-%d} · {escape(text)}"


NO_HISTORY = "No injections recorded yet. /next shows your first one."


def history_line(number: int, planned: date, taken: date | None, status: Status) -> str:
    mark, label = STATUS_MARKS[status]
    actual = f"injected {taken}" if taken else "not recorded"
    return f"{mark} Dose {number} · planned {planned} · {actual} · {label}"


def history_counts(on_time: int, early: int, late: int, missed_now: int) -> str:
    return f"\nOn time: {on_time} · early: {early} · late: {late} · missed (open): {missed_now}"


# --- caregivers --------------------------------------------------------------------------

THE_PATIENT = "the person you follow"
A_CAREGIVER = "a caregiver"
INVITE_ONLY_PATIENTS = (
    "Only someone signed up with their own dose plan can invite caregivers. Send /start to sign up."
)


def invite_link(link: str, hours: int) -> str:
    return (
        "🤝 Send this link to the person who helps you (a partner, a parent, a nurse):\n"
        f"{link}\n\n"
        f"It works once, for {hours} hours. When they open it, I'll ask you to approve them. "
        "Once approved they get an alert if a dose is missed and, if they wish, when one is "
        "recorded. They never see your injection sites or notes. /caregivers lists them and "
        "lets you remove anyone at any time."
    )


REVOKE_INVITE_BUTTON = "❌ Cancel this invite"
INVITE_REVOKED = "This invite is cancelled: the link no longer works."
INVITE_PROBLEMS = {
    "unknown": "This invite link isn't valid. Please ask for a new one.",
    "expired": "This invite link has expired (they last 48 hours). Please ask for a new one.",
    "used": "This invite link was already used. Please ask for a new one.",
    "revoked": "This invite was cancelled. Please ask for a new one if needed.",
    "own": "That's your own invite link: send it to the person who helps you.",
}


def waiting_for_approval(name: str) -> str:
    return (
        f"👋 {name} invited you to follow their Kesimpta injections. Once they approve you, "
        "you'll get an alert if a dose is missed and, unless you switch it off, when one is "
        "recorded. You won't see their injection sites or notes.\n\n"
        "⏳ Waiting for their approval."
    )


def already_following(name: str) -> str:
    return f"You already follow {name}. /patients shows their upcoming doses."


def approve_request(name: str) -> str:
    return (
        f"🤝 <b>{escape(name)}</b> opened your invite and would like to follow your injections "
        "(missed-dose alerts, and confirmations unless they switch them off). Approve?"
    )


APPROVE_BUTTON = "✅ Approve"
DECLINE_BUTTON = "❌ Decline"


def approved_for_patient(name: str) -> str:
    return f"✅ {escape(name)} now follows your injections. /caregivers to manage."


def declined_for_patient(name: str) -> str:
    return f"{escape(name)} was not added."


def approved_for_caregiver(name: str) -> str:
    return (
        f"✅ {escape(name)} approved you. You'll be told if a dose is missed. /patients shows "
        "their upcoming doses; /settings chooses your alerts; /leave stops following."
    )


def declined_for_caregiver(name: str) -> str:
    return f"{escape(name)} did not approve the request. Nothing about them is shared with you."


NO_CAREGIVERS = "No caregivers yet. /invite creates a link for one."
CAREGIVERS_HEADER = "🤝 <b>Your caregivers</b>"


def caregiver_line(name: str, approved: bool, may_confirm: bool) -> str:
    state = "approved" if approved else "waiting for your approval"
    extra = ", may confirm doses for you" if may_confirm else ""
    return f"• {escape(name)}: {state}{extra}"


def revoke_button(name: str) -> str:
    return f"❌ Remove {name}"


def allow_confirm_button(name: str, allowed: bool) -> str:
    return f"{'🔒 Stop' if allowed else '🔓 Let'} {name} confirm doses"


def confirm_revoke(name: str) -> str:
    return f"Remove {escape(name)}? They'll get no more alerts about you."


YES_REMOVE_BUTTON = "✅ Yes, remove"


def revoked_for_patient(name: str) -> str:
    return f"{escape(name)} no longer follows your injections."


def revoked_for_caregiver(name: str) -> str:
    return f"{escape(name)} removed you as a caregiver. You won't get alerts about them any more."


NOT_FOLLOWING = "You don't follow anyone. A patient can invite you with /invite."
PATIENTS_HEADER = "👥 <b>People you follow</b>"


def patient_summary(
    name: str,
    upcoming: list[tuple[int, date]],
    last: tuple[int, date] | None,
    on_time: int,
    late: int,
    missed: int,
) -> str:
    lines = [f"<b>{escape(name)}</b>"]
    if last is not None:
        lines.append(f"Last dose: dose {last[0]} on {last[1]}")
    for number, day in upcoming:
        lines.append(f"Next: dose {number} ({dose_phase(number)}) on {day}")
    lines.append(f"Adherence: on time {on_time}, late {late}, missed {missed}")
    return "\n".join(lines)


LEAVE_HEADER = "Stop following whom?"


def leave_button(name: str) -> str:
    return f"🚪 Stop following {name}"


def left_for_caregiver(name: str) -> str:
    return f"You no longer follow {name}."


def left_for_patient(name: str) -> str:
    return f"{escape(name)} stopped following your injections."


def caregiver_settings(name: str, confirmations: bool, heads_up: bool) -> str:
    return (
        f"🔔 <b>Alerts about {escape(name)}</b>\n"
        "Missed doses: always\n"
        f"Recorded doses: {'on' if confirmations else 'off'}\n"
        f"The day before a dose: {'on' if heads_up else 'off'}"
    )


def toggle_confirmations_button(on: bool) -> str:
    return f"{'🔕 Stop' if on else '🔔 Get'} recorded-dose alerts"


def toggle_heads_up_button(on: bool) -> str:
    return f"{'🔕 Stop' if on else '🔔 Get'} day-before alerts"


CAREGIVER_WELCOME = (
    "👋 Welcome back. You follow: {names}.\n\n"
    "/patients – their upcoming doses · /settings – your alerts · /leave – stop following\n"
    "If you take Kesimpta yourself too, tap below to set up your own plan."
)
SIGN_UP_MYSELF_BUTTON = "💉 I take Kesimpta too: sign me up"


def caregiver_missed(name: str, number: int, planned: date) -> str:
    return (
        f"❗ {escape(name)}'s dose {number}, planned {planned}, looks <b>missed</b>: it isn't "
        "recorded 24 hours after the reminder. They should inject as soon as possible and check "
        "the timing of the next doses with their doctor (or pause reminders if the doctor said "
        "to wait)."
    )


def confirm_for(name: str) -> str:
    return f"✅ {name} has injected"


def caregiver_heads_up(name: str, number: int, planned: date) -> str:
    return f"📅 Tomorrow, {planned}, is {escape(name)}'s dose {number} ({dose_phase(number)})."


def caregiver_confirmed(name: str, number: int, taken_on: date, by: str | None) -> str:
    who = f" (recorded by {escape(by)})" if by else ""
    return f"✅ {escape(name)}'s dose {number} was injected on {taken_on}{who}."


def confirmed_for_you(by: str, number: int, taken_on: date) -> str:
    return (
        f"✅ {escape(by)} recorded your dose {number} as injected on {taken_on}. "
        "/next shows what's next."
    )


def caregiver_reachability(name: str, resumed: bool, paused: bool) -> str:
    if resumed:
        return f"▶️ {escape(name)}'s reminders are running again."
    why = "paused their reminders" if paused else "is no longer receiving reminders from me"
    return f"⏸ {escape(name)} {why}. You may want to check in with them."


def recorded_for(name: str) -> str:
    return f"Recorded for {escape(name)}; they are told it was you."
