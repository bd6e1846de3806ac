"""The timeline: every event of a course, sorted once, queried by time.

A :class:`Timeline` is an immutable index of :class:`TimelineEvent` values:
planned doses (with their status), doses given, doses skipped, symptom entries,
lab results, phase changes, review points and the expected flare window.  It is
built once per course state (:meth:`b12course.Course.timeline`) and answers
range questions in ``O(log n + k)`` by bisecting a sorted array of start
instants.

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
import zoneinfo
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, cast, overload

import attrs

from b12course._schedule import DoseStatus, DueWindow, PlannedDose
from b12course._time import UTC, day_bounds, get_zone, require_aware, utc
from b12course.exceptions import InvalidRecordError, NotADateError, SettingError

if TYPE_CHECKING:
    from b12course._course import Course

__all__ = ["EventKind", "Timeline", "TimelineEvent", "build_timeline"]

_DATETIME = dt.datetime
_ONE_MICROSECOND = dt.timedelta(microseconds=1)
_NO_SPAN = dt.timedelta(0)


class EventKind(enum.Enum):
    """What a timeline event is; the declaration order breaks ties in time.

    The payload of each kind:

    - ``PHASE_CHANGE``: the :class:`~b12course.PhaseSpan` that begins (instant).
    - ``REVIEW``: a :class:`~b12course.Review` point (instant).
    - ``FLARE_WINDOW``: the expected :class:`~b12course.FlareWindow` (interval).
    - ``PLANNED_DOSE``: a :class:`~b12course.PlannedDose`, at its due time.
    - ``DOSE_GIVEN``: an :class:`~b12course.AdministeredDose`.
    - ``DOSE_SKIPPED``: a :class:`~b12course.DoseSkip`, at its due time.
    - ``SYMPTOM``: a :class:`~b12course.SymptomEntry`.
    - ``LAB_RESULT``: a :class:`~b12course.LabResult`.

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
        names = ", ".join(kind.value for kind in EventKind)
        raise SettingError(
            f"unknown event kind {value!r}; use one of {names}"
        ) from None


_RANK = {kind: rank for rank, kind in enumerate(EventKind)}
_PENDING = frozenset({DoseStatus.SCHEDULED, DoseStatus.DUE, DoseStatus.OVERDUE})


