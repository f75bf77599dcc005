"""The lookup page's title and content for an anonymous visitor, written out in Python.

The public lookup is the site's hot path (issue 10: 800 pages a second). For
a visitor who is not signed in, :func:`motcua.core.layout.render_with_cached_layout`
joins the cached layout with :func:`lookup_title` and :func:`lookup_content`
instead of rendering ``portal/_lookup_title.html`` and
``portal/_lookup_main.html`` (with ``core/_error_summary.html`` and
``org/office_card.html``) through the template engine, which cost about
2,300 Python calls a page against about 200 here. The templates stay the
page's definition: signed-in users and ``DEBUG`` get them, and
``portal/tests/test_layout.py`` and ``test_lookup_html.py`` compare both
renders, byte for byte, in every case the page has (found, paused, waiting,
not found, with the history, bad input, English). A change to one of those
templates must be made here too; the tests say where they differ.

The page's fixed words are translated and escaped once per language and
URL configuration (:class:`_Words`); everything that comes from the
request or the database is escaped as the template engine would.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.template.defaultfilters import linebreaksbr
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from motcua.core.templatetags.form_errors import form_problems
from motcua.portal.forms import LookupForm


def _e(value: Any) -> str:
    """Return ``value`` as ``{{ value }}`` shows it (escaped unless marked safe)."""
    return str(conditional_escape(value))


def _when(value: datetime) -> str:
    """Return ``value|localtime|date:"H:i d/m/Y"``."""
    local = timezone.localtime(value)
    return f"{local.hour:02d}:{local.minute:02d} {local.day:02d}/{local.month:02d}/{local.year:04d}"


@dataclass(frozen=True)
class _Words:
    """The page's fixed text in one language, escaped as the templates show it."""

    look_up_a_dossier: str
    error_prefix: str
    intro: str
    there_is_a_problem: str
    action: str
    ma_label: str
    ma_help: str
    so_label: str
    so_help: str
    look_up: str
    waiting: str
    date_will_move: str
    closed_if_nothing_by: str  # a %(day)s format, as {% blocktranslate %} fills it
    procedure: str
    received_at: str
    result_due: str
    will_move: str
    result_returned: str
    handled_by: str
    where_to_collect: str
    history: str
    contact_the_office: str
    office_address: str
    map: str
    opening_hours: str
    telephone: str
    hotline: str
    office_email: str


def _translate() -> _Words:
    fields = LookupForm.base_fields
    return _Words(
        look_up_a_dossier=_e(_("Look up a dossier")),
        error_prefix=_e(_("Error: ")),
        intro=_e(_("Nothing is shown yet. Correct the item below and look up again.")),
        there_is_a_problem=_e(_("There is a problem")),
        action=_e(reverse("portal:lookup")),
        ma_label=_e(fields["ma"].label),
        ma_help=_e(fields["ma"].help_text),
        so_label=_e(fields["so"].label),
        so_help=_e(fields["so"].help_text),
        look_up=_e(_("Look up")),
        waiting=_e(
            _(
                "The office is waiting for you: see the message you received, or call the "
                "one-stop desk."
            )
        ),
        date_will_move=_e(_("The result date below will move.")),
        closed_if_nothing_by=_("The dossier is closed if nothing arrives by %(day)s."),
        procedure=_e(_("Procedure")),
        received_at=_e(_("Received at")),
        result_due=_e(_("Result due")),
        will_move=_e(_("will move")),
        result_returned=_e(_("Result returned")),
        handled_by=_e(_("Handled by")),
        where_to_collect=_e(_("Where to collect the result")),
        history=_e(_("History of the dossier")),
        contact_the_office=_e(_("Contact the office")),
        office_address=_e(_("Office address")),
        map=_e(_("Map")),
        opening_hours=_e(_("Opening hours")),
        telephone=_e(_("Telephone")),
        hotline=_e(_("Hotline")),
        office_email=_e(_("Office e-mail")),
    )


_words: dict[tuple[str, str, str], _Words] = {}
_lock = threading.Lock()


