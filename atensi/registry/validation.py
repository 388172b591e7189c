"""The rules a person's record must meet; shared by the form, the API and the importer."""

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from atensi.lib import nik as nik_rules
from atensi.organisation.models import Region, RegionLevel, TargetGroup
from atensi.organisation.selectors import region_code_exists

from .models import DisabilityType, NoNikReason, Sex

NIK_MESSAGES = {
    nik_rules.LENGTH: _("NIK harus 16 digit."),
    nik_rules.DIGITS: _("NIK hanya boleh berisi angka."),
    nik_rules.PROVINCE_UNKNOWN: _("Kode provinsi di NIK (2 digit pertama) tidak dikenal."),
    nik_rules.REGENCY_UNKNOWN: _(
        "Kode kabupaten/kota di NIK (digit 3–4) tidak dikenal di provinsinya."
    ),
    nik_rules.DISTRICT_UNKNOWN: _(
        "Kode kecamatan di NIK (digit 5–6) tidak dikenal di kabupaten/kotanya."
    ),
    nik_rules.DISTRICT_ZERO: _("Kode kecamatan di NIK tidak boleh 00."),
    nik_rules.BIRTH_DATE_INVALID: _("Tanggal lahir di NIK (digit 7–12) bukan tanggal yang ada."),
    nik_rules.SERIAL_ZERO: _("Nomor urut di NIK (4 digit terakhir) tidak boleh 0000."),
    nik_rules.BIRTH_DATE_MISMATCH: _(
        "Tanggal lahir tercatat berbeda dengan tanggal lahir di NIK; periksa keduanya."
    ),
    nik_rules.SEX_MISMATCH: _(
        "Jenis kelamin tercatat berbeda dengan yang tersirat di NIK (tanggal + 40 untuk perempuan)."
    ),
    nik_rules.BIRTH_DATE_IN_FUTURE: _(
        "Tanggal lahir di NIK ada di masa depan; periksa abad/tahunnya."
    ),
}

# Choice values are rebuilt on every access of `.values`; a bulk import checks them per row.
_SEXES = frozenset(Sex.values)
_TARGET_GROUPS = frozenset(TargetGroup.values)
_NO_NIK_REASONS = frozenset(NoNikReason.values) - {""}
_DISABILITY_TYPES = frozenset(DisabilityType.values)

_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{6,18}$")


@dataclass
class PersonCheck:
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def error(self, name: str, message) -> None:
        self.errors.setdefault(name, []).append(str(message))

    @property
    def ok(self) -> bool:
        return not self.errors

    def warning_messages(self) -> list[str]:
        return [str(NIK_MESSAGES.get(code, code)) for code in self.warnings]


def validate_person(
    values: dict[str, Any], *, villages: set[str] | None = None, today: dt.date | None = None
) -> PersonCheck:
    """Checks the fields of a person; errors block saving, warnings are shown but never block.

    `villages` lets bulk callers pass the set of known village codes instead of one query per row,
    and `today` the service's calendar day (Asia/Jakarta), worked out once: finding it costs as
    much as the NIK check itself.
    """
    check = PersonCheck()
    full_name = (values.get("full_name") or "").strip()
    if not full_name:
        check.error("full_name", _("Nama lengkap wajib diisi."))
    elif len(full_name) > 150:
        check.error("full_name", _("Nama lengkap paling banyak 150 karakter."))
    if values.get("sex") not in _SEXES:
        check.error("sex", _("Jenis kelamin harus L (laki-laki) atau P (perempuan)."))
    if values.get("target_group") not in _TARGET_GROUPS:
        check.error("target_group", _("Pilih klaster: %s.") % ", ".join(TargetGroup.values))

    birth_date = values.get("birth_date")
    if birth_date is not None and not isinstance(birth_date, dt.date):
        check.error("birth_date", _("Tanggal lahir harus berformat TTTT-BB-HH."))
        birth_date = None
    if birth_date and birth_date > (today or timezone.localdate()):
        check.error("birth_date", _("Tanggal lahir tidak boleh di masa depan."))

    nik = values.get("nik")
    if nik:
        result = nik_rules.check_nik(
            nik,
            birth_date=birth_date,
            sex=values.get("sex"),
            region_exists=region_code_exists,
            today=today,
        )
        for code in result.errors:
            check.error("nik", NIK_MESSAGES[code])
        check.warnings.extend(result.warnings)
        if values.get("no_nik_reason"):
            check.error("no_nik_reason", _("Alasan tanpa NIK hanya diisi bila NIK kosong."))
    elif values.get("no_nik_reason") not in _NO_NIK_REASONS:
        check.error("nik", _("Isi NIK, atau pilih alasan mengapa orang ini tidak punya NIK."))

    no_kk = values.get("no_kk") or ""
    if no_kk and not (no_kk.isdigit() and len(no_kk) == 16):
        check.error("no_kk", _("No. KK harus 16 digit angka."))
    elif no_kk and not region_code_exists(no_kk[:2]):
        check.error("no_kk", _("Kode provinsi di No. KK (2 digit pertama) tidak dikenal."))

    unknown = set(values.get("disability_types") or []) - _DISABILITY_TYPES
    if unknown:
        check.error(
            "disability_types",
            _("Ragam disabilitas tidak dikenal: %(unknown)s. Pilihan: %(choices)s.")
            % {"unknown": ", ".join(sorted(unknown)), "choices": ", ".join(DisabilityType.values)},
        )
    phone = values.get("phone") or ""
    if phone and not _PHONE.match(phone):
        check.error(
            "phone", _("Nomor telepon hanya boleh berisi angka, spasi, tanda - dan + di depan.")
        )

    village = values.get("village")
    if village is not None:
        code = village.code if isinstance(village, Region) else str(village)
        known = (
            code in villages
            if villages is not None
            else Region.objects.filter(code=code, level=RegionLevel.VILLAGE).exists()
        )
        if not known:
            check.error("village", _("Kode desa/kelurahan %s tidak dikenal.") % code)
    return check
