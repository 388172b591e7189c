"""The stages of a case and the moves allowed between them (DOMAIN.md §2).

Each move names who may make it and what must be true first; `blockers` says, in the user's
language, what is still missing, so a refused move always tells the user what to do.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from atensi.accounts.access import can_write_cases
from atensi.accounts.models import Role

from .choices import PlanStatus, Stage

CASE_WORKERS = frozenset({Role.PENDAMPING, Role.SUPERVISOR, Role.HEAD, Role.ADMIN})
CASE_LEADS = frozenset({Role.SUPERVISOR, Role.HEAD, Role.ADMIN})


def _needs_first_contact(case) -> list:
    return (
        [] if case.first_contact_at else [_("Catat kontak pertama (pendekatan awal) lebih dulu.")]
    )


def _needs_pendamping(case) -> list:
    return [] if case.pendamping_id else [_("Tetapkan pendamping kasus lebih dulu.")]


def _needs_assessment(case) -> list:
    done = case.assessments.filter(completed_at__isnull=False).exists()
    return [] if done else [_("Selesaikan asesmen lebih dulu.")]


def _needs_approved_plan(case) -> list:
    approved = case.plans.filter(status=PlanStatus.APPROVED).exists()
    return (
        []
        if approved
        else [_("Rencana intervensi harus disetujui supervisor atau kepala sentra lebih dulu.")]
    )


def _needs_a_service(case) -> list:
    return [] if case.services.exists() else [_("Catat minimal satu layanan yang sudah diberikan.")]


def _needs_no_open_stay(case) -> list:
    open_stay = case.stays.filter(discharged_at__isnull=True).exists()
    return [_("Keluarkan dulu penerima manfaat dari layanan residensial.")] if open_stay else []


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    label: str
    roles: frozenset
    checks: tuple[Callable, ...] = ()


MOVES = [
    Move(
        Stage.INTAKE,
        Stage.ASSESSMENT,
        _("Mulai asesmen"),
        CASE_WORKERS,
        (_needs_pendamping, _needs_first_contact),
    ),
    Move(
        Stage.ASSESSMENT,
        Stage.PLANNING,
        _("Susun rencana intervensi"),
        CASE_WORKERS,
        (_needs_assessment,),
    ),
    Move(
        Stage.PLANNING,
        Stage.INTERVENTION,
        _("Mulai intervensi"),
        CASE_WORKERS,
        (_needs_approved_plan,),
    ),
    Move(
        Stage.INTERVENTION,
        Stage.MONITORING,
        _("Monitoring dan evaluasi"),
        CASE_WORKERS,
        (_needs_a_service,),
    ),
    Move(Stage.MONITORING, Stage.INTERVENTION, _("Lanjutkan intervensi"), CASE_WORKERS),
    Move(Stage.MONITORING, Stage.PLANNING, _("Revisi rencana"), CASE_WORKERS),
    Move(
        Stage.TERMINATION,
        Stage.AFTERCARE,
        _("Mulai bimbingan lanjut"),
        CASE_WORKERS,
        (_needs_no_open_stay,),
    ),
    Move(Stage.TERMINATION, Stage.CLOSED, _("Tutup kasus"), CASE_LEADS, (_needs_no_open_stay,)),
    Move(Stage.AFTERCARE, Stage.CLOSED, _("Tutup kasus"), CASE_LEADS),
]
# Termination is reachable from every active stage, through case_terminate (reason and outcome);
# reopening from closed, through case_reopen (reason). Neither is a plain move.
TERMINABLE = frozenset(
    {Stage.INTAKE, Stage.ASSESSMENT, Stage.PLANNING, Stage.INTERVENTION, Stage.MONITORING}
)
ACTIVE = TERMINABLE | {Stage.TERMINATION, Stage.AFTERCARE}


def find_move(source: str, target: str) -> Move | None:
    return next((m for m in MOVES if m.source == source and m.target == target), None)


def moves_from(stage: str) -> list[Move]:
    return [m for m in MOVES if m.source == stage]


def blockers(move: Move, case) -> list[str]:
    """Returns what must still be done before `move` can be made on `case` (empty when ready)."""
    return [str(message) for check in move.checks for message in check(case)]


@dataclass(frozen=True)
class AvailableMove:
    """A next step open to a user on a case, and what still stands in its way."""

    kind: str  # which service makes it: "transition", "terminate" or "reopen"
    target: str
    label: str
    blockers: tuple[str, ...]
    # Refused because the consent was withdrawn: the page leaves such steps out altogether.
    stopped: bool = False

    @property
    def ready(self) -> bool:
        return not self.blockers

    @property
    def target_label(self) -> str:
        return Stage(self.target).label


def moves_for(user, case, *, stop_message: str = "") -> list[AvailableMove]:
    """Returns the next steps `user` may take on `case`, each with what still blocks it.

    `stop_message` explains a withdrawn consent: then only terminating and closing go on.
    """
    if not can_write_cases(user):
        return []
    stopped = (stop_message,) if stop_message else ()
    moves = []
    for move in moves_from(case.stage):
        if user.role not in move.roles:
            continue
        # Closing stays open after a withdrawal: the law still asks for the case to be closed.
        held = stopped if move.target != Stage.CLOSED else ()
        moves.append(
            AvailableMove(
                "transition",
                move.target,
                str(move.label),
                held + tuple(blockers(move, case)),
                stopped=bool(held),
            )
        )
    if case.stage in TERMINABLE and user.role in CASE_WORKERS:
        moves.append(AvailableMove("terminate", Stage.TERMINATION, str(_("Terminasi")), ()))
    if case.stage == Stage.CLOSED and user.role in CASE_LEADS:
        moves.append(
            AvailableMove(
                "reopen", Stage.ASSESSMENT, str(_("Buka kembali")), stopped, stopped=bool(stopped)
            )
        )
    return moves
