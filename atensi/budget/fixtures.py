"""The demo budget: TA 2023 and 2024 in full and the TA 2025 allocation, built to match the
directorate's public figures (DOMAIN.md §1), for all 31 sentra and the centre.

Everything is loaded through the same import service as a finance officer's files (DIPA, Hal III,
blokir, SP2D lines, monthly output reports) and the manual-score service for the IKPA components
atensi cannot compute, so the figures come out of the ordinary computation, not out of this file.

The public figures and how this data set meets them:
- TA 2023: total pagu Rp 1.228.603.927.000; sentra (UPT) Rp 871.903.927.000 ("about Rp 871
  miliar"), centre Rp 356.700.000.000 ("about Rp 356 miliar").
- TA 2024: realisation 98,30 % of the allocation and "the Rp 1,3 miliar left was blocked budget":
  taken literally, what was not spent is exactly the blokir still in force on 31 December
  (Rp 1.300.000.000), so every rupiah that could be spent was. That fixes the allocation at
  Rp 1,3 miliar / 1,70 % ≈ Rp 76,47 miliar (here Rp 76.471.000.000, realisation 98,30 %).
- TA 2025: allocation Rp 172.600.000.000 for the directorate-general's programme focus (one
  programme, 027.05.DN), with RO targets: the "next year" of the TA 2024 report. Its realisation
  is made up (no public figure), as is all of the year in progress.
- The year in progress (`budget_demo_load(..., current=True)`, when it is after 2025): the 2025
  allocation again, realised through the last closed month, with some satker behind their plan,
  so that heads see the quarter warnings the pages exist for.
- Awards TA 2024 (top five by NKA): the sentra whose note in organisation/data/units.csv says
  "top NKA 2024", ranked in the order of their unit codes.

Nothing here is random: the same call gives the same data. Amounts are whole thousands of Rupiah.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from atensi.common.errors import ApplicationError
from atensi.organisation.models import TargetGroup, Unit, UnitType

from .importing import COLUMNS, budget_import
from .models import ImportBatch, Output
from .services import manual_score_set

PROGRAM = "027.05.DN"
SOURCE = "Data demo atensi (bukan angka resmi per satker)"
TOP_NOTE = "top NKA 2024"
THOUSAND = 1000

# The public figures (DOMAIN.md §1) this data set reproduces.
PUBLIC = {
    2023: {"pagu": 1_228_603_927_000, "upt": 871_903_927_000, "pusat": 356_700_000_000},
    2024: {
        "pagu": 76_471_000_000,
        "upt": 54_296_000_000,
        "pusat": 22_175_000_000,
        "blokir": 1_300_000_000,
        "penyerapan": Decimal("98.30"),
    },
    2025: {"pagu": 172_600_000_000, "upt": 122_546_000_000, "pusat": 50_054_000_000},
}
YEARS = (2023, 2024, 2025)

# Hal III: the same monthly shares for every jenis belanja (%), 25/50/75/100 by quarter, so a
# satker that follows its plan meets every quarterly IKPA target.
PLAN_SHARES = (8, 8, 9, 8, 8, 9, 8, 9, 8, 8, 9, 8)

# The DIPA lines of each kind of unit: (kegiatan, KRO, RO, name, unit of volume, service?,
# [(komponen, akun, share of the unit's pagu in %)]).
SENTRA_LINES = (
    ("6376", "EBA", "994", "Layanan Perkantoran", "Bulan layanan", False,
     [("001", "511111", 30), ("002", "521111", 10)]),
    ("6376", "EBB", "951", "Layanan Sarana dan Prasarana Internal", "Unit", False,
     [("051", "532111", 8)]),
    ("6371", "QDB", "001", "Layanan rehabilitasi sosial {tg}", "Orang", True,
     [("051", "521211", 17), ("052", "573111", 10)]),
    ("6371", "QDB", "002", "Layanan rehabilitasi sosial {tg}", "Orang", True,
     [("051", "521211", 15), ("052", "573111", 10)]),
)  # fmt: skip
DIRECTORATE_LINES = (
    ("6376", "EBA", "994", "Layanan Perkantoran", "Bulan layanan", False,
     [("001", "511111", 15), ("002", "521111", 5)]),
    ("6371", "QDB", "001", "Asistensi rehabilitasi sosial {tg}", "Orang", True,
     [("051", "521211", 30), ("052", "573111", 50)]),
)  # fmt: skip
CENTRE_LINES = (
    ("6376", "EBA", "994", "Layanan Perkantoran", "Bulan layanan", False,
     [("001", "511111", 45), ("002", "521111", 25)]),
    ("6376", "EBB", "951", "Layanan Sarana dan Prasarana Internal", "Unit", False,
     [("051", "532111", 10)]),
    ("6376", "EBD", "953", "Layanan Manajemen Kinerja Internal", "Dokumen", False,
     [("051", "521211", 20)]),
)  # fmt: skip
CENTRE_WEIGHTS = {"ditjen": 20, "secretariat": 120, "directorate": (45, 50, 40, 35, 30)}

FOCUS_WORDS = (
    ("children", TargetGroup.ANAK),
    ("napza", TargetGroup.NAPZA),
    ("hiv", TargetGroup.ODHA),
    ("elderly", TargetGroup.LANSIA),
    ("homeless", TargetGroup.TUNA_SOSIAL),
    ("disability", TargetGroup.DISABILITAS),
)
TG_CYCLE = (
    TargetGroup.ANAK,
    TargetGroup.DISABILITAS,
    TargetGroup.LANSIA,
    TargetGroup.TUNA_SOSIAL,
)
TG_WORDS = {
    TargetGroup.ANAK: "anak",
    TargetGroup.DISABILITAS: "penyandang disabilitas",
    TargetGroup.LANSIA: "lanjut usia",
    TargetGroup.NAPZA: "korban penyalahgunaan NAPZA",
    TargetGroup.TUNA_SOSIAL: "tuna sosial dan korban perdagangan orang",
    TargetGroup.ODHA: "ODHA",
    TargetGroup.BENCANA: "korban bencana dan kedaruratan",
    TargetGroup.PPKS_LAIN: "PPKS lainnya",
}

# Blokir: (TA, unit, jenis belanja, amount, reason, blocked on, released on).
BLOKIR = (
    (2023, "630002", "52", 500_000_000, "Menunggu TOR dan RAB kegiatan", "2023-01-03",
     "2023-03-20"),
    (2024, "630108", "52", 200_000_000, "Menunggu dokumen pengadaan", "2024-01-02", "2024-04-15"),
    (2024, "630002", "52", 700_000_000, "Menunggu revisi POK dan TOR", "2024-01-02", ""),
    (2024, "630006", "57", 350_000_000, "Menunggu data calon penerima bantuan", "2024-02-01", ""),
    (2024, "630113", "52", 250_000_000, "Menunggu dokumen pengadaan", "2024-01-02", ""),
)  # fmt: skip
# One DIPA revision ("pagu tetap", code 211): Rp 50 juta from belanja barang to belanja modal.
REVISION = {"ta": 2024, "unit": "630108", "number": 1, "date": "2024-07-01", "code": "211"}
REVISION_SHIFT = 50_000_000


@dataclass
class DemoBudgetResult:
    years_loaded: list[int] = field(default_factory=list)
    years_present: list[int] = field(default_factory=list)
    batches: int = 0
    top_nka_2024: list[str] = field(default_factory=list)


# --- Shaping the data set ----------------------------------------------------------------------


def _spread(total: int, weights, step: int = THOUSAND) -> list[int]:
    """Splits `total` by `weights` into multiples of `step` that add up to `total` exactly."""
    units = total // step
    weight_sum = sum(weights)
    raw = [units * w / weight_sum for w in weights]
    parts = [int(r) for r in raw]
    order = sorted(range(len(weights)), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[: units - sum(parts)]:
        parts[i] += 1
    return [p * step for p in parts]


def _sentra_weight(index: int) -> int:
    return 100 + (index * 37) % 61


def _focus(unit: Unit, index: int) -> tuple[str, str]:
    text = unit.former_focus.lower()
    first = next((tg for word, tg in FOCUS_WORDS if word in text), TG_CYCLE[index % 3])
    second = next(tg for tg in TG_CYCLE[(index + 1) % 4 :] + TG_CYCLE if tg != first)
    return first, second


@dataclass
class _Satker:
    unit: Unit
    index: int
    top: bool
    lines: list[dict] = field(default_factory=list)  # DIPA lines with their RO
    quality: int = 0  # 0 (best) .. 9: how far the satker is from its plan and targets


def _units() -> tuple[list[Unit], list[Unit]]:
    units = list(Unit.objects.filter(is_active=True).order_by("code"))
    sentra = [u for u in units if u.type == UnitType.SENTRA]
    centre = [u for u in units if u.type != UnitType.SENTRA]
    if not sentra or not centre:
        raise ApplicationError(
            "Unit kerja belum dimuat; jalankan `atensi units load` lebih dulu.",
            code="no_units",
        )
    return sentra, centre


def top_nka_sentra() -> list[str]:
    """Returns the five sentra the demo gives the highest NKA 2024 (units.csv notes first)."""
    sentra, _centre = _units()
    marked = [u.code for u in sentra if TOP_NOTE in (u.note or "")]
    others = [u.code for u in sentra if u.code not in marked]
    return (marked + others)[:5]


def _public(ta: int) -> dict:
    """The totals of `ta`: its public figures, or the latest ones for a later demo year."""
    return PUBLIC.get(ta) or PUBLIC[max(PUBLIC)]


def _closed_months(ta: int) -> int:
    """Months of `ta` that are over today: 12 for a past year."""
    today = timezone.localdate()
    return 12 if ta < today.year else max(0, today.month - 1) if ta == today.year else 0


def _satker(ta: int) -> list[_Satker]:
    sentra, centre = _units()
    top = set(top_nka_sentra())
    figures = _public(ta)
    out = []
    sentra_pagu = _spread(figures["upt"], [_sentra_weight(i) for i in range(len(sentra))])
    directorate_weights = iter(CENTRE_WEIGHTS["directorate"] * 3)
    centre_weights = [
        next(directorate_weights)
        if u.type == UnitType.DIRECTORATE
        else CENTRE_WEIGHTS.get(u.type, 20)
        for u in centre
    ]
    centre_pagu = _spread(figures["pusat"], centre_weights)
    for index, (unit, pagu) in enumerate(zip(sentra, sentra_pagu, strict=True)):
        tgs = _focus(unit, index)
        item = _Satker(
            unit, index, unit.code in top, quality=0 if unit.code in top else 1 + index % 9
        )
        item.lines = _lines(SENTRA_LINES, pagu, tgs, index)
        out.append(item)
    for index, (unit, pagu) in enumerate(zip(centre, centre_pagu, strict=True)):
        tgs = tuple(unit.target_groups or [TargetGroup.PPKS_LAIN])
        shape = DIRECTORATE_LINES if unit.type == UnitType.DIRECTORATE else CENTRE_LINES
        item = _Satker(unit, 31 + index, False, quality=1 + (index * 4) % 9)
        item.lines = _lines(shape, pagu, tgs, 31 + index)
        out.append(item)
    return out


def _lines(shape, pagu: int, target_groups, index: int) -> list[dict]:
    shares = [share for *_head, akun_lines in shape for _k, _a, share in akun_lines]
    amounts = iter(_spread(pagu, shares))
    services = iter(target_groups)
    lines = []
    for kegiatan, kro, ro, name, volume_unit, service, akun_lines in shape:
        tg = next(services, target_groups[0]) if service else ""
        if service:
            target = 150 + (index * 53 + int(ro) * 29) % 400
        else:
            target = 12 if volume_unit == "Bulan layanan" else 1
        for komponen, akun, _share in akun_lines:
            lines.append(
                {
                    "kegiatan": kegiatan,
                    "kro": kro,
                    "ro": ro,
                    "name": name.format(tg=TG_WORDS.get(tg, tg)),
                    "volume_unit": volume_unit,
                    "target_group": str(tg),
                    "target": target,
                    "komponen": komponen,
                    "akun": akun,
                    "pagu": next(amounts),
                }
            )
    return lines


# --- Rows for the import files ---------------------------------------------------------------


def _dipa_rows(ta: int, satker: list[_Satker], revised: bool = False) -> list[dict]:
    rows = []
    for s in satker:
        lines = s.lines
        if revised:
            if s.unit.code != REVISION["unit"]:
                continue
            lines = _revised(lines)
        for line in lines:
            row = {
                "tahun": ta,
                "kode_satker": s.unit.code,
                "program": PROGRAM,
                "kegiatan": line["kegiatan"],
                "kro": line["kro"],
                "ro": line["ro"],
                "nama_ro": line["name"],
                "indikator": f"Jumlah {line['volume_unit'].lower()}",
                "target_volume": line["target"],
                "satuan": line["volume_unit"],
                "klaster": line["target_group"],
                "komponen": line["komponen"],
                "akun": line["akun"],
                "sumber_dana": "RM",
                "uraian": f"Belanja akun {line['akun']}",
                "volume": 1,
                "harga_satuan": line["pagu"],
                "pagu": line["pagu"],
                "berlaku_mulai": f"{ta}-01-01",
                "revisi_ke": 0,
            }
            if revised:
                row.update(
                    berlaku_mulai=REVISION["date"],
                    revisi_ke=REVISION["number"],
                    kode_jenis_revisi=REVISION["code"],
                )
            rows.append(row)
    return rows


def _revised(lines: list[dict]) -> list[dict]:
    """The revised DIPA of the revision's satker: belanja barang → belanja modal."""
    out = [dict(line) for line in lines]
    for line in out:
        if line["akun"] == "521111":
            line["pagu"] -= REVISION_SHIFT
        elif line["akun"] == "532111":
            line["pagu"] += REVISION_SHIFT
    return out


