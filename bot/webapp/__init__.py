"""The patient's page, a Telegram Mini App (docs/webapp.md): its files (`static/`), the
sign-in check (`auth`), the JSON API over the chat's own actions (`api`), the page's data
(`state`) and how it is served (`site`)."""

from typing import Any

from telegram.ext import Application

Bot = Application[Any, Any, Any, Any, Any, Any]
"""The running bot as the page's server holds it (its context types do not matter here)."""
