"""The symptom log: what a person felt, when, and how bad (0-10).

Severity uses the 0-10 numeric rating scale (NRS-11): "0 (no pain) to 10
(worst imaginable pain)", with 1-3 mild, 4-6 moderate and 7-10 severe, and "at
least a 2-point change ... considered clinically meaningful" (clinical.md §5).
The same convention serves myoclonus and paraesthesia severity in a log.

Entries from before the first dose are welcome: they are the baseline.  The
*baseline* of a symptom is the mean severity of its (up to three) most recent
entries before treatment started, that is before the first dose actually given
(or the planned first dose while none has been given).  :func:`baseline`,
:func:`change_from_baseline` and :func:`trend` derive these facts from a log;
``Course.baseline`` and ``Course.symptom_trend`` apply them to a course.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections import deque
from collections.abc import Iterable
from fractions import Fraction

import attrs

from b12course._text import require_text
from b12course._time import aware, require_aware, utc
from b12course.exceptions import (
    InvalidRecordError,
    SettingError,
    SeverityError,
)

__all__ = [
    "MEANINGFUL_CHANGE",
    "Baseline",
    "Baselines",
    "Symptom",
    "SymptomEntry",
    "SymptomLog",
    "Trend",
    "TrendDirection",
    "Trigger",
    "baseline",
    "change_from_baseline",
    "trend",
]

#: The smallest change on the 0-10 scale taken as meaningful: "at least a
#: 2-point change in the scale is considered clinically meaningful" (NRS-11,
#: clinical.md §5).
MEANINGFUL_CHANGE = 2

#: How many of the latest pre-treatment entries make a baseline by default.
BASELINE_ENTRIES = 3


class Symptom(enum.Enum):
    """A symptom of B12 deficiency that people log.

    ``OTHER`` takes a name on the entry (``SymptomEntry.name``).

    >>> Symptom("tremor").is_movement, Symptom.FATIGUE.is_neurological
    (True, False)
    """

    MYOCLONUS = "myoclonus"
    TREMOR = "tremor"
    INVOLUNTARY_MOVEMENTS = "involuntary movements"
    PARESTHESIA = "paresthesia"
    NUMBNESS = "numbness"
    WEAKNESS = "weakness"
    FATIGUE = "fatigue"
    COGNITIVE = "cognitive"
    ATAXIA = "ataxia"
    OTHER = "other"

    def __str__(self) -> str:
        """Read as the symptom's name."""
        return self.value

    @property
    def is_movement(self) -> bool:
        """True for the involuntary movements that can flare after treatment starts.

        Myoclonus, tremor and other involuntary movements (clinical.md §3).
        """
        return self in _MOVEMENTS

    @property
    def is_neurological(self) -> bool:
        """True for the neurological symptoms (every named one but fatigue)."""
        return self not in {Symptom.FATIGUE, Symptom.OTHER}


_MOVEMENTS = frozenset(
    {Symptom.MYOCLONUS, Symptom.TREMOR, Symptom.INVOLUNTARY_MOVEMENTS}
)


class Trigger(enum.Enum):
    """A possible trigger of jerks worth noting beside an entry.

    >>> Trigger("poor sleep")
    <Trigger.POOR_SLEEP: 'poor sleep'>
    """

    CAFFEINE = "caffeine"
    STRESS = "stress"
    NEW_MEDICATION = "new medication"
    POOR_SLEEP = "poor sleep"
    EXERCISE = "exercise"
    OTHER = "other"

    def __str__(self) -> str:
        """Read as the trigger's name."""
        return self.value


def _member(kind: type[enum.Enum], field: str, value: object) -> enum.Enum:
    """Return the member of ``kind`` that ``value`` is or names, or refuse it."""
    if isinstance(value, kind):
        return value
    if isinstance(value, str):
        key = value.strip().lower()
        for member in kind:
            if key in {member.value, member.name.lower()}:
                return member
    names = ", ".join(str(m.value) for m in kind)
    raise InvalidRecordError(
        value, f"{field} {value!r:.60} is not one b12course knows; use one of {names}"
    )


def _to_symptom(value: object) -> Symptom:
    member = _member(Symptom, "symptom", value)
    assert isinstance(member, Symptom)  # noqa: S101 - _member returns a Symptom
    return member


