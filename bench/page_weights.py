"""Print the weight of the main citizen pages: HTML + the CSS and JS each links, raw and gzip.

Usage: ``python bench/page_weights.py http://127.0.0.1:8000 H33.41-261203-0001`` against a
running server (``make demo``); the code is any dossier's, for the lookup with a result.
Not part of ``make bench``: it measures bytes, not time (docs/portal.md, "Page weight").
"""

from __future__ import annotations

import gzip
import re
import sys
import urllib.request


def _get(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept-Language": "vi"})
    with urllib.request.urlopen(request) as response:
        return bytes(response.read())


def main(base: str, code: str) -> None:
    pages = {
        "Home /": "/",
        "Search /thu-tuc/?q=khai+sinh": "/thu-tuc/?q=khai+sinh",
        "Procedure /thu-tuc/1.001193/": "/thu-tuc/1.001193/",
        "Lookup /tra-cuu/ (empty)": "/tra-cuu/",
        "Lookup with a result": f"/tra-cuu/?ma={code}",
    }
    print("| page | HTML | CSS + JS | total | total gzip |")
    print("|---|---:|---:|---:|---:|")
    for label, path in pages.items():
        html = _get(base + path)
        assets = [
            _get(base + link.decode())
            for link in re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
        ]
        raw = len(html) + sum(map(len, assets))
        packed = len(gzip.compress(html)) + sum(len(gzip.compress(a)) for a in assets)
        print(f"| {label} | {len(html):,} | {sum(map(len, assets)):,} | {raw:,} | {packed:,} |")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), sys.argv[2])
