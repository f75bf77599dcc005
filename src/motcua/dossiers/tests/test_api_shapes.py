"""Each output shape of the dossier API is declared once: its schema class.

``api.output.Shape`` builds a schema's dict from an object, field by field,
so the list of fields lives in the schema alone; only a field read
otherwise than by its own name has a source.
"""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

from django.test import SimpleTestCase
from ninja import Schema

from motcua.dossiers.api import output
from motcua.dossiers.api.output import Shape
from motcua.dossiers.api.schemas import DossierDetailOut, DossierOut, IntakeOut, UnitRef


class Thing(Schema):
    id: int
    name: str
    at: datetime | None
    unit: UnitRef | None


class ShapeTests(SimpleTestCase):
    def test_fields_come_from_the_schema(self) -> None:
        """Every field of the schema, each from the attribute of its name or its source;
        datetimes in local time (Vietnam), None kept, nested shapes built alike."""
        shape = Shape(Thing, id="pk", unit=output._unit.of("unit"))
        unit = SimpleNamespace(pk=3, name="Phường Ngã Bảy", agency_code="H33.15")
        obj = SimpleNamespace(pk=1, name="Một", at=datetime(2026, 3, 2, 2, tzinfo=UTC), unit=unit)
        built = shape(obj)
        self.assertEqual(list(built), ["id", "name", "at", "unit"])
        self.assertEqual(
            built,
            {
                "id": 1,
                "name": "Một",
                "at": datetime(2026, 3, 2, 2, tzinfo=UTC),
                "unit": {"id": 3, "name": "Phường Ngã Bảy", "agency_code": "H33.15"},
            },
        )
        self.assertEqual(built["at"].utcoffset().total_seconds(), 7 * 3600)
        self.assertEqual(shape(SimpleNamespace(pk=2, name="Hai", at=None, unit=None))["unit"], None)

    def test_a_given_value_wins(self) -> None:
        """What the object does not know is passed to the call."""
        shape = Shape(Thing, id="pk", unit=lambda obj: None)
        built = shape(SimpleNamespace(pk=1, name="Một", at=None), name="Khác")
        self.assertEqual(built["name"], "Khác")

    def test_a_source_for_no_field_is_refused(self) -> None:
        """A source naming a field the schema lacks fails at import, not in an answer."""
        with self.assertRaisesMessage(TypeError, "Thing has no field nickname"):
            Shape(Thing, nickname="name")

    def test_the_dossier_shapes_cover_their_schemas(self) -> None:
        """The shapes the API answers with are those of the published schemas."""
        cases: list[tuple[Shape, type[Schema]]] = [
            (output._dossier, DossierOut),
            (output._intake, IntakeOut),
            (output._detail_shape, DossierDetailOut),
        ]
        for shape, schema in cases:
            with self.subTest(schema=schema.__name__):
                self.assertIs(shape.schema, schema)
                self.assertEqual([name for name, _get in shape._getters], list(schema.model_fields))