def _severity(
    _instance: object, _attribute: attrs.Attribute[int], value: object
) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SeverityError(
            value, f"severity must be a whole number from 0 to 10, not {value!r}"
        )
    if not 0 <= value <= 10:  # noqa: PLR2004
        raise SeverityError(value)


def _items(field: str, value: object) -> tuple[object, ...]:
    if isinstance(value, (str, enum.Enum)):
        return (value,)
    if isinstance(value, (bytes, dict)) or not hasattr(value, "__iter__"):
        raise InvalidRecordError(
            value, f"{field} must be a sequence, not {type(value).__name__}"
        )
    return tuple(value)


def _texts(value: object) -> tuple[str, ...]:
    return tuple(require_text("body_sites", v) for v in _items("body_sites", value))


def _triggers(value: object) -> tuple[Trigger, ...]:
    found = [_member(Trigger, "trigger", v) for v in _items("triggers", value)]
    return tuple(t for t in found if isinstance(t, Trigger))


def _optional_text(
    _instance: object, attribute: attrs.Attribute[str | None], value: object
) -> None:
    if value is not None:
        require_text(attribute.name, value)


def _optional_bool(
    _instance: object, attribute: attrs.Attribute[bool | None], value: object
) -> None:
    if value is not None and not isinstance(value, bool):
        raise InvalidRecordError(
            value, f"{attribute.name} must be true, false or None, not {value!r:.60}"
        )


@attrs.frozen(kw_only=True)
class SymptomEntry:
    """One assessment of one symptom.

    Attributes:
        at: When it was assessed (aware).
        symptom: Which symptom.
        severity: 0 (none) to 10 (worst imaginable), a whole number.
        name: The symptom's name when ``symptom`` is ``Symptom.OTHER``.
        during_sleep: Whether the jerks happen during sleep (None: not noted).
        multifocal: Whether they involve several body parts (None: not noted).
        body_sites: Where (free text, e.g. "hands", "tongue").
        triggers: Possible triggers noted.
        note: Free text.

    Raises:
        SeverityError: The severity is not a whole number from 0 to 10.
        NaiveDatetimeError: ``at`` is naive.
        InvalidRecordError: The symptom or a trigger is not one b12course
            knows (the message lists them), or a field has the wrong kind.
        TextError: ``name``, ``note`` or a body site is not text.

    >>> import datetime as dt, zoneinfo
    >>> at = dt.datetime(2026, 12, 3, 20, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    >>> SymptomEntry(at=at, symptom=Symptom.MYOCLONUS, severity=6).severity
    6
    """

    at: dt.datetime = attrs.field(validator=aware)
    symptom: Symptom = attrs.field(converter=_to_symptom)
    severity: int = attrs.field(validator=_severity)
    name: str | None = attrs.field(default=None, validator=_optional_text)
    during_sleep: bool | None = attrs.field(default=None, validator=_optional_bool)
    multifocal: bool | None = attrs.field(default=None, validator=_optional_bool)
    body_sites: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    triggers: tuple[Trigger, ...] = attrs.field(default=(), converter=_triggers)
    note: str | None = attrs.field(default=None, validator=_optional_text)

    def __attrs_post_init__(self) -> None:
        if self.symptom is Symptom.OTHER and not (self.name and self.name.strip()):
            raise SeverityError(
                self.name, "an entry for Symptom.OTHER needs a name saying what it is"
            )

    @property
    def label(self) -> str:
        """The symptom's name for display (the given name for ``OTHER``)."""
        if self.symptom is Symptom.OTHER and self.name:
            return self.name
        return self.symptom.value

    @property
    def key(self) -> Symptom | str:
        """What the entry is about (the symptom, or the given name for ``OTHER``).

        Entries with equal keys are one symptom's log (baselines, trends and
        charts group by it).

        >>> import datetime as dt, zoneinfo
        >>> at = dt.datetime(2026, 12, 3, 20, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
        >>> SymptomEntry(at=at, symptom="other", name="cramps", severity=2).key
        'cramps'
        >>> SymptomEntry(at=at, symptom="tremor", severity=2).key
        <Symptom.TREMOR: 'tremor'>
        """
        return self.label if self.symptom is Symptom.OTHER else self.symptom


def _matches(entry: SymptomEntry, symptom: Symptom | str) -> bool:
    """Whether ``entry`` is about ``symptom`` (a member, or a label: "cramps")."""
    if isinstance(symptom, Symptom):
        return entry.symptom is symptom
    return entry.label.casefold() == symptom.strip().casefold()