def _clear(**_kwargs: Any) -> None:
    _words.clear()


setting_changed.connect(_clear, dispatch_uid="motcua.portal.lookup_html")


def _words_now() -> _Words:
    key = (get_language(), get_script_prefix(), str(get_urlconf() or settings.ROOT_URLCONF))
    words = _words.get(key)
    if words is None:
        words = _translate()
        with _lock:
            _words[key] = words
    return words


def lookup_title(context: dict[str, Any]) -> str:
    """Return what ``portal/_lookup_title.html`` renders for ``context``."""
    words = _words_now()
    prefix = words.error_prefix if form_problems(context["form"]) else ""
    return prefix + words.look_up_a_dossier


def _error_summary(form: Any, intro: str) -> str:
    problems = form_problems(form)
    if not problems:
        return "\n"
    items = "".join(
        (
            f'<li><a href="#{_e(problem.anchor)}">{_e(problem.message)}</a></li>\n    '
            if problem.anchor
            else f"<li>{_e(problem.message)}</li>\n    "
        )
        for problem in problems
    )
    return (
        "\n"
        '<div class="error-summary" role="alert" tabindex="-1" '
        'aria-labelledby="error-summary-title" id="error-summary">\n'
        f'  <h2 id="error-summary-title">{_words_now().there_is_a_problem}</h2>\n'
        f"  <p>{intro}</p>\n"
        '  <ul class="error-summary-list">\n'
        f"    {items}\n"
        "  </ul>\n"
        "</div>\n"
        "\n"
    )


def _field(form: Any, name: str, label: str, help_text: str, attributes: str) -> str:
    """Return one search field as the template writes it out (``{% with field=form.… %}``)."""
    field = form[name]
    errors = field.errors
    value = field.value()
    error_list = ""
    invalid = ""
    described_by = f"id_{name}_helptext"
    if errors:
        items = "".join(f"<li>{_e(error)}</li>" for error in errors)
        error_list = f'<ul class="errorlist" id="id_{name}_error">{items}</ul>'
        invalid = ' aria-invalid="true"'
        described_by += f" id_{name}_error"
    return (
        f'<div class="field{" has-error" if errors else ""}">'
        f'<label for="id_{name}">{label}:</label>\n'
        f'<div class="helptext" id="id_{name}_helptext">{help_text}</div>\n'
        f"{error_list}\n"
        f'<input type="text" name="{name}" value="{_e("" if value is None else value)}" '
        f'{attributes}{invalid} aria-describedby="{described_by}" id="id_{name}"></div>'
    )


_MA_ATTRIBUTES = (
    'autocomplete="off" autocapitalize="characters" spellcheck="false" '
    'placeholder="H33.15-260302-0001" required'
)
_SO_ATTRIBUTES = 'inputmode="numeric" autocomplete="off" pattern="[0-9 ]*" size="6" maxlength="8"'


def _office_card(office: Any, words: _Words) -> str:
    """Return ``{% office_card office %}`` (heading level 3)."""
    facts = []
    if office.address:
        link = (
            f' · <a href="{_e(office.map_url)}" rel="noopener">{words.map}</a>'
            if office.map_url
            else ""
        )
        facts.append(f"<dt>{words.office_address}</dt><dd>{_e(office.address)}{link}</dd>")
    else:
        facts.append("")
    if office.opening_hours:
        hours = linebreaksbr(office.opening_hours, autoescape=True)
        facts.append(f"<dt>{words.opening_hours}</dt><dd>{hours}</dd>")
    else:
        facts.append("")
    for number, label in ((office.phone, words.telephone), (office.hotline, words.hotline)):
        if number:
            dial = _e(str(number).replace(" ", ""))
            facts.append(f'<dt>{label}</dt><dd><a href="tel:{dial}">{_e(number)}</a></dd>')
        else:
            facts.append("")
    if office.email:
        email = _e(office.email)
        facts.append(f'<dt>{words.office_email}</dt><dd><a href="mailto:{email}">{email}</a></dd>')
    else:
        facts.append("")
    return (
        '<div class="office">\n'
        f"  <h3>{_e(office.name)}</h3>\n"
        '  <dl class="facts">\n' + "".join(f"    {fact}\n" for fact in facts) + "  </dl>\n"
        "</div>\n"
    )


