"""Where a person still appears in the bot's database: every table the database holds (not
only the models), every column, every row. A person is their Telegram id and any words that
would name them; a column holds them if it equals the id or its text (JSON included) contains
the id (standing alone: not inside a random hex token such as a claim's) or one of the words.
Use ids above 2**32 so that no count, dose number or row id can
equal one by chance."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date, datetime, time
from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool

from tests.support.database import database_url, rows


def tables(workdir: Path) -> list[str]:
    """Every table in the bot's database, whatever the models say."""
    engine = create_engine(database_url(workdir), poolclass=NullPool)
    try:
        return sorted(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def holds(value: object, user_id: int, words: tuple[str, ...]) -> bool:
    if value is None or isinstance(value, bool | datetime | date | time):
        return False
    if isinstance(value, int):
        return value == user_id
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    alone = rf"(?<![0-9A-Za-z]){user_id}(?![0-9A-Za-z])"
    return re.search(alone, text) is not None or any(word in text for word in words)


def traces(workdir: Path, user_id: int, *words: str) -> dict[str, int]:
    """`table.column` → how many rows there hold the person."""
    found: dict[str, int] = defaultdict(int)
    for table in tables(workdir):
        for row in rows(workdir, f'SELECT * FROM "{table}"'):
            for column, value in row.as_dict().items():
                if holds(value, user_id, words):
                    found[f"{table}.{column}"] += 1
    return dict(found)
