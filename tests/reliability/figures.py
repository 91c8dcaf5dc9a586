"""What a scenario reports: its figures, the invariants it broke, a Markdown table row."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

HEADER = (
    "| scenario | load held | faults injected | inputs tried | items lost | "
    "items duplicated | result |\n| --- | --- | --- | ---: | ---: | ---: | --- |"
)


@dataclass
class Figures:
    scenario: str
    load: str = ""
    """What the bot carried: replicas, chats, updates, wall time."""
    faults: str = "none"
    inputs: int = 0
    """Updates (or requests) thrown at the bot."""
    lost: int = 0
    duplicated: int = 0
    unsent: int = 0
    """Replies stored but never sent, where the scenario allows it (a process killed
    between its commit and its send): shown beside the items lost."""
    problems: list[str] = field(default_factory=list)
    """Broken invariants, one line each, ``[kind] what``: the scenario passed iff this is
    empty."""
    notes: list[str] = field(default_factory=list)
    """Figures worth knowing that no invariant covers (e.g. duplicates of an
    at-least-once policy, replies a crash swallowed)."""
    details: dict[str, Any] = field(default_factory=dict)
    skipped: str = ""

    def failures(self, *kinds: str) -> list[str]:
        """The problems of these kinds (all of them if none is given)."""
        if not kinds:
            return list(self.problems)
        return [p for p in self.problems if any(p.startswith(f"[{k}]") for k in kinds)]

    @property
    def lost_cell(self) -> str:
        cell = f"{self.lost:,}"
        if self.unsent:
            cell += f" (+{self.unsent:,} replies never sent)"
        return cell

    @property
    def ok(self) -> bool:
        return not self.problems and not self.skipped

    @property
    def result(self) -> str:
        if self.skipped:
            return f"skipped ({self.skipped})"
        if self.problems:
            return f"**FAIL** ({len(self.problems)} problems)"
        return "pass"

    def row(self) -> str:
        return (
            f"| {self.scenario} | {self.load} | {self.faults} | {self.inputs:,} | "
            f"{self.lost_cell} | {self.duplicated:,} | {self.result} |"
        )

    def report(self) -> str:
        lines = [f"== {self.scenario}: {self.result}"]
        if self.skipped:
            return lines[0]
        lines.append(f"   load      {self.load}")
        lines.append(f"   faults    {self.faults}")
        lines.append(
            f"   inputs    {self.inputs:,}   lost {self.lost_cell}   duplicated {self.duplicated:,}"
        )
        for key, value in self.details.items():
            lines.append(f"   {key:<28} {value}")
        lines += [f"   note: {n}" for n in self.notes]
        lines += [f"   PROBLEM: {p}" for p in self.problems]
        return "\n".join(lines)


def table(figures: list[Figures]) -> str:
    return "\n".join([HEADER, *(f.row() for f in figures)])
