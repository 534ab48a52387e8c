"""Static files: every file a stylesheet or script names is there, or collectstatic's
manifest (production) fails on it."""

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[2] / "static"
SOURCE_MAP = re.compile(r"sourceMappingURL=([^\s*]+)")


def test_every_source_map_named_is_vendored():
    missing = [
        f"{path.relative_to(STATIC)} → {name}"
        for path in sorted(STATIC.rglob("*"))
        if path.suffix in {".css", ".js"}
        for name in SOURCE_MAP.findall(path.read_text(encoding="utf-8", errors="replace"))
        if not (path.parent / name).exists()
    ]
    assert missing == []
