"""The lifecycle tasks of `cnfs aidants …` (ac-life), each returning its French summary line."""

from __future__ import annotations


def run(area: str) -> str:
    from cnfs.aidants.services import cycle

    if area == "inactivite":
        return cycle.aidants_inactivite().message()
    if area == "echeances":
        return cycle.mandats_echeances().message()
    if area == "anonymiser":
        return f"{cycle.usagers_anonymiser()} usager(s) anonymisé(s)."
    raise ValueError(area)
