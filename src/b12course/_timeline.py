"""The timeline: every event of a course, sorted once, queried by time.

A :class:`Timeline` is an immutable index of :class:`TimelineEvent` values:
planned doses (with their status), doses given, doses skipped, symptom entries,
lab results, phase changes, review points and the flare window.  It knows
nothing of courses: :meth:`b12course.Course.timeline` derives the events of a
course state once and hands them over, and every rendering (calendar, CSV,
summaries, chart, CLI, FHIR, CalDAV) reads them from here.  It answers range
questions in ``O(log n + k)`` by bisecting a sorted array of start instants.

Queries take the form they are asked in.  A query in UTC bisects the UTC
instants as they are.  A query in an IANA zone (or a fixed offset) bisects the
same instants written as wall-clock times of that zone, built on the first
query in the zone and kept (for up to eight zones), as long as the timeline
is *wall-safe* in the zone: no event lies near enough to a change of UTC
offset for a comparison of wall-clock times to disagree with one of instants
(the comments above ``_SWING`` prove it).  Any other query is converted to
UTC once.  A property test
(``tests/test_timeline_fastpath.py``) holds every path equal to a plain filter
over the events' instants, across DST folds and gaps.

A timeline built by :meth:`b12course.Course.timeline` is the *view* of a
course at a moment: what a person reads beyond the events is an attribute of
the timeline, computed once in the core, and every rendering reads it here
instead of asking the course:

- :attr:`Timeline.planned_doses`, :attr:`Timeline.reviews` and
  :attr:`Timeline.phases`: the payloads of the ``PLANNED_DOSE`` (in plan
  order), ``REVIEW`` and ``PHASE_CHANGE`` events; :attr:`Timeline.decisions`
  (who ended a phase, when, why), :meth:`Timeline.undecided` and
  :meth:`Timeline.awaiting_decision` (which phase a provisional dose hangs on).
- :attr:`Timeline.next_pending`: the one rule for "which dose is next", and
  :attr:`Timeline.suggested_site`, the injection site for it (the one least
  recently used), or None.
- :attr:`Timeline.assessments` (and :meth:`Timeline.assessment`),
  :attr:`Timeline.attention`, :attr:`Timeline.flare_report`,
  :attr:`Timeline.baselines` and :attr:`Timeline.trends`: the symptom log read
  at ``now`` (computed on first reading, :class:`b12course._view.Clinical`),
  and :attr:`Timeline.adherence`, read from each dose's status.
- :attr:`Timeline.flare_window`: the course's flare window, or None.  It is
  *shown* (a ``FLARE_WINDOW`` event) only when it opens before the horizon;
  :attr:`Timeline.shows_flare_window` says whether it does.
- :attr:`Timeline.horizon`, :attr:`Timeline.until` and :attr:`Timeline.now`:
  how far the view reaches and why (the one horizon policy of
  :mod:`b12course._horizon`; :attr:`Timeline.plan_continues` where it stops
  showing provisional doses), and the present it was derived for.

Rules the queries share:

- Every instant is an aware datetime; a naive one raises
  :class:`~b12course.exceptions.NaiveDatetimeError`.  Instants in any zone are
  compared as instants (in UTC), never by their wall-clock fields.
- Ranges are half-open, ``[start, end)``.  An *instant* event at ``t`` is inside
  ``[a, b)`` iff ``a <= t < b`` (as recurring-ical-events counts them); an
  *interval* event ``[s, e)`` overlaps ``[a, b)`` iff ``s < b`` and ``e > a``.
- A course's events show their times in the course zone (a payload keeps
  the instant as it was recorded, in whatever zone).
- Events are sorted by start instant; ties are broken by kind, in the order
  :class:`EventKind` declares its members (a phase change before the dose that
  opens the phase), then by end instant, then by the order in which the events
  were given (for a course: plan order, record order).

The vocabulary of allenporter/ical is available beside the names of
DESIGN.md, with ical's meaning: :meth:`Timeline.included`,
:meth:`Timeline.start_after`, :meth:`Timeline.at_instant` and
:meth:`Timeline.on_date`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import itertools
import zoneinfo
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, cast, overload

import attrs

from b12course._corrections import Correction
from b12course._flare import Assessment, FlareReport, FlareWindow
from b12course._horizon import Horizon, PlanContinues
from b12course._labs import LabResult
from b12course._records import (
    AdministeredDose,
    DoseSkip,
    PhaseConfirmation,
    PhaseDecision,
)
from b12course._regimen import Regimen, UntilNoFurtherImprovement
from b12course._response import Review
from b12course._schedule import (
    DoseStatus,
    DueWindow,
    PhaseEnding,
    PhaseSpan,
    PlannedDose,
)
from b12course._symptoms import Baseline, Symptom, SymptomEntry, Trend
from b12course._time import (
    UTC,
    aware,
    day_bounds,
    get_zone,
    out_of_bounds,
    require_aware,
    require_grace,
    utc,
)
from b12course._view import Adherence, Clinical, count_adherence
from b12course.exceptions import (
    InvalidRecordError,
    NotADateError,
    RangeError,
    SettingError,
)

__all__ = ["EventKind", "Timeline", "TimelineEvent"]

_DATETIME = dt.datetime
_LATEST = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
_NO_SPAN = dt.timedelta(0)
_DATE = dt.date
_COMBINE = dt.datetime.combine
_MIDNIGHT = dt.time()
_ONE_DAY = dt.timedelta(days=1)
_left = bisect.bisect_left
_right = bisect.bisect_right


class EventKind(enum.Enum):
    """What a timeline event is; the declaration order breaks ties in time.

    The payload of each kind:

    - ``PHASE_CHANGE``: the :class:`~b12course.PhaseSpan` that begins (instant).
    - ``REVIEW``: a :class:`~b12course.Review` point (instant).
    - ``FLARE_WINDOW``: the :class:`~b12course.FlareWindow` in which a transient
      worsening has been reported (interval).
    - ``PLANNED_DOSE``: a :class:`~b12course.PlannedDose`, at its due time.
    - ``DOSE_GIVEN``: an :class:`~b12course.AdministeredDose`.
    - ``DOSE_SKIPPED``: a :class:`~b12course.DoseSkip`, at its due time.
    - ``SYMPTOM``: a :class:`~b12course.SymptomEntry`.
    - ``LAB_RESULT``: a :class:`~b12course.LabResult`.
    - ``PLAN_CONTINUES``: a :class:`~b12course.PlanContinues` (instant, at the
      provisional horizon): provisional doses go on past it, until a
      clinician ends the phase (see :mod:`b12course._horizon`).

    A planned dose keeps its slot in the plan whatever its status, so a dose
    given late shows twice: as the ``PLANNED_DOSE`` (status ``GIVEN``) at its
    due time and as the ``DOSE_GIVEN`` when it was given.
    """

    PHASE_CHANGE = "phase_change"
    REVIEW = "review"
    FLARE_WINDOW = "flare_window"
    PLANNED_DOSE = "planned_dose"
    DOSE_GIVEN = "dose_given"
    DOSE_SKIPPED = "dose_skipped"
    SYMPTOM = "symptom"
    LAB_RESULT = "lab_result"
    PLAN_CONTINUES = "plan_continues"

    def __str__(self) -> str:
        """Print the value, the one name of the kind in every rendering."""
        return self.value


def _kind(value: object) -> EventKind:
    """Return ``value`` as an EventKind, or raise a SettingError naming the kinds.

    The spelled-out forms of 0.1 ("planned dose") and member names
    ("PLANNED_DOSE") are accepted too.
    """
    if isinstance(value, str):
        value = value.strip().replace(" ", "_").lower()
    try:
        return EventKind(value)
    except ValueError:
        raise SettingError.not_one_of("event kind", value, EventKind) from None


_RANK = {kind: rank for rank, kind in enumerate(EventKind)}
_OPEN = frozenset({None, PhaseEnding.PROJECTED})
_PENDING = frozenset({DoseStatus.SCHEDULED, DoseStatus.DUE, DoseStatus.OVERDUE})


def _not_before_start(
    instance: TimelineEvent, _attribute: attrs.Attribute[dt.datetime], value: object
) -> None:
    if utc(cast("dt.datetime", value)) < utc(instance.start):
        raise InvalidRecordError(
            value,
            f"an event cannot end ({cast('dt.datetime', value).isoformat()}) "
            f"before it starts ({instance.start.isoformat()})",
        )


@attrs.frozen(kw_only=True)
class TimelineEvent:
    """One event on a timeline: an instant (``start == end``) or an interval.

    Attributes:
        start: When it starts (aware).
        end: When it ends (aware, exclusive); equal to ``start`` for an instant.
        kind: What it is (see :class:`EventKind` for the payload of each kind).
        payload: The object the event stands for: a ``PlannedDose``, an
            ``AdministeredDose``, a ``SymptomEntry``...

    >>> import datetime as dt, zoneinfo
    >>> from b12course import Symptom, SymptomEntry
    >>> at = dt.datetime(2026, 12, 3, 20, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    >>> entry = SymptomEntry(at=at, symptom=Symptom.MYOCLONUS, severity=6)
    >>> event = TimelineEvent.instant(at, EventKind.SYMPTOM, entry)
    >>> event.is_instant, event.payload.severity
    (True, 6)
    >>> print(event)
    2026-12-03 20:00 GMT  symptom  myoclonus 6/10
    """

    start: dt.datetime = attrs.field(validator=aware)
    end: dt.datetime = attrs.field(validator=[aware, _not_before_start])
    kind: EventKind = attrs.field(validator=attrs.validators.instance_of(EventKind))
    payload: Any

    @classmethod
    def instant(
        cls, at: dt.datetime, kind: EventKind, payload: object
    ) -> TimelineEvent:
        """Return an event that happens at one instant ``at``."""
        return cls(start=at, end=at, kind=kind, payload=payload)

    @property
    def is_instant(self) -> bool:
        """True when the event has no duration (``start == end`` as instants)."""
        # In UTC: a same-zone comparison ignores fold, so an hour-long interval
        # inside a repeated hour would look like an instant.
        return utc(self.start) == utc(self.end)

    @property
    def duration(self) -> dt.timedelta:
        """How long the event lasts (zero for an instant), in elapsed time."""
        return utc(self.end) - utc(self.start)

    @property
    def title(self) -> str:
        """What the event is, in a few words a person reads."""
        return _title(self.payload)

    def __str__(self) -> str:
        """Read as "2026-12-15 09:00 GMT  review  loading review: ..."."""
        when = f"{self.start:%Y-%m-%d %H:%M %Z}"
        if not self.is_instant:
            when += f" to {self.end.astimezone(self.start.tzinfo):%Y-%m-%d %H:%M %Z}"
        return f"{when}  {self.kind}  {self.title}"


def _title(payload: object) -> str:  # noqa: PLR0911 - one line per payload kind
    """Return the short words for an event's payload (its str for the others)."""
    if isinstance(payload, PlannedDose):
        return f"{payload.name}, {payload.dose}, {payload.status.value}"
    if isinstance(payload, AdministeredDose):
        site = f" at {payload.site}" if payload.site else ""
        by = f" by {payload.by}" if payload.by is not None else ""
        return f"{payload.dose} given{site}{by}"
    if isinstance(payload, DoseSkip):
        why = f": {payload.reason}" if payload.reason else ""
        return f"dose skipped{why}"
    if isinstance(payload, SymptomEntry):
        return f"{payload.label} {payload.severity}/10"
    if isinstance(payload, LabResult):
        return f"{payload.analyte.value} {payload.value:g} {payload.unit}"
    if isinstance(payload, Review):
        return payload.description
    if isinstance(payload, PhaseSpan):
        return f"{payload.phase.name} phase begins"
    if isinstance(payload, FlareWindow):
        return "window in which a transient worsening has been reported"
    if isinstance(payload, PlanContinues):
        return payload.text
    return str(payload)


def _instant(name: str, value: object) -> dt.datetime:
    """Return ``value`` as a UTC datetime, refusing anything but an aware datetime.

    A plain datetime already in UTC skips the check and the conversion (the
    fast path BENCHMARKS.md measures): bisecting UTC datetimes against a UTC
    query compares their fields directly, with no ``utcoffset`` call.
    """
    if value.__class__ is _DATETIME and value.tzinfo is UTC:
        return value
    aware = require_aware(name, value)
    try:
        return aware.astimezone(UTC)
    except OverflowError:  # its UTC offset takes it past year 1 or 9999
        raise out_of_bounds(name, aware) from None


def _day(value: object) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise NotADateError("day", value)
    return value


def _decisions(value: Iterable[PhaseDecision]) -> tuple[PhaseDecision, ...]:
    return tuple(value)


def _plan_order(dose: PlannedDose) -> int:
    return dose.number


def _sort_key(
    item: tuple[int, TimelineEvent],
) -> tuple[dt.datetime, int, dt.datetime, int]:
    seq, event = item
    return (utc(event.start), _RANK[event.kind], utc(event.end), seq)


def _in_timeline_order(events: Iterable[TimelineEvent]) -> tuple[TimelineEvent, ...]:
    """Check that every item is a TimelineEvent and sort them (module docstring)."""
    items = list(enumerate(events))
    for _, event in items:
        if not isinstance(event, TimelineEvent):
            raise InvalidRecordError(
                event, f"a Timeline holds TimelineEvents, not {event!r}"
            )
    items.sort(key=_sort_key)
    return tuple(event for _, event in items)


def _grace(
    _instance: object, _attribute: attrs.Attribute[dt.timedelta | None], value: object
) -> None:
    require_grace(value)


def _range(start: dt.datetime, end: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """Return a half-open query range in UTC, refusing a reversed one."""
    if start.__class__ is not _DATETIME or start.tzinfo is not UTC:
        start = _instant("start", start)
    if end.__class__ is not _DATETIME or end.tzinfo is not UTC:
        end = _instant("end", end)
    if end < start:
        raise RangeError(start, end)
    return start, end


# -- wall-clock indexes ---------------------------------------------------------
#
# Python compares two datetimes that share a tzinfo object by their wall-clock
# fields, ignoring fold: cheap (no utcoffset call), but wrong near a change of
# UTC offset.  Write an event's instant as u, its wall time as w = u + off(u);
# a query q in the same zone has a wall time w_q and an instant u_q = w_q -
# off_q, where off_q is the offset its fold picks (for a wall time inside a
# gap, the offset from the other side of the change).  Then
#     w_e - w_q = (u_e - u_q) + (off_e - off_q),
# so the two comparisons can disagree only if off_e != off_q and
# |u_e - u_q| <= |off_e - off_q| <= _SWING.  If at most one change T (from o1
# to o2, delta = |o2 - o1|) lies within 2 * _SWING of u_e, both offsets are o1
# or o2 and q is within delta of u_e; and either T lies between them (case of a
# real wall time) or q is within delta of T (a wall time in the gap): either
# way |u_e - T| <= 2 * delta.  An event farther than that from every change,
# with no second change within 2 * _SWING, compares the same either way
# against *every* query in the zone: the index is exact for all queries.

#: No zone's UTC offsets lie further apart (Pacific/Apia: -11:30 to +14:00).
_SWING = dt.timedelta(hours=26)
_NEAR = 2 * _SWING
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)
#: The step of the probes for offset changes: tzdata holds no two changes
#: closer than four days apart (Africa/Freetown, 1939), so one step holds at
#: most one change.
_STEP = dt.timedelta(days=3)
_ONE_SECOND = dt.timedelta(seconds=1)
#: How many zones a timeline keeps an index for (each costs a tuple of wall
#: times, and in a zone other than the events' own, the datetimes in it).
_MAX_ZONES = 8


class _Local:
    """A timeline's instants as wall-clock times of one zone, for bisecting.

    ``starts`` holds the start of every event (in timeline order),
    ``interval_starts``/``interval_ends`` those of the interval events, and
    ``reach`` bounds how far back (in wall time) an interval still open at a
    query can have started: the longest interval plus :data:`_SWING`.
    """

    __slots__ = ("interval_ends", "interval_starts", "reach", "starts")

    def __init__(
        self,
        starts: tuple[dt.datetime, ...],
        interval_starts: tuple[dt.datetime, ...],
        interval_ends: tuple[dt.datetime, ...],
        reach: dt.timedelta,
    ) -> None:
        self.starts = starts
        self.interval_starts = interval_starts
        self.interval_ends = interval_ends
        self.reach = reach


def _offset_at(zone: dt.tzinfo, instant: dt.datetime) -> dt.timedelta:
    # A ZoneInfo or a datetime.timezone always has an offset.
    return cast("dt.timedelta", instant.astimezone(zone).utcoffset())


def _change_at(
    zone: dt.tzinfo, before: dt.datetime, after: dt.timedelta
) -> dt.datetime:
    """Return the first second within a step after ``before`` at offset ``after``.

    Offsets change on whole seconds, and at most once in a step.
    """
    lo, hi = 0, _STEP // _ONE_SECOND
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if _offset_at(zone, before + mid * _ONE_SECOND) == after:
            hi = mid
        else:
            lo = mid
    return before + hi * _ONE_SECOND


def _changes_near(
    zone: dt.tzinfo, instants: Iterable[dt.datetime]
) -> list[tuple[dt.datetime, dt.timedelta]]:
    """Return the changes of UTC offset within :data:`_NEAR` of any instant.

    Each comes as (instant of the change, size of the change).  The offset is
    probed every :data:`_STEP` from the epoch, from the step before each
    instant's to the second after it (so every change within ``_NEAR`` falls
    between two probes), and each change found is bisected to the second.

    Raises:
        OverflowError: An instant lies within days of year 1 or 9999.
    """
    steps = sorted(
        {
            step + shift
            for step in {(u - _EPOCH) // _STEP for u in instants}
            for shift in (-1, 0, 1, 2)
        }
    )
    probes = [(step, _EPOCH + step * _STEP) for step in steps]
    offsets = [_offset_at(zone, at) for _, at in probes]
    changes = []
    for k in range(1, len(probes)):
        step, at = probes[k - 1]
        if probes[k][0] == step + 1 and offsets[k - 1] != offsets[k]:
            change = _change_at(zone, at, offsets[k])
            changes.append((change, abs(offsets[k] - offsets[k - 1])))
    return changes


def _wall_safe(zone: dt.tzinfo, instants: Sequence[dt.datetime]) -> bool:
    """True when wall times in ``zone`` compare as ``instants`` do (see above).

    ``instants`` are in UTC and sorted.

    Raises:
        OverflowError: An instant lies within days of year 1 or 9999.
    """
    changes = _changes_near(zone, instants)
    for (first, _), (second, _) in itertools.pairwise(changes):
        if second - first <= 2 * _NEAR:
            return False  # two changes close together: never in practice
    for at, delta in changes:
        i = _left(instants, at - 2 * delta)
        if i < len(instants) and instants[i] <= at + 2 * delta:
            return False
    return True


def _wall(value: dt.datetime, instant: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """Return ``value`` (at UTC ``instant``) as a wall time in ``zone``.

    A value already in ``zone`` is kept (it costs no memory); if it is not
    the normal form of its instant (a time in a gap), the index is not
    wall-safe anyway.
    """
    return value if value.tzinfo is zone else instant.astimezone(zone)


@attrs.frozen(kw_only=True, repr=False)
class Timeline:
    """An immutable, sorted index of the events of a course, with range queries.

    Build one with :meth:`b12course.Course.timeline`, or from any events with
    :meth:`from_events` (or ``Timeline(events, zone=...)``, which sorts the
    same way).  Ranges are half-open ``[start, end)``: an instant ``t`` is
    inside ``[a, b)`` iff ``a <= t < b``; a reversed range raises
    :class:`~b12course.exceptions.RangeError`.  Every query costs
    ``O(log n + k)`` for ``k`` results.  Queries that return events return
    them as a tuple, sorted as the module docstring describes.

    Attributes:
        events: The events, sorted (any order is accepted and sorted).
        zone: The zone whose local days :meth:`on` and :meth:`overdue` use.
        grace: How long after its due time a pending dose stays due before it
            is overdue; ``None`` (the default) means until the end of its local
            day, as :meth:`b12course.Course.plan` counts it.
        until: The horizon the events were derived up to, if known.
        now: The present the statuses were derived for, if any.
        flare_window: The course's flare window, shown or not (None if none).
        suggested_site: The injection site suggested for :attr:`next_pending`.
        horizon: How far the view reaches and why (:func:`b12course.horizon_for`).
        decisions: The phase decisions in force: who ended a phase (its
            ``basis``), when and why.
        clinical: The symptom log read at ``now`` (assessments, flare
            report, baselines, trends); read it through the properties.
        regimen: The course's regimen.
        course_id: The course's id.
        first_dose: The course's planned first dose.
        pregnant_or_breastfeeding: Whether the course is marked so (lab
            wording and the NG239 review follow it).
        confirmations: The conditional phases' confirmations by a clinician.
        corrections: The records voided or amended, with who, when and why.

    >>> import datetime as dt, zoneinfo
    >>> from b12course import Course, regimens
    >>> london = zoneinfo.ZoneInfo("Europe/London")
    >>> course = Course.begin(
    ...     regimens.get("bnf-hydroxocobalamin-non-neuro"),
    ...     first_dose=dt.datetime(2026, 12, 7, 9, tzinfo=london),
    ... )
    >>> tl = course.timeline(until=dt.datetime(2027, 1, 1, tzinfo=london))
    >>> week = tl.between(
    ...     dt.datetime(2026, 12, 14, tzinfo=london),
    ...     dt.datetime(2026, 12, 21, tzinfo=london),
    ... )
    >>> [(e.kind.name, e.start.strftime("%a %d")) for e in week]
    [('PLANNED_DOSE', 'Mon 14'), ('PLANNED_DOSE', 'Wed 16'), ('PLANNED_DOSE', 'Fri 18')]
    >>> tl.next_dose(after=dt.datetime(2026, 12, 16, 10, tzinfo=london)).due.day
    18
    """

    # The one positional argument: Timeline(events, zone=...).
    events: tuple[TimelineEvent, ...] = attrs.field(
        converter=_in_timeline_order, kw_only=False
    )
    zone: zoneinfo.ZoneInfo = attrs.field(converter=get_zone)
    grace: dt.timedelta | None = attrs.field(default=None, validator=_grace)
    until: dt.datetime | None = attrs.field(
        default=None, validator=attrs.validators.optional(aware)
    )
    now: dt.datetime | None = attrs.field(
        default=None, validator=attrs.validators.optional(aware)
    )
    flare_window: FlareWindow | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.instance_of(FlareWindow)),
    )
    suggested_site: str | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.instance_of(str)),
    )
    horizon: Horizon | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.instance_of(Horizon)),
    )
    decisions: tuple[PhaseDecision, ...] = attrs.field(default=(), converter=_decisions)
    clinical: Clinical | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.instance_of(Clinical)),
        repr=False,
    )
    regimen: Regimen | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.instance_of(Regimen)),
        repr=False,
    )
    course_id: str | None = attrs.field(
        default=None,
        validator=attrs.validators.optional(attrs.validators.instance_of(str)),
    )
    first_dose: dt.datetime | None = attrs.field(
        default=None, validator=attrs.validators.optional(aware)
    )
    pregnant_or_breastfeeding: bool = False
    confirmations: tuple[PhaseConfirmation, ...] = ()
    corrections: tuple[Correction, ...] = ()
    # The indexes: derived from the fields above, never compared or passed.
    _starts: tuple[dt.datetime, ...] = attrs.field(init=False, eq=False)
    _intervals: tuple[TimelineEvent, ...] = attrs.field(init=False, eq=False)
    _interval_starts: tuple[dt.datetime, ...] = attrs.field(init=False, eq=False)
    _max_span: dt.timedelta = attrs.field(init=False, eq=False)
    _by_kind: dict[
        EventKind, tuple[tuple[dt.datetime, ...], tuple[TimelineEvent, ...]]
    ] = attrs.field(init=False, eq=False, hash=False)
    _pending: tuple[PlannedDose, ...] = attrs.field(init=False, eq=False)
    _pending_starts: tuple[dt.datetime, ...] = attrs.field(init=False, eq=False)
    _next_pending: PlannedDose | None = attrs.field(init=False, eq=False)
    # The adherence at `now`, counted on first reading (a one-item tuple).
    _kept: tuple[Adherence | None, ...] = attrs.field(
        init=False, eq=False, repr=False, default=()
    )
    # When the pending doses' due windows close, in UTC: a prefix of them,
    # grown by overdue() as far as its `now` needs (doses due later cannot
    # have closed), so most timelines (e.g. of_kind's) never build any.
    _closes: tuple[dt.datetime, ...] = attrs.field(
        init=False, eq=False, repr=False, default=()
    )
    # The wall-clock indexes: UTC's, and one per zone queried, built lazily
    # (see the comments above _SWING).
    _utc: _Local = attrs.field(init=False, eq=False, repr=False)
    _zones: dict[dt.tzinfo | None, _Local | None] = attrs.field(
        init=False, eq=False, repr=False, hash=False
    )

    @classmethod
    def from_events(
        cls,
        events: Iterable[TimelineEvent],
        *,
        zone: zoneinfo.ZoneInfo | str,
        grace: dt.timedelta | None = None,
        until: dt.datetime | None = None,
        now: dt.datetime | None = None,
        flare_window: FlareWindow | None = None,
        suggested_site: str | None = None,
        horizon: Horizon | None = None,
        decisions: Iterable[PhaseDecision] = (),
        clinical: Clinical | None = None,
        regimen: Regimen | None = None,
        course_id: str | None = None,
        first_dose: dt.datetime | None = None,
        pregnant_or_breastfeeding: bool = False,
        confirmations: Iterable[PhaseConfirmation] = (),
        corrections: Iterable[Correction] = (),
    ) -> Timeline:
        """Return the timeline of ``events`` in any order, sorted.

        Raises:
            InvalidRecordError: An item is not a TimelineEvent.
            ZoneError: ``zone`` is not an IANA zone.
            SettingError: ``grace`` is negative or not a timedelta.
        """
        return cls(
            events,
            zone=zone,
            grace=grace,
            until=until,
            now=now,
            flare_window=flare_window,
            suggested_site=suggested_site,
            horizon=horizon,
            decisions=tuple(decisions),
            clinical=clinical,
            regimen=regimen,
            course_id=course_id,
            first_dose=first_dose,
            pregnant_or_breastfeeding=pregnant_or_breastfeeding,
            confirmations=tuple(confirmations),
            corrections=tuple(corrections),
        )

    def __attrs_post_init__(self) -> None:
        set_ = object.__setattr__
        events = self.events
        set_(self, "_starts", tuple(utc(e.start) for e in events))
        intervals = tuple(e for e in events if not e.is_instant)
        set_(self, "_intervals", intervals)
        set_(self, "_interval_starts", tuple(utc(e.start) for e in intervals))
        max_span = max((e.duration for e in intervals), default=_NO_SPAN)
        set_(self, "_max_span", max_span)
        interval_ends = tuple(utc(e.end) for e in intervals)
        utc_index = _Local(
            (*self._starts, _LATEST),
            self._interval_starts,
            interval_ends,
            max_span,
        )
        set_(self, "_utc", utc_index)
        set_(self, "_zones", {UTC: utc_index})
        grouped: dict[EventKind, list[TimelineEvent]] = {}
        for event in events:
            grouped.setdefault(event.kind, []).append(event)
        set_(
            self,
            "_by_kind",
            {
                kind: (tuple(utc(e.start) for e in group), tuple(group))
                for kind, group in grouped.items()
            },
        )
        pending = tuple(
            e.payload
            for e in grouped.get(EventKind.PLANNED_DOSE, ())
            if isinstance(e.payload, PlannedDose) and e.payload.pending
        )
        set_(self, "_pending", pending)
        set_(self, "_pending_starts", tuple(utc(d.due) for d in pending))
        set_(self, "_next_pending", min(pending, key=_plan_order, default=None))

    def _closing(self, count: int) -> tuple[dt.datetime, ...]:
        """When the first ``count`` pending doses' due windows close, in UTC."""
        closes = self._closes
        if len(closes) < count:
            zone, grace = self.zone, self.grace
            closes += tuple(
                DueWindow.of(d.due, zone, grace).closes
                for d in self._pending[len(closes) : count]
            )
            # Replaced whole: a thread reading it never sees half an update.
            object.__setattr__(self, "_closes", closes)
        return closes

    # -- the collection ---------------------------------------------------

    def __len__(self) -> int:
        return len(self.events)

    def __iter__(self) -> Iterator[TimelineEvent]:
        return iter(self.events)

    @overload
    def __getitem__(self, index: int) -> TimelineEvent: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[TimelineEvent, ...]: ...
    def __getitem__(
        self, index: int | slice
    ) -> TimelineEvent | tuple[TimelineEvent, ...]:
        return self.events[index]

    def __repr__(self) -> str:
        return f"<Timeline of {len(self.events)} events in {self.zone.key}>"

    def payloads(self, kind: EventKind | str) -> tuple[Any, ...]:
        """Return the payloads of the events of ``kind``, in timeline order.

        Raises:
            SettingError: ``kind`` is not an event kind.
        """
        return tuple(e.payload for e in self._by_kind.get(_kind(kind), ((), ()))[1])

    @property
    def planned_doses(self) -> tuple[PlannedDose, ...]:
        """The planned doses, in plan order (by :attr:`PlannedDose.number`)."""
        doses = self.payloads(EventKind.PLANNED_DOSE)
        return tuple(sorted(doses, key=lambda d: d.number))

    @property
    def reviews(self) -> tuple[Review, ...]:
        """The review points, in time order."""
        return self.payloads(EventKind.REVIEW)

    @property
    def phases(self) -> tuple[PhaseSpan, ...]:
        """The phases that began before the horizon, in time order."""
        return self.payloads(EventKind.PHASE_CHANGE)

    @property
    def next_pending(self) -> PlannedDose | None:
        """The dose that is next at :attr:`now`: the one rule every rendering reads.

        It is the first pending planned dose (neither given nor skipped), in
        plan order: an overdue dose first (a dose given now fulfils it), else
        the dose due now, else the next one to come.  :attr:`suggested_site`
        is the site for it.  :meth:`next_dose` answers "the first pending
        dose due at or after an instant" instead.
        """
        return self._next_pending

    @property
    def plan_continues(self) -> PlanContinues | None:
        """Where provisional doses go on past the horizon, or None."""
        found = self.payloads(EventKind.PLAN_CONTINUES)
        return found[0] if found else None

    @property
    def adherence(self) -> Adherence | None:
        """How the planned doses due before :attr:`now` were kept (None: no now).

        Read from each dose's status at ``now``; counted on first reading.
        """
        if not self._kept:
            kept = (
                None
                if self.now is None
                else count_adherence(
                    self.planned_doses,
                    now=self.now,
                    zone=self.zone,
                    grace=self.grace,
                    statused=True,
                )
            )
            object.__setattr__(self, "_kept", (kept,))
        return self._kept[0]

    @property
    def treatment_start(self) -> dt.datetime | None:
        """When treatment started (the first dose given, else the planned first)."""
        return None if self.clinical is None else self.clinical.treatment_start

    @property
    def assessments(self) -> tuple[Assessment, ...]:
        """One assessment per symptom entry on the timeline, in timeline order.

        Each carries the entry's category and whether it is for a clinician's
        attention (``assessment.review_advised``: its category, or a flag such
        as a late onset).
        """
        return () if self.clinical is None else self.clinical.assessments

    def assessment(self, entry: SymptomEntry) -> Assessment | None:
        """Return the assessment of a symptom entry on the timeline, or None."""
        if self.clinical is None:
            return None
        return self.clinical.by_entry.get(entry)

    @property
    def attention(self) -> tuple[Assessment, ...]:
        """The entries for a clinician's attention, logged by :attr:`now`, in order.

        The one list of flags every rendering shows (the summary, ``status``
        and ``log`` on the command line); without ``now``, every entry's.
        """
        cut = None if self.now is None else utc(self.now)
        return tuple(
            a
            for a in self.assessments
            if a.review_advised and (cut is None or utc(a.entry.at) <= cut)
        )

    @property
    def flare_report(self) -> FlareReport | None:
        """The flare report as of :attr:`now` (None for a bare timeline)."""
        return None if self.clinical is None else self.clinical.flare_report

    @property
    def baselines(self) -> tuple[tuple[Symptom | str, Baseline | None], ...]:
        """Each symptom's pre-treatment baseline, in the order first logged."""
        return () if self.clinical is None else self.clinical.baselines

    def baseline(self, symptom: Symptom | str) -> Baseline | None:
        """Return the baseline of ``symptom`` (a member or an OTHER label)."""
        return dict(self.baselines).get(symptom)

    @property
    def trends(self) -> tuple[tuple[Symptom | str, Trend], ...]:
        """Each symptom's trend since treatment started, up to :attr:`now`."""
        return () if self.clinical is None else self.clinical.trends

    def trend(self, symptom: Symptom | str) -> Trend | None:
        """Return the trend of ``symptom`` since treatment started, or None."""
        return dict(self.trends).get(symptom)

    def undecided(self, phase: int) -> PhaseSpan | None:
        """The span of ``phase`` if it ends only by a decision not yet recorded.

        That is an "until no further improvement" phase that began before the
        horizon and that no decision has ended; None otherwise.
        """
        span = next((s for s in self.phases if s.index == phase), None)
        if span is None or span.ending not in _OPEN:
            return None
        return span if isinstance(span.phase.end, UntilNoFurtherImprovement) else None

    def awaiting_decision(self, phase: int) -> PhaseSpan | None:
        """The latest undecided phase at or before ``phase``: a dose of it hangs on it.

        A provisional dose's date depends on when a clinician ends this phase.
        """
        for index in range(phase, -1, -1):
            if (span := self.undecided(index)) is not None:
                return span
        return None

    @property
    def shows_flare_window(self) -> bool:
        """True when the flare window is an event (it opens before the horizon)."""
        return EventKind.FLARE_WINDOW in self._by_kind

    def of_kind(self, *kinds: EventKind) -> Timeline:
        """Return the timeline of the events of the given kinds only.

        >>> import datetime as dt, zoneinfo
        >>> from b12course import Course, regimens
        >>> london = zoneinfo.ZoneInfo("Europe/London")
        >>> course = Course.begin(
        ...     regimens.get("bnf-hydroxocobalamin-non-neuro"),
        ...     first_dose=dt.datetime(2026, 12, 7, 9, tzinfo=london),
        ... )
        >>> tl = course.timeline(until=dt.datetime(2026, 12, 12, tzinfo=london))
        >>> [e.start.day for e in tl.of_kind(EventKind.PLANNED_DOSE)]
        [7, 9, 11]
        """
        wanted = frozenset(_kind(kind) for kind in kinds)
        events = tuple(e for e in self.events if e.kind in wanted)
        # The events are in order already: sorting them again keeps it.
        return attrs.evolve(self, events=events)

    # -- range queries ----------------------------------------------------
    #
    # The hot paths look the query's tzinfo up in self._zones (its wall-clock
    # index; UTC's is there from the start) inside one try block: a hit costs
    # a dict lookup, anything else (a date, a naive or unhashable query, a
    # zone not indexed yet) falls to _local_of and, failing that, to the exact
    # path, which converts the query to UTC once.  Every index ends with a
    # sentinel (the last wall time there is), so starts[i] always exists.

    def between(
        self, start: dt.datetime, end: dt.datetime
    ) -> tuple[TimelineEvent, ...]:
        """Return the events that start in ``[start, end)``.

        An interval that started before ``start`` is not returned, even if it
        is still going on: :meth:`overlapping` returns those too.  An empty
        range returns nothing.

        Raises:
            NaiveDatetimeError: ``start`` or ``end`` is naive.
            RangeError: ``end`` is before ``start``.
        """
        try:
            zone = start.tzinfo
            local = self._zones[zone] if end.tzinfo is zone else None
        except (AttributeError, KeyError, TypeError):
            local = self._local_of(start, end)
        if local is not None:
            starts = local.starts
            i = _left(starts, start)
            if starts[i] < end:  # an event in range: the range is not reversed
                return self.events[i : _left(starts, end, i + 1)]
            # Empty, or reversed: wall times _SWING apart cannot be (module
            # comment); closer ones are settled by the exact path.
            if end - start >= _SWING:
                return ()
        return self._between(*_range(start, end))

    def _between(self, a: dt.datetime, b: dt.datetime) -> tuple[TimelineEvent, ...]:
        """Return :meth:`between` for a range already in UTC and in order."""
        starts = self._starts
        i = _left(starts, a)
        return self.events[i : _left(starts, b, i)]

    def overlapping(
        self, start: dt.datetime, end: dt.datetime
    ) -> tuple[TimelineEvent, ...]:
        """Return the events that overlap ``[start, end)``.

        These are the instants in ``[start, end)`` and the intervals
        ``[s, e)`` with ``s < end`` and ``e > start``.

        Raises:
            NaiveDatetimeError: ``start`` or ``end`` is naive.
            RangeError: ``end`` is before ``start``.
        """
        try:
            zone = start.tzinfo
            local = self._zones[zone] if end.tzinfo is zone else None
        except (AttributeError, KeyError, TypeError):
            local = self._local_of(start, end)
        if local is not None:
            starts = local.starts
            i = _left(starts, start)
            if starts[i] < end:
                inside = self.events[i : _left(starts, end, i + 1)]
            elif end - start >= _SWING:  # as in between
                inside = ()
            else:
                return self._overlapping(*_range(start, end))
            if not self._intervals:
                return inside
            return self._running(local, start) + inside
        return self._overlapping(*_range(start, end))

    def _overlapping(self, a: dt.datetime, b: dt.datetime) -> tuple[TimelineEvent, ...]:
        """Return :meth:`overlapping` for a range already in UTC and in order."""
        return self._running(self._utc, a) + self._between(a, b)

    def _running(self, local: _Local, a: dt.datetime) -> tuple[TimelineEvent, ...]:
        """Return the intervals that started before ``a`` and are still open at it.

        ``a`` is in the zone of ``local``.  Only intervals that started less
        than the longest interval's length before ``a`` can be open at ``a``,
        so the scan is bounded; the bound is in wall time, and ``local.reach``
        makes up for the hours an offset change can add.
        """
        starts = local.interval_starts
        if not starts:
            return ()
        try:
            lo = _left(starts, a - local.reach)
        except OverflowError:  # a query near year 1: scan from the first interval
            lo = 0
        hi = _left(starts, a, lo)
        if lo == hi:
            return ()
        ends = local.interval_ends
        intervals = self._intervals
        return tuple(intervals[k] for k in range(lo, hi) if ends[k] > a)

    def _local_of(self, *instants: object) -> _Local | None:
        """Return the index to bisect for ``instants``, or None to convert them.

        They must be plain datetimes sharing one tzinfo; see :meth:`_local`.
        """
        first = instants[0]
        if first.__class__ is not _DATETIME:
            return None
        zone = first.tzinfo
        for other in instants[1:]:
            if other.__class__ is not _DATETIME or other.tzinfo is not zone:
                return None
        return self._local(zone)

    def _local(self, zone: dt.tzinfo | None) -> _Local | None:
        """Return the wall-clock index of ``zone``, or None to convert to UTC.

        The index is built on the first query in ``zone`` and kept.  Only
        ``zoneinfo.ZoneInfo`` and fixed-offset ``datetime.timezone`` objects
        get one (any other tzinfo is converted to UTC), and only the first
        :data:`_MAX_ZONES` zones queried are kept.
        """
        if (
            zone.__class__ is not zoneinfo.ZoneInfo
            and zone.__class__ is not dt.timezone
        ):
            return None
        zones = self._zones
        try:
            return zones[zone]
        except KeyError:
            if len(zones) > _MAX_ZONES:  # UTC's does not count
                return None
        local = self._wall_index(cast("dt.tzinfo", zone))
        zones[zone] = local
        return local

    def _wall_index(self, zone: dt.tzinfo) -> _Local | None:
        """Build the wall-clock index of ``zone``, or None if it is not wall-safe."""
        intervals = self._intervals
        ends = [utc(e.end) for e in intervals]
        try:
            if not _wall_safe(zone, sorted([*self._starts, *ends])):
                return None
            return _Local(
                (
                    *(
                        _wall(e.start, u, zone)
                        for e, u in zip(self.events, self._starts, strict=True)
                    ),
                    _DATETIME.max.replace(tzinfo=zone),
                ),
                tuple(
                    _wall(e.start, u, zone)
                    for e, u in zip(intervals, self._interval_starts, strict=True)
                ),
                tuple(
                    _wall(e.end, u, zone) for e, u in zip(intervals, ends, strict=True)
                ),
                self._max_span + _SWING,
            )
        except OverflowError:  # instants within days of year 1 or 9999
            return None

    def at(self, instant: dt.datetime) -> tuple[TimelineEvent, ...]:
        """Return the instants at ``instant`` and the intervals containing it.

        An interval ``[s, e)`` contains ``t`` iff ``s <= t < e``.

        Raises:
            NaiveDatetimeError: ``instant`` is naive.
        """
        try:
            local = self._zones[instant.tzinfo]
        except (AttributeError, KeyError, TypeError):
            local = self._local_of(instant)
        if local is None:
            instant = _instant("instant", instant)
            local = self._utc
        starts = local.starts
        i = _left(starts, instant)
        if instant < starts[i]:
            found: tuple[TimelineEvent, ...] = ()
        else:
            found = self.events[i : _right(starts, instant, i + 1)]
        if not self._intervals:
            return found
        return self._running(local, instant) + found

    def on(
        self, day: dt.date, zone: zoneinfo.ZoneInfo | str | None = None
    ) -> tuple[TimelineEvent, ...]:
        """Return the events that start on a local calendar day.

        This is ``between(local midnight, next local midnight)``: 23 or 25
        hours on daylight-saving days.

        Args:
            day: The calendar day.
            zone: The zone of the day; the timeline's (the course's) by default.

        Raises:
            NotADateError: ``day`` is not a ``datetime.date`` (a datetime is not one).
            ZoneError: ``zone`` is not an IANA zone.
        """
        if day.__class__ is _DATE and dt.date.min < day < dt.date.max:
            zone = self.zone if zone is None else get_zone(zone)
            try:
                local = self._zones[zone]
            except KeyError:
                local = self._local(zone)
            if local is not None:
                # Wall-clock midnights: fold 0 reads a midnight in a gap as
                # RFC 5545 does, and a wall-safe index compares them exactly.
                starts = local.starts
                i = _left(starts, _COMBINE(day, _MIDNIGHT, zone))
                end = _COMBINE(day + _ONE_DAY, _MIDNIGHT, zone)
                if starts[i] < end:
                    return self.events[i : _left(starts, end, i + 1)]
                return ()
        start, end = day_bounds(
            _day(day), self.zone if zone is None else get_zone(zone)
        )
        return self.between(start, end)

    def next_dose(self, *, after: dt.datetime) -> PlannedDose | None:
        """Return the first pending planned dose due at or after ``after``.

        A pending dose is one neither given nor skipped.  ``None`` when no
        pending dose is due before the timeline's horizon.

        Raises:
            NaiveDatetimeError: ``after`` is naive.
        """
        i = bisect.bisect_left(self._pending_starts, _instant("after", after))
        return self._pending[i] if i < len(self._pending) else None

    def last(self, kind: EventKind, *, before: dt.datetime) -> TimelineEvent | None:
        """Return the last event of ``kind`` that starts before ``before``.

        Raises:
            NaiveDatetimeError: ``before`` is naive.
            SettingError: ``kind`` is not an event kind.
        """
        starts, events = self._by_kind.get(_kind(kind), ((), ()))
        i = bisect.bisect_left(starts, _instant("before", before))
        return events[i - 1] if i else None

    def overdue(self, *, now: dt.datetime) -> tuple[PlannedDose, ...]:
        """Return the pending planned doses whose due window has closed at ``now``.

        The doses come in due order with status ``OVERDUE``, whatever ``now``
        the timeline was built with: a dose is overdue once the end of its
        local due day (or its due time plus ``grace``) is at or before ``now``.

        Raises:
            NaiveDatetimeError: ``now`` is naive.
        """
        at = _instant("now", now)
        # A window closes after its due time: doses due after `now` are out.
        due = bisect.bisect_right(self._pending_starts, at)
        i = bisect.bisect_right(self._closing(due), at, 0, due)
        return tuple(
            d
            if d.status is DoseStatus.OVERDUE
            else attrs.evolve(d, status=DoseStatus.OVERDUE)
            for d in self._pending[:i]
        )

    # -- allenporter/ical vocabulary ----------------------------------------

    def included(
        self, start: dt.datetime, end: dt.datetime
    ) -> tuple[TimelineEvent, ...]:
        """Return the events wholly inside ``[start, end)`` (ical's ``included``).

        An instant is inside iff ``start <= t < end``; an interval ``[s, e)``
        iff ``start <= s`` and ``e <= end``.

        Raises:
            NaiveDatetimeError: ``start`` or ``end`` is naive.
            RangeError: ``end`` is before ``start``.
        """
        a, b = _range(start, end)
        return tuple(e for e in self.between(a, b) if e.is_instant or utc(e.end) <= b)

    def start_after(self, instant: dt.datetime) -> tuple[TimelineEvent, ...]:
        """Return the events that start strictly after ``instant`` (as ical does).

        Raises:
            NaiveDatetimeError: ``instant`` is naive.
        """
        i = bisect.bisect_right(self._starts, _instant("instant", instant))
        return self.events[i:]

    def at_instant(self, instant: dt.datetime) -> tuple[TimelineEvent, ...]:
        """Return what :meth:`at` returns (ical's name)."""
        return self.at(instant)

    def on_date(
        self, day: dt.date, zone: zoneinfo.ZoneInfo | str | None = None
    ) -> tuple[TimelineEvent, ...]:
        """Return the events active on a local day (ical's ``on_date``).

        As in ical, this is :meth:`overlapping` over the day, so an interval
        that began earlier and is still open is included; :meth:`on` returns
        only the events that *start* on the day.

        Raises:
            NotADateError: ``day`` is not a ``datetime.date``.
            ZoneError: ``zone`` is not an IANA zone.
        """
        start, end = day_bounds(
            _day(day), self.zone if zone is None else get_zone(zone)
        )
        return self.overlapping(start, end)
