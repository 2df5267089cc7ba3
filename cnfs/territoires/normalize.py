"""Normalisation of commune names and search queries (pure functions, no database).

The same function normalises the names when they are loaded and the text people type, so that "st etienne",
"Saint-Étienne" and "SAINT ETIENNE" all become "saint etienne".
"""

import re
import unicodedata

# Letters that Unicode does not decompose into a base letter plus an accent.
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"})
# Combining marks left by the NFKD decomposition ("é" → "e" + U+0301).
_ACCENTS = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Everything that is not a plain letter, a digit or a space becomes a separator (hyphens, apostrophes, "%", emoji…).
_SEPARATORS = re.compile(r"[^a-z0-9]+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}

# Short words that a person does not start a search with; inner-word keys do not start at them.
STOP_WORDS = frozenset(
    {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "lez", "s", "sur", "sous"}
)


def normalize_name(text: str) -> str:
    """Lower-case, unaccented, hyphens and apostrophes as spaces, "st"/"ste" spelt "saint"/"sainte"."""
    text = text.casefold()
    if not text.isascii():
        text = _ACCENTS.sub("", unicodedata.normalize("NFKD", text.translate(_LIGATURES)))
    words = _SEPARATORS.sub(" ", text).split()
    return " ".join(_ABBREVIATIONS.get(word, word) for word in words)


def name_keys(search_name: str) -> list[str]:
    """Suffixes of a normalised name that start at each word after the first, skipping short linking words.

    "saint etienne du rouvray" → ["etienne du rouvray", "rouvray"]: typing "etienne" or "rouvray" finds it.
    """
    words = search_name.split()
    return [" ".join(words[i:]) for i in range(1, len(words)) if words[i] not in STOP_WORDS and len(words[i]) > 1]
