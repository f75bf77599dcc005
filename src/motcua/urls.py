from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path

from motcua.api.main import api
from motcua.catalog.api import router as catalog_router
from motcua.core import views as core_views
from motcua.dossiers.api import logbook_router
from motcua.dossiers.api import router as dossiers_router
from motcua.org.api import router as org_router
from motcua.portal import views as portal_views
from motcua.workdays.api import router as workdays_router

api.add_router("/catalog/", catalog_router)
api.add_router("/dossiers/", dossiers_router)
api.add_router("/logbook", logbook_router)
api.add_router("/org/", org_router)
api.add_router("/workdays/", workdays_router)

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
