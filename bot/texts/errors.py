"""When something fails inside the bot: the apology to the user (something_went_wrong(), kept in
`account`) and the report to the support staff, which names the error and the code, never
what the user sent or anything about them but a hashed reference."""

from __future__ import annotations

from datetime import datetime
from html import escape

from bot.texts.language import _, ngettext


def error_report_footer() -> str:
    return _(
        "<i>Each kind of error is reported at most once an hour; the log has every occurrence. "
        "Nothing the user sent is included.</i>"
    )


def error_report(
    *,
    error: str,
    handler: str,
    at: datetime,
    user: str | None,
    trace: str,
    suppressed: int,
) -> str:
    """The staff report: what failed, in which command or button, when (UTC), for whom (a
    hashed reference), through which code, and how often since the last report."""
    lines = [
        _("⚠️ <b>Error in the bot</b>"),
        _("Error: <code>{error}</code>").format(error=escape(error)),
        _("In: <code>{handler}</code>").format(handler=escape(handler)),
        _("When: {moment} UTC").format(moment=f"{at:%Y-%m-%d %H:%M:%S}"),
    ]
    if user is not None:
        lines.append(_("User (hashed): <code>{user}</code>").format(user=escape(user)))
    if trace:
        lines.append(_("Code: <code>{trace}</code>").format(trace=escape(trace)))
    if suppressed:
        lines.append(
            ngettext(
                "It happened {count} more time since the last report.",
                "It happened {count} more times since the last report.",
                suppressed,
            ).format(count=suppressed)
        )
    lines.append(error_report_footer())
    return "\n".join(lines)
