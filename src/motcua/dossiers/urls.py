from django.urls import path

from motcua.dossiers.views import dossier, intake, logbook, pdf, queues

app_name = "dossiers"

urlpatterns = [
    path("", queues.queue, name="queue"),
    path("bat-dau/", queues.start, name="start"),
    path("tiep-nhan/", intake.intake_search, name="intake"),
    path("tiep-nhan/don-vi/", intake.intake_unit, name="intake_unit"),
    path("tiep-nhan/xong/<str:code>/", intake.intake_done, name="intake_done"),
    path("tiep-nhan/huong-dan/<int:pk>/", intake.intake_guidance, name="intake_guidance"),
    path("tiep-nhan/huong-dan/<int:pk>/in/", pdf.print_guidance, name="print_guidance"),
    path("tiep-nhan/tu-choi/<int:pk>/", intake.intake_refusal, name="intake_refusal"),
    path("tiep-nhan/<str:code>/", intake.intake_form, name="intake_form"),
    path("ho-so/<str:code>/", dossier.dossier_detail, name="detail"),
    path("ho-so/<str:code>/thao-tac/<slug:action>/", dossier.dossier_action, name="action"),
    path("ho-so/<str:code>/in/<slug:form>/", pdf.print_form, name="print"),
    path(
        "ho-so/<str:code>/in/supplement/<int:pause>/",
        pdf.print_supplement,
        name="print_supplement",
    ),
    path("so-theo-doi/", logbook.logbook, name="logbook"),
    path("so-theo-doi/xuat/<int:pk>/", logbook.logbook_export_status, name="logbook_export"),
    path(
        "so-theo-doi/xuat/<int:pk>/tai-ve/", logbook.logbook_export_file, name="logbook_export_file"
    ),
]
