"""The pure rules of the bot: the dose plan, local time, statuses and typed answers."""
