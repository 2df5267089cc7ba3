"""Finds the demo steps of the installed apps and runs them in one transaction."""

from __future__ import annotations

import importlib
import importlib.util
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import transaction

from cnfs.demo.context import SCALES, DemoContext, DemoError, ProgressFn, no_progress

Step = tuple[str, Callable[[DemoContext], None]]


def discover_steps() -> list[Step]:
    """The core accounts step, then `cnfs.<app>.demo.seed` of every installed cnfs app that has one."""
    from cnfs.demo import accounts

    steps: list[Step] = [("comptes", accounts.seed)]
    for config in apps.get_app_configs():
        if not config.name.startswith("cnfs."):
            continue
        module_name = f"{config.name}.demo"
        # find_spec tells "no demo module" apart from an ImportError raised inside one (which must surface).
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        seed = getattr(module, "seed", None)
        if not callable(seed):
            raise DemoError(f"Le module {module_name} doit définir une fonction seed(ctx).")
        steps.append((config.label, seed))
    return steps


@dataclass
class DemoResult:
    context: DemoContext
    durations: list[tuple[str, float]]


def run_demo(
    *,
    scale: str = "small",
    seed: int = 2021,
    password: str | None = None,
    progress: ProgressFn = no_progress,
    on_step: Callable[[str], None] | None = None,
) -> DemoResult:
    """Run every demo step in one transaction: a failing step leaves the database as it was."""
    if scale not in SCALES:
        raise DemoError(f"Échelle inconnue : {scale!r} (attendu : {', '.join(SCALES)}).")
    ctx = DemoContext(seed=seed, scale=SCALES[scale], password=password, progress_fn=progress)
    durations = []
    with transaction.atomic():
        for name, step in discover_steps():
            if on_step is not None:
                on_step(name)
            started = time.perf_counter()
            step(ctx.for_step(name))
            durations.append((name, time.perf_counter() - started))
    return DemoResult(context=ctx, durations=durations)
