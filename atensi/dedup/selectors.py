"""Reads of duplicate review that depend on who asks.

A pair, a merge or a live warning shows two persons' records, so it is visible only to a user
who may see BOTH persons (registry.selectors.persons_visible_to); anything else is "not found".
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from atensi.accounts.access import can_read_duplicates, sees_many_units
from atensi.common.errors import NotFound
from atensi.registry.models import Person
from atensi.registry.selectors import persons_visible_to

from .models import CandidatePair, MatchRun, Merge, PairStatus


def merged_person_ids():
    """Returns a subquery of the persons currently merged into another person."""
    return Merge.objects.filter(undone_at__isnull=True).values("merged_id")


def persons_in_scope(user, unit=None) -> QuerySet[Person]:
    """Returns the persons a run by `user` compares: visible to them, in `unit`, not merged."""
    persons = persons_visible_to(user).exclude(pk__in=merged_person_ids())
    if unit is not None:
        from atensi.cases.models import Case

        persons = persons.filter(
            Q(unit=unit) | Q(pk__in=Case.objects.filter(unit=unit).values("person_id"))
        )
    return persons


def pairs_visible_to(user) -> QuerySet[CandidatePair]:
    """Returns the candidate pairs whose two persons `user` may both see."""
    if not can_read_duplicates(user):
        return CandidatePair.objects.none()
    if user.is_national:
        return CandidatePair.objects.all()
    # Checked per pair (by primary key) rather than as two lists of every visible person: a
    # sentra or directorate sees 10^5 persons at national scale, a queue page needs 25 pairs.
    visible = persons_visible_to(user)
    return CandidatePair.objects.filter(
        Exists(visible.filter(pk=OuterRef("person_a_id"))),
        Exists(visible.filter(pk=OuterRef("person_b_id"))),
    )


def review_queue(user, *, status: str = PairStatus.OPEN, order: str = "score"):
    """Returns the pairs to review: neither person merged, likeliest (or most cases) first."""
    merged = merged_person_ids()
    pairs = (
        pairs_visible_to(user)
        .filter(status=status)
        .exclude(person_a__in=merged)
        .exclude(person_b__in=merged)
        .select_related("person_a__unit", "person_b__unit", "run")
    )
    if order == "impact":
        return pairs.order_by("-impact", "-probability", "id")
    return pairs.order_by("-probability", "-impact", "id")


def pair_get(user, pk) -> CandidatePair:
    """Returns a pair `user` may review, or raises NotFound (also when either person is hidden)."""
    try:
        return (
            pairs_visible_to(user)
            .select_related("person_a__unit", "person_b__unit", "person_a__village", "run")
            .get(pk=pk)
        )
    except (CandidatePair.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Pasangan tidak ditemukan.")) from None


def merges_visible_to(user) -> QuerySet[Merge]:
    if not can_read_duplicates(user):
        return Merge.objects.none()
    merges = Merge.objects.select_related(
        "survivor__unit", "merged__unit", "merged_by", "undone_by"
    )
    if user.is_national:
        return merges
    visible = persons_visible_to(user)
    return merges.filter(
        Exists(visible.filter(pk=OuterRef("survivor_id"))),
        Exists(visible.filter(pk=OuterRef("merged_id"))),
    )


def merge_get(user, pk) -> Merge:
    try:
        return merges_visible_to(user).get(pk=pk)
    except (Merge.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Penggabungan tidak ditemukan.")) from None


def runs_visible_to(user) -> QuerySet[MatchRun]:
    """Returns the runs `user` may read: all for national and directorate roles, else their unit's."""
    if not can_read_duplicates(user):
        return MatchRun.objects.none()
    runs = MatchRun.objects.select_related("unit", "started_by")
    if sees_many_units(user):
        return runs
    return runs.filter(Q(unit_id=user.unit_id) | Q(started_by=user))


def run_get(user, pk) -> MatchRun:
    try:
        return runs_visible_to(user).get(pk=pk)
    except (MatchRun.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("Pencarian duplikat tidak ditemukan.")) from None


def active_merge_of(person) -> Merge | None:
    """Returns the merge that joined `person` into another one, if any is in force."""
    return (
        Merge.objects.filter(merged=person, undone_at__isnull=True)
        .select_related("survivor")
        .first()
    )