def _aware(
    _instance: object, attribute: attrs.Attribute[dt.datetime], value: object
) -> None:
    require_aware(attribute.name, value)


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
    """

    start: dt.datetime = attrs.field(validator=_aware)
    end: dt.datetime = attrs.field(validator=[_aware, _not_before_start])
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


def _instant(name: str, value: object) -> dt.datetime:
    """Return ``value`` as a UTC datetime, refusing anything but an aware datetime.

    UTC queries take a fast path: bisecting UTC datetimes against a UTC query
    compares their fields directly, with no ``utcoffset`` call per comparison.
    """
    if value.__class__ is _DATETIME and value.tzinfo is UTC:
        return value
    return require_aware(name, value).astimezone(UTC)


def _day(value: object) -> dt.date:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise NotADateError("day", value)
    return value


def _sort_key(
    item: tuple[int, TimelineEvent],
) -> tuple[dt.datetime, int, dt.datetime, int]:
    seq, event = item
    return (utc(event.start), _RANK[event.kind], utc(event.end), seq)


class Timeline:
    """An immutable, sorted index of the events of a course, with range queries.

    Build one with :meth:`b12course.Course.timeline`, or from any events with
    ``Timeline(events, zone=...)``.  Ranges are half-open ``[start, end)``:
    an instant ``t`` is inside ``[a, b)`` iff ``a <= t < b``.  Every query
    costs ``O(log n + k)`` for ``k`` results.  Queries that return events
    return them as a tuple, sorted as the module docstring describes.

    Args:
        events: The events, in any order.
        zone: The zone whose local days :meth:`on` and :meth:`overdue` use.
        grace: How long after its due time a pending dose stays due before it
            is overdue; ``None`` (the default) means until the end of its local
            day, as :meth:`b12course.Course.plan` counts it.

    >>> import datetime as dt, zoneinfo
    >>> from b12course import Course, regimens
    >>> london = zoneinfo.ZoneInfo("Europe/London")
    >>> course = Course.begin(
    ...     regimens.get("nice-non-neuro"),
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

    __slots__ = (
        "_by_kind",
        "_closes",
        "_events",
        "_grace",
        "_interval_starts",
        "_intervals",
        "_max_span",
        "_pending",
        "_pending_starts",
        "_starts",
        "_zone",
    )

    _events: tuple[TimelineEvent, ...]
    _starts: tuple[dt.datetime, ...]
    _intervals: tuple[TimelineEvent, ...]
    _interval_starts: tuple[dt.datetime, ...]
    _max_span: dt.timedelta
    _by_kind: dict[EventKind, tuple[tuple[dt.datetime, ...], tuple[TimelineEvent, ...]]]
    _pending: tuple[PlannedDose, ...]
    _pending_starts: tuple[dt.datetime, ...]
    _closes: tuple[dt.datetime, ...]
    _zone: zoneinfo.ZoneInfo
    _grace: dt.timedelta | None

    def __init__(
        self,
        events: Iterable[TimelineEvent],
        *,
        zone: zoneinfo.ZoneInfo | str,
        grace: dt.timedelta | None = None,
    ) -> None:
        items = list(enumerate(events))
        for _, event in items:
            if not isinstance(event, TimelineEvent):
                raise InvalidRecordError(
                    event, f"a Timeline holds TimelineEvents, not {event!r}"
                )
        items.sort(key=_sort_key)
        self._init_sorted(
            tuple(event for _, event in items), zone=get_zone(zone), grace=grace
        )

    def _init_sorted(
        self,
        events: tuple[TimelineEvent, ...],
        *,
        zone: zoneinfo.ZoneInfo,
        grace: dt.timedelta | None,
    ) -> None:
        set_ = object.__setattr__
        set_(self, "_events", events)
        set_(self, "_starts", tuple(utc(e.start) for e in events))
        set_(self, "_zone", zone)
        set_(self, "_grace", grace)
        intervals = tuple(e for e in events if not e.is_instant)
        set_(self, "_intervals", intervals)
        set_(self, "_interval_starts", tuple(utc(e.start) for e in intervals))
        set_(self, "_max_span", max((e.duration for e in intervals), default=_NO_SPAN))
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
        set_(self, "_closes", tuple(self._closes_at(d.due) for d in pending))

    @classmethod
    def _sorted(
        cls,
        events: tuple[TimelineEvent, ...],
        *,
        zone: zoneinfo.ZoneInfo,
        grace: dt.timedelta | None,
    ) -> Timeline:
        timeline = cls.__new__(cls)
        timeline._init_sorted(events, zone=zone, grace=grace)  # noqa: SLF001 - own class
        return timeline

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"a Timeline is immutable; cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"a Timeline is immutable; cannot delete {name!r}")

    def _closes_at(self, due: dt.datetime) -> dt.datetime:
        """Return when the due window of a dose due at ``due`` closes, in UTC."""
        return DueWindow.of(due, self._zone, self._grace).closes

    # -- the collection ---------------------------------------------------

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The zone whose local days :meth:`on` uses by default."""
        return self._zone

    @property
    def events(self) -> tuple[TimelineEvent, ...]:
        """Every event, sorted."""
        return self._events

    def __len__(self) -> int:
        return len(self._events)

    def __iter__(self) -> Iterator[TimelineEvent]:
        return iter(self._events)

    @overload
    def __getitem__(self, index: int) -> TimelineEvent: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[TimelineEvent, ...]: ...
    def __getitem__(
        self, index: int | slice
    ) -> TimelineEvent | tuple[TimelineEvent, ...]:
        return self._events[index]

    def __repr__(self) -> str:
        return f"<Timeline of {len(self._events)} events in {self._zone.key}>"

    def of_kind(self, *kinds: EventKind) -> Timeline:
        """Return the timeline of the events of the given kinds only.

        >>> import datetime as dt, zoneinfo
        >>> from b12course import Course, regimens
        >>> london = zoneinfo.ZoneInfo("Europe/London")
        >>> course = Course.begin(
        ...     regimens.get("nice-non-neuro"),
        ...     first_dose=dt.datetime(2026, 12, 7, 9, tzinfo=london),
        ... )
        >>> tl = course.timeline(until=dt.datetime(2026, 12, 12, tzinfo=london))
        >>> [e.start.day for e in tl.of_kind(EventKind.PLANNED_DOSE)]
        [7, 9, 11]
        """
        wanted = frozenset(_kind(kind) for kind in kinds)
        if len(wanted) == 1:
            (kind,) = wanted
            events = self._by_kind.get(kind, ((), ()))[1]
        else:
            events = tuple(e for e in self._events if e.kind in wanted)
        return Timeline._sorted(events, zone=self._zone, grace=self._grace)

    # -- range queries ----------------------------------------------------

    def between(
        self, start: dt.datetime, end: dt.datetime
    ) -> tuple[TimelineEvent, ...]:
        """Return the events that start in ``[start, end)``.

        An interval that started before ``start`` is not returned, even if it
        is still going on: :meth:`overlapping` returns those too.  An empty or
        reversed range returns nothing.

        Raises:
            NaiveDatetimeError: ``start`` or ``end`` is naive.
        """
        # The UTC fast path of _instant, inlined: this is the hottest query.
        if start.__class__ is not _DATETIME or start.tzinfo is not UTC:
            start = _instant("start", start)
        if end.__class__ is not _DATETIME or end.tzinfo is not UTC:
            end = _instant("end", end)
        starts = self._starts
        i = bisect.bisect_left(starts, start)
        return self._events[i : bisect.bisect_left(starts, end, i)]

    def overlapping(
        self, start: dt.datetime, end: dt.datetime
    ) -> tuple[TimelineEvent, ...]:
        """Return the events that overlap ``[start, end)``.

        These are the instants in ``[start, end)`` and the intervals
        ``[s, e)`` with ``s < end`` and ``e > start``.

        Raises:
            NaiveDatetimeError: ``start`` or ``end`` is naive.
        """
        a = _instant("start", start)
        b = _instant("end", end)
        inside = self.between(a, b) if a < b else ()
        return self._running(a) + inside

    def _running(self, a: dt.datetime) -> tuple[TimelineEvent, ...]:
        """Return the intervals that started before ``a`` and are still open at it.

        Only intervals that started less than the longest interval's length
        before ``a`` can be open at ``a``, so the scan is bounded.
        """
        if not self._intervals:
            return ()
        lo = bisect.bisect_left(self._interval_starts, a - self._max_span)
        hi = bisect.bisect_left(self._interval_starts, a, lo)
        return tuple(e for e in self._intervals[lo:hi] if utc(e.end) > a)

    def at(self, instant: dt.datetime) -> tuple[TimelineEvent, ...]:
        """Return the instants at ``instant`` and the intervals containing it.

        An interval ``[s, e)`` contains ``t`` iff ``s <= t < e``.

        Raises:
            NaiveDatetimeError: ``instant`` is naive.
        """
        t = _instant("instant", instant)
        return self._running(t) + self.between(t, t + _ONE_MICROSECOND)

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
        start, end = day_bounds(
            _day(day), self._zone if zone is None else get_zone(zone)
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
        i = bisect.bisect_right(self._closes, _instant("now", now))
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
        """
        b = _instant("end", end)
        return tuple(
            e for e in self.between(start, b) if e.is_instant or utc(e.end) <= b
        )

    def start_after(self, instant: dt.datetime) -> tuple[TimelineEvent, ...]:
        """Return the events that start strictly after ``instant`` (as ical does).

        Raises:
            NaiveDatetimeError: ``instant`` is naive.
        """
        i = bisect.bisect_right(self._starts, _instant("instant", instant))
        return self._events[i:]

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
            _day(day), self._zone if zone is None else get_zone(zone)
        )
        return self.overlapping(start, end)


