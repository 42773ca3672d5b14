"""PTB's requests served by the fake Bot API in this process, without sockets: the same
encoding on the bot's side (PTB's RequestData) and the same rules and log on Telegram's side
(`FakeBotApi.answer`), at a fraction of the cost, which a year of a thousand patients needs.
The end-to-end tests keep the real HTTP path."""

from __future__ import annotations

import json

from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import ODVInput
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

from tests.support.fakebotapi import FakeBotApi


class InProcess(BaseRequest):
    def __init__(self, api: FakeBotApi, client: str) -> None:
        self.api = api
        self.client = client

    @property
    def read_timeout(self) -> float:
        return 0.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        params = dict(request_data.json_parameters) if request_data is not None else {}
        answer = self.api.answer(url.rsplit("/", 1)[1], params, self.client)
        if answer is None:
            raise TimedOut("the request hung: Telegram did not answer")
        status, body = answer
        return status, json.dumps(body).encode()
