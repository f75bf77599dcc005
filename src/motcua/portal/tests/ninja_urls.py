"""The project's URLs without the direct lookup view: every API request goes to django-ninja."""

from django.urls import URLPattern, URLResolver

from motcua import urls as project

urlpatterns: list[URLPattern | URLResolver] = [
    pattern
    for pattern in project.urlpatterns
    if getattr(pattern, "name", None) != "public_lookup_direct"
]
