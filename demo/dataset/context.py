"""What every step of the generation shares: the sizes asked for, the seed,
the calendar, the writer, and what earlier steps planned."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .calendar import Calendar
from .writer import Writer

if TYPE_CHECKING:
    from .audit_trail import Trail
    from .people import Person
    from .staff import Staff


class Weighted:
    """``random.choices`` over fixed (value, weight) pairs, summed once."""

    def __init__(self, rng: random.Random, choices):
        self.rng = rng
        self.values, self.cumulative, total = [], [], 0
        for value, weight in choices:
            total += weight
            self.values.append(value)
            self.cumulative.append(total)

    def __call__(self):
        return self.rng.choices(self.values, cum_weights=self.cumulative)[0]


@dataclass(frozen=True)
class Sizes:
    people: int
    encounters: int
    logbook: int
    audit: int
    busy_encounters: int


@dataclass
class Context:
    sizes: Sizes
    seed: int
    calendar: Calendar
    writer: Writer
    progress: Callable[[str], None] = field(default=lambda message: None)
    staff: Staff | None = None
    people: list[Person] = field(default_factory=list)
    trail: Trail | None = None
    partners: list[tuple[int, str]] = field(default_factory=list)  # (pk, kind)
    counts: dict[str, Any] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)

    def rng(self, name: str) -> random.Random:
        """A generator of its own for each step, so that changing one step
        leaves the others' data as it was. String seeds hash the same in
        every process (unlike ``hash()``)."""
        return random.Random(f"{self.seed}:{name}")  # noqa: S311 (invented data, not secrets)

    def say(self, message: str) -> None:
        self.progress(f"[{time.monotonic() - self.started:6.1f} s] {message}")
