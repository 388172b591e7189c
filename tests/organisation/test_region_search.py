"""GET /wilayah/cari/: the region search behind every address box (htmx <option>s)."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from atensi.organisation.models import Region
from atensi.organisation.selectors import region_label, regions_search

pytestmark = pytest.mark.django_db
URL = reverse("regions:search")


def options(response) -> list[tuple[str, str]]:
    """Returns the enabled (value, text) options of a response."""
    html = response.content.decode()
    return [
        (value, text)
        for attrs, value, text in re.findall(
            r'<option([^>]*)value="([^"]*)"[^>]*>([^<]*)</option>', html
        )
        if value
    ]


@pytest.fixture
def client_a(client, pendamping_a):
    client.force_login(pendamping_a)
    return client


def test_it_sends_an_anonymous_visitor_to_the_login_page(client):
    response = client.get(URL, {"q": "menteng"})
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_every_signed_in_role_may_search(client, finance_a):
    client.force_login(finance_a)
    assert client.get(URL, {"q": "menteng"}).status_code == 200


def test_it_finds_a_desa_and_shows_it_with_its_district_regency_and_province(client_a):
    response = client_a.get(URL, {"q": "sukamaju", "level": "village", "parent": "32.01"})
    assert response.status_code == 200
    assert (
        "32.01.06.2001",
        "Desa Sukamaju, Kec. Jonggol, Kab. Bogor, Prov. Jawa Barat (32.01.06.2001)",
    ) in options(response)


def test_a_kelurahan_is_called_kel(client_a):
    response = client_a.get(URL, {"q": "pisangan baru", "level": "village"})
    assert options(response) == [
        (
            "31.75.01.1001",
            "Kel. Pisangan Baru, Kec. Matraman, Kota Adm. Jakarta Timur, "
            "Prov. Daerah Khusus Ibukota Jakarta (31.75.01.1001)",
        )
    ]


@pytest.mark.parametrize("typed", ["MENTENG", "menteng", "MeNtEnG", "  menteng  "])
def test_the_name_search_ignores_case_and_spaces(client_a, typed):
    found = [code for code, _text in options(client_a.get(URL, {"q": typed, "level": "village"}))]
    assert "31.71.06.1001" in found  # Kel. Menteng, Jakarta Pusat


def test_the_other_words_may_name_the_district_regency_or_province(client_a):
    found = options(client_a.get(URL, {"q": "menteng jakarta selatan", "level": "village"}))
    assert found
    assert all("Jakarta Selatan" in text for _code, text in found)


def test_the_exact_name_comes_first(client_a):
    found = options(client_a.get(URL, {"q": "cibinong", "level": "village"}))
    names = [text.split(",")[0] for _code, text in found]
    assert names[0] in ("Kel. Cibinong", "Desa Cibinong")
    assert names.index("Desa Cibinonghilir") > names.index("Desa Cibinong")


def test_only_the_asked_level_is_returned(client_a):
    found = options(client_a.get(URL, {"q": "sorong", "level": "regency"}))
    assert {code for code, _text in found} == {"96.01", "96.02", "96.71"}


def test_only_current_codes_by_default(client_a):
    found = {code for code, _ in options(client_a.get(URL, {"q": "sorong", "level": "district"}))}
    assert "96.71.01" in found
    assert not any(code.startswith("92.") for code in found)


def test_retired_codes_on_request(client_a):
    response = client_a.get(URL, {"q": "sorong", "level": "regency", "include_retired": "on"})
    assert {"92.71", "96.71"} <= {code for code, _ in options(response)}


def test_a_code_finds_the_region_and_the_regions_below(client_a):
    found = [code for code, _ in options(client_a.get(URL, {"q": "31.75.01", "level": "village"}))]
    assert found[0] == "31.75.01.1001"
    assert all(code.startswith("31.75.01.") for code in found)


def test_a_code_may_be_typed_without_dots(client_a):
    found = [code for code, _ in options(client_a.get(URL, {"q": "317501", "level": "district"}))]
    assert found == ["31.75.01"]


def test_a_short_query_asks_for_more_letters(client_a):
    response = client_a.get(URL, {"q": "m", "level": "village"})
    assert options(response) == []
    assert "paling sedikit 2 huruf" in response.content.decode()


def test_no_match_says_so(client_a):
    response = client_a.get(URL, {"q": "xyzzyqq", "level": "village"})
    assert options(response) == []
    assert "Tidak ada wilayah yang cocok" in response.content.decode()


def test_the_current_choice_stays_first_and_selected(client_a):
    response = client_a.get(URL, {"q": "menteng", "level": "village", "selected": "31.75.01.1001"})
    html = response.content.decode()
    found = options(response)
    assert found[0][0] == "31.75.01.1001"
    assert '<option value="31.75.01.1001" selected>' in html
    assert [code for code, _ in found].count("31.75.01.1001") == 1


def test_at_most_20_options_and_a_hint_when_there_are_more(client_a):
    response = client_a.get(URL, {"q": "suka", "level": "village"})
    assert len(options(response)) == 20
    assert "perjelas pencarian" in response.content.decode()


def test_a_parent_alone_lists_its_children(client_a):
    found = [
        code for code, _ in options(client_a.get(URL, {"level": "district", "parent": "31.75"}))
    ]
    assert "31.75.01" in found
    assert all(code.startswith("31.75.") and code.count(".") == 2 for code in found)


def test_an_unknown_level_is_refused(client_a):
    response = client_a.get(URL, {"q": "menteng", "level": "kampung"})
    assert response.status_code == 400
    assert "tidak valid" in response.content.decode()


def test_the_list_format_gives_a_small_list(client_a):
    response = client_a.get(URL, {"q": "pisangan baru", "format": "list"})
    html = response.content.decode()
    assert '<li data-code="31.75.01.1001">' in html
    assert "Kec. Matraman" in html


def test_the_number_of_queries_does_not_grow_with_the_results(
    client_a, django_assert_max_num_queries
):
    client_a.get(URL, {"q": "menteng", "level": "village"})  # the session is warm
    with django_assert_max_num_queries(3):  # session, user, regions with their ancestors
        response = client_a.get(URL, {"q": "suka", "level": "village"})
    assert len(options(response)) == 20
    with django_assert_max_num_queries(4):  # and the current choice
        client_a.get(URL, {"q": "suka", "level": "village", "selected": "31.75.01.1001"})


def test_labels_need_no_queries_once_searched(django_assert_num_queries):
    with django_assert_num_queries(1):
        labels = [region_label(r) for r in regions_search(query="suka", level="village")[:20]]
    assert len(labels) == 20


def test_the_address_picker_renders_the_current_choice():
    village = Region.objects.get(code="31.75.01.1001")
    html = render_to_string(
        "organisation/partials/region_picker.html",
        {"name": "village", "level": "village", "label": "Desa/kelurahan", "selected": village},
    )
    assert 'name="village"' in html
    assert '<option value="31.75.01.1001" selected>' in html
    assert URL in html
