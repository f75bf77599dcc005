"""Vietnamese text helpers: NFC normalisation and accent folding for search.

SQLite's FTS and PostgreSQL's ``unaccent`` disagree on "đ", so the project
keeps its own folded column: NFD, drop combining marks, đ → d, casefold,
collapse whitespace. The same function folds the stored text and the query,
so both databases answer alike.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^\w.]+")
_D = str.maketrans({"đ": "d", "Đ": "D"})


def nfc(value: str) -> str:
    """Return ``value`` in Unicode NFC with surrounding blanks removed."""
    return unicodedata.normalize("NFC", value).strip()


def fold(value: str) -> str:
    """Return ``value`` without diacritics, lower-cased, blanks collapsed."""
    decomposed = unicodedata.normalize("NFD", value.translate(_D))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def strip_accents(value: str) -> str:
    """Return ``value`` without diacritics, keeping case (đ → d, Đ → D)."""
    decomposed = unicodedata.normalize("NFD", value.translate(_D))
    return unicodedata.normalize(
        "NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    )


def search_terms(query: str) -> list[str]:
    """Split a search query into folded words (punctuation dropped)."""
    folded = fold(query)
    return [word for word in _NOT_WORD.sub(" ", folded).split(" ") if word]
