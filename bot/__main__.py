"""`python -m bot`: settings → migrations (SQLite) → application → long polling."""

from __future__ import annotations

import logging
import os
import sys

os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import Update

from bot.app import build_application
from bot.config import ConfigError, load_settings
from bot.db import migrate


def main() -> int:
    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        level=os.environ.get("LOG_LEVEL", "INFO").upper(),
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry the token in URLs
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    if settings.is_sqlite:
        migrate(settings.database_url)
    application = build_application(settings)
    logging.getLogger("bot").info("starting long polling")
    application.run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


if __name__ == "__main__":
    sys.exit(main())
