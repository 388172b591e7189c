"""Small display helpers for the case pages (and the case card on a person's page)."""

from django import template
from django.utils.translation import gettext as _

from atensi.accounts.access import can_read_cases, can_write_cases
from atensi.cases.choices import Urgency
from atensi.cases.selectors import Status, cases_visible_to

register = template.Library()


@register.filter
def reads_cases(user) -> bool:
    """True when the user's role may open the case pages (for menus)."""
    return can_read_cases(user)


@register.filter
def writes_cases(user) -> bool:
    """True when the user's role may open and change cases (for buttons)."""
    return can_write_cases(user)


@register.filter
def urgency_class(urgency: str) -> str:
    """The badge style of an urgency: emergencies and urgent cases stand out."""
    return "warn" if urgency in (Urgency.EMERGENCY, Urgency.URGENT) else ""


@register.filter
def timing_class(status: str) -> str:
    """The badge style of a response-time status."""
    return "warn" if status in (Status.OVERDUE, Status.MISSED) else ""


@register.filter
def hours(value) -> str:
    """Hours with a decimal comma: 12.5 → "12,5 jam" (the unit in the user's language)."""
    if value is None:
        return "–"
    text = f"{value:.1f}".replace(".", ",").removesuffix(",0")
    unit = _("jam")
    return f"{text} {unit}"


@register.filter
def answer_sections(definition: dict, answers: dict) -> list[dict]:
    """The answers of a filled form as the form's own sections, labels and option texts.

    Read from the pinned form version, so an old assessment keeps showing its own questions.
    """
    answers = answers or {}
    out = []
    for section in (definition or {}).get("sections", []):
        rows = []
        for question in section.get("questions", []):
            value = answers.get(question["code"])
            if value in (None, "", []):
                continue
            options = {
                str(o["value"]): o.get("label", o["value"]) for o in question.get("options", [])
            }
            rows.append(
                {
                    "label": question.get("label", question["code"]),
                    "value": options.get(str(value), value),
                }
            )
        if rows:
            out.append({"title": section.get("title", ""), "rows": rows})
    return out


@register.filter
def goal_text(goals: list, code: str) -> str:
    """The text of a plan goal by its code ("T1")."""
    for goal in goals or []:
        if goal.get("code") == code:
            return goal.get("text", code)
    return code


@register.inclusion_tag("cases/partials/person_cases.html", takes_context=True)
def person_cases(context, person):
    """The cases of a person that the signed-in user may see, and the button to open one."""
    request = context["request"]
    user = request.user
    cases = (
        list(
            cases_visible_to(user)
            .filter(person=person)
            .select_related("unit", "pendamping")
            .order_by("-received_at", "-id")
        )
        if can_read_cases(user)
        else []
    )
    return {
        "person": person,
        "cases": cases,
        "may_read": can_read_cases(user),
        # The registry page knows whether the person's consent was withdrawn; no new case then.
        "may_open": can_write_cases(user) and not context.get("consent_stopped"),
    }