def _check_symptom(symptom: object) -> Symptom | str:
    if isinstance(symptom, Symptom):
        return symptom
    if isinstance(symptom, str) and symptom.strip():
        try:
            return Symptom(symptom)
        except ValueError:
            return symptom
    names = ", ".join(s.value for s in Symptom)
    raise InvalidRecordError(
        symptom,
        f"name a symptom with a Symptom ({names}) or the name of an 'other' "
        f"symptom, not {symptom!r:.60}",
    )


def _check_entries(entries: Iterable[SymptomEntry]) -> list[SymptomEntry]:
    items = list(entries)
    for item in items:
        if not isinstance(item, SymptomEntry):
            raise InvalidRecordError(
                item, f"expected SymptomEntry values, not {item!r:.60}"
            )
    return sorted(items, key=lambda e: utc(e.at))


@attrs.frozen(kw_only=True)
class Baseline:
    """The pre-treatment level of one symptom.

    Attributes:
        symptom: The symptom (a member, or the label of an ``OTHER`` symptom).
        severity: The mean severity of ``entries``, 0-10.
        entries: The pre-treatment entries it is the mean of, oldest first.
        before: The instant treatment started; every entry is before it.

    >>> import datetime as dt, zoneinfo
    >>> tz = zoneinfo.ZoneInfo("Europe/Dublin")
    >>> log = [
    ...     SymptomEntry(at=dt.datetime(2026, 11, d, 20, tzinfo=tz),
    ...                  symptom=Symptom.MYOCLONUS, severity=s)
    ...     for d, s in ((28, 4), (29, 5), (30, 6))
    ... ]
    >>> start = dt.datetime(2026, 12, 1, tzinfo=tz)
    >>> baseline(log, Symptom.MYOCLONUS, before=start).severity
    5.0
    """

    symptom: Symptom | str
    severity: float
    entries: tuple[SymptomEntry, ...]
    before: dt.datetime


def baseline(
    entries: Iterable[SymptomEntry],
    symptom: Symptom | str,
    *,
    before: dt.datetime,
    last: int = BASELINE_ENTRIES,
) -> Baseline | None:
    """Return the baseline of ``symptom``: its latest entries' mean before ``before``.

    Args:
        entries: A symptom log, in any order.
        symptom: Which symptom: a :class:`Symptom`, or the label of an ``OTHER``
            symptom.
        before: When treatment started (exclusive: an entry at that instant is
            not pre-treatment).
        last: How many of the latest pre-treatment entries to average (>= 1).

    Returns:
        The baseline, or None when no entry of the symptom precedes ``before``.

    Raises:
        InvalidRecordError: An entry is not a SymptomEntry, or ``symptom`` is
            not a symptom.
        NaiveDatetimeError: ``before`` is naive.
        SettingError: ``last`` is not a whole number >= 1.
    """
    before = require_aware("before", before)
    if isinstance(last, bool) or not isinstance(last, int) or last < 1:
        raise SettingError(f"last must be a whole number >= 1, not {last!r}")
    key = _check_symptom(symptom)
    start = utc(before)
    prior = [
        e for e in _check_entries(entries) if _matches(e, key) and utc(e.at) < start
    ][-last:]
    if not prior:
        return None
    return Baseline(
        symptom=key,
        severity=sum(e.severity for e in prior) / len(prior),
        entries=tuple(prior),
        before=before,
    )


class SymptomLog:
    """A symptom log grouped by symptom once, so each symptom's series is at hand.

    ``SymptomLog(entries).of(symptom)`` is the entries :func:`baseline` and
    :func:`trend` would pick for ``symptom`` (a member, or a label compared
    without regard to case), oldest first; a view that reads every symptom's
    baseline and trend reads each entry once per symptom it belongs to, not
    the whole log per symptom.

    Raises:
        InvalidRecordError: An entry is not a SymptomEntry (when built), or a
            symptom is not a symptom (when asked).
    """

    __slots__ = ("_by_label", "_by_member")

    def __init__(self, entries: Iterable[SymptomEntry]) -> None:
        self._by_member: dict[Symptom, list[SymptomEntry]] = {}
        self._by_label: dict[str, list[SymptomEntry]] = {}
        for entry in _check_entries(entries):
            self._by_member.setdefault(entry.symptom, []).append(entry)
            self._by_label.setdefault(entry.label.casefold(), []).append(entry)

    def of(self, symptom: Symptom | str) -> tuple[SymptomEntry, ...]:
        """Return the entries of ``symptom``, oldest first."""
        key = _check_symptom(symptom)
        found = (
            self._by_member.get(key)
            if isinstance(key, Symptom)
            else self._by_label.get(key.strip().casefold())
        )
        return tuple(found or ())


