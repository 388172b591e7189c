"""Which pendamping should take a case: the suggestion rule. The head or supervisor decides.

The rule, step by step (each step that narrows the choice is given as a reason):
1. the active pendamping of the case's sentra (only they can be assigned to its cases);
2. without those on leave today;
3. those whose specialisations include the case's target group, when there are any;
4. of these, those whose area of assignment covers the person's region, when there are any;
5. the lowest share of their norm in use once this case is added (weighted load ÷ norm, so a
   relawan and a pekerja sosial are compared fairly); ties go to the lower weighted load, then
   fewer active cases, then the longer-registered account (lower id), so the same facts always
   give the same suggestion.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from atensi.accounts.models import Role, User
from atensi.cases.models import Case
from atensi.organisation.models import Unit

from .rules import RuleBook
from .selectors import Caseload, case_share, caseloads, worker_kind

# How many ranked candidates a decision keeps beside the suggestion.
KEPT_CANDIDATES = 10


def area_covers(areas: list[str], region_code: str | None) -> bool:
    """Says whether one of the area codes is the region or one of its ancestors."""
    if not region_code:
        return False
    return any(region_code == a or region_code.startswith(a + ".") for a in areas or [])


@dataclass
class Candidate:
    worker: User
    load: Caseload
    share: float  # the share of this worker's norm the case would take
    specialist: bool
    in_area: bool

    @property
    def projected(self) -> float:
        return self.load.ratio + self.share

    def rank(self) -> tuple:
        return (round(self.projected, 6), self.load.weighted, self.load.cases, self.worker.pk)

    def as_dict(self) -> dict:
        return {
            "worker": self.worker.pk,
            "username": self.worker.username,
            "name": str(self.worker),
            "cases": self.load.cases,
            "weighted": str(self.load.weighted),
            "ratio": round(self.load.ratio, 4),
            "projected": round(self.projected, 4),
            "specialist": self.specialist,
            "in_area": self.in_area,
        }


@dataclass
class Suggestion:
    case: Case
    worker: User | None
    reasons: list[dict] = field(default_factory=list)
    ranked: list[Candidate] = field(default_factory=list)
    on_leave: list[User] = field(default_factory=list)

    @property
    def best(self) -> Candidate | None:
        return self.ranked[0] if self.ranked else None

    def candidates_record(self) -> list[dict]:
        return [c.as_dict() for c in self.ranked[:KEPT_CANDIDATES]]


def candidate_pool(
    unit: Unit,
    *,
    rules: RuleBook,
    today: dt.date,
    exclude: tuple[int, ...] = (),
    known: dict[int, Caseload] | None = None,
) -> dict[int, Caseload]:
    """Returns the loads of the sentra's active pendamping who could take a case.

    `known`: loads already computed today with the same rules (the team board's); when they
    cover every candidate they are reused instead of counted again."""
    workers = (
        User.objects.filter(unit=unit, role=Role.PENDAMPING, is_active=True)
        .exclude(pk__in=exclude)
        .select_related("worker_profile")
        .order_by("pk")
    )
    if known is not None:
        ids = list(workers.values_list("pk", flat=True))
        if all(pk in known for pk in ids):
            return {pk: known[pk] for pk in ids}
    return caseloads(workers, rules=rules, today=today)


def _reason(code: str, text: str) -> dict:
    return {"code": code, "text": text}


def suggest(case: Case, pool: dict[int, Caseload], *, rules: RuleBook) -> Suggestion:
    """Applies the rule to a precomputed pool (bulk reassignment updates the loads in between)."""
    suggestion = Suggestion(case=case, worker=None)
    reasons = suggestion.reasons
    reasons.append(_reason("same_sentra", _("Pendamping aktif di %s.") % case.unit.name))
    present = [load for load in pool.values() if not load.absent]
    suggestion.on_leave = [load.worker for load in pool.values() if load.absent]
    if suggestion.on_leave:
        names = ", ".join(str(w) for w in suggestion.on_leave)
        reasons.append(
            _reason("on_leave", _("Tidak dipertimbangkan karena cuti/tidak hadir: %s.") % names)
        )
    region = case.person.village_id
    candidates = []
    for load in present:
        profile = getattr(load.worker, "worker_profile", None)
        candidates.append(
            Candidate(
                worker=load.worker,
                load=load,
                share=case_share(
                    rules, worker_kind(load.worker), case.stage, case.urgency, case.approach
                ),
                specialist=bool(profile and case.target_group in (profile.specialisations or [])),
                in_area=bool(profile and area_covers(profile.areas, region)),
            )
        )
    group = case.get_target_group_display()
    specialists = [c for c in candidates if c.specialist]
    if specialists:
        candidates = specialists
        reasons.append(_reason("specialisation", _("Berspesialisasi klaster %s.") % group))
    elif candidates:
        reasons.append(
            _reason(
                "no_specialist", _("Tidak ada pendamping yang berspesialisasi klaster %s.") % group
            )
        )
    in_area = [c for c in candidates if c.in_area]
    if in_area:
        candidates = in_area
        reasons.append(
            _reason("area", _("Wilayah penugasannya mencakup wilayah tempat tinggal orang ini."))
        )
    elif candidates and region:
        reasons.append(
            _reason(
                "no_area",
                _("Tidak ada pendamping yang wilayah penugasannya mencakup wilayah orang ini."),
            )
        )
    suggestion.ranked = sorted(candidates, key=Candidate.rank)
    best = suggestion.best
    if best is None:
        reasons.append(_reason("nobody", _("Tidak ada pendamping yang dapat diusulkan.")))
        return suggestion
    suggestion.worker = best.worker
    reasons.append(
        _reason(
            "lowest_load",
            ngettext(
                "Beban paling rendah: %(pct)s%% dari norma setelah menerima kasus ini "
                "(%(n)d kasus aktif).",
                "Beban paling rendah: %(pct)s%% dari norma setelah menerima kasus ini "
                "(%(n)d kasus aktif).",
                best.load.cases,
            )
            % {"pct": f"{best.projected * 100:.0f}", "n": best.load.cases},
        )
    )
    if best.projected > 1:
        reasons.append(
            _reason("over_norm", _("Perhatian: semua calon akan melebihi norma beban kasus."))
        )
    return suggestion


def assignee_suggestion(
    case: Case, *, today: dt.date | None = None, exclude: tuple[int, ...] = ()
) -> Suggestion:
    """Suggests a pendamping for `case` (see the module's rule); `exclude` leaves workers out."""
    today = today or timezone.localdate()
    rules = RuleBook(today)
    pool = candidate_pool(case.unit, rules=rules, today=today, exclude=exclude)
    return suggest(case, pool, rules=rules)
