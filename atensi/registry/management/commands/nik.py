import datetime as dt
import json
import re
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from atensi.lib.nik import check_nik
from atensi.organisation.models import Region
from atensi.organisation.selectors import region_code_exists
from atensi.registry.validation import NIK_MESSAGES

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

EXIT_INVALID = 1
EXIT_USAGE = 2  # as argparse does for bad options, so scripts can tell them from an invalid NIK


class Command(BaseCommand):
    help = (
        "NIK rules (the same as the person form, the API and the import). "
        "Usage: atensi nik check NIK [--birth-date YYYY-MM-DD] [--sex L|P] [--json]. "
        "Exit status: 0 when the NIK is valid, 1 when it is not (warnings never change it), "
        "2 for a malformed --birth-date or --sex."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser(
            "check",
            help="check one NIK; exit status 0 when valid, 1 when invalid",
            description=(
                "Checks a NIK's structure and region codes (current and retired) and, when given, "
                "its agreement with a recorded birth date and sex. A disagreement is a warning "
                "only. Exit status: 0 valid, 1 invalid, 2 for a malformed --birth-date or --sex "
                "(with a message on stderr)."
            ),
        )
        check.add_argument("nik", help="the NIK; spaces, dots and dashes are ignored")
        check.add_argument(
            "--birth-date", help="recorded birth date, YYYY-MM-DD (settles the century)"
        )
        check.add_argument("--sex", help="recorded sex: L (laki-laki) or P (perempuan)")
        check.add_argument(
            "--json",
            dest="as_json",
            action="store_true",
            help='print {"valid", "errors", "warnings", "province_code", "regency_code", '
            '"district_code", "birth_date", "sex"} as JSON',
        )

    def handle(self, *args, action, nik, birth_date=None, sex=None, as_json=False, **options):
        result = check_nik(
            nik,
            birth_date=_birth_date(birth_date),
            sex=_sex(sex),
            region_exists=region_code_exists,
        )
        if as_json:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            self.stdout.write(_summary(result))
        if not result.valid:
            # The answer itself was printed; the status lets scripts branch on it.
            sys.exit(EXIT_INVALID)


def _birth_date(raw: str | None) -> dt.date | None:
    if raw is None:
        return None
    try:
        if not _ISO_DATE.match(raw.strip()):
            raise ValueError(raw)
        value = dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise CommandError(
            _(
                "--birth-date harus tanggal yang ada, berformat TTTT-BB-HH (misalnya 2012-05-17); "
                "diterima: %s"
            )
            % raw,
            returncode=EXIT_USAGE,
        ) from None
    if value > timezone.localdate():
        raise CommandError(
            _("--birth-date tidak boleh di masa depan; diterima: %s") % raw, returncode=EXIT_USAGE
        )
    return value


def _sex(raw: str | None) -> str | None:
    if raw is None:
        return None
    value = raw.strip().upper()
    if value not in ("L", "P"):
        raise CommandError(
            _("--sex harus L (laki-laki) atau P (perempuan); diterima: %s") % raw,
            returncode=EXIT_USAGE,
        )
    return value


def _summary(result) -> str:
    """Returns a readable Indonesian account of a NIK check, with region names where known."""
    codes = [c for c in (result.province_code, result.regency_code, result.district_code) if c]
    regions = Region.objects.select_related("successor").in_bulk(codes)
    lines = [(_("NIK %s: SAH") if result.valid else _("NIK %s: TIDAK SAH")) % (result.nik or "-")]
    labels = [
        (_("Provinsi"), result.province_code),
        (_("Kabupaten/kota"), result.regency_code),
        (_("Kecamatan"), result.district_code),
    ]
    for label, code in labels:
        if not code:
            continue
        region = regions.get(code)
        if region is None:
            described = _("%s (tidak dikenal)") % code
        elif region.successor_id:
            described = _("%(code)s %(name)s (kode lama, kini %(new)s)") % {
                "code": code,
                "name": region.name,
                "new": region.successor,
            }
        else:
            described = f"{code} {region.name}"
        lines.append(f"  {label}: {described}")
    if result.birth_date:
        label = _("Tanggal lahir")
        lines.append(f"  {label}: {result.birth_date:%d-%m-%Y}")
    if result.sex:
        sex = _("laki-laki") if result.sex == "L" else _("perempuan")
        label = _("Jenis kelamin")
        lines.append(f"  {label}: {result.sex} ({sex})")
    if result.errors:
        lines.append(_("Kesalahan:"))
        lines += [f"  - {NIK_MESSAGES[code]} [{code}]" for code in result.errors]
    if result.warnings:
        lines.append(_("Peringatan:"))
        lines += [f"  - {NIK_MESSAGES[code]} [{code}]" for code in result.warnings]
    if result.valid:
        lines.append(_("Struktur NIK sah; itu belum membuktikan bahwa NIK ini terdaftar."))
    return "\n".join(lines)