class Baselines:
    """Every symptom's baseline in one log, found in one pass and kept.

    ``Baselines(entries, before=..., last=...)(symptom)`` equals
    ``baseline(entries, symptom, before=..., last=...)``, but the log is read
    (and sorted) once for all symptoms: a view that needs the baseline of
    every entry's symptom costs ``O(n log n)``, not ``O(n log n)`` per symptom.

    Raises:
        InvalidRecordError: An entry is not a SymptomEntry (when built), or a
            symptom is not a symptom (when called).
        NaiveDatetimeError: ``before`` is naive.
        SettingError: ``last`` is not a whole number >= 1.
    """

    __slots__ = ("_by_label", "_by_member", "_found", "before", "last")

    def __init__(
        self,
        entries: Iterable[SymptomEntry],
        *,
        before: dt.datetime,
        last: int = BASELINE_ENTRIES,
        in_time_order: bool = False,
    ) -> None:
        self.before = require_aware("before", before)
        if isinstance(last, bool) or not isinstance(last, int) or last < 1:
            raise SettingError(f"last must be a whole number >= 1, not {last!r}")
        self.last = last
        start = utc(self.before)
        log = _check_entries(entries) if not in_time_order else entries
        # Only the latest `last` pre-treatment entries of each symptom matter.
        self._by_member: dict[Symptom, deque[SymptomEntry]] = {}
        self._by_label: dict[str, deque[SymptomEntry]] = {}
        for entry in log:
            if utc(entry.at) >= start:
                continue
            member = self._by_member.get(entry.symptom)
            if member is None:
                member = self._by_member[entry.symptom] = deque(maxlen=last)
            member.append(entry)
            label = entry.label.casefold()
            named = self._by_label.get(label)
            if named is None:
                named = self._by_label[label] = deque(maxlen=last)
            named.append(entry)
        self._found: dict[Symptom | str, Baseline | None] = {}

    def __call__(self, symptom: Symptom | str) -> Baseline | None:
        """Return the baseline of ``symptom`` (as :func:`baseline` does)."""
        key = _check_symptom(symptom)
        if key in self._found:
            return self._found[key]
        prior = (
            self._by_member.get(key)
            if isinstance(key, Symptom)
            else self._by_label.get(key.strip().casefold())
        )
        found = (
            Baseline(
                symptom=key,
                severity=sum(e.severity for e in prior) / len(prior),
                entries=tuple(prior),
                before=self.before,
            )
            if prior
            else None
        )
        self._found[key] = found
        return found


def change_from_baseline(entry: SymptomEntry, reference: Baseline | None) -> float:
    """Return ``entry.severity`` minus the baseline severity (negative is better).

    With no baseline (nothing was logged before treatment) the reference is 0,
    "none": any severity then counts as a change.
    """
    return entry.severity - (reference.severity if reference is not None else 0.0)


class TrendDirection(enum.Enum):
    """Which way a symptom went over a window, judged by a meaningful change.

    >>> TrendDirection("improving") is TrendDirection.IMPROVING
    True
    """

    IMPROVING = "improving"
    STABLE = "stable"
    WORSENING = "worsening"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        """Read as the direction's name."""
        return self.value


@attrs.frozen(kw_only=True)
class Trend:
    """How one symptom moved over a half-open window ``[start, end)``.

    The change is the least-squares line through the entries, taken from the
    first entry's time to the last's, so one odd reading moves it less than it
    would move a first-to-last difference.

    Attributes:
        symptom: The symptom.
        start: The window's start, or None for the start of the log.
        end: The window's end (exclusive), or None for the end of the log.
        entries: The entries inside the window, oldest first.
        slope_per_week: The fitted change in points per week (None with fewer
            than two entries at distinct times).
        change: The fitted change over the entries' span (None likewise).
        direction: Improving or worsening when ``change`` reaches the meaningful
            change, stable when it does not, unknown without a fit.

    >>> import datetime as dt, zoneinfo
    >>> tz = zoneinfo.ZoneInfo("Asia/Kolkata")
    >>> log = [
    ...     SymptomEntry(at=dt.datetime(2026, 12, d, 9, tzinfo=tz),
    ...                  symptom=Symptom.PARESTHESIA, severity=s)
    ...     for d, s in ((1, 8), (8, 6), (15, 4))
    ... ]
    >>> t = trend(log, Symptom.PARESTHESIA)
    >>> t.direction, t.slope_per_week, t.change
    (<TrendDirection.IMPROVING: 'improving'>, -2.0, -4.0)
    """

    symptom: Symptom | str
    start: dt.datetime | None
    end: dt.datetime | None
    entries: tuple[SymptomEntry, ...]
    slope_per_week: float | None
    change: float | None
    direction: TrendDirection


