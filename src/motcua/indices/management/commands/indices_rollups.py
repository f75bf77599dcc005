"""``motcua indices_rollups [--rebuild] [--loop SECONDS]``: fill the index rollups."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.indices.rollups import rollups_rebuild, rollups_refresh


class Command(BaseCommand):
    help = (
        "Count the dossier changes recorded since the last fill (or, with --rebuild, "
        "recompute every rollup from the dossier table)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Recompute from scratch")
        parser.add_argument("--loop", type=int, default=0, help="Repeat every this many seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rebuild"]:
            began = time.perf_counter()
            counted = rollups_rebuild()
            self.stdout.write(f"rebuilt: {counted} dossiers in {time.perf_counter() - began:.1f} s")
            return
        while True:
            self.stdout.write(f"events read: {rollups_refresh()}")
            if not options["loop"]:
                return
            time.sleep(options["loop"])
