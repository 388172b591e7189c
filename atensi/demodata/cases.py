"""The demo cases: the staffed sentra's work of the last two years, replayed through the services.

Each case gets a target stage first (every stage in every staffed sentra, in proportions a
sentra's case list would show), then a life: the steps from referral to closing with realistic
gaps (response times by urgency, some late; assessment, plan approval with some plans returned,
penetapan before any service, weekly services, monitoring, termination, aftercare visits, some
of them late). The life is cut inside the target stage, and placed so that the cut falls on
today. Steps are kept as offsets from midnight (Asia/Jakarta) of the referral's day, so office
work falls in office hours. A few cases move between the staffed sentra in a ring, so every
sentra keeps a case in each stage.
"""

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils import timezone

from atensi.accounts.models import Role, User
from atensi.budget.models import Output
from atensi.cases import services as case_services
from atensi.cases.choices import (
    Approach,
    MeasurementPhase,
    NoteKind,
    OutcomeRating,
    PlanStatus,
    ServiceComponent,
    Stage,
    TerminationReason,
    Urgency,
)
from atensi.cases.models import Case, FormDefinition, Plan
from atensi.organisation.models import Unit
from atensi.registry.models import Consent, ConsentBasis, Person
from atensi.workforce.services import case_assignment_decide

from . import names, texts
from .history import local_moment

# How the cases of one sentra spread over the stages today.
STAGE_WEIGHTS = {
    Stage.INTAKE: 8,
    Stage.ASSESSMENT: 10,
    Stage.PLANNING: 12,
    Stage.INTERVENTION: 22,
    Stage.MONITORING: 10,
    Stage.TERMINATION: 6,
    Stage.AFTERCARE: 12,
    Stage.CLOSED: 20,
}
# The first case of these target stages in each staffed sentra moves to the next sentra of the ring.
TRANSFER_STAGES = (Stage.PLANNING, Stage.MONITORING, Stage.CLOSED)
HISTORY_DAYS = 730
URGENCY_WEIGHTS = ((Urgency.EMERGENCY, 10), (Urgency.URGENT, 25), (Urgency.NORMAL, 65))
APPROACH_WEIGHTS = ((Approach.RESIDENTIAL, 40), (Approach.COMMUNITY, 35), (Approach.FAMILY, 25))
# How the intervention ends (endings that stop before the intervention come first).
EARLY_ENDINGS = (TerminationReason.NOT_ELIGIBLE, TerminationReason.WITHDREW)
ENDING_WEIGHTS = (
    (TerminationReason.GOALS_MET, 68),
    (TerminationReason.REFERRED, 10),
    (TerminationReason.MOVED, 6),
    (TerminationReason.WITHDREW, 6),
    (TerminationReason.LOST_CONTACT, 5),
    ("early", 5),
)
AFTERCARE_VISIT_DAYS = (30, 60, 90)
# Hours from referral to first contact: usual range, and the range of a late response.
CONTACT_HOURS = {
    Urgency.EMERGENCY: ((1, 20), (26, 60)),
    Urgency.URGENT: ((4, 60), (80, 200)),
    Urgency.NORMAL: ((12, 150), (180, 480)),
}
OFFICE_OPENS, OFFICE_CLOSES = 8, 16


@dataclass
class Step:
    offset: dt.timedelta  # from midnight (Asia/Jakarta) of the referral's day
    stage: str  # the case's stage after the step
    action: str
    args: dict = field(default_factory=dict)


@dataclass
class CasePlan:
    unit_code: str
    index: int
    target: str
    urgency: str
    approach: str
    ending: str
    steps: list[Step]
    cut: dt.timedelta  # the steps up to here have happened
    day0: dt.date  # the referral's day
    transfer_to: str | None = None
    person: Person | None = None

    @property
    def received_at(self) -> dt.datetime:
        return local_moment(self.day0, self.steps[0].offset)


