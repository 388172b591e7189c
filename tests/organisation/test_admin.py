"""Django admin for master data: units and regions (audited), and what is never offered there."""

import pytest
from django.contrib import admin
from django.urls import reverse

from atensi.common.models import AuditLog
from atensi.organisation.models import Region, Unit
from tests.conftest import SENTRA_A

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def unit_form(unit: Unit, **changes) -> dict:
    data = {
        "code": unit.code,
        "name": unit.name,
        "type": unit.type,
        "parent": unit.parent_id or "",
        "is_active": "on" if unit.is_active else "",
        "city": unit.city,
        "province": unit.province_id or "",
        "regency": unit.regency_id or "",
        "target_groups": unit.target_groups,
        "residential_capacity": unit.residential_capacity,
        "former_focus": unit.former_focus,
        "note": unit.note,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_only_master_data_is_registered():
    registered = {model._meta.label for model in admin.site._registry}
    assert {"organisation.Unit", "organisation.Region", "accounts.User"} <= registered
    for never in (
        "common.AuditLog",
        "registry.Person",
        "registry.PersonNameToken",
        "registry.FamilyMember",
        "registry.Consent",
        "authtoken.TokenProxy",
        "authtoken.Token",
        "auth.Group",
    ):
        assert never not in registered, never


def test_the_audit_log_has_no_admin_page(admin_client):
    response = admin_client.get("/admin/common/auditlog/")
    assert response.status_code == 404


def test_people_other_than_the_administrator_stay_out(client, head_a):
    client.force_login(head_a)
    response = client.get(reverse("admin:organisation_unit_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_unit_list_shows_units_with_filters(admin_client):
    response = admin_client.get(reverse("admin:organisation_unit_changelist"), {"type": "sentra"})
    assert response.status_code == 200
    html = response.content.decode()
    assert Unit.objects.get(code=SENTRA_A).name in html
    assert "Direktorat Rehabilitasi Sosial Anak" not in html


def test_the_unit_list_takes_few_queries(admin_client, django_assert_max_num_queries):
    url = reverse("admin:organisation_unit_changelist")
    admin_client.get(url)
    with django_assert_max_num_queries(12):
        admin_client.get(url)


def test_editing_a_unit_is_audited(admin_client, admin_user):
    unit = Unit.objects.get(code=SENTRA_A)
    url = reverse("admin:organisation_unit_change", args=[unit.pk])
    response = admin_client.post(
        url, unit_form(unit, residential_capacity=unit.residential_capacity + 10)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unit.refresh_from_db()
    row = AuditLog.objects.get(object_type="organisation.unit", object_id=str(unit.pk))
    assert row.action == "update"
    assert row.actor == admin_user
    assert row.changes == {
        "residential_capacity": [unit.residential_capacity - 10, unit.residential_capacity]
    }


def test_target_groups_are_chosen_from_the_klaster_list(admin_client):
    unit = Unit.objects.get(code=SENTRA_A)
    url = reverse("admin:organisation_unit_change", args=[unit.pk])
    response = admin_client.post(url, unit_form(unit, target_groups=["anak", "lansia"]))
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.target_groups == ["anak", "lansia"]
    response = admin_client.post(url, unit_form(unit, target_groups=["alien"]))
    assert response.status_code == 200  # the form again, with the error
    unit.refresh_from_db()
    assert unit.target_groups == ["anak", "lansia"]


def test_the_region_list_is_searchable_by_code_and_name(admin_client):
    url = reverse("admin:organisation_region_changelist")
    by_code = admin_client.get(url, {"q": "92.71"}).content.decode()
    assert "Kota Sorong" in by_code
    by_name = admin_client.get(url, {"q": "pisangan baru"}).content.decode()
    assert "31.75.01.1001" in by_name


def test_the_region_list_filters_retired_codes(admin_client):
    url = reverse("admin:organisation_region_changelist")
    html = admin_client.get(url, {"status": "retired", "level": "regency"}).content.decode()
    assert "92.71" in html
    assert "96.71" in html  # as the successor column


def test_a_region_code_cannot_be_changed_or_deleted(admin_client):
    region = Region.objects.get(code="31.75.01")
    html = admin_client.get(reverse("admin:organisation_region_change", args=[region.pk])).content
    assert b'name="code"' not in html
    response = admin_client.get(reverse("admin:organisation_region_delete", args=[region.pk]))
    assert response.status_code == 403


def test_renaming_a_region_is_audited(admin_client, admin_user):
    region = Region.objects.get(code="31.75.01")
    response = admin_client.post(
        reverse("admin:organisation_region_change", args=[region.pk]),
        {"name": "Matraman Baru", "valid_until": "", "successor": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = AuditLog.objects.get(object_type="organisation.region", object_id="31.75.01")
    assert row.changes == {"name": ["Matraman", "Matraman Baru"]}
    assert row.actor == admin_user


@pytest.mark.parametrize(
    "url",
    [
        reverse("admin:organisation_unit_add"),
        reverse("admin:organisation_region_add"),
        reverse("admin:organisation_region_changelist") + "?status=current&level=province",
    ],
)
def test_the_admin_pages_render(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_the_unit_form_renders_with_the_klaster_checkboxes(admin_client):
    unit = Unit.objects.get(code="630003")
    html = admin_client.get(reverse("admin:organisation_unit_change", args=[unit.pk])).content
    assert b'type="checkbox" name="target_groups" value="anak"' in html
    assert b"checked" in html


def test_the_region_pickers_in_the_unit_form_search_by_name(admin_client):
    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "organisation",
            "model_name": "unit",
            "field_name": "province",
            "term": "jawa barat",
        },
    )
    assert response.status_code == 200
    assert "32" in [r["id"] for r in response.json()["results"]]


def test_the_province_picker_offers_provinces_only(admin_client):
    response = admin_client.get(
        "/admin/autocomplete/",
        {"app_label": "organisation", "model_name": "unit", "field_name": "province", "term": "a"},
    )
    assert response.json()["results"]
    assert all("." not in r["id"] for r in response.json()["results"])


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"province": "31.75"}, "province"),
        ({"regency": "31.75.01"}, "regency"),
        ({"regency": "32.01"}, "regency"),  # Kabupaten Bogor is not in DKI Jakarta
    ],
)
def test_a_unit_keeps_a_consistent_province_and_regency(admin_client, changes, field):
    unit = Unit.objects.get(code=SENTRA_A)
    url = reverse("admin:organisation_unit_change", args=[unit.pk])
    response = admin_client.post(url, unit_form(unit, **changes))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not AuditLog.objects.filter(object_type="organisation.unit").exists()
