"""``rapport personas list|check``: the contacts."""

from __future__ import annotations

import argparse
import json
import sys

from flows.persona import PERSONA_DIR, Persona, load_personas
from flows.persona_check import check_personas


def cmd_personas(args: argparse.Namespace) -> int:
    folder = args.dir or PERSONA_DIR
    if args.action == "check":
        problems = list(check_personas(folder))
        for problem in problems:
            print(problem)
        if problems:
            print(f"{len(problems)} problem(s) found.", file=sys.stderr)
            return 1
        print("All contacts are valid.")
        return 0
    personas = list(load_personas(folder).values())
    if args.json:
        json.dump([_listed(p) for p in personas], sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    for persona in personas:
        field = persona.field or persona.industry
        print(f"{persona.id}\t{persona.name}\t{persona.role}\t{field}\t{persona.summary}")
    return 0


def _listed(persona: Persona) -> dict[str, object]:
    return {
        "id": persona.id,
        "name": persona.name,
        "role": persona.role,
        "field": persona.field or persona.industry,
        "industry": persona.industry,
        "location": persona.location,
        "summary": persona.summary,
        "synonyms": list(persona.synonyms),
    }
