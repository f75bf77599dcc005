from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path

from motcua.api.main import api
from motcua.core import views as core_views
from motcua.portal import views as portal_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("dang-nhap/", core_views.StaffLoginView.as_view(), name="login"),
    path("dang-xuat/", LogoutView.as_view(), name="logout"),
    path("", portal_views.home, name="home"),
    path("thu-tuc/", include("motcua.catalog.urls")),
    path("mot-cua/", include("motcua.dossiers.urls")),
    path("", include("motcua.portal.urls")),
]

admin.site.site_header = "Motcua"
admin.site.site_title = "Motcua"
