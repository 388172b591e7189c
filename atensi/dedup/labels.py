"""Words for the engine's stable field and level codes (engine/comparisons.py LEVELS)."""

from django.utils.translation import gettext_lazy as _

FIELDS = {
    "name": _("Nama"),
    "nik": _("NIK"),
    "birth_date": _("Tanggal lahir"),
    "sex": _("Jenis kelamin"),
    "household": _("Keluarga dan tempat (No. KK, orang tua, wilayah, alamat)"),
    "birth_place": _("Tempat lahir"),
    "phone": _("Telepon"),
}

LEVELS = {
    "null": _("tidak bisa dibandingkan (kosong)"),
    "exact": _("sama persis"),
    "same": _("sama"),
    "same_words": _("kata sama, urutan lain"),
    "very_similar": _("sangat mirip"),
    "same_sound_or_contained": _("bunyi sama atau termuat"),
    "similar": _("mirip"),
    "different": _("berbeda"),
    "shared_other_birth_date": _("sama, tetapi tanggal lahir lain"),
    "one_digit": _("beda satu angka"),
    "transposed": _("dua angka tertukar"),
    "kk_as_nik": _("No. KK tertulis sebagai NIK"),
    "one_digit_or_transposed": _("beda satu angka atau tertukar"),
    "day_month_swapped": _("hari dan bulan tertukar"),
    "two_of_three": _("dua dari tiga bagian sama"),
    "same_year": _("tahun sama"),
    "same_village": _("desa/kelurahan sama"),
    "same_district": _("kecamatan sama"),
    "same_regency": _("kabupaten/kota sama"),
    "same_province": _("provinsi sama"),
    "same_last_seven": _("tujuh angka terakhir sama"),
    "same_kk_same_place": _("No. KK dan tempat sama"),
    "same_kk": _("No. KK sama"),
    "same_parent_same_place": _("orang tua dan tempat sama"),
    "same_village_and_address": _("desa dan alamat sama"),
    "same_parent": _("nama orang tua sama"),
}


def field_label(code: str) -> str:
    return str(FIELDS.get(code, code))


def level_label(code: str) -> str:
    return str(LEVELS.get(code, code.replace("_", " ")))


def explained_fields(explanation: dict) -> list[dict]:
    """Returns the explanation's fields with words, strongest evidence for a match first."""
    rows = []
    for f in explanation.get("fields", []):
        weight = float(f.get("weight", 0)) + float(f.get("tf_weight", 0))
        rows.append(
            {
                "field": f["field"],
                "label": f.get("title") or field_label(f["field"]),
                "level": f["level"],
                "level_label": level_label(f["level"]),
                "weight": round(weight, 2),
                "agrees": weight > 0,
                "known": f["level"] != "null",
            }
        )
    return sorted(rows, key=lambda r: -r["weight"])
