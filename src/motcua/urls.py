from django.contrib import admin
from django.contrib.auth.views import LogoutView
from django.urls import include, path
from django_otp.plugins.otp_totp.models import TOTPDevice

from motcua.api.main import api
from motcua.catalog.api import router as catalog_router
from motcua.citizens.api import router as citizens_router
from motcua.contests.api import router as contests_router
from motcua.core import views as core_views
from motcua.dossiers.api import logbook_router
from motcua.dossiers.api import router as dossiers_router
from motcua.feedback.api import router as feedback_router
from motcua.indices.api import router as indices_router
from motcua.initiatives.api import router as initiatives_router
from motcua.org import views as org_views
from motcua.org.api import router as org_router
from motcua.outreach.api import router as outreach_router
from motcua.parindex.api import router as parindex_router
from motcua.portal import views as portal_views
from motcua.portal.api import public_lookup_direct
from motcua.portal.api import router as public_router
from motcua.quizzes.api import router as quizzes_router
from motcua.workdays.api import router as workdays_router

api.add_router("/catalog/", catalog_router)
api.add_router("/citizens/", citizens_router)
api.add_router("/contests/", quizzes_router)
api.add_router("/contests/judged/", contests_router)
api.add_router("/dossiers/", dossiers_router)
api.add_router("/feedback/", feedback_router)
api.add_router("/indices/", indices_router)
api.add_router("/logbook", logbook_router)
api.add_router("/org/", org_router)
api.add_router("/outreach/", outreach_router)
api.add_router("/outreach/models", initiatives_router)
api.add_router("/parindex/", parindex_router)
api.add_router("/public/", public_router)
api.add_router("/workdays/", workdays_router)

# The admin signs in through the staff sign-in (password, then the code)
# and changes passwords through the audited account page (set before
# admin.site.urls is read below).
# django-otp's device admin is English-only and bypasses the audited services:
# administrators reset a user's second factor with the user list's action instead.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)
admin.site.login = org_views.admin_login  # type: ignore[method-assign]
admin.site.password_change = org_views.admin_password_change  # type: ignore[method-assign,assignment]

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    # The public lookup's ordinary requests, before django-ninja (portal.api; still published
    # in the API's OpenAPI document, where anything else goes).
    path("api/v1/public/lookup", public_lookup_direct, name="public_lookup_direct"),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("dang-nhap/", org_views.SignInView.as_view(), name="login"),
    path("dang-nhap/ma-xac-thuc/", org_views.sign_in_code, name="sign_in_code"),
    path("dang-nhap/cai-dat-xac-thuc/", org_views.sign_in_enrol, name="sign_in_enrol"),
    path("tai-khoan/", include("motcua.org.urls")),
    path("dang-xuat/", LogoutView.as_view(), name="logout"),
    path("cong-dan/", include("motcua.citizens.urls")),
    path("", portal_views.home, name="home"),
    # Early: the public lookup is the busiest page (each "" include above it is searched in turn).
    path("", include("motcua.portal.urls")),
    # Early too: a province-wide quiz round brings thousands of people a minute.
    path("", include("motcua.quizzes.urls")),
    path("thu-tuc/", include("motcua.catalog.urls")),
    path("mot-cua/", include("motcua.dossiers.urls")),
    path("", include("motcua.feedback.urls")),
    path("", include("motcua.indices.urls")),
    path("", include("motcua.outreach.urls")),
    path("", include("motcua.initiatives.urls")),
    path("", include("motcua.parindex.urls")),
    path("", include("motcua.contests.urls")),
]

admin.site.site_header = "Motcua"
admin.site.site_title = "Motcua"
