"""Buttons that open the patient's page (docs/webapp.md): under `/schedule` and `/history` in
a private chat (Telegram refuses web-app buttons elsewhere), and the chat's menu button. They
carry the page's URL, no callback data."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, MenuButtonWebApp, WebAppInfo

from bot.texts import menu


def page_keyboard(url: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(menu.page_button(), web_app=WebAppInfo(url))]]
    )


def menu_button(url: str) -> MenuButtonWebApp:
    return MenuButtonWebApp(menu.page_menu_button(), WebAppInfo(url))
