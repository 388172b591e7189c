"""The demo persons: person number i of a seed is always the same person.

Each person is drawn from its own random stream (seed, i), so a larger data set extends a smaller
one, a batch can be rebuilt alone, and a duplicate can re-draw the person it duplicates.
Deliberate problem records sit at fixed positions, so even a small set holds each kind.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from faker.providers.address.id_ID import Provider as _FakerAddress

from atensi.organisation.models import Region, RegionLevel, TargetGroup, Unit, UnitType
from atensi.registry.models import (
    ConsentBasis,
    ConsentGiver,
    ConsentMethod,
    DisabilityType,
    NoNikReason,
    Relationship,
)

from . import names

# The day the data set describes: ages and registration dates are counted back from it, with
# margins (children at most 16, adults at most 58) so the klaster still fits the age a year on.
REFERENCE_DATE = dt.date(2026, 7, 1)
REGISTRATION_YEARS = 3

# Positions of the deliberate problem records (see module docstring).
DUPLICATE_EVERY, DUPLICATE_AT = 83, 82
WARNING_EVERY, WARNING_AT = 97, 50
NO_NIK_EVERY, NO_NIK_AT = 31, 15

NORMAL, DUPLICATE, NIK_WARNING, NO_NIK = "normal", "duplicate", "nik_warning", "no_nik"
# How a duplicate differs from the person it repeats (DOMAIN.md §4 and §8).
DUPLICATE_KINDS = ("same_nik_spelling", "nik_typo", "no_nik_variant", "same_nik_same_name")

KLASTER_WEIGHTS = {
    TargetGroup.ANAK: 30,
    TargetGroup.DISABILITAS: 20,
    TargetGroup.LANSIA: 19,
    TargetGroup.NAPZA: 7,
    TargetGroup.TUNA_SOSIAL: 8,
    TargetGroup.ODHA: 3,
    TargetGroup.BENCANA: 8,
    TargetGroup.PPKS_LAIN: 5,
}
_KLASTERS = list(KLASTER_WEIGHTS)
_KLASTER_CUMULATIVE = []
_total = 0
for _weight in KLASTER_WEIGHTS.values():
    _total += _weight
    _KLASTER_CUMULATIVE.append(_total)

_DISABILITY_KINDS = tuple(DisabilityType.values)
_STREETS = tuple(_FakerAddress.streets)
_CITIES = tuple(_FakerAddress.cities)
_PHONE_PREFIXES = (
    "811", "812", "813", "821", "822", "823", "852", "853", "855", "856", "857", "858",
    "877", "878", "881", "882", "895", "896", "897", "898",
)  # fmt: skip
_CONSENT_SCOPES = (
    "Pendaftaran, asesmen dan layanan ATENSI",
    "Pendaftaran dan pendataan penerima manfaat",
    "Layanan ATENSI termasuk rujukan ke instansi lain",
    "Asesmen, layanan residensial dan bimbingan lanjut",
)
CAPITAL_PROVINCE = "31"
# Staffed sentra register more people: their logins should show full lists.
STAFFED_SENTRA_WEIGHT = 4


@dataclass(frozen=True)
class SentraPlace:
    code: str
    province: str
    regency: str | None
    weight: int


@dataclass
class World:
    """What the generator needs from the database: regions and sentra, loaded once."""

    sentra: list[SentraPlace]
    provinces: list[str]
    regencies: dict[str, list[str]]  # province → current regencies
    districts: dict[str, list[str]]  # regency → current districts
    villages: dict[str, list[str]]  # district → villages
    place_names: dict[str, str]  # regency → "Magelang"
    retired_district: dict[str, tuple[str, dt.date]]  # current district → (old code, until)
    _cumulative: list[int] = field(default_factory=list)

    def __post_init__(self):
        total = 0
        for place in self.sentra:
            total += place.weight
            self._cumulative.append(total)

    def pick_sentra(self, rng: random.Random, *, other_than: str | None = None) -> SentraPlace:
        while True:
            place = rng.choices(self.sentra, cum_weights=self._cumulative)[0]
            if place.code != other_than or len(self.sentra) == 1:
                return place


def world_load(staffed: set[str]) -> World:
    """Reads regions and sentra from the database into a World; `staffed` sentra weigh more."""
    regencies: dict[str, list[str]] = {}
    districts: dict[str, list[str]] = {}
    villages: dict[str, list[str]] = {}
    place_names: dict[str, str] = {}
    successors: dict[str, tuple[str, dt.date]] = {}
    rows = Region.objects.values_list("code", "level", "name", "valid_until", "successor_id")
    for code, level, name, valid_until, successor in rows.iterator(chunk_size=20000):
        parent = code.rsplit(".", 1)[0] if "." in code else None
        if valid_until is not None:
            if level == RegionLevel.DISTRICT and successor:
                successors[successor] = (code.replace(".", ""), valid_until)
            continue
        if level == RegionLevel.REGENCY:
            regencies.setdefault(parent, []).append(code)
            place_names[code] = (
                name.removeprefix("Kabupaten ").removeprefix("Kota ").removeprefix("Administrasi ")
            )
        elif level == RegionLevel.DISTRICT:
            districts.setdefault(parent, []).append(code)
        elif level == RegionLevel.VILLAGE:
            villages.setdefault(parent, []).append(code)
    # Only places where people can live: a district with villages, a regency with such districts.
    districts = {r: [d for d in ds if d in villages] for r, ds in districts.items()}
    regencies = {p: [r for r in rs if districts.get(r)] for p, rs in regencies.items()}
    regencies = {p: rs for p, rs in regencies.items() if rs}
    for rs in (regencies, districts, villages):
        for codes in rs.values():
            codes.sort()
    sentra = [
        SentraPlace(
            code=unit.code,
            # a unit whose province is unknown registers people from the capital
            province=unit.province_id if unit.province_id in regencies else CAPITAL_PROVINCE,
            regency=unit.regency_id if unit.regency_id in districts else None,
            weight=STAFFED_SENTRA_WEIGHT if unit.code in staffed else 1,
        )
        for unit in Unit.objects.filter(type=UnitType.SENTRA, is_active=True).order_by("code")
    ]
    return World(
        sentra=sentra,
        provinces=sorted(regencies),
        regencies=regencies,
        districts=districts,
        villages=villages,
        place_names=place_names,
        retired_district=successors,
    )


@dataclass
class PersonSpec:
    """One generated person: the registry fields plus where, when and by whom it was registered."""

    index: int
    kind: str
    unit_code: str
    values: dict[str, Any]
    created_at: dt.datetime
    pendamping_slot: int
    family: list[dict[str, Any]] = field(default_factory=list)
    consent: dict[str, Any] | None = None
    duplicate_of: int | None = None
    duplicate_kind: str = ""


def kind_of(index: int) -> str:
    """Says which deliberate problem, if any, person `index` carries."""
    if index % DUPLICATE_EVERY == DUPLICATE_AT:
        return DUPLICATE
    if index % WARNING_EVERY == WARNING_AT:
        return NIK_WARNING
    if index % NO_NIK_EVERY == NO_NIK_AT:
        return NO_NIK
    return NORMAL


def _rng(seed: int, index: int) -> random.Random:
    return random.Random((seed << 32) ^ index)


def person_spec(world: World, seed: int, index: int) -> PersonSpec:
    """Returns person number `index` of the data set drawn with `seed`."""
    kind = kind_of(index)
    if kind == DUPLICATE:
        return _duplicate_spec(world, seed, index)
    rng = _rng(seed, index)
    place = world.pick_sentra(rng)
    klaster = _KLASTERS[_bisect(_KLASTER_CUMULATIVE, rng.randrange(_KLASTER_CUMULATIVE[-1]))]
    birth_date = _birth_date(rng, klaster)
    sex = _sex(rng, klaster)
    province, regency, district, village = _home(rng, world, place)
    full_name = names.person_name(rng, province=province, sex=sex, birth_year=birth_date.year)
    values: dict[str, Any] = {
        "nik": None,
        "no_nik_reason": "",
        "no_kk": _kk(rng, district, birth_date),
        "full_name": full_name,
        "aliases": [rng.choice(names.NICKNAMES)] if rng.random() < 0.05 else [],
        "sex": sex,
        "birth_place": world.place_names[regency] if rng.random() < 0.85 else rng.choice(_CITIES),
        "birth_date": birth_date,
        "birth_date_estimated": False,
        "address": _address(rng),
        "village": village,
        "phone": _phone(rng) if _age(birth_date) >= 17 and rng.random() < 0.7 else "",
        "target_group": klaster,
        "disability_types": _disabilities(rng, klaster),
    }
    if kind == NO_NIK:
        _without_nik(rng, values)
    else:
        nik_district = district.replace(".", "")
        retired = world.retired_district.get(district)
        if retired and birth_date < retired[1] and rng.random() < 0.7:
            nik_district = retired[0]  # issued before the region was split: keeps the old code
        values["nik"] = nik_make(nik_district, birth_date, sex, rng.randrange(1, 10000))
        if kind == NIK_WARNING:
            values["nik"] = _disagreeing_nik(rng, values["nik"], birth_date, sex)
    created_at = _registered_at(rng, birth_date)
    spec = PersonSpec(
        index=index,
        kind=kind,
        unit_code=place.code,
        values=values,
        created_at=created_at,
        pendamping_slot=rng.randrange(1000),
    )
    spec.family = _family(rng, spec, province, district)
    spec.consent = _consent(rng, spec)
    return spec


def _bisect(cumulative: list[int], value: int) -> int:
    for position, bound in enumerate(cumulative):
        if value < bound:
            return position
    return len(cumulative) - 1


def nik_make(district6: str, birth_date: dt.date, sex: str, serial: int) -> str:
    """Returns the NIK a person of that district, birth date and sex would hold (day + 40 for women)."""
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{district6}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


def _age(birth_date: dt.date) -> int:
    ref = REFERENCE_DATE
    return ref.year - birth_date.year - ((ref.month, ref.day) < (birth_date.month, birth_date.day))


def _birth_date(rng: random.Random, klaster: str) -> dt.date:
    if klaster == TargetGroup.ANAK:
        # most children served are of school age; few babies
        years = rng.choice((rng.uniform(0, 16.9), rng.uniform(5, 16.9), rng.uniform(10, 16.9)))
    elif klaster == TargetGroup.LANSIA:
        years = 60.1 + rng.betavariate(1.3, 3.5) * 35
    else:
        years = rng.uniform(18.1, 58.9)
    return REFERENCE_DATE - dt.timedelta(days=int(years * 365.25))


def _sex(rng: random.Random, klaster: str) -> str:
    male_share = {TargetGroup.NAPZA: 0.85, TargetGroup.LANSIA: 0.42}.get(klaster, 0.52)
    return "L" if rng.random() < male_share else "P"


def _home(rng: random.Random, world: World, place: SentraPlace) -> tuple[str, str, str, str]:
    """Returns province, regency, district and village of a person registered at `place`."""
    if rng.random() < 0.82:
        province = place.province
        if place.regency and rng.random() < 0.5:
            regency = place.regency
        else:
            regency = rng.choice(world.regencies[province])
    else:  # referred from elsewhere in the country
        province = rng.choice(world.provinces)
        regency = rng.choice(world.regencies[province])
    district = rng.choice(world.districts[regency])
    village = rng.choice(world.villages[district])
    return province, regency, district, village


def _kk(rng: random.Random, district: str, birth_date: dt.date) -> str:
    # Issuing region first, then (unconfirmed, DOMAIN.md §4) the issue date and a serial.
    earliest = max(birth_date, dt.date(2005, 1, 1))
    issued = earliest + dt.timedelta(days=rng.randrange(max((REFERENCE_DATE - earliest).days, 1)))
    issued_on = f"{issued.day:02d}{issued.month:02d}{issued.year % 100:02d}"
    return f"{district.replace('.', '')}{issued_on}{rng.randrange(1, 10000):04d}"


def _address(rng: random.Random) -> str:
    roll = rng.random()
    rt, rw = rng.randint(1, 15), rng.randint(1, 12)
    if roll < 0.6:
        return f"Jl. {rng.choice(_STREETS)} No. {rng.randint(1, 250)}, RT {rt:03d}/RW {rw:03d}"
    if roll < 0.85:
        return f"Gg. {rng.choice(_STREETS)} No. {rng.randint(1, 90)}, RT {rt:03d}/RW {rw:03d}"
    return f"Dusun {rng.choice(('Krajan', 'Sukamaju', 'Mekarsari', 'Sidomulyo', 'Karanganyar'))}, RT {rt:03d}/RW {rw:03d}"


def _phone(rng: random.Random) -> str:
    return f"0{rng.choice(_PHONE_PREFIXES)}{rng.randrange(10**7, 10**8)}"


def _disabilities(rng: random.Random, klaster: str) -> list[str]:
    kinds = _DISABILITY_KINDS
    if klaster == TargetGroup.DISABILITAS:
        chosen = {rng.choice(kinds)}
        if rng.random() < 0.2:
            chosen.add(rng.choice(kinds))
        return sorted(chosen)
    if klaster == TargetGroup.LANSIA and rng.random() < 0.15:
        return [rng.choice(("fisik", "netra", "rungu"))]
    return []


def _without_nik(rng: random.Random, values: dict[str, Any]) -> None:
    reasons = {
        TargetGroup.ANAK: (NoNikReason.STREET_CHILD, NoNikReason.NOT_REGISTERED),
        TargetGroup.TUNA_SOSIAL: (NoNikReason.HOMELESS, NoNikReason.UNKNOWN_IDENTITY),
        TargetGroup.BENCANA: (NoNikReason.DOCUMENTS_LOST,),
    }.get(values["target_group"], (NoNikReason.NOT_REGISTERED, NoNikReason.UNKNOWN_IDENTITY))
    values["no_nik_reason"] = rng.choice(reasons)
    values["no_kk"] = ""
    if values["no_nik_reason"] in (NoNikReason.STREET_CHILD, NoNikReason.HOMELESS):
        values["address"] = ""
        values["aliases"] = [rng.choice(names.NICKNAMES)]
    if rng.random() < 0.6:  # the age is a guess: written as 1 July of the guessed year
        values["birth_date"] = dt.date(values["birth_date"].year, 7, 1)
        values["birth_date_estimated"] = True


def _disagreeing_nik(rng: random.Random, nik: str, birth_date: dt.date, sex: str) -> str:
    """Returns a NIK whose birth date or sex disagrees with the record (a later correction)."""
    if rng.random() < 0.5:
        other_sex = "L" if sex == "P" else "P"
        return nik_make(nik[:6], birth_date, other_sex, int(nik[12:]))
    shifted = birth_date + dt.timedelta(days=rng.choice((-366, -31, -2, 1, 30, 365)))
    return nik_make(nik[:6], shifted, sex, int(nik[12:]))


def _registered_at(rng: random.Random, birth_date: dt.date) -> dt.datetime:
    start = max(birth_date, REFERENCE_DATE - dt.timedelta(days=365 * REGISTRATION_YEARS))
    day = start + dt.timedelta(days=rng.randrange(max((REFERENCE_DATE - start).days, 1)))
    # office hours, Jakarta time (UTC+7)
    return dt.datetime(
        day.year, day.month, day.day, rng.randint(1, 9), rng.randrange(60), tzinfo=dt.UTC
    )


def _family(rng: random.Random, spec: PersonSpec, province: str, district: str) -> list[dict]:
    """Returns parents or a guardian for a child, and a contact person for some adults."""
    values = spec.values
    born = values["birth_date"].year
    if _age(values["birth_date"]) < 18:
        if values["no_nik_reason"] == NoNikReason.STREET_CHILD:
            # no known parents: a relative or a shelter worker acts as guardian
            sex = rng.choice("LP")
            return [_member(rng, sex, Relationship.GUARDIAN, province, None, is_guardian=True)]
        members = []
        raised_by = rng.random()
        if raised_by < 0.12:
            grandmother = (district, born - rng.randint(40, 60))
            members.append(
                _member(rng, "P", Relationship.GRANDPARENT, province, grandmother, is_guardian=True)
            )
        if rng.random() < 0.85:
            father = (district, born - rng.randint(22, 40))
            members.append(
                _member(rng, "L", Relationship.FATHER, province, father, is_guardian=False)
            )
        mother = (district, born - rng.randint(18, 35))
        members.append(_member(rng, "P", Relationship.MOTHER, province, mother, is_guardian=False))
        if not members[0]["is_guardian"]:
            guardian = members[0] if raised_by < 0.45 else members[-1]
            guardian["is_guardian"] = True
        return members
    if rng.random() >= 0.45:
        return []
    if _age(values["birth_date"]) >= 60:
        relationship, year = Relationship.CHILD, born + rng.randint(20, 35)
    elif rng.random() < 0.6:
        relationship, year = Relationship.SPOUSE, born + rng.randint(-6, 6)
    else:
        relationship, year = Relationship.SIBLING, born + rng.randint(-8, 8)
    year = min(year, REFERENCE_DATE.year - 18)
    if relationship == Relationship.SPOUSE:
        sex = "P" if values["sex"] == "L" else "L"
    else:
        sex = rng.choice("LP")
    return [_member(rng, sex, relationship, province, (district, year), is_guardian=False)]


def _member(
    rng: random.Random,
    sex: str,
    relationship: str,
    province: str,
    nik_place: tuple[str, int] | None,
    *,
    is_guardian: bool,
) -> dict:
    year = nik_place[1] if nik_place else 1980
    member = {
        "name": names.person_name(rng, province=province, sex=sex, birth_year=year),
        "relationship": relationship,
        "nik": "",
        "phone": _phone(rng) if rng.random() < 0.8 else "",
        "is_guardian": is_guardian,
    }
    if nik_place and rng.random() < 0.75:
        birth = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        member["nik"] = nik_make(nik_place[0].replace(".", ""), birth, sex, rng.randrange(1, 10000))
    return member


def _consent(rng: random.Random, spec: PersonSpec) -> dict:
    values = spec.values
    basis = ConsentBasis.PUBLIC_TASK if rng.random() < 0.7 else ConsentBasis.CONSENT
    guardian = next((m for m in spec.family if m["is_guardian"]), None)
    assisted = {"intelektual", "mental"} & set(values["disability_types"])
    if _age(values["birth_date"]) < 18:
        by_guardian = guardian and guardian["relationship"] in (
            Relationship.GUARDIAN,
            Relationship.GRANDPARENT,
        )
        given_by = ConsentGiver.GUARDIAN if by_guardian else ConsentGiver.PARENT
        given_by_name = guardian["name"] if guardian else "Kepala Sentra"
        method = ConsentMethod.WRITTEN
    elif assisted and spec.family:
        given_by, given_by_name = ConsentGiver.REPRESENTATIVE, spec.family[0]["name"]
        method = ConsentMethod.ASSISTED
    else:
        given_by, given_by_name = ConsentGiver.SELF, values["full_name"]
        method = rng.choice((ConsentMethod.WRITTEN, ConsentMethod.WRITTEN, ConsentMethod.ORAL))
        if assisted or "netra" in values["disability_types"]:
            method = ConsentMethod.ASSISTED
    return {
        "basis": basis,
        "scope": rng.choice(_CONSENT_SCOPES),
        "given_by": given_by,
        "given_by_name": given_by_name,
        "method": method,
        "given_at": spec.created_at,
    }


def _duplicate_spec(world: World, seed: int, index: int) -> PersonSpec:
    """Returns a second registration of an earlier person, in another sentra, written differently."""
    rng = _rng(seed, index)
    base_index = rng.randrange(index)
    while kind_of(base_index) != NORMAL:
        base_index -= 1
    base = person_spec(world, seed, base_index)
    duplicate_kind = DUPLICATE_KINDS[(index // DUPLICATE_EVERY) % len(DUPLICATE_KINDS)]
    values = dict(base.values, aliases=list(base.values["aliases"]))
    if duplicate_kind in ("same_nik_spelling", "no_nik_variant"):
        values["full_name"] = names.spelling_variant(rng, values["full_name"])
    if duplicate_kind == "nik_typo":  # one digit of the serial mistyped: still a valid NIK
        nik = values["nik"]
        position = rng.randrange(12, 16)
        digit = str((int(nik[position]) + rng.randint(1, 9)) % 10)
        values["nik"] = nik[:position] + digit + nik[position + 1 :]
        if values["nik"].endswith("0000"):
            values["nik"] = values["nik"][:-1] + "1"
    if duplicate_kind == "no_nik_variant":
        values["nik"] = None
        values["no_nik_reason"] = NoNikReason.DOCUMENTS_LOST
        values["no_kk"] = ""
    values["address"] = _address(rng)  # moved, or another address given
    place = world.pick_sentra(rng, other_than=base.unit_code)
    spec = PersonSpec(
        index=index,
        kind=DUPLICATE,
        unit_code=place.code,
        values=values,
        created_at=max(base.created_at, _registered_at(rng, values["birth_date"])),
        pendamping_slot=rng.randrange(1000),
        duplicate_of=base_index,
        duplicate_kind=duplicate_kind,
    )
    spec.family = [dict(m) for m in base.family]
    spec.consent = _consent(rng, spec)
    return spec
