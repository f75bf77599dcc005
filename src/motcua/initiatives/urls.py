from django.urls import path

from motcua.initiatives import views

app_name = "initiatives"

urlpatterns = [
    path("sang-kien/", views.registry, name="registry"),
    path("sang-kien/dang-ky/", views.initiative_new, name="initiative_new"),
    path("sang-kien/<int:pk>/", views.initiative_detail, name="initiative_detail"),
    path("sang-kien/<int:pk>/minh-chung/<int:file_pk>/", views.evidence_file, name="evidence_file"),
    path("sang-kien/<int:pk>/lap-hoi-dong/", views.council_new, name="council_new"),
    path("sang-kien/<int:pk>/hoi-dong/", views.council_scoring, name="council"),
    path("sang-kien/<int:pk>/cong-nhan/", views.initiative_recognise, name="initiative_recognise"),
    path("sang-kien/mo-hinh/moi/", views.model_new, name="model_new"),
    path("sang-kien/mo-hinh/<int:pk>/", views.model_detail, name="model_detail"),
    path("sang-kien/mo-hinh/<int:pk>/<slug:action>/", views.model_action, name="model_action"),
]
