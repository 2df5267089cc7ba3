"""Demo step of the evaluation app: the rollups of the demo activity records.

The activite step writes its records through its services, whose signal already keeps the rollups; rebuilding
here makes the step idempotent whatever ran before (records loaded by another path, an older demo database).
"""

from cnfs.demo import DemoContext
from cnfs.pilotage.services import rollups_rebuild


def seed(ctx: DemoContext) -> None:
    counts = rollups_rebuild()
    ctx.report("lignes de cumuls du pilotage", sum(counts.values()))
