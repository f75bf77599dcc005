"""The dossiers app's catalogue is written by several parts (dossiers_*.py), merged by po_fill."""

T: dict[str, str] = {}
