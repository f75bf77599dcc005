"""Settings for the test suite: fast hashing, no lockouts, real databases."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("MOTCUA_DATA_DIR", str(Path(tempfile.gettempdir()) / "motcua-test"))

from motcua.settings.base import *  # noqa: F403
from motcua.settings.base import DATABASES

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AXES_ENABLED = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MOTCUA_TASKS_ENQUEUE_IN_TRANSACTION = False
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": ""}  # in memory
# The suite uses the database cache even where REDIS_URL is set: clearing a
# Redis cache empties the whole shared database, other programs' keys too.
# The Redis path is tested on purpose, under a prefix of its own.
CACHES = {
    "default": {
        "BACKEND": "motcua.core.sharedcache.DatabaseCache",
        "LOCATION": "motcua_cache",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# A fixed audit key, and no checkpoint file shared between tests: the tests that
# write checkpoints give themselves a file of their own.
MOTCUA_AUDIT_KEYS = ["motcua-test-audit-key-0123456789abcdef"]
MOTCUA_AUDIT_CHECKPOINT_FILE = None
