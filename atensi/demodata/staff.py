"""The demo workforce: profiles, training, leave and monthly reports, by the workforce services.

Profiles are recorded for every demo user who works with cases (the staffed sentra's heads,
supervisors and pendamping, and the pendamping of the other sentra) before the first demo case
comes in. The staffed sentra's pendamping and supervisors have training histories and leave;
their pendamping file monthly reports for the last six months and the current one, so every
sentra shows reports approved (on time or late), approved after a return, waiting for a
decision, returned with a comment, and in draft.
"""

import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator

from django.utils import timezone

from atensi.accounts.models import Role, User
from atensi.accounts.services import user_create
from atensi.organisation.models import TargetGroup, Unit, UnitType
from atensi.workforce import services as workforce_services
from atensi.workforce.choices import (
    AbsenceKind,
    CertificateLevel,
    Employment,
    TrainingResult,
    WorkerKind,
)
from atensi.workforce.models import Course, MonthlyReport
from atensi.workforce.workdays import month_start, next_month

from . import names
from .history import Story, local_moment

REPORT_MONTHS = 6
# Case workers in every sentra's demo team (with the demo logins among them): a few hundred
# nationwide, for the national views and the KPIs.
WORKERS_PER_SENTRA = 8
LANGUAGES = {"31": "Betawi", "32": "Sunda", "33": "Jawa", "35": "Jawa", "73": "Bugis"}
NARRATIVES = (
    "Bulan ini fokus pada kunjungan rumah dan penyusunan rencana intervensi kasus baru. "
    "Koordinasi dengan dinas sosial berjalan baik.",
    "Layanan terapi psikososial berjalan sesuai jadwal; dua keluarga mulai aktif dalam "
    "konseling keluarga. Kendala: transportasi ke desa terpencil.",
    "Pendampingan bimbingan lanjut untuk kasus yang sudah terminasi; satu kasus dirujuk ke "
    "rumah sakit jiwa. Mengikuti bimtek asesmen.",
)
RETURN_COMMENTS = (
    "Uraian belum menjelaskan kendala kasus yang terlambat kontak pertama; mohon dilengkapi.",
    "Lampirkan ringkasan kunjungan bimbingan lanjut yang dilakukan bulan ini.",
)
RESUBMIT_NOTE = " Perbaikan: kendala dan tindak lanjut kasus yang terlambat sudah diuraikan."


def _at(day: dt.date, hour: float) -> dt.datetime:
    return local_moment(day, dt.timedelta(hours=hour))


