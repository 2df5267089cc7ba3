"""Demo data: `cnfs demo [--scale small|medium|large] [--seed N]`.

A registry of steps. The core step (`cnfs.demo.accounts`) creates one account per role; then every installed app
that has a `demo` module (`cnfs/<app>/demo.py` exposing `seed(ctx)`) adds its own objects, in INSTALLED_APPS order.
Each step receives a `DemoContext`: its own seeded `rng` and Faker `fr_FR` (derived from the seed and the step's
name, so a new step never changes the data of the others), the scale, the accounts created so far
(`ctx.accounts["structure"]`…), the demo organisations (`ctx.organisations`), a progress helper and a summary.

A step must be idempotent: look objects up by a natural key (`update_or_create`) so that a rerun creates nothing
twice. Raise `DemoError` with a French message when a prerequisite is missing.
"""

from cnfs.demo.context import SCALES, DemoContext, DemoError, Scale
from cnfs.demo.runner import DemoResult, discover_steps, run_demo

__all__ = ["SCALES", "DemoContext", "DemoError", "DemoResult", "Scale", "discover_steps", "run_demo"]
