"""Hypothesis strategies for what may reach the webhook: Telegram updates that are valid,
nearly valid or plainly broken (fields missing or of the wrong type, huge strings, any
Unicode, NUL and lone surrogates, negative and out-of-range ids), other JSON, non-JSON
bodies, empty bodies and the wrong content types."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

KNOWN_USERS = 40
"""Ids 1..KNOWN_USERS recur, so many updates land on users that already have a practice
(started by other updates) rather than each creating a new one."""

COMMANDS = (
    "/start",
    "/help",
    "/practice",
    "/practice dana 0.05",
    "/practice marcus 20",
    "/practice nobody 5",
    "/practice dana -3",
    "/practice dana 1e308",
    "/practice dana nan",
    "/end",
    "/prepare What do you like best?",
    "/prepare",
    "/questions",
    "/report",
    "/history",
    "/progress",
    "/meeting 0.05",
    "/meeting inf",
    "/done",
    "/settings",
    "/export",
    "/delete",
    "/unknown",
    "/practice@rapport_test_bot dana 10",
)
CALLBACKS = ("chk", "set", "delete", "pick", "len", "", "x")
CHECK_ITEMS = ("arrive_early", "dressed", "notebook", "questions_copy", "ready", "", "💥")


@dataclass(frozen=True)
class Body:
    """One request to the webhook."""

    data: bytes
    content_type: str | None
    kind: str
    texts: tuple[str, ...] = ()
    """The user texts it carries (to look for in the logs afterwards)."""

    def __repr__(self) -> str:  # short, for reports
        return f"Body({self.kind}, {self.content_type!r}, {self.data[:120]!r}...)"


ints = st.one_of(
    st.integers(-10, 10**6),
    st.integers(-(2**63), 2**63 - 1),
    st.integers(-(2**80), 2**80),
    st.just(0),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    ints,
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)
ids = st.one_of(st.integers(1, KNOWN_USERS), st.integers(1, KNOWN_USERS), ints)
huge = st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=6), st.integers(700, 20_000))
texts = st.one_of(
    st.text(max_size=80),
    st.text(max_size=600),
    st.sampled_from(COMMANDS),
    st.builds(lambda c, a: f"{c} {a}", st.sampled_from(COMMANDS), st.text(max_size=30)),
    st.sampled_from(("\x00", "\ud800", "a\udfffb", "\u202e\u200b", "Hi\x00there", " ", "")),
    huge,
)
callback_data = st.one_of(
    st.text(max_size=64),
    st.builds(
        lambda kind, a, b: f"{kind}:{a}:{b}",
        st.sampled_from(CALLBACKS),
        st.one_of(ints.map(str), st.text(max_size=6), st.sampled_from(("dana", "heads_up"))),
        st.one_of(st.sampled_from(CHECK_ITEMS), ints.map(str), st.text(max_size=6)),
    ),
    huge,
)


@st.composite
def record(draw: st.DrawFn, spec: dict[str, st.SearchStrategy[Any]]) -> dict[str, Any]:
    """A dict shaped like ``spec``: each field usually right, sometimes of a random type,
    sometimes missing; now and then extra unknown fields."""
    out: dict[str, Any] = {}
    for key, good in spec.items():
        roll = draw(st.integers(0, 15))
        if roll == 0:
            continue
        out[key] = draw(json_values) if roll == 1 else draw(good)
    if draw(st.integers(0, 7)) == 0:
        out.update(draw(st.dictionaries(st.text(max_size=10), json_values, max_size=2)))
    return out


users = record(
    {
        "id": ids,
        "is_bot": st.booleans(),
        "first_name": st.text(max_size=30),
        "username": st.text(max_size=20),
        "language_code": st.sampled_from(("en", "de", "")),
    }
)
chats = record(
    {
        "id": ids,
        "type": st.one_of(
            st.sampled_from(("private", "private", "group", "supergroup", "channel")),
            st.text(max_size=10),
        ),
        "first_name": st.text(max_size=30),
        "title": st.text(max_size=30),
    }
)
entities = st.lists(
    record(
        {
            "type": st.one_of(
                st.sampled_from(("bot_command", "bold", "url", "mention", "text_link")),
                st.text(max_size=8),
            ),
            "offset": ints,
            "length": ints,
        }
    ),
    max_size=3,
)
files = record({"file_id": st.text(max_size=20), "file_unique_id": st.text(max_size=10)})


def _message(depth: int) -> st.SearchStrategy[dict[str, Any]]:
    spec: dict[str, st.SearchStrategy[Any]] = {
        "message_id": ints,
        "date": ints,
        "chat": chats,
        "from": users,
        "text": texts,
        "entities": entities,
    }
    extras: dict[str, st.SearchStrategy[Any]] = {
        "caption": texts,
        "sticker": files,
        "voice": files,
        "photo": st.lists(files, max_size=2),
        "document": files,
        "edit_date": ints,
        "new_chat_members": st.lists(users, max_size=2),
    }
    if depth:
        extras["reply_to_message"] = _message(depth - 1)
    return st.builds(
        lambda base, more: {**base, **more},
        record(spec),
        st.dictionaries(st.sampled_from(sorted(extras)), st.none(), max_size=2).flatmap(
            lambda keys: st.fixed_dictionaries({k: extras[k] for k in keys})
        ),
    )


messages = _message(1)
callback_queries = record(
    {
        "id": st.one_of(st.text(max_size=20), ints),
        "from": users,
        "chat_instance": st.text(max_size=20),
        "data": callback_data,
        "message": messages,
    }
)
kinds: dict[str, st.SearchStrategy[Any]] = {
    "message": messages,
    "edited_message": messages,
    "channel_post": messages,
    "callback_query": callback_queries,
    "my_chat_member": json_values,
    "inline_query": json_values,
    "poll": json_values,
}


def _valid_message(uid: int, text: str, message_id: int) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": message_id,
        "date": 1_760_000_000,
        "chat": {"id": uid, "type": "private", "first_name": f"U{uid}"},
        "from": {"id": uid, "is_bot": False, "first_name": f"U{uid}"},
        "text": text,
    }
    if text.startswith("/"):
        head = text.split(maxsplit=1)[0] if text.split() else text
        length = len(head.encode("utf-16-le", "surrogatepass")) // 2
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return message


known = st.integers(1, KNOWN_USERS)
valid_texts = st.one_of(
    texts,
    st.sampled_from(COMMANDS),
    st.sampled_from(("/practice dana 0.05", "/practice priya 0.05", "/end", "/delete")),
    st.sampled_from(("Hi, I'm ready.", "How did you get started?", "Thanks, goodbye!")),
)
valid_message = st.builds(
    lambda uid, text, mid: ("message", _valid_message(uid, text, mid)),
    known,
    valid_texts,
    st.integers(1, 2**31),
)
valid_payloads = st.one_of(
    valid_message,
    valid_message,
    st.builds(
        lambda uid, data, mid: (
            "callback_query",
            {
                "id": str(mid),
                "from": {"id": uid, "is_bot": False, "first_name": f"U{uid}"},
                "chat_instance": "1",
                "data": data,
                "message": _valid_message(uid, "scene", mid),
            },
        ),
        known,
        callback_data,
        st.integers(1, 2**31),
    ),
)


payloads = st.one_of(
    valid_payloads,
    valid_payloads,
    valid_payloads,
    valid_payloads,
    valid_payloads,
    valid_payloads,
    *(st.tuples(st.just(kind), strategy) for kind, strategy in kinds.items()),
    st.tuples(st.just("message"), messages),
    st.tuples(st.just("message"), messages),
    st.tuples(st.just("callback_query"), callback_queries),
    st.tuples(st.sampled_from(sorted(kinds)), json_values),
    st.tuples(st.text(max_size=12), json_values),
)
update_ids = st.one_of(*[st.integers(1, 2**31)] * 6, ints, st.none(), json_values)
updates = st.builds(
    lambda uid, payload, extra: {
        **({"update_id": uid} if uid is not None else {}),
        payload[0]: payload[1],
        **extra,
    },
    update_ids,
    payloads,
    st.one_of(*[st.just({})] * 4, st.dictionaries(st.sampled_from(sorted(kinds)), json_values)),
)
content_types = st.sampled_from(
    (
        "application/json",
        "application/json",
        "application/json",
        "application/json; charset=utf-8",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
        None,
    )
)


def _carried(value: Any) -> tuple[str, ...]:
    """Strings inside a payload (user texts, captions, callback data...)."""
    found: list[str] = []

    def walk(v: Any) -> None:
        if isinstance(v, str):
            found.append(v)
        elif isinstance(v, dict):
            for item in v.values():
                walk(item)
        elif isinstance(v, list):
            for item in v:
                walk(item)

    walk(value)
    return tuple(found)


def _dump(value: Any) -> bytes:
    # Lone surrogates cannot be UTF-8 encoded: escape them, as a JSON client would.
    return json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass")


valid_updates = st.builds(
    lambda uid, payload: {"update_id": uid, payload[0]: payload[1]},
    st.integers(1, 2**31),
    valid_payloads,
)
bodies = st.one_of(
    st.builds(
        lambda u: Body(_dump(u), "application/json", "valid update", _carried(u)), valid_updates
    ),
    st.builds(
        lambda u: Body(_dump(u), "application/json", "valid update", _carried(u)), valid_updates
    ),
    st.builds(
        lambda u: Body(_dump(u), "application/json", "valid update", _carried(u)), valid_updates
    ),
    st.builds(
        lambda u: Body(json.dumps(u).encode(), "application/json", "update (ascii)", _carried(u)),
        updates,
    ),
    st.builds(lambda u, ct: Body(_dump(u), ct, "update", _carried(u)), updates, content_types),
    st.builds(
        lambda u: Body(json.dumps(u).encode(), "application/json", "update (ascii)", _carried(u)),
        updates,
    ),
    st.builds(lambda u, ct: Body(_dump(u), ct, "update", _carried(u)), updates, content_types),
    st.builds(lambda v, ct: Body(_dump(v), ct, "other json"), json_values, content_types),
    st.builds(lambda b, ct: Body(b, ct, "bytes"), st.binary(max_size=400), content_types),
    st.builds(
        lambda t, ct: Body(t.encode("utf-8", "surrogatepass"), ct, "text"),
        st.text(max_size=200),
        content_types,
    ),
    st.builds(lambda ct: Body(b"", ct, "empty"), content_types),
    st.builds(
        lambda u, cut: Body(_dump(u)[:cut], "application/json", "truncated json"),
        updates,
        st.integers(0, 200),
    ),
)
