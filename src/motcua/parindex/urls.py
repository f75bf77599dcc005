from django.urls import URLPattern, path

from motcua.parindex import views

app_name = "parindex"

urlpatterns: list[URLPattern] = [
    path("chi-so-cchc/", views.home, name="home"),
    path("chi-so-cchc/bat-dau/", views.start, name="start"),
    path("chi-so-cchc/bo-chi-so/<int:pk>/", views.definition, name="definition"),
    path("chi-so-cchc/bo-chi-so/<int:pk>/excel/", views.definition_excel, name="definition_excel"),
    path("chi-so-cchc/bo-chi-so/<int:pk>/xep-hang/", views.ranking_page, name="ranking"),
    path("chi-so-cchc/danh-gia/<int:pk>/", views.assessment, name="assessment"),
    path("chi-so-cchc/danh-gia/<int:pk>/excel/", views.assessment_excel, name="assessment_excel"),
    path(
        "chi-so-cchc/danh-gia/<int:pk>/tep/<int:evidence_pk>/",
        views.evidence_file,
        name="evidence",
    ),
    path("chi-so-cchc/don-vi/<int:unit_id>/", views.history, name="history"),
]
