"""What every demo step receives: seeded randomness, the scale, and what earlier steps created."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from faker import Faker

from cnfs.core.errors import DomainError

T = TypeVar("T")


class DemoError(DomainError):
    """A prerequisite of the demo data is missing (French message for the operator)."""


@dataclass(frozen=True)
class Scale:
    """How much demo data to create: steps multiply their base counts by `factor`."""

    name: str
    factor: int
    label: str

    def count(self, base: int) -> int:
        return base * self.factor


SCALES: dict[str, Scale] = {
    "small": Scale("small", 1, "petite"),
    "medium": Scale("medium", 10, "moyenne"),
    "large": Scale("large", 100, "grande"),
}

# progress(iterable, description, total) → iterable; the command passes a rich progress bar, tests a no-op.
ProgressFn = Callable[[Iterable[Any], str, int | None], Iterable[Any]]


def no_progress(iterable: Iterable[T], description: str = "", total: int | None = None) -> Iterable[T]:
    return iterable


@dataclass
class DemoContext:
    """Shared state of one `cnfs demo` run. `rng` and `faker` are re-seeded for each step (see `for_step`)."""

    seed: int
    scale: Scale
    rng: random.Random = field(default_factory=random.Random)
    faker: Faker = field(default_factory=lambda: Faker("fr_FR"))
    step: str = ""
    # role → the main demo account of that role; extra accounts under other keys ("prefecture_hors_territoire").
    accounts: dict[str, Any] = field(default_factory=dict)
    # kind → object_id used by organisation scopes until the owning app links a model ("structure", "aidants"…).
    organisations: dict[str, str] = field(default_factory=dict)
    # Anything a step wants to hand to the next ones (the département, the hub, created objects…).
    shared: dict[str, Any] = field(default_factory=dict)
    # (step, label, count) lines printed at the end of the run.
    summary: list[tuple[str, str, int]] = field(default_factory=list)
    # Warnings shown to the operator at the end of the run (French).
    warnings: list[str] = field(default_factory=list)
    # The demo accounts' password; None gives them unusable passwords (demo forced with DEBUG off).
    password: str | None = None
    progress_fn: ProgressFn = no_progress

    def for_step(self, name: str) -> DemoContext:
        """Re-seed rng and faker from (seed, step name): each step's data depends only on the seed."""
        self.step = name
        self.rng = random.Random(f"{self.seed}:{name}")
        self.faker = Faker("fr_FR")
        self.faker.seed_instance(f"{self.seed}:{name}")
        return self

    def progress(self, iterable: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
        """Wrap long loops: shows a progress bar under `cnfs demo`."""
        yield from self.progress_fn(iterable, description, total)

    def report(self, label: str, count: int) -> None:
        self.summary.append((self.step, label, count))

    def warn(self, message: str) -> None:
        self.warnings.append(message)
