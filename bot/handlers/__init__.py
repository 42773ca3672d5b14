"""Telegram handlers: parse, check who may act, call the domain and the store, reply."""
