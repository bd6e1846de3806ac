"""What a person reads about a course beyond its events, computed once per view.

:meth:`b12course.Course.timeline` hands a :class:`Timeline` these values, and
every rendering reads them from it instead of asking the course:

- :class:`Clinical`: the symptom log read at a moment: one
  :class:`~b12course.Assessment` per entry on the timeline (category and
  attention flags), the :class:`~b12course.FlareReport`, the pre-treatment
  baseline and the trend since treatment started of each symptom.  Each is
  computed on first reading and kept, so a timeline that no rendering asks
  about the symptom log (a worklist's, a calendar's) never pays for it.
- :class:`Adherence` and :func:`count_adherence`: how the planned doses due
  before ``now`` were kept, read from each dose's status; only a given dose's
  timing (on time, early, late) asks its :class:`~b12course.DueWindow`.
"""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

from b12course._flare import (
    Assessment,
    FlareModel,
    FlareReport,
    read_log,
    report_of,
)
from b12course._schedule import DoseStatus, DueWindow, PlannedDose
from b12course._symptoms import (
    Baseline,
    Symptom,
    SymptomEntry,
    SymptomLog,
    Trend,
    baseline,
    trend,
)
from b12course._time import utc

if TYPE_CHECKING:
    from b12course._flare import FlareLog

__all__ = ["Adherence", "Clinical", "count_adherence"]

_ONE_MICROSECOND = dt.timedelta(microseconds=1)


@attrs.frozen(kw_only=True)
class Clinical:
    """The symptom log of one course state, read at one moment.

    Attributes:
        entries: The course's whole symptom log, in time order (baselines
            read the entries before treatment started).
        until: The horizon: entries before it are on the timeline.
        treatment_start: The first dose given, else the planned first dose.
        first_dose_given: Whether a dose has been given.
        model: The flare model; the defaults when None.
        applies: Whether the course has a flare window.
        now: The moment read; None for a preview (the latest entry then).
    """

    entries: tuple[SymptomEntry, ...]
    until: dt.datetime
    treatment_start: dt.datetime
    first_dose_given: bool
    model: FlareModel | None = None
    applies: bool = True
    now: dt.datetime | None = None

    @functools.cached_property
    def shown(self) -> tuple[SymptomEntry, ...]:
        """The entries on the timeline (before :attr:`until`), in time order."""
        horizon = utc(self.until)
        return tuple(e for e in self.entries if utc(e.at) < horizon)

    @functools.cached_property
    def log(self) -> SymptomLog:
        """The log grouped by symptom, once (baselines and trends read one group)."""
        return SymptomLog(self.entries)

    @functools.cached_property
    def _read(self) -> FlareLog:
        """The log read once against the start of treatment, for every flare view."""
        return read_log(
            self.entries,
            first_dose=self.treatment_start,
            first_dose_given=self.first_dose_given,
            model=self.model,
            applies=self.applies,
        )

    @functools.cached_property
    def assessments(self) -> tuple[Assessment, ...]:
        """One assessment per entry on the timeline, in timeline order."""
        return tuple(self._read.assess_all()[: len(self.shown)])

    @functools.cached_property
    def by_entry(self) -> dict[SymptomEntry, Assessment]:
        """The assessments, looked up by their entry."""
        return {a.entry: a for a in self.assessments}

    def assess(self, entry: SymptomEntry) -> Assessment:
        """Assess one entry (of the log or not) against the log's baseline and window.

        An entry on the timeline reads the same as its item of
        :attr:`assessments` (and is looked up there, not assessed again).
        """
        found = self.by_entry.get(entry) if isinstance(entry, SymptomEntry) else None
        if found is not None:
            return found
        return self._read.assess(entry)

    def baseline(
        self, key: Symptom | str, *, last: int | None = None
    ) -> Baseline | None:
        """The pre-treatment baseline of ``key``: the mean of its ``last`` entries."""
        if last is None:
            last = (self.model or FlareModel()).baseline_entries
        return baseline(self.log.of(key), key, before=self.treatment_start, last=last)

    @functools.cached_property
    def flare_report(self) -> FlareReport:
        """The flare report as of :attr:`now` (a preview: the latest entry)."""
        return report_of(self._read, self.now)

    @functools.cached_property
    def keys(self) -> tuple[Symptom | str, ...]:
        """The symptoms on the timeline, in the order first logged."""
        return tuple(dict.fromkeys(e.key for e in self.shown))

    @functools.cached_property
    def baselines(self) -> tuple[tuple[Symptom | str, Baseline | None], ...]:
        """Each symptom's pre-treatment baseline (None where none was logged)."""
        return tuple((key, self.baseline(key)) for key in self.keys)

    @functools.cached_property
    def trends(self) -> tuple[tuple[Symptom | str, Trend], ...]:
        """Each symptom's trend since treatment started, up to :attr:`now`.

        A preview reads every entry on the timeline; a moment before
        treatment started has an empty window (no trend).
        """
        end = self.until if self.now is None else self.now + _ONE_MICROSECOND
        start = self.treatment_start
        return tuple(
            (key, trend(self.log.of(key), key, start=start, end=end))
            for key in self.keys
        )