_SECONDS_PER_WEEK = 7 * 24 * 3600


def trend(
    entries: Iterable[SymptomEntry],
    symptom: Symptom | str,
    *,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    min_change: float = MEANINGFUL_CHANGE,
) -> Trend:
    """Return the trend of ``symptom`` over ``[start, end)``.

    Args:
        entries: A symptom log, in any order.
        symptom: Which symptom (a member or an ``OTHER`` label).
        start: The window's start (inclusive); None for no bound.
        end: The window's end (exclusive); None for no bound.
        min_change: The smallest fitted change, in points, that counts as
            improving or worsening (2 on NRS-11 by default, clinical.md §5).

    Raises:
        InvalidRecordError: An entry or the symptom is not valid.
        NaiveDatetimeError: ``start`` or ``end`` is naive.
        SettingError: ``min_change`` is not a number in (0, 10].
    """
    if (
        isinstance(min_change, bool)
        or not isinstance(min_change, (int, float))
        or not 0 < min_change <= 10  # noqa: PLR2004 - the 0-10 scale
    ):
        raise SettingError(
            f"min_change must be a number of points above 0 and at most 10, "
            f"not {min_change!r:.60}"
        )
    low = utc(require_aware("start", start)) if start is not None else None
    high = utc(require_aware("end", end)) if end is not None else None
    key = _check_symptom(symptom)
    inside = tuple(
        e
        for e in _check_entries(entries)
        if _matches(e, key)
        and (low is None or utc(e.at) >= low)
        and (high is None or utc(e.at) < high)
    )
    fitted = _fit(inside)
    if fitted is None:
        return Trend(
            symptom=key,
            start=start,
            end=end,
            entries=inside,
            slope_per_week=None,
            change=None,
            direction=TrendDirection.UNKNOWN,
        )
    slope, change = fitted
    # Compared exactly: a fall of exactly min_change is a meaningful change
    # (in floats, 6 then 4 twelve days apart fitted -1.9999999999999998).
    step = Fraction(min_change)
    if change <= -step:
        direction = TrendDirection.IMPROVING
    elif change >= step:
        direction = TrendDirection.WORSENING
    else:
        direction = TrendDirection.STABLE
    return Trend(
        symptom=key,
        start=start,
        end=end,
        entries=inside,
        slope_per_week=float(slope),
        change=float(change),
        direction=direction,
    )


_MICROSECONDS_PER_WEEK = _SECONDS_PER_WEEK * 1_000_000


def _fit(entries: tuple[SymptomEntry, ...]) -> tuple[Fraction, Fraction] | None:
    """Return the least-squares slope (points per week) and change over the span.

    In exact arithmetic (times in whole microseconds, severities whole
    numbers), so the comparison with the meaningful change is exact.  The
    sums are of integers, one Fraction at the end: ``n * sxx = n * sum(x*x) -
    sum(x)**2`` and likewise ``sxy``, equal to the centred sums times ``n``.
    """
    if len(entries) < 2:  # noqa: PLR2004 - a line needs two points
        return None
    origin = utc(entries[0].at)
    micro = dt.timedelta(microseconds=1)
    xs = [(utc(e.at) - origin) // micro for e in entries]
    n = len(xs)
    sum_x = sum(xs)
    sum_y = sum(e.severity for e in entries)
    n_sxx = n * sum(x * x for x in xs) - sum_x * sum_x
    if n_sxx == 0:
        return None
    n_sxy = n * sum(x * e.severity for x, e in zip(xs, entries, strict=True)) - (
        sum_x * sum_y
    )
    slope = Fraction(n_sxy, n_sxx)
    return slope * _MICROSECONDS_PER_WEEK, slope * (xs[-1] - xs[0])
