"""Replaying two years of work through the real services, each step at its own moment.

The services stamp what they write with `timezone.now()` (milestones, timeline events, audit
rows, auto_now fields) and refuse moments in the future. To record a referral received in 2024
and everything after it as it happened, the demo sets their clock to each step's moment while
the step runs: a story is a generator that yields the moment of its next step and then takes
it. `replay` runs the steps of all stories in the order of their moments, so the audit trail,
the case holdings read from it and the monthly report figures see the world as it was then.
"""

import datetime as dt
import heapq
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from unittest import mock

from django.utils import timezone

Story = Iterator[dt.datetime]


def local_moment(day: dt.date, offset: dt.timedelta) -> dt.datetime:
    """Returns the moment `offset` after midnight of `day` in the local time zone (Asia/Jakarta)."""
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=timezone.get_default_timezone())
    return midnight + offset


class Clock:
    """The moment the services take for "now" while the demo replays a step."""

    def __init__(self, moment: dt.datetime):
        self.moment = moment

    def __call__(self) -> dt.datetime:
        return self.moment


@contextmanager
def history_clock(until: dt.datetime):
    """Sets `timezone.now()` to the clock's moment inside the block; `until` is the real now."""
    clock = Clock(until)
    with mock.patch.object(timezone, "now", clock):
        yield clock


def replay(stories: Iterable[Story], *, clock: Clock, until: dt.datetime) -> int:
    """Runs every step of every story in the order of their moments; returns the steps taken.

    Steps of one story keep their order; steps at the same moment run in the order the stories
    were given, so a replay is the same every time.
    """
    queue: list[tuple[dt.datetime, int, Story]] = []
    steps = 0

    def advance(seq: int, story: Story, after: dt.datetime | None) -> None:
        moment = next(story, None)
        if moment is None:
            return
        if moment.tzinfo is None:
            raise ValueError("a demo step needs a timezone-aware moment")
        if moment > until or (after is not None and moment < after):
            raise ValueError(f"demo step out of order: {moment} (after {after}, until {until})")
        heapq.heappush(queue, (moment, seq, story))

    for seq, story in enumerate(stories):
        advance(seq, story, None)
    while queue:
        moment, seq, story = heapq.heappop(queue)
        clock.moment = moment
        advance(seq, story, moment)  # takes the step, then learns the moment of the next one
        steps += 1
    clock.moment = until
    return steps