def _pick(rng: random.Random, weighted) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def stage_quota(count: int) -> list[str]:
    """Returns `count` target stages in STAGE_WEIGHTS proportions, each stage at least once."""
    stages = list(STAGE_WEIGHTS)
    if count < len(stages):
        return stages[:count]
    total = sum(STAGE_WEIGHTS.values())
    shares = {s: max(1, count * w // total) for s, w in STAGE_WEIGHTS.items()}
    order = sorted(stages, key=lambda s: -STAGE_WEIGHTS[s])
    i = 0
    while sum(shares.values()) < count:
        shares[order[i % len(order)]] += 1
        i += 1
    while sum(shares.values()) > count:
        stage = next(s for s in order if shares[s] > 1)
        shares[stage] -= 1
    return [s for s in stages for _ in range(shares[s])]


class _Life:
    """Builds the steps of one case, keeping office work inside office hours."""

    def __init__(self, rng: random.Random, start: dt.timedelta):
        self.rng = rng
        self.t = start
        self.steps: list[Step] = [Step(start, Stage.INTAKE, "open")]

    def hours(self, low: float, high: float) -> dt.timedelta:
        return dt.timedelta(hours=self.rng.uniform(low, high))

    def days(self, low: float, high: float) -> dt.timedelta:
        return dt.timedelta(days=self.rng.uniform(low, high))

    def add(self, gap: dt.timedelta, stage: str, action: str, *, office=True, **args) -> None:
        t = self.t + max(gap, dt.timedelta(minutes=5))
        if office:
            day, hour = divmod(t, dt.timedelta(days=1))
            if hour < dt.timedelta(hours=OFFICE_OPENS):
                t = day * dt.timedelta(days=1) + dt.timedelta(hours=OFFICE_OPENS)
                t += dt.timedelta(minutes=self.rng.randrange(90))
            elif hour >= dt.timedelta(hours=OFFICE_CLOSES):
                t = (day + 1) * dt.timedelta(days=1) + dt.timedelta(hours=OFFICE_OPENS)
                t += dt.timedelta(minutes=self.rng.randrange(90))
        self.t = t
        self.steps.append(Step(t, stage, action, args))


def case_life(
    rng: random.Random, *, urgency: str, approach: str, ending: str, late: bool = False
) -> list[Step]:
    """Returns every step of a case from referral to closing (offsets from the referral's day).

    `late`: the first contact and the first aftercare visit come late, whatever the draw.
    """
    emergency = urgency == Urgency.EMERGENCY
    start = dt.timedelta(hours=rng.uniform(0, 23.5) if emergency else rng.uniform(7.5, 15.5))
    life = _Life(rng, start)
    usual, slow = CONTACT_HOURS[urgency]
    low, high = slow if rng.random() < 0.15 or late else usual
    life.add(life.hours(low, high), Stage.INTAKE, "contact", office=not emergency)
    admitted = False
    if approach == Approach.RESIDENTIAL and emergency:
        life.add(life.hours(1, 4), Stage.INTAKE, "admit", office=False)
        admitted = True
    if ending == TerminationReason.NOT_ELIGIBLE:
        life.add(life.days(1, 6), Stage.TERMINATION, "terminate", reason=ending)
        _leave(life, admitted)
        life.add(life.days(1, 5), Stage.CLOSED, "close")
        return life.steps
    life.add(life.hours(1, 30), Stage.ASSESSMENT, "move", target=Stage.ASSESSMENT)
    life.add(life.days(1, 5), Stage.ASSESSMENT, "measure", phase=MeasurementPhase.ASSESSMENT)
    slow = rng.random() < 0.15
    life.add(life.days(12, 25) if slow else life.days(2, 9), Stage.ASSESSMENT, "assess")
    if ending == TerminationReason.WITHDREW and rng.random() < 0.5:
        life.add(life.days(2, 10), Stage.TERMINATION, "terminate", reason=ending)
        _leave(life, admitted)
        life.add(life.days(1, 5), Stage.CLOSED, "close")
        return life.steps
    life.add(life.hours(2, 48), Stage.PLANNING, "move", target=Stage.PLANNING)
    life.add(life.days(2, 7), Stage.PLANNING, "plan")
    life.add(life.hours(2, 30), Stage.PLANNING, "submit")
    if rng.random() < 0.25:
        life.add(life.days(1, 5), Stage.PLANNING, "return")
        life.add(life.days(1, 4), Stage.PLANNING, "submit")
    slow = rng.random() < 0.12
    life.add(life.days(10, 25) if slow else life.days(1, 6), Stage.PLANNING, "approve")
    life.add(life.hours(4, 72), Stage.PLANNING, "penetapan")
    life.add(life.hours(2, 48), Stage.INTERVENTION, "move", target=Stage.INTERVENTION)
    if approach == Approach.RESIDENTIAL and not admitted:
        life.add(life.hours(1, 24), Stage.INTERVENTION, "admit")
        admitted = True
    for _week in range(rng.randint(5, 16)):
        life.add(life.days(4, 10), Stage.INTERVENTION, "service")
        if rng.random() < 0.04:
            life.add(life.hours(2, 30), Stage.INTERVENTION, "conference")
    life.add(life.days(1, 3), Stage.MONITORING, "move", target=Stage.MONITORING)
    for _note in range(rng.randint(1, 3)):
        life.add(life.days(7, 18), Stage.MONITORING, "monitor")
    if rng.random() < 0.12:  # the evaluation asks for more intervention
        life.add(life.days(1, 4), Stage.INTERVENTION, "move", target=Stage.INTERVENTION)
        for _week in range(rng.randint(2, 5)):
            life.add(life.days(4, 10), Stage.INTERVENTION, "service")
        life.add(life.days(1, 3), Stage.MONITORING, "move", target=Stage.MONITORING)
        life.add(life.days(7, 18), Stage.MONITORING, "monitor")
    life.add(life.days(1, 5), Stage.MONITORING, "measure", phase=MeasurementPhase.TERMINATION)
    if ending == TerminationReason.REFERRED:
        life.add(life.hours(2, 30), Stage.MONITORING, "refer")
    life.add(life.days(1, 3), Stage.TERMINATION, "terminate", reason=ending)
    _leave(life, admitted)
    if ending != TerminationReason.GOALS_MET:
        life.add(life.days(2, 10), Stage.CLOSED, "close")
        return life.steps
    ended = life.t
    life.add(life.hours(2, 24), Stage.TERMINATION, "schedule")
    life.add(life.days(1, 3), Stage.AFTERCARE, "move", target=Stage.AFTERCARE)
    for number, days in enumerate(AFTERCARE_VISIT_DAYS):
        # on schedule within a few days, or (one visit in five) a week or more late
        delay = (
            life.days(8, 20) if rng.random() < 0.2 or (late and not number) else life.days(-3, 4)
        )
        due = ended - ended % dt.timedelta(days=1) + dt.timedelta(days=days)
        life.t = max(life.t, due + delay - dt.timedelta(minutes=5))
        life.add(dt.timedelta(0), Stage.AFTERCARE, "visit", number=number)
    life.add(life.hours(1, 6), Stage.AFTERCARE, "measure", phase=MeasurementPhase.AFTERCARE)
    life.add(life.days(3, 14), Stage.CLOSED, "close")
    return life.steps


def _leave(life: _Life, admitted: bool) -> None:
    if admitted:
        life.add(life.hours(2, 48), Stage.TERMINATION, "discharge")


def reopened_life(rng: random.Random, *, urgency: str) -> list[Step]:
    """Returns the steps of a case closed once and reopened weeks later for a new assessment."""
    first = case_life(
        rng, urgency=urgency, approach=Approach.COMMUNITY, ending=TerminationReason.GOALS_MET
    )
    again = case_life(
        rng, urgency=urgency, approach=Approach.COMMUNITY, ending=TerminationReason.GOALS_MET
    )
    reopened = first[-1].offset + dt.timedelta(days=rng.uniform(20, 90))
    reopened -= reopened % dt.timedelta(days=1) - dt.timedelta(hours=rng.uniform(8, 15))
    start = next(i for i, s in enumerate(again) if s.stage == Stage.ASSESSMENT)
    shift = reopened - again[start].offset
    return [
        *first,
        Step(reopened, Stage.ASSESSMENT, "reopen"),
        *(Step(s.offset + shift, s.stage, s.action, s.args) for s in again[start + 1 :]),
    ]


def _cut(rng: random.Random, steps: list[Step], target: str) -> dt.timedelta:
    """Returns a moment inside the (last) stay in the target stage; for closed cases its closing."""
    if target == Stage.CLOSED:
        return next(s.offset for s in steps if s.stage == target)
    first = max(
        i
        for i, s in enumerate(steps)
        if s.stage == target and (i == 0 or steps[i - 1].stage != target)
    )
    following = next((s for s in steps[first:] if s.stage != target), None)
    end = following.offset if following else steps[first].offset + dt.timedelta(days=14)
    start = steps[first].offset
    return start + (end - start) * rng.uniform(0, 0.97)


def case_plans(
    seed: int, unit_codes: list[str], per_sentra: int, now: dt.datetime
) -> list[CasePlan]:
    """Returns the plans of `per_sentra` cases for each staffed sentra, transfers included."""
    today = timezone.localtime(now).date()
    plans = []
    for position, code in enumerate(unit_codes):
        ring_next = unit_codes[(position + 1) % len(unit_codes)] if len(unit_codes) > 1 else None
        moved, seen = set(), set()
        for index, target in enumerate(stage_quota(per_sentra)):
            rng = random.Random(f"{seed}:case:{code}:{index}")
            transfer_to = None
            if ring_next and target in TRANSFER_STAGES and target not in moved:
                moved.add(target)
                transfer_to = ring_next
            urgency = Urgency.NORMAL if transfer_to else _pick(rng, URGENCY_WEIGHTS)
            approach = Approach.FAMILY if transfer_to else _pick(rng, APPROACH_WEIGHTS)
            ending = _pick(rng, ENDING_WEIGHTS)
            if ending == "early":
                ends_early = target in (Stage.TERMINATION, Stage.CLOSED) and not transfer_to
                ending = rng.choice(EARLY_ENDINGS) if ends_early else TerminationReason.GOALS_MET
            if target == Stage.AFTERCARE or (transfer_to and target == Stage.CLOSED):
                ending = TerminationReason.GOALS_MET
            # the first case of some stages shows what a queue must bring to light
            first = target not in seen and not transfer_to
            seen.add(target)
            if target == Stage.ASSESSMENT and first:  # a case back after its closing
                approach = Approach.COMMUNITY
                steps = reopened_life(rng, urgency=urgency)
            else:
                late = first and target in (Stage.INTAKE, Stage.AFTERCARE)
                steps = case_life(rng, urgency=urgency, approach=approach, ending=ending, late=late)
            if target not in {s.stage for s in steps}:  # an early ending skips the middle stages
                ending = TerminationReason.GOALS_MET
                steps = case_life(rng, urgency=urgency, approach=approach, ending=ending)
            if transfer_to:
                steps = _with_transfer(rng, steps)
            cut = _cut(rng, steps, target)
            if first and target == Stage.INTAKE:  # still no contact, past the target time
                cut = next(s.offset for s in steps if s.action == "contact") - dt.timedelta(hours=1)
            if first and target == Stage.AFTERCARE:  # a visit a week past its date, not done
                cut = next(s.offset for s in steps if s.action == "visit") - dt.timedelta(days=1)
            if target == Stage.CLOSED:
                spare = max(HISTORY_DAYS - cut.days - 1, 1)
                day0 = today - dt.timedelta(days=cut.days + 1 + rng.randrange(spare))
            else:  # the cut falls today, or yesterday when today's hour has not come yet
                day0 = today - dt.timedelta(days=cut.days)
                if local_moment(day0, cut) > now:
                    day0 -= dt.timedelta(days=1)
            plans.append(
                CasePlan(
                    code, index, target, urgency, approach, ending, steps, cut, day0, transfer_to
                )
            )
    return plans


def _with_transfer(rng: random.Random, steps: list[Step]) -> list[Step]:
    """Inserts the hand-over to another sentra after the assessment (and its reception)."""
    at = next(i for i, s in enumerate(steps) if s.action == "assess") + 1
    before, after = steps[:at], steps[at:]
    sent = before[-1].offset + dt.timedelta(hours=rng.uniform(20, 30))
    received = sent + dt.timedelta(hours=rng.uniform(20, 30))
    shift = received - before[-1].offset + dt.timedelta(hours=2)
    moved = [Step(sent, Stage.ASSESSMENT, "transfer"), Step(received, Stage.ASSESSMENT, "receive")]
    return before + moved + [Step(s.offset + shift, s.stage, s.action, s.args) for s in after]


def persons_match(plans: list[CasePlan], seed: int) -> None:
    """Gives each plan a person of its first sentra, registered before the referral came in.

    A person has one case; among those registered before the referral one is drawn, else the
    earliest one left (a small demo may have too few).
    """
    by_unit: dict[str, list[CasePlan]] = {}
    for plan in plans:
        by_unit.setdefault(plan.unit_code, []).append(plan)
    for code, unit_plans in by_unit.items():
        rng = random.Random(f"{seed}:persons:{code}")
        free = list(
            Person.objects.filter(unit__code=code, cases__isnull=True)
            .select_related("registered_by")
            .order_by("created_at", "pk")
        )
        for plan in sorted(unit_plans, key=lambda p: (p.received_at, p.index)):
            if not free:
                break
            eligible = [p for p in free if p.created_at <= plan.received_at]
            person = rng.choice(eligible) if eligible else free[0]
            free.remove(person)
            plan.person = person


@dataclass
class Team:
    unit: Unit
    head: User
    supervisor: User
    pendamping: list[User]


def teams_load(unit_codes: list[str]) -> dict[str, Team]:
    teams = {}
    for code in unit_codes:
        staff = User.objects.filter(unit__code=code, is_active=True).select_related("unit")
        staff = list(staff.order_by("username"))
        by_role = {}
        for user in staff:
            by_role.setdefault(user.role, []).append(user)
        if not (
            by_role.get(Role.HEAD) and by_role.get(Role.SUPERVISOR) and by_role.get(Role.PENDAMPING)
        ):
            continue
        teams[code] = Team(
            staff[0].unit,
            by_role[Role.HEAD][0],
            by_role[Role.SUPERVISOR][0],
            by_role[Role.PENDAMPING],
        )
    return teams


class CaseStory:
    """Takes the steps of one planned case through the case services, at their moments."""

    def __init__(self, plan: CasePlan, teams: dict[str, Team], context: "Context", seed: int):
        self.plan = plan
        self.teams = teams
        self.context = context
        self.rng = random.Random(f"{seed}:story:{plan.unit_code}:{plan.index}")
        self.team = teams[plan.unit_code]
        person = plan.person
        # in turn, so that each pendamping of the team has cases in every stage
        self.pendamping = self.team.pendamping[plan.index % len(self.team.pendamping)]
        self.case: Case | None = None
        self.plan_row: Plan | None = None
        self.level = self.rng.uniform(0.15, 0.45)  # well-being at the start, 0..1
        self.group = person.target_group
        self.components = list(texts.COMPONENTS[self.group])
        self.rng.shuffle(self.components)

    def run(self) -> Iterator[dt.datetime]:
        for step in self.plan.steps:
            if step.offset > self.plan.cut:
                return
            yield local_moment(self.plan.day0, step.offset)
            getattr(self, f"_{step.action}")(**step.args)

    # -- helpers ------------------------------------------------------------------------------

    @property
    def now(self) -> dt.datetime:
        return timezone.now()

    @property
    def today(self) -> dt.date:
        return timezone.localdate()

    def _refresh(self) -> None:
        self.case = Case.objects.get(pk=self.case.pk)

    def _answers(self, form: FormDefinition, level: float) -> dict:
        """Answers a scale so that its score reflects `level` (0 worst, 1 best), with noise."""
        better_high = form.definition.get("scoring", {}).get("higher_is_better", True)
        answers = {}
        for section in form.definition["sections"]:
            for question in section["questions"]:
                noisy = min(max(level + self.rng.uniform(-0.15, 0.15), 0), 1)
                good = noisy if better_high else 1 - noisy
                if question.get("type") == "number":
                    low, high = question.get("min", 0), question.get("max", 10)
                    value = low + (high - low) * good
                    answers[question["code"]] = round(value)
                elif question.get("options"):
                    options = sorted(question["options"], key=lambda o: o.get("score", 0))
                    answers[question["code"]] = options[round(good * (len(options) - 1))]["value"]
        return answers

    def _consent(self) -> Consent | None:
        return (
            Consent.objects.filter(
                person=self.case.person,
                basis=ConsentBasis.CONSENT,
                withdrawn_at__isnull=True,
                given_by__in=case_services.CONSENT_GIVERS_FOR_HANDOVER,
            )
            .order_by("-given_at")
            .first()
        )

    # -- steps --------------------------------------------------------------------------------

    def _open(self) -> None:
        source, _weight, institution = self.rng.choices(
            texts.SOURCES, weights=[s[1] for s in texts.SOURCES]
        )[0]
        person = self.plan.person
        given = self.rng.choice(names.FAKER_MALE + names.FAKER_FEMALE)
        reporter = f"{given} {self.rng.choice(names.FAKER_LAST_MALE)}"
        # a pendamping opens the cases of their own outreach; the supervisor takes referrals in
        by_pendamping = source == "outreach" and person.registered_by_id == self.pendamping.pk
        self.case = case_services.case_open(
            actor=self.pendamping if by_pendamping else self.team.supervisor,
            person=person,
            source=source,
            received_at=self.now,
            urgency=self.plan.urgency,
            target_group=self.group,
            approach=self.plan.approach,
            unit=self.team.unit,
            pendamping=self.pendamping,
            supervisor=self.team.supervisor,
            referrer_name="" if source in ("self", "outreach") else reporter,
            referrer_institution=institution.format(city=self.team.unit.city or ""),
            referrer_contact=f"08{self.rng.randrange(11, 99)}{self.rng.randrange(10**7, 10**8)}",
            referral_note=self.rng.choice(texts.REFERRALS[self.group]),
        )

    def _contact(self) -> None:
        self.case = case_services.case_contact_record(
            actor=self.pendamping,
            case=self.case,
            happened_at=self.now,
            text=self.rng.choice(texts.CONTACTS),
        )

    def _admit(self) -> None:
        case_services.stay_admit(actor=self.pendamping, case=self.case, admitted_at=self.now)

    def _discharge(self) -> None:
        stay = self.case.stays.get(discharged_at__isnull=True)
        case_services.stay_discharge(
            actor=self.pendamping,
            stay=stay,
            discharged_at=self.now,
            note="Kembali ke keluarga setelah terminasi.",
        )

    def _move(self, target: str) -> None:
        self.case = case_services.case_transition(
            actor=self.pendamping, case=self.case, target=target
        )

    def _reopen(self) -> None:
        self.case = case_services.case_reopen(
            actor=self.team.supervisor, case=self.case, reason=self.rng.choice(texts.REOPEN_REASONS)
        )
        self.level = max(self.level - self.rng.uniform(0.2, 0.35), 0)

    def _close(self) -> None:
        self.case = case_services.case_transition(
            actor=self.team.supervisor,
            case=self.case,
            target=Stage.CLOSED,
            note=self.rng.choice(texts.CLOSE_NOTES),
        )

    def _measure(self, phase: str) -> None:
        if phase == MeasurementPhase.TERMINATION:
            met = self.plan.ending == TerminationReason.GOALS_MET
            self.level += self.rng.uniform(0.2, 0.45) if met else self.rng.uniform(-0.1, 0.1)
        elif phase == MeasurementPhase.AFTERCARE:
            self.level += self.rng.uniform(-0.05, 0.12)
        self.level = min(max(self.level, 0), 1)
        for scale in self.context.scales(self.group):
            case_services.outcome_record(
                actor=self.pendamping,
                case=self.case,
                scale=scale,
                phase=phase,
                taken_on=self.today,
                answers=self._answers(scale, self.level),
            )

    def _assess(self) -> None:
        form = self.context.assessment_form(self.group)
        answers = {}
        for section in form.definition["sections"]:
            for question in section["questions"]:
                if question.get("options"):
                    options = question["options"]
                    weights = [3, 4, 2, 1][: len(options)] if len(options) > 2 else [6, 3, 1]
                    answers[question["code"]] = self.rng.choices(options, weights=weights)[0][
                        "value"
                    ]
                elif question["code"] == "kebutuhan":
                    answers["kebutuhan"] = texts.NEEDS[self.group]
                elif question["code"] == "kekuatan":
                    answers["kekuatan"] = self.rng.choice(texts.STRENGTHS)
                elif self.rng.random() < 0.6:
                    answers[question["code"]] = self.rng.choice(texts.ASPECTS)
        case_services.assessment_record(
            actor=self.pendamping,
            case=self.case,
            form=form,
            answers=answers,
            summary=self.rng.choice(texts.ASSESSMENT_SUMMARIES),
        )
        self._refresh()

    def _transfer(self) -> None:
        origin = self.team
        consent = self._consent()
        self.team = self.teams[self.plan.transfer_to]
        case_services.case_transfer(
            actor=origin.head,
            case=self.case,
            to_unit=self.team.unit,
            reason=self.rng.choice(texts.TRANSFER_REASONS),
            consent=consent,
            override_reason="" if consent else texts.TRANSFER_OVERRIDE,
        )
        self._refresh()

    def _receive(self) -> None:
        self.pendamping = self.team.pendamping[self.plan.index % len(self.team.pendamping)]
        case_assignment_decide(
            actor=self.team.head,
            case=self.case,
            worker=self.pendamping,
            note="Diterima dari sentra asal; ditangani pendamping dengan klaster yang sama.",
        )
        self.case = case_services.case_assign(
            actor=self.team.head, case=self.case, supervisor=self.team.supervisor
        )

    def _plan(self) -> None:
        goals = [{"text": g} for g in texts.GOALS[self.group]]
        planned = []
        for number, component in enumerate(self.components[:3]):
            description, _qty, _cost, frequency = texts.SERVICES[component][0]
            planned.append(
                {
                    "component": component,
                    "description": description,
                    "frequency": frequency,
                    "responsible": self.pendamping,
                    "target_date": self.today + dt.timedelta(days=30 * (number + 1)),
                }
            )
        self.plan_row = case_services.plan_save(
            actor=self.pendamping, case=self.case, goals=goals, services=planned
        )

    def _submit(self) -> None:
        self.plan_row = case_services.plan_submit(actor=self.pendamping, plan=self.plan_row)

    def _return(self) -> None:
        self.plan_row = case_services.plan_decide(
            actor=self.team.supervisor,
            plan=self.plan_row,
            approve=False,
            comment=self.rng.choice(texts.PLAN_RETURN_COMMENTS),
        )

    def _approve(self) -> None:
        decider = self.team.head if self.rng.random() < 0.25 else self.team.supervisor
        self.plan_row = case_services.plan_decide(
            actor=decider, plan=self.plan_row, approve=True, comment="Rencana disetujui."
        )
        self._refresh()

    def _penetapan(self) -> None:
        self.context.decrees += 1
        today = self.today
        number = (
            f"{self.context.decrees:04d}/{self.team.unit.code}/SK-PM/{today.month:02d}/{today.year}"
        )
        self.case = case_services.case_penetapan(
            actor=self.team.head, case=self.case, sk_number=number, sk_date=today
        )

    def _service(self) -> None:
        component = self.rng.choice(self.components[:3])
        description, quantity, cost, _frequency = self.rng.choice(texts.SERVICES[component])
        case_services.service_record(
            actor=self.pendamping,
            case=self.case,
            delivered_on=self.today,
            component=component,
            description=description,
            quantity=quantity,
            unit_cost=cost,
            ro_code=self.context.ro_code(self.case.unit_id, self.today.year, self.group),
            provider_name="Terapis mitra sentra"
            if component == ServiceComponent.THERAPY and cost
            else "",
        )

    def _conference(self) -> None:
        case_services.note_add(
            actor=self.team.supervisor,
            case=self.case,
            kind=NoteKind.CONFERENCE,
            text=self.rng.choice(texts.CONFERENCES),
            happened_at=self.now,
        )

    def _monitor(self) -> None:
        goals = self.case.plans.filter(status=PlanStatus.APPROVED).order_by("-number").first()
        progress = {
            goal["code"]: self.rng.choice(texts.PROGRESS) for goal in (goals.goals if goals else [])
        }
        case_services.note_add(
            actor=self.pendamping,
            case=self.case,
            kind=NoteKind.MONITORING,
            text=self.rng.choice(texts.MONITORING),
            happened_at=self.now,
            goal_progress=progress,
        )

    def _refer(self) -> None:
        institution, contact, reason = self.rng.choice(texts.REFERRAL_INSTITUTIONS)
        consent = self._consent()
        case_services.referral_out_record(
            actor=self.pendamping if consent else self.team.head,
            case=self.case,
            institution=institution,
            contact=contact,
            reason=reason,
            referred_at=self.now,
            consent=consent,
            override_reason=""
            if consent
            else "Kebutuhan perawatan mendesak; wali belum ditemukan.",
        )

    def _terminate(self, reason: str) -> None:
        if reason == TerminationReason.GOALS_MET:
            rating = OutcomeRating.IMPROVED
        elif reason in (TerminationReason.NOT_ELIGIBLE, TerminationReason.LOST_CONTACT):
            rating = OutcomeRating.UNKNOWN
        else:
            rating = self.rng.choice((OutcomeRating.STABLE, OutcomeRating.IMPROVED))
        self.case = case_services.case_terminate(
            actor=self.pendamping,
            case=self.case,
            reason=reason,
            outcome_rating=rating,
            note=texts.TERMINATION_NOTES.get(reason, ""),
        )

    def _schedule(self) -> None:
        ended = timezone.localtime(self.case.terminated_at).date()
        for days in AFTERCARE_VISIT_DAYS:
            case_services.aftercare_schedule(
                actor=self.pendamping, case=self.case, scheduled_for=ended + dt.timedelta(days=days)
            )

    def _visit(self, number: int) -> None:
        visit = self.case.aftercare_visits.order_by("scheduled_for")[number]
        case_services.aftercare_record(
            actor=self.pendamping,
            visit=visit,
            done_at=self.now,
            notes=self.rng.choice(texts.AFTERCARE_NOTES),
        )


class Context:
    """What every story looks up: forms, scales, budget outputs, the decree counter."""

    def __init__(self):
        forms = list(FormDefinition.objects.filter(is_active=True).order_by("code", "-version"))
        self._forms = [f for f in forms if f.kind == FormDefinition.Kind.ASSESSMENT]
        self._scales = [f for f in forms if f.kind == FormDefinition.Kind.OUTCOME]
        if not self._forms:
            raise RuntimeError("demo cases need the assessment forms (atensi cases rules)")
        self._outputs = {
            (o.unit_id, o.ta, o.target_group): o.full_code
            for o in Output.objects.exclude(target_group="").order_by("-id")
        }
        self.decrees = 0

    def assessment_form(self, group: str) -> FormDefinition:
        own = [f for f in self._forms if group in (f.target_groups or [])]
        return (own or [f for f in self._forms if not f.target_groups] or self._forms)[0]

    def scales(self, group: str) -> list[FormDefinition]:
        seen, out = set(), []
        for scale in self._scales:
            if scale.code not in seen and (not scale.target_groups or group in scale.target_groups):
                seen.add(scale.code)
                out.append(scale)
        return out

    def ro_code(self, unit_id: int, year: int, group: str) -> str:
        return self._outputs.get((unit_id, year, group), "")


def case_stories(
    *, seed: int, unit_codes: list[str], per_sentra: int, now: dt.datetime
) -> list[Iterator[dt.datetime]]:
    """Returns the stories of the demo cases of the staffed sentra, ready to replay."""
    teams = teams_load(unit_codes)
    codes = [c for c in unit_codes if c in teams]
    plans = case_plans(seed, codes, per_sentra, now)
    persons_match(plans, seed)
    context = Context()
    return [
        CaseStory(plan, teams, context, seed).run() for plan in plans if plan.person is not None
    ]
