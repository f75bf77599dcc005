"""Units, reform officers and the sample definition for the parindex tests."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook

from motcua.dossiers.tests.helpers import World
from motcua.parindex.models import Definition
from motcua.parindex.sample import INFO, TREE, sample_bytes
from motcua.parindex.services import definition_import


class ParWorld(World):
    """The dossier tests' world plus reform officers: one on the city, one on the ward."""

    def __init__(self) -> None:
        super().__init__()
        self.admin = self._user("quantri", "administrator", self.city)
        self.city_officer = self._user("cchc.tinh", "reform_officer", self.city)
        self.ward_officer = self._user("cchc.xa", "reform_officer", self.ward)
        self.other_officer = self._user("cchc.khac", "reform_officer", self.other_ward)

    def sample(self) -> Definition:
        return definition_import(data=sample_bytes(), actor=self.admin)


def workbook(info: list[Any] | None = None, tree: list[list[Any]] | None = None) -> bytes:
    """Return a definition workbook; by default the sample's rows."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Bộ chỉ số"
    ws.append(
        ["Năm", "Cấp", "Tên bộ chỉ số", "Căn cứ", "Điểm điều tra xã hội học", "Mã đơn vị ban hành"]
    )
    ws.append(info if info is not None else list(INFO))
    ws2 = wb.create_sheet("Tiêu chí")
    ws2.append(
        [
            "Mã",
            "Nội dung",
            "Điểm tối đa",
            "Hướng dẫn chấm điểm",
            "Tài liệu kiểm chứng",
            "Quy tắc tự động",
        ]
    )
    for row in tree if tree is not None else [list(r) for r in TREE]:
        ws2.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
