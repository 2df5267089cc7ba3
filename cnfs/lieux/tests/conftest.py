"""Paths of the reference material the tests read: `shared/reference/` beside the checkout (or above a worktree)."""

import os
from pathlib import Path

import pytest


def _reference_dir() -> Path:
    if os.environ.get("CNFS_REFERENCE_DIR"):
        return Path(os.environ["CNFS_REFERENCE_DIR"])
    repo = Path(__file__).resolve().parents[3]
    for parent in repo.parents:
        candidate = parent / "shared" / "reference"
        if candidate.is_dir():
            return candidate
    return repo.parent / "shared" / "reference"


REFERENCE_DIR = _reference_dir()
SCHEMA_V1 = REFERENCE_DIR / "schema-lieux-mediation-numerique-v1.0.1.json"
SCHEMA_V0 = REFERENCE_DIR / "schema-lieux-mediation-numerique-v0.1.1.json"
HINAURA_CSV = REFERENCE_DIR / "lieux-hinaura-687-v0.1.1.csv"
EXEMPLE_V1_CSV = REFERENCE_DIR / "lieux-exemple-valide-v1.0.1.csv"


def require_reference(path: Path) -> Path:
    """Skip (a failure in CI, see the root conftest) when the reference file is not beside the checkout."""
    if not path.exists():
        pytest.skip(f"Fichier de référence absent : {path}")
    return path
