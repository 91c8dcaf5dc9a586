"""Stand-in bots for the postman's tests: Telegram's side written as ``send_message``.

The postman posts text replies through the Bot API's generic call (``do_api_request``,
which keeps Telegram's answer as JSON); :class:`TextBot` turns such a call back into the
stand-in's ``send_message(chat_id, text, **fields)``.
"""

from __future__ import annotations

from typing import Any


class TextBot:
    async def send_message(self, chat_id: int, text: str, **fields: Any) -> None:
        raise NotImplementedError

    async def do_api_request(self, endpoint: str, api_kwargs: dict[str, Any]) -> None:
        assert endpoint.lower() == "sendmessage", endpoint
        fields = dict(api_kwargs)
        await self.send_message(fields.pop("chat_id"), fields.pop("text"), **fields)
