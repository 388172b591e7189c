"""NIK (Nomor Induk Kependudukan) rules, DOMAIN.md §4.

PP KK CC DDMMYY SSSS: province, regency/city, district, birth date (day + 40 for women), serial.
Structure errors reject a NIK. A disagreement with the recorded birth date or sex is only a
warning, because a later correction of either does not change the NIK. Region codes are checked
against every code that ever existed (a NIK keeps the code of its first registration).
"""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from zoneinfo import ZoneInfo

_SEPARATORS = re.compile(r"[\s.\-]")
# str.isdigit() also accepts "²" or Arabic-Indic digits, which int() or the database would choke on.
_ASCII_DIGITS = re.compile(r"[0-9]*")
# The service's calendar day; a server clock in UTC would still be "yesterday" until 07:00 WIB.
_TODAY_ZONE = ZoneInfo("Asia/Jakarta")

# Error codes (the NIK cannot be right).
LENGTH = "length"
DIGITS = "digits"
PROVINCE_UNKNOWN = "province_unknown"
REGENCY_UNKNOWN = "regency_unknown"
DISTRICT_UNKNOWN = "district_unknown"
DISTRICT_ZERO = "district_zero"
BIRTH_DATE_INVALID = "birth_date_invalid"
SERIAL_ZERO = "serial_zero"
# Warning codes (the NIK may be right; the person's record or the NIK needs a look).
BIRTH_DATE_MISMATCH = "birth_date_mismatch"
SEX_MISMATCH = "sex_mismatch"
BIRTH_DATE_IN_FUTURE = "birth_date_in_future"


@dataclass
class NikCheck:
    nik: str
    valid: bool = False
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    province_code: str | None = None
    regency_code: str | None = None
    district_code: str | None = None
    birth_date: dt.date | None = None
    sex: str | None = None

    def as_dict(self) -> dict:
        data = asdict(self)
        data.pop("nik")
        data["birth_date"] = self.birth_date.isoformat() if self.birth_date else None
        return data


def clean_nik(raw: str) -> str:
    """Returns the NIK without the spaces, dots and dashes people type into it."""
    return _SEPARATORS.sub("", str(raw or ""))


def _encoded_birth_date(
    yy: int, month: int, day: int, recorded: dt.date | None, today: dt.date
) -> dt.date:
    """Returns the birth date a NIK encodes; raises ValueError when no such day exists.

    The NIK holds two digits of the year. A recorded birth date in the same year of its century
    settles the century; otherwise the 2000s are taken unless that date lies after today (nobody
    holds a NIK for a birth still to come), which makes it the 1900s.
    """
    if recorded is not None and recorded.year % 100 == yy:
        return dt.date(recorded.year, month, day)
    recent = dt.date(2000 + yy, month, day)
    return recent if recent <= today else dt.date(1900 + yy, month, day)


def check_nik(
    raw: str,
    *,
    birth_date: dt.date | None = None,
    sex: str | None = None,
    region_exists: Callable[[str], bool] | None = None,
    today: dt.date | None = None,
) -> NikCheck:
    """Checks a NIK's structure, its region codes and its agreement with a recorded birth date/sex.

    `region_exists` takes a dotted Kemendagri code ("32", "32.01", "32.01.05") and says whether it
    exists now or existed before; without it region codes are not checked.
    """
    nik = clean_nik(raw)
    result = NikCheck(nik=nik)
    if not _ASCII_DIGITS.fullmatch(nik):
        result.errors.append(DIGITS)
    if len(nik) != 16:
        result.errors.append(LENGTH)
    if result.errors:
        return result

    pp, kk, cc = nik[0:2], nik[2:4], nik[4:6]
    result.province_code = pp
    result.regency_code = f"{pp}.{kk}"
    result.district_code = f"{pp}.{kk}.{cc}"
    if cc == "00":
        result.errors.append(DISTRICT_ZERO)
    if region_exists is not None:
        if not region_exists(pp):
            result.errors.append(PROVINCE_UNKNOWN)
        elif not region_exists(result.regency_code):
            result.errors.append(REGENCY_UNKNOWN)
        elif cc != "00" and not region_exists(result.district_code):
            result.errors.append(DISTRICT_UNKNOWN)

    today = today or dt.datetime.now(_TODAY_ZONE).date()
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    encoded_sex = "P" if day > 40 else "L"
    if day > 40:
        day -= 40
    try:
        encoded_date = _encoded_birth_date(yy, month, day, birth_date, today)
    except ValueError:
        result.errors.append(BIRTH_DATE_INVALID)
    else:
        result.birth_date = encoded_date
        result.sex = encoded_sex
        if encoded_date > today:
            result.warnings.append(BIRTH_DATE_IN_FUTURE)
        if birth_date is not None and birth_date != encoded_date:
            result.warnings.append(BIRTH_DATE_MISMATCH)
        recorded_sex = (sex or "").strip().upper()
        # Only a recorded L or P can disagree; a missing or malformed sex is the form's business.
        if recorded_sex in ("L", "P") and recorded_sex != encoded_sex:
            result.warnings.append(SEX_MISMATCH)

    if nik[12:] == "0000":
        result.errors.append(SERIAL_ZERO)
    result.valid = not result.errors
    return result
