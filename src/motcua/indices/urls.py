from django.urls import path

from motcua.indices import views

app_name = "indices"

urlpatterns = [
    path("chi-so/", views.home, name="home"),
    path("chi-so/bat-dau/", views.landing, name="landing"),
    path("chi-so/<int:unit_id>/", views.dashboard, name="dashboard"),
    path("chi-so/<int:unit_id>/chi-so-phuc-vu/", views.service, name="service"),
    path("chi-so/<int:unit_id>/chi-so-phuc-vu/<str:code>/", views.drilldown, name="drilldown"),
    path("chi-so/<int:unit_id>/chi-so-ngoai/", views.external, name="external"),
    path("chi-so/<int:unit_id>/bao-cao/", views.report, name="report"),
    path("thong-ke/", views.public_units, name="public_units"),
    path("thong-ke/<int:unit_id>/", views.public_stats, name="public_stats"),
]
