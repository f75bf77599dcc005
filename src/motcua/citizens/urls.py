from django.urls import path

from motcua.citizens import oidc, views

app_name = "citizens"

urlpatterns = [
    path("dang-nhap/", views.sign_in, name="sign_in"),
    path("dang-nhap/ma/", views.sign_in_code, name="sign_in_code"),
    path("oidc/dang-nhap/", oidc.oidc_start, name="oidc_start"),
    path("oidc/xac-thuc/", oidc.oidc_callback, name="oidc_callback"),
    path("thong-tin/", views.profile, name="profile"),
    path("ho-so/", views.dossiers, name="dossiers"),
    path("ho-so/<str:code>/", views.dossier, name="dossier"),
    path("nop/<str:procedure_code>/", views.submit, name="submit"),
    path("ban-nhap/<uuid:key>/", views.draft, name="draft"),
    path("ban-nhap/<uuid:key>/xem-lai/", views.draft_review, name="draft_review"),
    path("tep/<int:pk>/", views.attachment, name="file"),
    path("so-hoa/", views.digitisation, name="digitisation"),
    path("so-hoa/<str:code>/", views.digitise, name="digitise"),
]
