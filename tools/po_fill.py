"""Set the msgstr lines of a .po file from a Python dict of translations.

Usage: python tools/po_fill.py path/to/django.po translations.py
where translations.py defines ``T = {"English msgid": "Bản dịch", ...}``;
tables beside it named ``<stem>_*.py`` (``dossiers_views.py`` for
``dossiers.py``) are merged in, so parts of an app can keep their own table.
The .po must be written with ``makemessages --no-wrap`` (one line per msgid).
Prints the msgids still untranslated.
"""

from __future__ import annotations

import ast
import json
import runpy
import sys
from pathlib import Path


def _unquote(line: str, prefix: str) -> str:
    return ast.literal_eval(line[len(prefix) :].strip())


HEADER = {
    '"Project-Id-Version: PACKAGE VERSION\\n"': '"Project-Id-Version: motcua\\n"',
    '"Language: \\n"': '"Language: vi\\n"',
    '"Language-Team: LANGUAGE <LL@li.org>\\n"': '"Language-Team: Vietnamese\\n"',
    '"Last-Translator: FULL NAME <EMAIL@ADDRESS>\\n"': '"Last-Translator: Motcua\\n"',
}


def _header(line: str) -> str:
    if line.startswith("# SOME DESCRIPTIVE TITLE."):
        return "# Vietnamese translation of Motcua."
    if line.startswith(("# Copyright (C) YEAR", "# This file is distributed", "# FIRST AUTHOR")):
        return "# This file is distributed under the same licence as Motcua (AGPL-3.0-or-later)."
    return HEADER.get(line, line)


def _is_fuzzy(lines: list[str], i: int) -> bool:
    k = i - 1
    while k >= 0 and lines[k].startswith("#"):
        if lines[k].startswith("#,") and "fuzzy" in lines[k]:
            return True
        k -= 1
    return False


def _drop_fuzzy(lines: list[str], i: int) -> None:
    """Remove the fuzzy flag and the previous-msgid comments above line ``i`` (in place)."""
    k = i - 1
    while k >= 0 and lines[k].startswith("#"):
        if lines[k].startswith("#|"):
            lines[k] = "\0"
        elif lines[k].startswith("#,") and "fuzzy" in lines[k]:
            flags = [
                f.strip() for f in lines[k][2:].split(",") if f.strip() and f.strip() != "fuzzy"
            ]
            lines[k] = ("#, " + ", ".join(flags)) if flags else "\0"
        k -= 1


def main() -> int:
    po_path, table_path = Path(sys.argv[1]), Path(sys.argv[2])
    table: dict[str, str] = {}
    parts = [table_path, *sorted(table_path.parent.glob(f"{table_path.stem}_*.py"))]
    for part in parts:
        if part.exists():
            table.update(runpy.run_path(str(part))["T"])
    lines = po_path.read_text(encoding="utf-8").splitlines()
    mapped = [_header(line) for line in lines]
    lines = [
        ln for k, ln in enumerate(mapped) if not (k and ln.startswith("# ") and ln == mapped[k - 1])
    ]
    for k in range(min(len(lines) - 1, 12)):
        if lines[k] == "#, fuzzy" and lines[k + 1] == 'msgid ""':
            del lines[k]
            break
    missing: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        fuzzy_guess = (
            line.startswith('msgid "')
            and i + 1 < len(lines)
            and lines[i + 1].startswith("msgstr ")
            and _is_fuzzy(lines, i)
        )
        if fuzzy_guess and _unquote(line, "msgid") in table:
            # makemessages guessed from a similar msgid: replace the guess.
            lines[i + 1] = 'msgstr ""'
            _drop_fuzzy(lines, i)
            continue
        if (
            line.startswith('msgid "')
            and i + 1 < len(lines)
            and lines[i + 1].startswith('msgstr "')
            and _unquote(line, "msgid") in table
        ):
            # The table is the source of truth: an older translation is replaced.
            lines[i + 1] = 'msgstr ""'
        if line.startswith('msgid "') and i + 1 < len(lines) and lines[i + 1] == 'msgstr ""':
            msgid = _unquote(line, "msgid")
            if msgid:
                if msgid in table:
                    lines[i + 1] = "msgstr " + json.dumps(table[msgid], ensure_ascii=False)
                    if i > 0 and lines[i - 1].startswith("#,") and "fuzzy" in lines[i - 1]:
                        lines[i - 1] = ""
                else:
                    missing.append(msgid)
        i += 1
    po_path.write_text("\n".join(ln for ln in lines if ln != "\0") + "\n", encoding="utf-8")
    for msgid in missing:
        print("untranslated:", msgid)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
