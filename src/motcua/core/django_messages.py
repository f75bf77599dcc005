"""Django's own messages, listed so core's catalogue can give them natural Vietnamese.

App catalogues take precedence over Django's; ``makemessages`` only collects
msgids that appear in the app, hence this list. Never imported.
"""

from django.utils.translation import gettext_noop

MESSAGES = (
    gettext_noop("Enter a whole number."),
    gettext_noop("Select a valid choice. %(value)s is not one of the available choices."),
    gettext_noop("This field is required."),
    gettext_noop("Enter a valid date."),
)