def _final_lines(ta: int, s: _Satker) -> list[dict]:
    if ta == REVISION["ta"] and s.unit.code == REVISION["unit"]:
        return _revised(s.lines)
    return s.lines


def _jenis_pagu(lines: list[dict]) -> dict[str, int]:
    out: dict[str, int] = {}
    for line in lines:
        out[line["akun"][:2]] = out.get(line["akun"][:2], 0) + line["pagu"]
    return out


def _plan_rows(ta: int, satker: list[_Satker]) -> list[dict]:
    rows = []
    for s in satker:
        for jenis, pagu in sorted(_jenis_pagu(s.lines).items()):
            for month, amount in enumerate(_spread(pagu, PLAN_SHARES), start=1):
                rows.append(
                    {
                        "tahun": ta,
                        "kode_satker": s.unit.code,
                        "bulan": month,
                        "jenis_belanja": jenis,
                        "rencana": amount,
                        "berlaku_mulai": f"{ta}-01-01",
                        "revisi_ke": 0,
                    }
                )
    return rows


def _blokir_rows(ta: int) -> list[dict]:
    return [
        {
            "tahun": ta,
            "kode_satker": unit,
            "jenis_belanja": jenis,
            "jumlah": amount,
            "alasan": reason,
            "tanggal_blokir": blocked,
            "tanggal_dibuka": released,
        }
        for year, unit, jenis, amount, reason, blocked, released in BLOKIR
        if year == ta
    ]


