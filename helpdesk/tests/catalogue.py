"""The Chinese catalogue read as (context, msgid) → msgstr, for the catalogue tests."""

import json
import re
from pathlib import Path

PO = Path(__file__).resolve().parents[2] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
_FIELD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (".*")$')


def catalogue_entries() -> list[dict[str, object]]:
    """Each entry: ``msgctxt``, ``msgid``, ``msgstr`` (the first form), ``fuzzy``."""
    entries = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        fields: dict[str, str] = {}
        current = None
        fuzzy = False
        for line in block.splitlines():
            if line.startswith("#,") and "fuzzy" in line:
                fuzzy = True
            match = _FIELD.match(line)
            if match:
                current = match.group(1).replace("[0]", "")
                fields[current] = json.loads(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += json.loads(line)
        if fields.get("msgid"):
            entries.append({**fields, "fuzzy": fuzzy})
    return entries
