"""Run the benchmark suite: ``make bench`` (or ``python bench/run.py [names…]``).

Each module ``bench/bench_<name>.py`` exposes ``run() -> dict`` with a
``results`` list of {metric, value, unit} and a ``ratios`` dict that puts
the figure beside a ceiling measured in the same run. This script prints
one table and writes everything to ``bench/results/latest.json``.
Benchmarks are never timed assertions in the test suite: the machines are
shared and noisy, so the figures are reported, with their ratios.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
SUITES = ["deadlines", "intake", "indices", "lookup", "quizzes"]


def _machine() -> dict[str, object]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


def main(argv: list[str]) -> int:
    names = argv or SUITES
    sys.path.insert(0, str(HERE))
    report: dict[str, object] = {
        "started": datetime.now(UTC).isoformat(),
        "machine": _machine(),
        "suites": [],
    }
    failed = False
    for name in names:
        module = importlib.import_module(f"bench_{name}")
        began = time.perf_counter()
        try:
            result = module.run()
        except Exception as exc:
            result = {"name": name, "error": f"{type(exc).__name__}: {exc}"}
            failed = True
        result["seconds"] = round(time.perf_counter() - began, 1)
        report["suites"].append(result)  # type: ignore[attr-defined]
        _print_suite(result)
    out = HERE / "results" / "latest.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwritten: {out.relative_to(HERE.parent)}")
    return 1 if failed else 0


def _print_suite(result: dict[str, object]) -> None:
    print(f"\n== {result.get('name')} ({result.get('seconds')} s)")
    if "error" in result:
        print(f"   ERROR {result['error']}")
        return
    for row in result.get("results", []):  # type: ignore[union-attr]
        value = row["value"]
        shown = (
            f"{value:,.0f}" if isinstance(value, int | float) and value >= 100 else f"{value:.3g}"
        )
        print(f"   {row['metric']:<48} {shown:>14} {row.get('unit', '')}")
    for key, value in (result.get("ratios") or {}).items():  # type: ignore[union-attr]
        print(f"   {key:<48} {value!s:>14}")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
