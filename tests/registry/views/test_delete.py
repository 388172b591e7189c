import pytest
from django.urls import reverse

from atensi.common.models import AuditLog
from atensi.registry.models import Person

pytestmark = pytest.mark.django_db


def test_the_administrator_erases_a_record_with_a_reason(client, admin_user, suparno):
    client.force_login(admin_user)
    url = reverse("registry:delete", args=[suparno.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "Permintaan penghapusan oleh wali (UU PDP)"})
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:list")
    assert not Person.objects.filter(pk=suparno.pk).exists()
    row = AuditLog.objects.get(action="delete", object_id=str(suparno.pk))
    assert row.changes["reason"] == [None, "Permintaan penghapusan oleh wali (UU PDP)"]


def test_erasing_without_a_reason_is_refused(client, admin_user, suparno):
    client.force_login(admin_user)
    response = client.post(reverse("registry:delete", args=[suparno.pk]), {"reason": "  "})
    assert response.status_code == 200
    assert "Tuliskan alasan penghapusan." in response.content.decode()
    assert Person.objects.filter(pk=suparno.pk).exists()


@pytest.mark.parametrize("role", ["head_a", "pendamping_a", "auditor"])
def test_only_the_administrator_may_erase(client, request, role, suparno):
    client.force_login(request.getfixturevalue(role))
    url = reverse("registry:delete", args=[suparno.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "salah input"}).status_code == 403
    assert Person.objects.filter(pk=suparno.pk).exists()


def test_outsiders_get_404(client, head_b, suparno):
    client.force_login(head_b)
    assert client.get(reverse("registry:delete", args=[suparno.pk])).status_code == 404
