"""WSGI entry point (granian --interface wsgi motcua.wsgi:application)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings.base")

application = get_wsgi_application()
