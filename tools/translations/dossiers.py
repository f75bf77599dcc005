"""The dossiers app's catalogue is written by several parts; merge their tables."""

import runpy
from pathlib import Path

HERE = Path(__file__).resolve().parent
T: dict[str, str] = {}
for part in sorted(HERE.glob("dossiers_*.py")):
    T.update(runpy.run_path(str(part))["T"])
