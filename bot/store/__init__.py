"""Queries and transactions, one module per aggregate. Functions take an open Session; the caller
owns the transaction (see `bot.db.transaction`)."""
