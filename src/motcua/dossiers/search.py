"""Finding a dossier by what a citizen brings back: the code, a name, an ID number, a phone.

Each dossier keeps a folded ``search_text`` (ADR 0003's approach): the
applicant's and the representative's names folded (no accents, "đ" as
"d", lower case), the code with everything but letters and digits
removed, and the ID numbers and phones as stored (digits). A query is
folded the same way and split into words; a dossier matches when every
word without digits occurs in that text and the words with digits,
joined as one key (letters and digits only, a leading 84 of a phone read
as 0), occur too. So "h33 15 260302 0001", "H33.15-260302-0001", "nguyen van binh",
"092190001234" and "+84 912 345 678" all find their dossier, on SQLite and
PostgreSQL alike. The words are matched with ``LIKE '%word%'`` inside the
caller's scope; ADR 0007 says why there is no trigram index.
"""

from __future__ import annotations

import re

from django.db.models import Q

from motcua.core.text import fold, search_terms

MIN_QUERY_LENGTH = 2
"""Shorter queries (letters and digits) are not run: they would match nearly everything."""

_NOT_KEY = re.compile(r"[^0-9a-z]+")


def search_key(value: str) -> str:
    """Return ``value`` folded, with only its letters and digits: the code as one key."""
    return _NOT_KEY.sub("", fold(value or ""))


def dossier_search_text(
    *,
    code: str | None,
    applicant_name: str,
    applicant_id_number: str = "",
    applicant_phone: str = "",
    representative_name: str = "",
    representative_id_number: str = "",
    representative_phone: str = "",
    **_other: object,
) -> str:
    """Return the folded text a dossier is found by (stored in ``Dossier.search_text``)."""
    parts = [
        fold(applicant_name or ""),
        fold(representative_name or ""),
        search_key(code or ""),
        search_key(applicant_id_number),
        search_key(applicant_phone),
        search_key(representative_id_number),
        search_key(representative_phone),
    ]
    return " ".join(part for part in parts if part)[:600]


def search_query_key(query: str) -> str:
    """Return the query as one key; a phone typed with the country code 84 reads as 0…"""
    key = search_key(query)
    if key.isdigit() and key.startswith("84") and len(key) == 11:
        return "0" + key[2:]
    return key


def dossier_search_q(query: str) -> Q | None:
    """Return the filter of dossiers matching ``query``, or None when it is too short.

    Words without digits (names) must each occur; the words with digits,
    joined in order, must occur as one key: "H33.15 260302 0001" is one
    code, "0912 345 678" one phone, never three numbers found anywhere.
    """
    if len(search_query_key(query)) < MIN_QUERY_LENGTH:
        return None
    condition = Q()
    numbered: list[str] = []
    for word in search_terms(query):
        if any(ch.isdigit() for ch in word):
            numbered.append(search_key(word))
        elif search_key(word):
            condition &= Q(search_text__contains=search_key(word))
    if numbered:
        condition &= Q(search_text__contains=search_query_key("".join(numbered)))
    return condition
