from __future__ import annotations

from django.contrib.auth.views import LoginView
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.core.forms import StaffAuthenticationForm


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Answer 200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


class StaffLoginView(LoginView):
    """Sign-in for officers (no admin rights needed); axes limits failed attempts.

    Without a ``next`` the officer lands on ``LOGIN_REDIRECT_URL``: their
    work (the dossiers app sends each role to its queue).
    """

    template_name = "core/login.html"
    redirect_authenticated_user = True
    form_class = StaffAuthenticationForm
