"""Building cases through the real services."""

import datetime as dt

from django.utils import timezone

from atensi.cases.services import case_open
from tests.registry.factories import make_person


def make_case(actor, person=None, **overrides):
    person = person or make_person(actor)
    values = {
        "source": "dinsos",
        "received_at": timezone.now() - dt.timedelta(days=10),
        "urgency": "normal",
        "target_group": person.target_group,
        "approach": "family",
    }
    values.update(overrides)
    return case_open(actor=actor, person=person, **values)
