"""The attempt page's questions, written out in Python.

An attempt shows ten to a hundred questions of four options each; through
the template language that is hundreds of nodes, each number localised and
each value escaped on every request, the page's largest cost when a whole
province takes a round at once (docs/performance.md, "Quiz rounds"). The
tag writes the same markup with plain string joins; every text is escaped.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def attempt_questions(questions: list[dict[str, Any]]) -> SafeString:
    """Each question as a fieldset: its number and text, its options as radio buttons.

    The radio group of the question at position ``p`` is named ``c<p>``
    and its values are the options' positions as shown, never the bank's.
    """
    label = gettext("Question %(n)s")
    parts = []
    for question in questions:
        position, number, chosen = question["position"], question["number"], question["chosen"]
        parts.append(
            f'<fieldset class="quiz-question" id="q{number}"><legend><span class="muted">'
            f"{escape(label % {'n': number})}</span><br>{escape(question['text'])}</legend>\n"
        )
        for index, option in question["options"]:
            checked = " checked" if chosen == index else ""
            parts.append(
                f'<label class="quiz-option"><input type="radio" name="c{int(position)}" '
                f'value="{int(index)}"{checked}> {escape(option)}</label>\n'
            )
        parts.append("</fieldset>\n")
    return mark_safe("".join(parts))  # every text above is escaped
