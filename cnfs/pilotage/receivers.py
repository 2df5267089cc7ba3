"""Keeps the rollups in step with the activity records (connected in `PilotageConfig.ready`)."""

from cnfs.pilotage.services import rollups_apply


def on_accompagnements_changed(sender, before=(), after=(), inserted=(), **kwargs) -> None:
    rollups_apply(before=before, after=after, inserted=inserted)
