"""``makemessages`` as the project runs it: the ``.po`` files are the source.

The Vietnamese text lives in each app's ``locale/vi/LC_MESSAGES/django.po``
and is edited there (by hand, Poedit or Weblate). Django's command already
keeps every existing ``msgstr``; this variant also turns off msgmerge's fuzzy
matching, so a new English string starts untranslated instead of inheriting
a neighbour's Vietnamese that ``compilemessages`` would then silently drop.
"""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
