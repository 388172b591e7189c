"""`atensi demo`: users for every role, believable persons, deliberate problems, idempotent."""

import datetime as dt
import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from rapidfuzz import fuzz

from atensi.accounts.models import Role, User
from atensi.common.models import AuditLog
from atensi.demodata import generator
from atensi.demodata.activity import ActivityResult
from atensi.demodata.build import (
    DEMO_PASSWORD,
    STAFFED_SENTRA,
    demo_build,
    demo_persons_built,
)
from atensi.lib.names import normalize_name
from atensi.lib.nik import check_nik
from atensi.organisation.models import Region, TargetGroup
from atensi.organisation.selectors import region_code_exists
from atensi.registry.models import Consent, ConsentGiver, FamilyMember, Person, PersonNameToken
from atensi.registry.services import person_name_tokens_rows

# Enough persons for every kind of deliberate duplicate (one every 83 persons, four kinds).
PERSONS = 350
SEED = 4242
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Builds one small demo data set for the whole module, rolled back at the end."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        result = demo_build(persons=PERSONS, seed=SEED)
        yield result
        transaction.set_rollback(True)


@pytest.fixture
def specs(demo):
    world = generator.world_load(set(STAFFED_SENTRA))
    return [generator.person_spec(world, SEED, i) for i in range(PERSONS)]


