"""Building persons through the real service, with valid NIKs by default."""

import datetime as dt
import itertools

from atensi.registry.services import person_create

_serial = itertools.count(1)


def nik_for(
    birth_date: dt.date, sex: str, district: str = "31.75.01", serial: int | None = None
) -> str:
    """Returns a structurally valid NIK for a birth date and sex in a district (dotted code)."""
    day = birth_date.day + (40 if sex == "P" else 0)
    serial = serial if serial is not None else next(_serial)
    return f"{district.replace('.', '')}{day:02d}{birth_date:%m%y}{serial:04d}"


def make_person(actor, **overrides):
    birth_date = overrides.pop("birth_date", dt.date(2012, 5, 17))
    sex = overrides.pop("sex", "L")
    values = {
        "full_name": "Budi Santoso",
        "sex": sex,
        "birth_date": birth_date,
        "birth_place": "Jakarta",
        "target_group": "anak",
        "nik": nik_for(birth_date, sex),
    }
    values.update(overrides)
    return person_create(actor=actor, **values)