@attrs.frozen(kw_only=True)
class Adherence:
    """How the planned doses due before ``as_of`` were kept.

    Attributes:
        as_of: The moment described.
        due: Planned doses whose due instant is before ``as_of``.
        given: Of those, how many were given.
        on_time: Given inside their due window.
        early: Given before their due window opened.
        late: Given after their due window closed.
        skipped: Skipped by a recorded decision.
        overdue: Not given, and their due window has closed.
        due_now: Not given, and their due window is still open.

    >>> import datetime as dt, zoneinfo
    >>> from b12course import Course, regimens
    >>> tz = zoneinfo.ZoneInfo("Europe/London")
    >>> first = dt.datetime(2026, 12, 1, 9, tzinfo=tz)
    >>> neuro = regimens.get("bnf-hydroxocobalamin-neuro")
    >>> course = Course.begin(neuro, first_dose=first)
    >>> course = course.record_dose(first).record_dose(first + dt.timedelta(days=3))
    >>> a = course.timeline(now=first + dt.timedelta(days=6)).adherence
    >>> a.due, a.on_time, a.late, a.overdue, a.share
    (3, 1, 1, 1, 0.3333333333333333)
    >>> print(a)
    1 of 3 planned doses given on time (33 %); 1 late, 0 early; 1 not given
    """

    as_of: dt.datetime
    due: int
    given: int
    on_time: int
    early: int
    late: int
    skipped: int
    overdue: int
    due_now: int

    @property
    def counted(self) -> int:
        """How many planned doses adherence is counted over (due, less skipped)."""
        return self.due - self.skipped

    @property
    def not_given(self) -> int:
        """How many counted doses were not recorded as given (overdue or due now)."""
        return self.counted - self.given

    @property
    def share(self) -> float | None:
        """The share of counted doses given on time (None when none was counted)."""
        return self.on_time / self.counted if self.counted else None

    def __str__(self) -> str:
        """Read as "1 of 3 planned doses given on time (33 %); ..."."""
        if self.share is None:
            return "no planned dose was due yet"
        return (
            f"{self.on_time} of {self.counted} planned doses given on time "
            f"({100 * self.share:.0f} %); {self.late} late, {self.early} early; "
            f"{self.not_given} not given"
        )


def count_adherence(
    doses: Iterable[PlannedDose],
    *,
    now: dt.datetime,
    zone: zoneinfo.ZoneInfo,
    grace: dt.timedelta | None,
    statused: bool,
) -> Adherence:
    """Count the adherence of the planned doses due before ``now``.

    With ``statused``, the doses carry their status at ``now`` (a timeline
    built for ``now``) and a pending dose is overdue or due now as its status
    says; otherwise its due window is asked.
    """
    counts = dict.fromkeys(
        ("due", "given", "on_time", "early", "late", "skipped", "overdue", "due_now"),
        0,
    )
    cut = utc(now)
    for dose in doses:
        if utc(dose.due) >= cut:
            continue
        counts["due"] += 1
        if dose.given is not None:
            window = DueWindow.of(dose.due, zone, grace)
            counts["given"] += 1
            counts[_timing(window, dose.given.at)] += 1
        elif dose.skip is not None or dose.status is DoseStatus.SKIPPED:
            counts["skipped"] += 1
        elif (
            dose.status if statused else DueWindow.of(dose.due, zone, grace).status(now)
        ) is DoseStatus.OVERDUE:
            counts["overdue"] += 1
        else:
            counts["due_now"] += 1
    return Adherence(as_of=now, **counts)


def _timing(window: DueWindow, given_at: dt.datetime) -> str:
    """Return which count a given dose adds to: on time, early or late."""
    if window.on_time(given_at):
        return "on_time"
    return "early" if utc(given_at) < window.opens else "late"