def _years_later(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (28 February for a 29 February that has none)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _nip(rng: random.Random, sex_digit: int, hired: dt.date) -> str:
    born = dt.date(rng.randint(1975, 1996), rng.randint(1, 12), rng.randint(1, 28))
    return f"{born:%Y%m%d}{hired:%Y%m}{sex_digit}{rng.randrange(1, 999):03d}"


def national_team_ensure(*, seed: int, per_sentra: int) -> int:
    """Records what each active sentra's team is missing: a head, a supervisor and case workers
    up to `per_sentra`; returns how many were added.

    A believable workforce for the national views: a few hundred workers. Only the demo logins
    print a password; these are recorded without one (an administrator opens an account
    when someone needs it).
    """
    added = 0
    sentra = list(Unit.objects.filter(type=UnitType.SENTRA, is_active=True).order_by("code"))
    teams = Counter(
        User.objects.filter(unit__in=sentra, is_active=True).values_list("unit_id", "role")
    )
    existing = set(User.objects.values_list("username", flat=True))
    for unit in sentra:
        for role, wanted in ((Role.HEAD, 1), (Role.SUPERVISOR, 1), (Role.PENDAMPING, per_sentra)):
            for n in range(teams[(unit.pk, role)] + 1, wanted + 1):
                username = f"staf.{unit.code}.{role}{n}"
                if username in existing:
                    continue
                rng = random.Random(f"{seed}:{username}")
                male = rng.random() < 0.5
                user_create(
                    actor=None,
                    username=username,
                    password=None,
                    role=role,
                    unit=unit,
                    first_name=rng.choice(names.FAKER_MALE if male else names.FAKER_FEMALE),
                    last_name=rng.choice(
                        names.FAKER_LAST_MALE if male else names.FAKER_LAST_FEMALE
                    ),
                    email=f"{username}@demo.atensi.invalid",
                )
                added += 1
    return added


def profiles_story(*, seed: int, admin: User, at: dt.datetime) -> Iterator[dt.datetime]:
    """Records the profile of every demo case worker that has none yet, at `at`."""
    yield at
    workers = (
        User.objects.filter(
            role__in=(Role.PENDAMPING, Role.SUPERVISOR, Role.HEAD),
            is_active=True,
            unit__type=UnitType.SENTRA,
            worker_profile__isnull=True,
        )
        .select_related("unit")
        .order_by("username")
    )
    groups = list(TargetGroup.values)
    for worker in workers:
        rng = random.Random(f"{seed}:profile:{worker.username}")
        today = timezone.localdate()
        since = today - dt.timedelta(days=rng.randint(800, 3000))
        lead = worker.role != Role.PENDAMPING
        if lead:
            kind, employment = WorkerKind.SOCIAL_WORKER, Employment.PNS
        else:
            kind = rng.choices(
                (WorkerKind.PENDAMPING, WorkerKind.SOCIAL_WORKER, WorkerKind.TKS), (6, 3, 1)
            )[0]
            employment = rng.choices(
                (Employment.CONTRACT, Employment.PPPK, Employment.PNS), (5, 3, 2)
            )[0]
        fixed = employment in (Employment.CONTRACT, Employment.PPPK)
        contract_start = dt.date(today.year, 1, 1) if fixed else None
        contract_end = dt.date(today.year, 12, 31) if fixed else None
        number = _nip(rng, rng.randint(1, 2), since) if employment != Employment.CONTRACT else ""
        certificate = {}
        if kind == WorkerKind.SOCIAL_WORKER:
            # one in three certificates runs out within the next months (renewal due)
            issued = today - dt.timedelta(
                days=rng.randint(1700, 1800) if rng.random() < 0.34 else rng.randint(200, 1400)
            )
            certificate = {
                "certificate_level": CertificateLevel.GENERALIST
                if lead
                else CertificateLevel.ASSISTANT,
                "certificate_number": f"{rng.randrange(10**5, 10**6)}/LSPS/{issued.year}",
                "certificate_issued_on": issued,
                "certificate_expires_on": _years_later(issued, 5),
            }
        province = worker.unit.province_id or ""
        workforce_services.worker_profile_save(
            actor=admin,
            worker=worker,
            kind=kind,
            employment=employment,
            employee_number=number,
            contract_start=contract_start,
            contract_end=contract_end,
            areas=[worker.unit.regency_id or province]
            if (worker.unit.regency_id or province)
            else [],
            languages=["Indonesia"] + ([LANGUAGES[province]] if province in LANGUAGES else []),
            specialisations=rng.sample(groups, rng.randint(1, 2)),
            assigned_since=since,
            **certificate,
        )


def training_story(
    *, seed: int, worker: User, recorder: User, today: dt.date
) -> Iterator[dt.datetime]:
    """Records two to four courses of the catalogue taken over the last two years."""
    rng = random.Random(f"{seed}:training:{worker.username}")
    courses = list(Course.objects.filter(is_active=True).order_by("code"))
    if not courses:
        return
    chosen = rng.sample(courses, min(len(courses), rng.randint(2, 4)))
    records = []
    for number, course in enumerate(chosen):
        length = max(1, course.hours // 8)
        if number == 0 and length > 2 and rng.random() < 0.3:  # a course going on now
            started = today - dt.timedelta(days=rng.randint(1, length - 2))
            moment = _at(started, 15 + rng.random())
            records.append((moment, course, started, None, TrainingResult.ONGOING))
            continue
        started = today - dt.timedelta(days=rng.randint(20, 700))
        finished = started + dt.timedelta(days=length - 1)
        result = rng.choices(
            (TrainingResult.PASSED, TrainingResult.ATTENDED, TrainingResult.FAILED), (6, 3, 1)
        )[0]
        moment = _at(finished + dt.timedelta(days=rng.randint(1, 5)), 9 + rng.random() * 6)
        records.append((moment, course, started, finished, result))
    for moment, course, started, finished, result in sorted(records, key=lambda r: r[0]):
        yield moment
        passed = result in (TrainingResult.PASSED, TrainingResult.ATTENDED)
        workforce_services.training_record(
            actor=recorder,
            worker=worker,
            course=course,
            started_on=started,
            finished_on=finished,
            result=result,
            certificate_number=f"{course.code}/{started.year}/{rng.randrange(1000, 9999)}"
            if passed
            else "",
        )


def leave_story(
    *, seed: int, worker: User, recorder: User, today: dt.date, away_now: bool
) -> Iterator[dt.datetime]:
    """Records a few absences over the last two years (and one going on today when asked)."""
    rng = random.Random(f"{seed}:leave:{worker.username}")
    periods = []
    for quarter in sorted(rng.sample(range(1, 8), rng.randint(1, 3)), reverse=True):
        start = today - dt.timedelta(days=quarter * 90 + rng.randint(0, 60))
        kind = rng.choices((AbsenceKind.ANNUAL, AbsenceKind.SICK, AbsenceKind.DUTY), (5, 3, 2))[0]
        length = {AbsenceKind.SICK: rng.randint(1, 3)}.get(kind, rng.randint(3, 10))
        periods.append((kind, start, start + dt.timedelta(days=length - 1)))
    if away_now:
        start = today - dt.timedelta(days=2)
        periods.append((AbsenceKind.ANNUAL, start, today + dt.timedelta(days=5)))
    for kind, starts, ends in periods:
        recorded = starts if kind == AbsenceKind.SICK else starts - dt.timedelta(days=7)
        yield _at(recorded, 10 + rng.random() * 5)
        workforce_services.absence_record(
            actor=recorder,
            worker=worker,
            kind=kind,
            starts_on=starts,
            ends_on=ends,
            note="" if kind != AbsenceKind.DUTY else "Dinas luar: rapat koordinasi di Jakarta",
        )


def reports_story(
    *, seed: int, worker: User, decider: User, slot: int, now: dt.datetime
) -> Iterator[dt.datetime]:
    """Files the worker's reports of the last six months and opens the current month's.

    Older months are approved (some submitted late, one returned first); last month's report is
    waiting for a decision, returned, or still a draft, by `slot`.
    """
    rng = random.Random(f"{seed}:reports:{worker.username}")
    current = month_start(timezone.localtime(now).date())
    months = [current]
    for _ in range(REPORT_MONTHS):
        months.insert(0, month_start(months[0] - dt.timedelta(days=1)))
    for month in months[:-1]:
        if MonthlyReport.objects.filter(worker=worker, month=month).exists():
            continue
        last = month == months[-2]
        returned = month == months[-3] or (last and slot % 3 == 1)
        start = _at(next_month(month), 8.5)
        if last:  # last month's steps share the days since it ended
            moments = [start + (now - start) * f for f in (0.05, 0.1, 0.3, 0.6)]
        else:  # submitted within days, one in five a week or more after the due date
            opened = start + dt.timedelta(hours=rng.uniform(0, 30))
            late = rng.random() < 0.2
            submitted = start + dt.timedelta(days=rng.uniform(9, 14) if late else rng.uniform(1, 4))
            submitted = max(submitted, opened + dt.timedelta(hours=2))  # after writing it
            decided = submitted + dt.timedelta(days=rng.uniform(1, 3))
            moments = [opened, opened + dt.timedelta(hours=1), submitted, decided]
        yield moments[0]
        report = workforce_services.report_open(actor=worker, month=month)
        yield moments[1]
        report = workforce_services.report_narrative_save(
            actor=worker, report=report, narrative=rng.choice(NARRATIVES)
        )
        if last and slot % 3 == 2:
            continue  # still a draft
        yield moments[2]
        report = workforce_services.report_submit(actor=worker, report=report)
        if last and slot % 3 == 0:
            continue  # waiting for the supervisor
        yield moments[3]
        report = workforce_services.report_decide(
            actor=decider,
            report=report,
            approve=not returned,
            comment=rng.choice(RETURN_COMMENTS) if returned else "",
        )
        if not returned or last:
            continue
        yield moments[3] + dt.timedelta(days=1, hours=rng.uniform(0, 4))
        report = workforce_services.report_narrative_save(
            actor=worker, report=report, narrative=report.narrative + RESUBMIT_NOTE
        )
        report = workforce_services.report_submit(actor=worker, report=report)
        yield moments[3] + dt.timedelta(days=2, hours=rng.uniform(0, 4))
        workforce_services.report_decide(actor=decider, report=report, approve=True)
    if not MonthlyReport.objects.filter(worker=worker, month=current).exists():
        # halfway between the last step taken (or the month's start) and now
        since = max(timezone.now(), _at(current, 0))
        yield since + (now - since) / 2
        workforce_services.report_open(actor=worker, month=current)


def staff_stories(*, seed: int, unit_codes: list[str], now: dt.datetime) -> list[Story]:
    """Returns the training, leave and report stories of the staffed sentra's teams."""
    today = timezone.localtime(now).date()
    stories: list[Story] = []
    for code in unit_codes:
        team = list(User.objects.filter(unit__code=code, is_active=True).order_by("username"))
        head = next((u for u in team if u.role == Role.HEAD), None)
        supervisor = next((u for u in team if u.role == Role.SUPERVISOR), None)
        if head is None or supervisor is None:
            continue
        pendamping = [u for u in team if u.role == Role.PENDAMPING]
        for slot, worker in enumerate(pendamping):
            stories.append(training_story(seed=seed, worker=worker, recorder=head, today=today))
            stories.append(
                leave_story(
                    seed=seed,
                    worker=worker,
                    recorder=supervisor,
                    today=today,
                    away_now=slot == 1 and code == unit_codes[0],
                )
            )
            stories.append(
                reports_story(seed=seed, worker=worker, decider=supervisor, slot=slot, now=now)
            )
        stories.append(training_story(seed=seed, worker=supervisor, recorder=head, today=today))
        stories.append(
            leave_story(seed=seed, worker=supervisor, recorder=head, today=today, away_now=False)
        )
    return stories