def _age(born: dt.date, today: dt.date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


@pytest.mark.django_db
def test_it_creates_users_for_every_role(demo):
    assert {login.role for login in demo.logins} == set(Role.values)
    for code, pendamping in STAFFED_SENTRA.items():
        roles = list(User.objects.filter(unit__code=code).values_list("role", flat=True))
        assert sorted(roles) == sorted(
            [Role.HEAD, Role.SUPERVISOR, Role.FINANCE] + [Role.PENDAMPING] * pendamping
        )
    # one analyst per directorate
    analysts = User.objects.filter(role=Role.ANALYST)
    assert analysts.count() == len({u.unit_id for u in analysts}) >= 5


@pytest.mark.django_db
def test_every_demo_user_signs_in_with_the_printed_password(demo):
    usernames = [login.username for login in demo.logins]
    assert all(login.password == DEMO_PASSWORD for login in demo.logins)
    users = User.objects.filter(username__in=usernames)
    assert users.count() == len(usernames)
    assert all(user.check_password(DEMO_PASSWORD) for user in users)


@pytest.mark.django_db
def test_every_sentra_has_persons_registered_by_its_own_pendamping(demo):
    persons = Person.objects.select_related("registered_by")
    assert persons.count() == PERSONS
    for person in persons:
        assert person.registered_by.role == Role.PENDAMPING
        assert person.registered_by.unit_id == person.unit_id
    staffed = persons.filter(unit__code__in=STAFFED_SENTRA).count()
    assert staffed > PERSONS * 0.15  # the staffed sentra show full lists


@pytest.mark.django_db
def test_niks_are_valid_and_agree_with_region_birth_date_and_sex(demo):
    warned = 0
    for person in Person.objects.exclude(nik=None).select_related("village"):
        result = check_nik(
            person.nik,
            birth_date=person.birth_date,
            sex=person.sex,
            region_exists=region_code_exists,
        )
        assert result.valid, (person.nik, result.errors)
        assert result.warnings == person.nik_warnings
        warned += bool(result.warnings)
        district = Region.objects.get(code=result.district_code)
        # the village lies in the NIK's district, or in the district that replaced it
        assert person.village.parent_id in (district.code, district.successor_id)
    expected = sum(1 for i in range(PERSONS) if generator.kind_of(i) == generator.NIK_WARNING)
    assert warned == expected > 0


@pytest.mark.django_db
def test_deliberate_nik_warnings_are_birth_date_or_sex_mismatches(demo):
    warned = Person.objects.exclude(nik_warnings=[])
    assert warned.exists()
    for person in warned:
        assert set(person.nik_warnings) <= {"birth_date_mismatch", "sex_mismatch"}


@pytest.mark.django_db
def test_klaster_fits_age_and_disability(demo):
    today = timezone.localdate()
    for person in Person.objects.all():
        age = _age(person.birth_date, today)
        if person.target_group == TargetGroup.ANAK:
            assert age < 18
        elif person.target_group == TargetGroup.LANSIA:
            assert age >= 60
        else:
            assert 18 <= age < 60
        if person.target_group == TargetGroup.DISABILITAS:
            assert person.disability_types


@pytest.mark.django_db
def test_persons_without_nik_carry_a_reason(demo, specs):
    without = Person.objects.filter(nik=None)
    expected = sum(1 for s in specs if s.values["nik"] is None)
    assert without.count() == expected > 0
    assert not without.filter(no_nik_reason="").exists()


@pytest.mark.django_db
def test_children_have_a_guardian_and_consent_through_them(demo):
    today = timezone.localdate()
    children = [p for p in Person.objects.all() if _age(p.birth_date, today) < 18]
    assert children
    for child in children:
        assert FamilyMember.objects.filter(person=child, is_guardian=True).exists()
        consent = Consent.objects.get(person=child)
        assert consent.given_by in (ConsentGiver.PARENT, ConsentGiver.GUARDIAN)
    assert Consent.objects.count() == PERSONS


@pytest.mark.django_db
def test_deliberate_duplicates_sit_in_two_sentra(demo, specs):
    duplicates = [s for s in specs if s.kind == generator.DUPLICATE]
    assert {s.duplicate_kind for s in duplicates} == set(generator.DUPLICATE_KINDS)
    for spec in duplicates:
        base = specs[spec.duplicate_of]
        copy = Person.objects.get(
            full_name=spec.values["full_name"],
            birth_date=spec.values["birth_date"],
            unit__code=spec.unit_code,
        )
        original = Person.objects.get(
            full_name=base.values["full_name"],
            birth_date=base.values["birth_date"],
            unit__code=base.unit_code,
        )
        assert copy.unit_id != original.unit_id
        assert copy.sex == original.sex
        similarity = fuzz.token_set_ratio(
            normalize_name(copy.full_name), normalize_name(original.full_name)
        )
        assert similarity >= 75, (copy.full_name, original.full_name)
        if spec.duplicate_kind == "nik_typo":
            differing = [a != b for a, b in zip(copy.nik, original.nik, strict=True)]
            assert sum(differing) == 1
        elif spec.duplicate_kind == "no_nik_variant":
            assert copy.nik is None and copy.no_nik_reason
        else:
            assert copy.nik == original.nik


@pytest.mark.django_db
def test_name_keys_are_those_the_registry_stores(demo):
    stored: dict[int, set[str]] = {}
    for person_id, key in PersonNameToken.objects.values_list("person_id", "key"):
        stored.setdefault(person_id, set()).add(key)
    for person in Person.objects.all():
        expected = {t.key for t in person_name_tokens_rows(person)}
        assert stored.get(person.pk, set()) == expected
        assert person.name_normalized == normalize_name(person.full_name)


@pytest.mark.django_db
def test_registrations_are_spread_over_past_years(demo):
    dates = {p.created_at.date() for p in Person.objects.all()}
    assert len(dates) > PERSONS / 3
    assert max(dates) <= timezone.localdate()
    assert min(dates) >= generator.REFERENCE_DATE - dt.timedelta(days=365 * 3 + 1)


@pytest.mark.django_db
def test_a_second_run_changes_nothing(demo):
    counts = (
        User.objects.count(),
        Person.objects.count(),
        FamilyMember.objects.count(),
        Consent.objects.count(),
        PersonNameToken.objects.count(),
        AuditLog.objects.count(),
    )
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        again = demo_build(persons=PERSONS, seed=SEED)
    assert again.persons_added == 0
    assert not any(login.created for login in again.logins)
    assert counts == (
        User.objects.count(),
        Person.objects.count(),
        FamilyMember.objects.count(),
        Consent.objects.count(),
        PersonNameToken.objects.count(),
        AuditLog.objects.count(),
    )


@pytest.mark.django_db
def test_a_larger_count_adds_the_next_persons_of_the_same_seed(demo):
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        more = demo_build(persons=PERSONS + 40, seed=SEED)
    assert (more.persons_before, more.persons_added) == (PERSONS, 40)
    assert demo_persons_built(SEED) == PERSONS + 40
    world = generator.world_load(set(STAFFED_SENTRA))
    wanted = {
        (s.values["full_name"], s.values["birth_date"])
        for s in (generator.person_spec(world, SEED, i) for i in range(PERSONS + 40))
    }
    assert set(Person.objects.values_list("full_name", "birth_date")) == wanted


@pytest.mark.django_db
def test_the_same_seed_draws_the_same_persons(demo):
    world = generator.world_load(set(STAFFED_SENTRA))
    first = [generator.person_spec(world, SEED, i).values for i in range(60)]
    second = [generator.person_spec(world, SEED, i).values for i in range(60)]
    other = [generator.person_spec(world, SEED + 1, i).values for i in range(60)]
    assert first == second
    assert first != other


@pytest.mark.django_db
def test_the_command_prints_the_logins(demo):
    out = io.StringIO()
    # the cases and workforce records have their own tests (test_demo_activity.py)
    with (
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        mock.patch(
            "atensi.common.management.commands.demo.demo_activity_build",
            return_value=ActivityResult(built=False),
        ),
    ):
        call_command("demo", persons=PERSONS, seed=SEED, stdout=out, verbosity=0)
    text = out.getvalue()
    assert "tidak ada yang ditambahkan" in text
    for login in demo.logins:
        assert login.username in text
    assert DEMO_PASSWORD in text
    assert "kepala.handayani" in text and "630108 Sentra Handayani" in text


def test_every_sentra_gets_a_team_recorded_without_logins(db):
    from atensi.accounts.models import Role, User
    from atensi.demodata.staff import national_team_ensure
    from atensi.organisation.models import Unit, UnitType
    from tests.conftest import load_master_data

    load_master_data(include_villages=False)
    before = User.objects.count()
    added = national_team_ensure(seed=7, per_sentra=3)
    assert added == User.objects.count() - before > 0
    for unit in Unit.objects.filter(type=UnitType.SENTRA, is_active=True):
        roles = list(User.objects.filter(unit=unit, is_active=True).values_list("role", flat=True))
        assert roles.count(Role.HEAD) >= 1 and roles.count(Role.SUPERVISOR) >= 1, unit.code
        assert roles.count(Role.PENDAMPING) >= 3, unit.code
    recorded = User.objects.filter(username__startswith="staf.")
    assert recorded.count() == added
    assert not any(u.has_usable_password() for u in recorded)
    assert national_team_ensure(seed=7, per_sentra=3) == 0  # idempotent
