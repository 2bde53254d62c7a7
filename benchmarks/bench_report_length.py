"""Length of a written report: bytes of the HTML, words a reader sees, tables, charts and sections.

    .venv/bin/python benchmarks/bench_report_length.py out/demo/report/report.html [more.html ...]

Words are the text of the page (tags, styles and the charts' base64 images left out), split on spaces.
"""

from __future__ import annotations

import re
import sys
from html.parser import HTMLParser
from pathlib import Path


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.words = 0
        self.tables = self.charts = self.sections = 0
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        self.tables += tag == "table"
        self.charts += tag == "img"
        self.sections += tag == "h2"

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.words += len(data.split())


def measure(path: str | Path) -> dict:
    html = Path(path).read_text(encoding="utf-8")
    p = _Text()
    p.feed(html)
    images = sum(len(m) for m in re.findall(r"data:image/png;base64,[A-Za-z0-9+/=]+", html))
    return {
        "file": str(path),
        "bytes": len(html.encode("utf-8")),
        "bytes_without_images": len(html.encode("utf-8")) - images,
        "words": p.words,
        "tables": p.tables,
        "charts": p.charts,
        "sections": p.sections,
    }


if __name__ == "__main__":
    for f in sys.argv[1:]:
        print(measure(f))