def _result(context: dict[str, Any], words: _Words) -> str:
    result = context["result"]
    pause_text = context["pause_text"]
    parts = [
        '\n<section class="status-box" aria-labelledby="result-title">\n'
        f'  <h2 id="result-title" class="code">{_e(result.code)}</h2>\n'
        f'  <p class="status">{_e(result.status_label)}</p>\n'
        f"  {f'<p>{words.waiting}</p>' if result.waiting_for_applicant else ''}\n"
        "  "
    ]
    if pause_text:
        closing = ""
        if result.pause.respond_by:
            closing = " " + words.closed_if_nothing_by % {"day": _when(result.pause.respond_by)}
        parts.append(
            "\n"
            f'    <p class="notice" id="date-will-move"><strong>{words.date_will_move}</strong> '
            f"{_e(pause_text)}{closing}</p>\n"
            "  "
        )
    due = "—"
    if result.appointment:
        will_move = f' <span class="muted">({words.will_move})</span>' if pause_text else ""
        due = _when(result.appointment) + will_move
    returned = (
        f"<dt>{words.result_returned}</dt><dd>{_when(result.returned_at)}</dd>"
        if result.returned_at
        else ""
    )
    parts.append(
        "\n"
        '  <dl class="facts">\n'
        f"    <dt>{words.procedure}</dt><dd>{_e(result.procedure_name)}</dd>\n"
        f"    <dt>{words.received_at}</dt>"
        f"<dd>{_when(result.received_at) if result.received_at else '—'}</dd>\n"
        f"    <dt>{words.result_due}</dt><dd>{due}</dd>\n"
        f"    {returned}\n"
        f"    <dt>{words.handled_by}</dt><dd>{_e(result.agency_name)}</dd>\n"
        f"    <dt>{words.where_to_collect}</dt><dd>{_e(result.receiving_unit_name)}</dd>\n"
        "  </dl>\n"
        "</section>\n"
    )
    timeline = context["timeline"]
    if timeline is not None:
        events = []
        for event in timeline:
            status = (
                f' <span class="muted">— {_e(event.status_label)}</span>'
                if event.label != event.status_label
                else ""
            )
            events.append(
                f'<li><time datetime="{timezone.localtime(event.at).isoformat()}">'
                f"{_when(event.at)}</time>{_e(event.label)}{status}</li>\n    "
            )
        parts.append(
            '\n<section aria-labelledby="timeline-title">\n'
            f'  <h2 id="timeline-title">{words.history}</h2>\n'
            '  <ol class="timeline">\n'
            f"    {''.join(events)}\n"
            "  </ol>\n"
            "</section>\n"
        )
    parts.append("\n")
    office = context["office"]
    if office:
        parts.append(
            '\n<section aria-labelledby="office-title">\n'
            f'  <h2 id="office-title">{words.contact_the_office}</h2>\n'
            f"  {_office_card(office, words)}\n"
            "</section>\n"
        )
    parts.append("\n")
    return "".join(parts)


def lookup_content(context: dict[str, Any]) -> str:
    """Return what ``portal/_lookup_main.html`` renders for ``context``."""
    words = _words_now()
    form = context["form"]
    return (
        f"<h1>{words.look_up_a_dossier}</h1>\n"
        "\n"
        f"{_error_summary(form, words.intro)}\n"
        f'<form class="lookup-form" method="get" action="{words.action}" role="search" '
        "novalidate>\n"
        "  \n"
        f"  {_field(form, 'ma', words.ma_label, words.ma_help, _MA_ATTRIBUTES)}\n"
        f"  {_field(form, 'so', words.so_label, words.so_help, _SO_ATTRIBUTES)}\n"
        f'  <button type="submit">{words.look_up}</button>\n'
        "</form>\n" + (_result(context, words) if context["result"] else "") + "\n"
    )