def _year_end_blokir(ta: int, code: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for year, unit, jenis, amount, _reason, _blocked, released in BLOKIR:
        if year == ta and unit == code and not released:
            out[jenis] = out.get(jenis, 0) + amount
    return out


def _realised_share(ta: int, s: _Satker) -> Decimal:
    """What share of its spendable pagu the satker realised in the year."""
    if ta == 2024:
        return Decimal(1)  # the public figure: only the blokir was left
    return Decimal(1) - Decimal(s.quality * 7 + s.index % 5) / Decimal(1000)


def _pace(s: _Satker, month: int) -> Decimal:
    """Realisation as a share of plan in months 1–11 (December takes the rest)."""
    if s.quality == 0:
        return Decimal(1)
    return Decimal(1) - Decimal(s.quality * 3 + (month * s.index) % 4) / Decimal(100)


def _line_blokir(ta: int, s: _Satker, lines: list[dict]) -> list[int]:
    """Spreads the satker's year-end blokir of each jenis belanja over that jenis' lines."""
    blocked = _year_end_blokir(ta, s.unit.code)
    out = [0] * len(lines)
    for jenis, amount in blocked.items():
        positions = [i for i, line in enumerate(lines) if line["akun"][:2] == jenis]
        for i, part in zip(
            positions, _spread(amount, [lines[i]["pagu"] for i in positions]), strict=True
        ):
            out[i] = part
    return out


def _sp2d_rows(ta: int, satker: list[_Satker]) -> list[dict]:
    rows = []
    for s in satker:
        lines = _final_lines(ta, s)
        for line_no, (line, blocked) in enumerate(
            zip(lines, _line_blokir(ta, s, lines), strict=True), start=1
        ):
            jenis = line["akun"][:2]
            spendable = line["pagu"] - blocked
            total = int(spendable * _realised_share(ta, s)) // THOUSAND * THOUSAND
            shares = _spread(total, PLAN_SHARES)
            months = []
            for month, planned in enumerate(shares[:11], start=1):
                months.append(int(planned * _pace(s, month)) // THOUSAND * THOUSAND)
            months.append(total - sum(months))
            # A year in progress has realisation only in the months that are over.
            months = months[: _closed_months(ta)] if _closed_months(ta) < 12 else months
            for month, amount in enumerate(months, start=1):
                if amount == 0:
                    continue
                rows.append(
                    {
                        "tahun": ta,
                        "kode_satker": s.unit.code,
                        "kppn": "019",
                        "program": PROGRAM,
                        "kegiatan": line["kegiatan"],
                        "kro": line["kro"],
                        "ro": line["ro"],
                        "akun": line["akun"],
                        "sumber_dana": "RM",
                        "nomor_sp2d": f"{ta % 100:02d}{s.unit.code}{line_no:02d}{month:02d}",
                        "tanggal_sp2d": f"{ta}-{month:02d}-{min(25, 10 + line_no):02d}",
                        "jenis_spm": "LS" if jenis in ("53", "57") else "GUP",
                        "nilai": amount,
                    }
                )
    return rows


def _output_rows(ta: int, satker: list[_Satker]) -> list[dict]:
    rows = []
    for s in satker:
        seen = set()
        for line in s.lines:
            key = (line["kegiatan"], line["kro"], line["ro"])
            if key in seen:
                continue
            seen.add(key)
            target = line["target"]
            achieved = (
                Decimal(1) if s.quality == 0 else Decimal(100 - s.quality - s.index % 4) / 100
            )
            for month in range(1, _closed_months(ta) + 1):
                if target == 1:
                    rvro = 1 if month >= 6 else 0
                elif line["volume_unit"] == "Bulan layanan":
                    rvro = month
                else:
                    rvro = int(target * achieved * month / 12)
                late = s.quality and (s.index + month) % 5 == 0
                following = dt.date(ta + 1, 1, 1) if month == 12 else dt.date(ta, month + 1, 1)
                reported = min(
                    following + dt.timedelta(days=11 if late else 2),
                    max(following, timezone.localdate()),
                )
                rows.append(
                    {
                        "tahun": ta,
                        "kode_satker": s.unit.code,
                        "kegiatan": line["kegiatan"],
                        "kro": line["kro"],
                        "ro": line["ro"],
                        "bulan": month,
                        "tvro": target,
                        "rvro": rvro,
                        "tanggal_lapor": reported.isoformat(),
                    }
                )
    return rows


def _manual_scores(actor, ta: int, satker: list[_Satker]) -> None:
    top = top_nka_sentra()
    for s in satker:
        good = Decimal(100) if s.quality == 0 else Decimal(90 + (s.index * 5) % 9)
        values = {"kontraktual": good, "tagihan": good, "up_tup": good}
        if ta >= 2024:
            values["dispensasi_spm"] = (
                Decimal(0) if s.quality == 0 or s.index % 3 else Decimal("0.05")
            )
            values["efisiensi"] = (
                Decimal("99.8") - Decimal("0.4") * top.index(s.unit.code)
                if s.unit.code in top
                else Decimal(80 + (s.index * 7) % 15)
            )
        else:
            values["dispensasi_spm"] = Decimal(100 - s.quality)
        for component, value in values.items():
            manual_score_set(
                actor=actor, unit=s.unit, ta=ta, component=component, value=value, source=SOURCE
            )


# --- Loading --------------------------------------------------------------------------------


def _file(kind: str, ta: int, rows: list[dict], suffix: str = "") -> SimpleUploadedFile:
    names = [c.name for c in COLUMNS[kind]]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n", extrasaction="raise")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name, "") for name in names})
    name = f"demo-anggaran-{ta}-{kind}{suffix}.csv"
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def _import(actor, kind: str, ta: int, rows: list[dict], suffix: str = "") -> None:
    if not rows:
        return
    result = budget_import(actor=actor, kind=kind, file=_file(kind, ta, rows, suffix))
    if result.rejected:
        first = result.issues[0] if result.issues else None
        raise ApplicationError(
            f"Data demo anggaran {ta} ({kind}) ditolak: {first.as_dict() if first else ''}",
            code="demo_rejected",
        )


def budget_demo_load(*, actor, years=YEARS, current: bool = False) -> DemoBudgetResult:
    """Loads the demo budget for `years` (2023, 2024, 2025) through the import services, and
    with `current` the year in progress too (when it is after 2025).

    `actor` must be allowed to import for every satker (an administrator). A year whose DIPA is
    already stored is left alone, so running it again changes nothing.
    """
    result = DemoBudgetResult(top_nka_2024=top_nka_sentra())
    years = list(years)
    this_year = timezone.localdate().year
    if current and this_year > max(PUBLIC) and this_year not in years:
        years.append(this_year)
    for ta in years:
        if ta not in PUBLIC and not (current and ta == this_year):
            raise ApplicationError(f"Tidak ada data demo anggaran untuk TA {ta}.", code="invalid")
        if Output.objects.filter(ta=ta).exists():
            result.years_present.append(ta)
            continue
        before = ImportBatch.objects.count()
        satker = _satker(ta)
        _import(actor, "dipa", ta, _dipa_rows(ta, satker))
        if ta == REVISION["ta"]:
            _import(actor, "dipa", ta, _dipa_rows(ta, satker, revised=True), "-revisi-1")
        _import(actor, "plan", ta, _plan_rows(ta, satker))
        _import(actor, "blokir", ta, _blokir_rows(ta))
        if _closed_months(ta):
            _import(actor, "realisation", ta, _sp2d_rows(ta, satker))
            _import(actor, "output", ta, _output_rows(ta, satker))
            _manual_scores(actor, ta, satker)
        result.batches += ImportBatch.objects.count() - before
        result.years_loaded.append(ta)
    return result