# -- building a course's timeline -------------------------------------------


def _clinical_events(course: Course, until: dt.datetime) -> list[TimelineEvent]:
    """Return the review and flare-window events of ``course`` before ``until``.

    Reviews are ``Course.reviews`` (loading-phase review points and the
    treatment review); the flare window is ``Course.flare_window()`` with the
    default :class:`~b12course.FlareModel`, shown when it opens before ``until``.
    """
    events = [
        TimelineEvent.instant(r.at.astimezone(course.zone), EventKind.REVIEW, r)
        for r in course.reviews(until=until)
    ]
    window = course.flare_window()
    if window is not None and utc(window.start) < utc(until):
        events.append(
            TimelineEvent(
                start=window.start.astimezone(course.zone),
                end=window.end.astimezone(course.zone),
                kind=EventKind.FLARE_WINDOW,
                payload=window,
            )
        )
    return events


def build_timeline(
    course: Course,
    *,
    until: dt.datetime,
    now: dt.datetime | None = None,
    grace: dt.timedelta | None = None,
) -> Timeline:
    """Return the timeline of ``course`` up to ``until``; see ``Course.timeline``."""
    until = require_aware("until", until)
    horizon = utc(until)
    plan = course.expand(until=until, now=now, grace=grace)
    zone = course.zone
    events: list[TimelineEvent] = [
        TimelineEvent.instant(span.first.astimezone(zone), EventKind.PHASE_CHANGE, span)
        for span in plan.phases
    ]
    events.extend(
        TimelineEvent.instant(d.due, EventKind.PLANNED_DOSE, d) for d in plan.doses
    )

    def before(records: Iterable[Any], attribute: str) -> Iterator[Any]:
        return (r for r in records if utc(getattr(r, attribute)) < horizon)

    events.extend(
        TimelineEvent.instant(g.at.astimezone(zone), EventKind.DOSE_GIVEN, g)
        for g in before(course.given, "at")
    )
    events.extend(
        TimelineEvent.instant(s.due.astimezone(zone), EventKind.DOSE_SKIPPED, s)
        for s in before(course.skips, "due")
    )
    events.extend(
        TimelineEvent.instant(e.at.astimezone(zone), EventKind.SYMPTOM, e)
        for e in before(course.symptoms, "at")
    )
    events.extend(
        TimelineEvent.instant(r.at.astimezone(zone), EventKind.LAB_RESULT, r)
        for r in before(course.labs, "at")
    )
    events.extend(_clinical_events(course, until))
    return Timeline(events, zone=zone, grace=grace)
