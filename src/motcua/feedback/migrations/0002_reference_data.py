from datetime import date

from django.db import migrations

from motcua.feedback.reference import BANDS_2018, INDICATORS_2018, SIPAS_V1


def load(apps, schema_editor):
    Scheme = apps.get_model("feedback", "EvaluationScheme")
    Questionnaire = apps.get_model("feedback", "Questionnaire")
    Scheme.objects.get_or_create(
        effective_from=date(2018, 8, 22),
        defaults={
            "name": "Chỉ tiêu đánh giá chất lượng giải quyết TTHC",
            "legal_basis": "Thông tư 01/2018/TT-VPCP, Phụ lục",
            "indicators": INDICATORS_2018,
            "bands": BANDS_2018,
            "low_score": 0,
            "follow_up_days": 3,
        },
    )
    Questionnaire.objects.get_or_create(
        code="sipas",
        version=1,
        defaults={
            "name": "Phiếu khảo sát sự hài lòng về sự phục vụ hành chính",
            "effective_from": date(2017, 10, 10),
            "definition": SIPAS_V1,
            "overall_method": "mean_of_aspects",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
