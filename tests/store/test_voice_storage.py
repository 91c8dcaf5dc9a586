"""The model voice in the stored terminal chat, through the real command: what it phrased
is kept beside the scripted line, and `rapport report --json` and `rapport export` say
which lines the model phrased (their other fields as before)."""

from __future__ import annotations

import json

from tests.fake_llm import GOOD_PREFIX, FakeLLM
from tests.store.test_terminal_storage import rapport


def test_phrased_lines_are_stored_reported_and_exported(db_url: str, fake_llm: FakeLLM) -> None:
    assert "Schema at" in rapport(db_url, "migrate").stdout
    voice = {"RAPPORT_LLM_BASE_URL": fake_llm.url, "RAPPORT_LLM_MODEL": "fake"}
    said = "Hello, I'm ready.\nHow did you get into nursing?\n/end\n"
    chat = rapport(db_url, "chat", "--persona", "priya", "--seed", "4", stdin=said, env=voice)
    assert f"your messages are sent to 127.0.0.1:{fake_llm.port} to phrase replies" in chat.stdout
    assert f"Priya: {GOOD_PREFIX}" in chat.stdout

    report = json.loads(rapport(db_url, "report", "--json").stdout)
    assert {"score", "items", "phrased"} <= set(report)
    assert report["phrased"] and all(
        line["phrased"] == GOOD_PREFIX + line["text"].replace('"', "'")
        for line in report["phrased"]
    )
    export = json.loads(rapport(db_url, "export").stdout)
    transcript = export["practices"][-1]["transcript"]
    contact = [t for t in transcript if t["speaker"] == "contact"]
    assert contact and all(t["phrased"] for t in contact)
    assert all(t["phrased"] is None for t in transcript if t["speaker"] != "contact")
    assert {"at", "speaker", "stage", "text", "acts", "kind", "ref"} <= set(transcript[0])
    assert len(fake_llm.phrasings()) == len(contact)
    assert export["user"]["model_voice"] is True
