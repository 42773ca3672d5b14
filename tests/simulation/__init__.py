"""A simulated year of the bot: many patients, their caregivers and support staff, living
through crashes, Telegram outages, DST and travel, against the real application on a
controlled clock; an oracle written apart from the bot checks what was sent (issue 15)."""
