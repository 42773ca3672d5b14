"""Every word the patient's page (the Mini App, docs/webapp.md) shows, as one dictionary the page
fetches from `api/texts`. The page sets them as plain text (never as markup), so nothing here is
HTML and nothing needs escaping; `{name}` marks where the page puts a number or a date. Month
and weekday names come from the browser's `Intl` in the same language."""

from __future__ import annotations

from bot.texts.language import LANGUAGES, _, speaking


def page_words(language: str) -> dict[str, str]:
    """The page's words in `language` ("en", "de"; anything else gives English), by key."""
    with speaking(language):
        return {
            "title": _("Your injection plan"),
            "loading": _("Loading…"),
            "tab_plan": _("Dose plan"),
            "tab_adherence": _("Adherence"),
            "tab_diary": _("Diary"),
            "tab_settings": _("Settings"),
            # Errors and states without data
            "error_auth": _(
                "This page could not confirm who you are. Please close it and open it again "
                "from the bot's chat in Telegram."
            ),
            "error_network": _(
                "The bot could not be reached. Please check your connection and try again."
            ),
            "error_server": _("Something went wrong on the bot's side. Please try again later."),
            "not_enrolled": _(
                "You have not signed up for dose reminders yet. Send /start in the bot's chat, "
                "then open this page again."
            ),
            "retry": _("Try again"),
            # The next dose
            "next_dose": _("Next dose"),
            "dose_number": _("Dose {number}"),
            "phase_loading": _("Loading dose {index} of {of}"),
            "phase_monthly": _("Monthly dose {index}"),
            "reminder_at": _("Reminder at {time}"),
            "due_today": _("Due today"),
            "in_one_day": _("In 1 day"),
            "in_days": _("In {count} days"),
            "one_day_ago": _("Planned 1 day ago"),
            "days_ago": _("Planned {count} days ago"),
            "paused": _("Reminders are paused. Send /resume in the chat to restart them."),
            "no_next_dose": _("No dose is planned."),
            "confirm": _("✅ I injected this dose today"),
            "working": _("Saving…"),
            "undo": _("Undo the last recorded dose"),
            # Statuses, also the calendar's legend and the adherence counts
            "status_on_time": _("On time"),
            "status_early": _("Early"),
            "status_late": _("Late"),
            "status_missed": _("Missed"),
            "status_overdue": _("Overdue"),
            "status_due_today": _("Due today"),
            "status_upcoming": _("Upcoming"),
            "status_before_enrolment": _("Before sign-up"),
            "status_provisional": _("Provisional date"),
            "provisional_hint": _(
                "This date assumes the overdue dose is injected today; it moves when that dose "
                "is recorded."
            ),
            # The calendar
            "previous_month": _("Previous month"),
            "next_month": _("Next month"),
            "today": _("Today"),
            "legend": _("Legend"),
            "appointment": _("Appointment"),
            "pen_period": _("Pen out of the fridge"),
            "injected_here": _("A dose injected on this day, away from its planned date"),
            "planned_on": _("Planned for {date}"),
            "taken_on": _("Injected on {date}"),
            "nothing_on_day": _("Nothing planned on this day."),
            "swipe_hint": _("Swipe sideways to change the month; tap a day for its details."),
            # Adherence
            "chart_title": _("Days early (−) or late (+), dose by dose"),
            "chart_explained": _(
                "Each mark is one dose at its planned date: on the dashed line it was injected "
                "on time, above it late, below it early. A cross is a missed dose."
            ),
            "chart_empty": _("No injections recorded yet: the chart starts with the first one."),
            "chart_days": _("days"),
            # The diary
            "diary_empty": _("No notes yet."),
            "diary_label": _("A new note"),
            "diary_placeholder": _("How do you feel? What happened?"),
            "diary_add": _("Save the note"),
            "advice_title": _("Please read this"),
            # Settings
            "reminder_time": _("Reminder time"),
            "time_zone": _("Time zone"),
            "time_zone_hint": _("A city, a country or a name such as Europe/Berlin"),
            "choose": _("Which of these did you mean?"),
            "discreet": _("Discreet mode"),
            "discreet_hint": _("Leave the medicine's name out of reminders."),
            "language": _("Language"),
            "save": _("Save"),
            "language_en": LANGUAGES["en"],
            "language_de": LANGUAGES["de"],
        }
