"""Finding someone in your field: by id, field, role or synonym; in the terminal and in the
Telegram picker (which groups by field once there are more than eight contacts)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.telegram.picker import (
    FLAT_LIMIT,
    Menu,
    contact_menu,
    field_key,
    field_menu,
    parse_practice,
)
from flows.finder import fields, find_contacts
from flows.persona import Persona, load_personas

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def cast() -> list[Persona]:
    return list(load_personas().values())


def many(cast: list[Persona], count: int) -> list[Persona]:
    """``count`` contacts in ``count // 2`` fields, built from the packaged ones."""
    out = []
    for i in range(count):
        base = cast[i % len(cast)]
        out.append(
            base.model_copy(
                update={"id": f"c{i}", "name": f"Person {i}", "field": f"field {i // 2}"}
            )
        )
    return out


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dana", ["dana"]),
        ("Tomás", ["tomas"]),
        ("Priya Natarajan", ["priya"]),
        ("nurse", ["priya"]),
        ("nursing", ["priya"]),
        ("health", ["priya"]),
        ("software", ["dana"]),
        ("data", ["ines"]),
        ("ux design", ["femi"]),
        ("pm", ["greg"]),
        ("teacher", ["carys"]),
        ("lawyer", ["naomi"]),
        ("charity", ["bernie"]),
        ("electrician", ["ray"]),
        ("hr", ["meiling"]),
        ("sales", ["conor"]),
        ("reporter", ["anh"]),
        ("esg", ["freja"]),
        ("phd", ["samuel"]),
        ("marketing", ["marcus"]),
        ("credit risk", ["tomas"]),
        ("bank", ["tomas"]),
        ("housing", ["helen", "bernie"]),  # housing policy, or a homelessness charity
    ],
)
def test_a_field_or_an_id_finds_the_contact(
    cast: list[Persona], query: str, expected: list[str]
) -> None:
    assert [p.id for p in find_contacts(cast, query)] == expected


def test_an_unknown_field_finds_nobody_and_a_shared_word_finds_several(
    cast: list[Persona],
) -> None:
    assert find_contacts(cast, "astronaut") == []
    assert len(find_contacts(cast, "manager")) > 1


def test_practice_takes_a_field_a_length_and_says_what_it_has(cast: list[Persona]) -> None:
    assert parse_practice(cast, ["nurse"], 240).persona_id == "priya"
    request = parse_practice(cast, ["credit", "risk", "30"], 240)
    assert (request.persona_id, request.minutes) == ("tomas", 30.0)
    several = parse_practice(cast, ["manager"], 240)
    assert several.persona_id is None and several.menu is not None
    assert all(data.startswith("pick:") for row in several.menu.rows for _, data in row)
    nobody = parse_practice(cast, ["astronaut"], 240)
    assert "nobody in “astronaut”" in nobody.error and "nursing" in nobody.error
    assert "between 0 and 240" in parse_practice(cast, ["dana", "999"], 240).error
    assert parse_practice(cast, [], 240).persona_id is None


def test_the_picker_lists_everyone_while_it_fits_then_groups_by_field(
    cast: list[Persona],
) -> None:
    flat = contact_menu(many(cast, FLAT_LIMIT))
    assert len(flat.rows) == FLAT_LIMIT and flat.rows[0][0][1] == "pick:c0"
    crowd = many(cast, 15)
    grouped = contact_menu(crowd)
    assert [data for row in grouped.rows for _, data in row] == [
        f"field:{field_key(f)}" for f in fields(crowd)
    ]
    assert len(grouped.rows) <= FLAT_LIMIT and all(len(row) <= 2 for row in grouped.rows)
    people = field_menu(crowd, field_key("field 3"))
    assert people is not None
    assert [data for row in people.rows for _, data in row] == ["pick:c6", "pick:c7", "field:"]
    assert field_menu(crowd, "no-such-field") is None
    assert all(len(data.encode()) <= 64 for row in grouped.rows + people.rows for _, data in row)


def test_many_fields_page_so_no_keyboard_outgrows_a_phone(cast: list[Persona]) -> None:
    crowd = [
        p.model_copy(update={"field": f"field number {i}"}) for i, p in enumerate(many(cast, 40))
    ]
    seen: list[str] = []
    menu: Menu | None = contact_menu(crowd)
    pages = 0
    while menu is not None:
        pages += 1
        assert len(menu.rows) <= FLAT_LIMIT and all(len(row) <= 2 for row in menu.rows)
        seen += [data for row in menu.rows for _, data in row if not data.startswith("field:~")]
        more = [data for row in menu.rows for label, data in row if label.startswith("More")]
        menu = field_menu(crowd, more[0].removeprefix("field:")) if more else None
    assert pages == 3  # 40 fields, 14 a page
    assert seen == [f"field:{field_key(f)}" for f in fields(crowd)]
    back = field_menu(crowd, "~1")
    assert back is not None and ("« Back", "field:~0") in back.rows[-1]
    assert field_menu(crowd, "~x") is None


def rapport(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def test_the_terminal_finds_a_contact_by_field(tmp_path: Path) -> None:
    script = tmp_path / "s.txt"
    script.write_text("Hi, I'm ready to go in.\n", encoding="utf-8")
    done = rapport("chat", "--field", "nursing", "--script", str(script), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["persona"]["id"] == "priya"
    ambiguous = rapport("chat", "--persona", "manager", "--script", str(script))
    assert ambiguous.returncode != 0 and "fits several contacts" in ambiguous.stderr
    unknown = rapport("chat", "--field", "astronaut", "--script", str(script))
    assert unknown.returncode != 0 and "unknown contact 'astronaut'" in unknown.stderr
    assert "The fields are:" in unknown.stderr


def test_personas_list_shows_the_field_and_a_line_about_each(cast: list[Persona]) -> None:
    listed = rapport("personas", "list")
    first = [line.split("\t") for line in listed.stdout.splitlines()]
    assert [row[0] for row in first] == [p.id for p in cast]
    assert all(len(row) == 5 and row[3] for row in first)
    as_json = json.loads(rapport("personas", "list", "--json").stdout)
    assert [c["id"] for c in as_json] == [p.id for p in cast]
    assert {"field", "summary", "location", "role", "name"} <= set(as_json[0])


def test_every_contact_is_found_by_its_id_alone_as_the_scores_would_find_it(
    cast: list[Persona],
) -> None:
    """The exact-id shortcut gives what scoring every contact gives."""
    from flows.finder import _score, _words

    everyone = cast
    for persona in everyone:
        for typed in (persona.id, f"  {persona.id.upper()} "):
            assert find_contacts(everyone, typed) == [persona]
            asked = _words(typed)
            top = max(_score(asked, p) for p in everyone)
            assert [p for p in everyone if _score(asked, p) == top] == [persona]
