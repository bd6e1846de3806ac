"""The post-treatment flare: involuntary movements that worsen, then settle.

After B12 treatment starts, myoclonus, tremor and other involuntary movements
can appear or worsen for a while before they resolve.  The evidence is almost
all from infant series (clinical.md §3):

- onset "48 h after the initiation of treatment with intramuscular cobalamin"
  (Grattan-Smith et al., Mov Disord 1997), "on the 3rd-5th day of cobalamin
  supplementation" (Klin Padiatr 2023);
- "The movements slowly abated during a 3-6-week period" (Grattan-Smith 1997);
  "Tremors resolved in all by 3 to 4 weeks" (Goraya et al., J Child Neurol 2015).

In adults such movements are reported to "become apparent only a few days after
parenteral replacement therapy has begun" (Neurol Res 2014 review), with no
incidence or duration figures; whether the flare recurs with later doses is
unknown.  The defaults of :class:`FlareModel` therefore come from infants, and a
caller may set their own.

Every entry of a symptom log gets exactly one :class:`AssessmentCategory`
against its pre-treatment baseline.  The words describe the record; they never
diagnose, and "review advised" means only that the record falls outside what
the model expects.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

import attrs

from b12course._symptoms import (
    BASELINE_ENTRIES,
    MEANINGFUL_CHANGE,
    Baseline,
    Symptom,
    SymptomEntry,
    baseline,
    change_from_baseline,
)
from b12course._time import require_aware, utc
from b12course.exceptions import InvalidRecordError, SettingError

__all__ = [
    "Assessment",
    "AssessmentCategory",
    "FlareModel",
    "FlareReport",
    "FlareStatus",
    "FlareWindow",
    "assess",
    "flare_report",
]


def _aware(
    _instance: object, attribute: attrs.Attribute[dt.datetime], value: object
) -> None:
    require_aware(attribute.name, value)


@attrs.frozen
class FlareWindow:
    """When a flare is expected: the half-open interval ``[start, end)``.

    Attributes:
        start: When the window opens (aware).
        end: When it closes (aware, exclusive).

    >>> import datetime as dt, zoneinfo
    >>> tz = zoneinfo.ZoneInfo("Australia/Sydney")
    >>> w = FlareWindow(dt.datetime(2026, 12, 3, 9, tzinfo=tz),
    ...                 dt.datetime(2027, 1, 12, 9, tzinfo=tz))
    >>> w.contains(w.start), w.contains(w.end)
    (True, False)
    """

    start: dt.datetime = attrs.field(validator=_aware)
    end: dt.datetime = attrs.field(validator=_aware)

    def __attrs_post_init__(self) -> None:
        if utc(self.end) <= utc(self.start):
            raise SettingError(
                f"a flare window must end after it starts: {self.start.isoformat()} "
                f"to {self.end.isoformat()}"
            )

    def contains(self, at: dt.datetime) -> bool:
        """Return True when ``at`` is inside the window (start included, end not)."""
        instant = utc(require_aware("at", at))
        return utc(self.start) <= instant < utc(self.end)

    @property
    def duration(self) -> dt.timedelta:
        """How long the window is open (elapsed time)."""
        return utc(self.end) - utc(self.start)


def _positive_or_zero(
    _instance: object, attribute: attrs.Attribute[dt.timedelta], value: object
) -> None:
    if not isinstance(value, dt.timedelta) or value < dt.timedelta(0):
        raise SettingError(f"{attribute.name} must be a timedelta >= 0, not {value!r}")


def _symptom_set(value: object) -> frozenset[Symptom]:
    if isinstance(value, (str, Symptom)):
        value = (value,)
    try:
        return frozenset(Symptom(v) for v in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError) as exc:
        raise SettingError(f"symptoms must be Symptom members, not {value!r}") from exc


def _meaningful(
    _instance: object, attribute: attrs.Attribute[int], value: object
) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:  # noqa: PLR2004
        raise SettingError(
            f"{attribute.name} must be a whole number of points from 1 to 10, "
            f"not {value!r}"
        )


def _count(_instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SettingError(
            f"{attribute.name} must be a whole number >= 1, not {value!r}"
        )


@attrs.frozen(kw_only=True)
class FlareModel:
    """When a post-treatment flare is expected, and how entries are judged.

    The window opens ``onset`` after the first dose actually given (the planned
    first dose until one is given) and closes ``abates_within`` after it.  Both
    are elapsed time, since they describe the body's response to an injection
    rather than appointments on a calendar.

    Defaults, all from infant series (clinical.md §3; no adult figures exist,
    Neurol Res 2014):

    - ``onset`` 48 hours: "appeared 48 h after the initiation of treatment"
      (Grattan-Smith 1997); Klin Padiatr 2023 reports day 3-5, inside the window.
      A same-day onset is reported in one infant (a case summary, secondary);
      set ``onset=timedelta(0)`` to treat that as expected too.
    - ``abates_within`` 6 weeks: the upper end of "abated during a 3-6-week
      period" (Grattan-Smith 1997); Goraya 2015 saw tremor resolve "by 3 to 4
      weeks".
    - ``meaningful_change`` 2 points: "at least a 2-point change in the scale
      is considered clinically meaningful" (NRS-11, clinical.md §5).  An entry
      is worse (or better) than baseline when it differs by at least this much.
    - ``symptoms``: myoclonus, tremor and other involuntary movements, the
      movements the series describe.

    Attributes:
        onset: From the first dose to the window's opening.
        abates_within: From the first dose to the window's close.
        meaningful_change: Points on the 0-10 scale that count as a change.
        symptoms: The symptoms for which a flare is expected.
        baseline_entries: How many of the latest pre-treatment entries make
            the baseline (their mean).

    Raises:
        SettingError: A span is negative, the window would be empty, or a
            count is out of range.

    >>> import datetime as dt, zoneinfo
    >>> first = dt.datetime(2026, 12, 1, 9, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    >>> w = FlareModel().window(first)
    >>> (w.start - first).days, (w.end - first).days
    (2, 42)
    """

    onset: dt.timedelta = attrs.field(
        default=dt.timedelta(hours=48), validator=_positive_or_zero
    )
    abates_within: dt.timedelta = attrs.field(
        default=dt.timedelta(weeks=6), validator=_positive_or_zero
    )
    meaningful_change: int = attrs.field(
        default=MEANINGFUL_CHANGE, validator=_meaningful
    )
    symptoms: frozenset[Symptom] = attrs.field(
        default=frozenset(
            {Symptom.MYOCLONUS, Symptom.TREMOR, Symptom.INVOLUNTARY_MOVEMENTS}
        ),
        converter=_symptom_set,
    )
    baseline_entries: int = attrs.field(default=BASELINE_ENTRIES, validator=_count)

    def __attrs_post_init__(self) -> None:
        if self.abates_within <= self.onset:
            raise SettingError(
                f"abates_within ({self.abates_within}) must be longer than onset "
                f"({self.onset}), or the flare window is empty"
            )

    def window(self, first_dose: dt.datetime) -> FlareWindow:
        """Return the flare window for treatment that started at ``first_dose``.

        The window's times are shown in ``first_dose``'s zone.
        """
        first_dose = require_aware("first_dose", first_dose)
        zone = first_dose.tzinfo
        start, end = utc(first_dose) + self.onset, utc(first_dose) + self.abates_within
        return FlareWindow(start.astimezone(zone), end.astimezone(zone))


class AssessmentCategory(enum.Enum):
    """What one symptom entry shows against the pre-treatment baseline.

    - ``BASELINE``: logged before treatment started; it is the baseline.
    - ``EXPECTED_FLARE``: worse than baseline, inside the flare window, for a
      symptom that can flare.
    - ``NO_WORSENING``: within the meaningful change of the baseline.
    - ``IMPROVING``: better than baseline by at least the meaningful change.
    - ``UNEXPECTED_WORSENING``: worse than baseline outside the flare window
      (or for a symptom no flare is expected for): review advised.

    >>> AssessmentCategory.UNEXPECTED_WORSENING.review_advised
    True
    >>> flare = AssessmentCategory.EXPECTED_FLARE
    >>> flare.worse, flare.review_advised
    (True, False)
    """

    BASELINE = "baseline"
    EXPECTED_FLARE = "expected flare"
    NO_WORSENING = "no worsening"
    IMPROVING = "improving"
    UNEXPECTED_WORSENING = "worsening outside the expected window (review advised)"

    @property
    def worse(self) -> bool:
        """True when the entry is worse than baseline (expected or not)."""
        return self in {
            AssessmentCategory.EXPECTED_FLARE,
            AssessmentCategory.UNEXPECTED_WORSENING,
        }

    @property
    def review_advised(self) -> bool:
        """True when the record falls outside what the flare model expects."""
        return self is AssessmentCategory.UNEXPECTED_WORSENING


@attrs.frozen(kw_only=True)
class Assessment:
    """One symptom entry, judged against its baseline.

    Attributes:
        entry: The entry.
        category: What it shows.
        baseline: The symptom's pre-treatment baseline, or None when nothing
            was logged before treatment (the reference is then 0, "none").
        change: The entry's severity minus the reference (negative is better).

    >>> import datetime as dt, zoneinfo
    >>> tz = zoneinfo.ZoneInfo("America/Sao_Paulo")
    >>> first = dt.datetime(2026, 12, 1, 9, tzinfo=tz)
    >>> day = dt.timedelta(days=1)
    >>> log = [
    ...     SymptomEntry(at=first - day, symptom="myoclonus", severity=3),
    ...     SymptomEntry(at=first + 3 * day, symptom="myoclonus", severity=7),
    ... ]
    >>> a = assess(log[1], log, first_dose=first)
    >>> a.category, a.change
    (<AssessmentCategory.EXPECTED_FLARE: 'expected flare'>, 4.0)
    """

    entry: SymptomEntry
    category: AssessmentCategory
    baseline: Baseline | None
    change: float


def _check_entry(entry: object) -> SymptomEntry:
    if not isinstance(entry, SymptomEntry):
        raise InvalidRecordError(entry, f"expected a SymptomEntry, not {entry!r}")
    return entry


def _check_model(model: object) -> FlareModel:
    if model is None:
        return FlareModel()
    if not isinstance(model, FlareModel):
        raise SettingError(f"expected a FlareModel, not {model!r}")
    return model


def _key(entry: SymptomEntry) -> Symptom | str:
    return entry.label if entry.symptom is Symptom.OTHER else entry.symptom


class _Assessor:
    """Assesses entries of one log against one start of treatment."""

    def __init__(
        self,
        entries: Iterable[SymptomEntry],
        first_dose: dt.datetime,
        model: FlareModel,
    ) -> None:
        self.entries = [_check_entry(e) for e in entries]
        self.first_dose = require_aware("first_dose", first_dose)
        self.model = model
        self.window = model.window(self.first_dose)
        self.baselines: dict[Symptom | str, Baseline | None] = {}

    def baseline(self, key: Symptom | str) -> Baseline | None:
        if key not in self.baselines:
            self.baselines[key] = baseline(
                self.entries,
                key,
                before=self.first_dose,
                last=self.model.baseline_entries,
            )
        return self.baselines[key]

    def assess(self, entry: SymptomEntry) -> Assessment:
        key = _key(entry)
        reference = self.baseline(key)
        change = change_from_baseline(entry, reference)
        step = self.model.meaningful_change
        if utc(entry.at) < utc(self.first_dose):
            category = AssessmentCategory.BASELINE
        elif change >= step:
            expected = entry.symptom in self.model.symptoms and self.window.contains(
                entry.at
            )
            category = (
                AssessmentCategory.EXPECTED_FLARE
                if expected
                else AssessmentCategory.UNEXPECTED_WORSENING
            )
        elif change <= -step:
            category = AssessmentCategory.IMPROVING
        else:
            category = AssessmentCategory.NO_WORSENING
        return Assessment(
            entry=entry, category=category, baseline=reference, change=change
        )


def assess(
    entry: SymptomEntry,
    entries: Iterable[SymptomEntry],
    *,
    first_dose: dt.datetime,
    model: FlareModel | None = None,
) -> Assessment:
    """Assess one entry against the baseline drawn from ``entries``.

    Args:
        entry: The entry to assess (it need not be in ``entries``).
        entries: The symptom log the baseline comes from.
        first_dose: When treatment started: the first dose actually given, or
            the planned first dose while none has been given.
        model: The flare model; :class:`FlareModel` defaults when None.

    Raises:
        InvalidRecordError: ``entry`` or an item of ``entries`` is not a SymptomEntry.
        NaiveDatetimeError: ``first_dose`` is naive.
        SettingError: ``model`` is not a FlareModel.
    """
    entry = _check_entry(entry)
    return _Assessor(entries, first_dose, _check_model(model)).assess(entry)


class FlareStatus(enum.Enum):
    """Where the flare stands at a given moment.

    - ``NOT_STARTED``: the window has not opened yet.
    - ``WINDOW_OPEN``: inside the window; worsening now is expected.
    - ``RESOLVED``: the window has closed, a flare was recorded, and every
      flared symptom's latest entry is back within the meaningful change of
      baseline (or better).
    - ``PROLONGED``: the window has closed and a symptom's latest entry is
      still (or again) worse than baseline: review advised.
    - ``NO_FLARE``: the window has closed and no worsening was recorded.

    >>> FlareStatus.PROLONGED.value
    'prolonged beyond the expected window (review advised)'
    """

    NOT_STARTED = "not started"
    WINDOW_OPEN = "expected window open"
    RESOLVED = "resolved"
    PROLONGED = "prolonged beyond the expected window (review advised)"
    NO_FLARE = "no flare recorded"


@attrs.frozen(kw_only=True)
class FlareReport:
    """The flare of one course as the record shows it at ``as_of``.

    Attributes:
        model: The model used.
        first_dose: The reference instant: the first dose actually given, or
            the planned first dose while none has been given.
        first_dose_given: Whether ``first_dose`` is a recorded administration.
        window: The expected window.
        as_of: The moment described (entries after it are left out).
        status: Where the flare stands.
        assessments: Every entry of the model's symptoms up to ``as_of``,
            assessed, oldest first.
        peak: The worst expected-flare entry (the earliest of equals), if any.
        resolved_at: When every flared symptom was first logged back within
            the meaningful change of baseline after its last worse entry; None
            while it is not (or no flare was recorded).

    >>> import datetime as dt, zoneinfo
    >>> from b12course import Course, regimens
    >>> tz = zoneinfo.ZoneInfo("Europe/London")
    >>> course = Course.begin(regimens.get("nice-neuro"),
    ...                       first_dose=dt.datetime(2026, 12, 1, 9, tzinfo=tz))
    >>> course.flare(now=dt.datetime(2026, 12, 2, tzinfo=tz)).status
    <FlareStatus.NOT_STARTED: 'not started'>
    """

    model: FlareModel
    first_dose: dt.datetime
    first_dose_given: bool
    window: FlareWindow
    as_of: dt.datetime
    status: FlareStatus
    assessments: tuple[Assessment, ...]
    peak: Assessment | None
    resolved_at: dt.datetime | None

    @property
    def peak_severity(self) -> int | None:
        """The severity at the peak, if a flare was recorded."""
        return self.peak.entry.severity if self.peak is not None else None

    @property
    def peak_at(self) -> dt.datetime | None:
        """When the peak was logged, if a flare was recorded."""
        return self.peak.entry.at if self.peak is not None else None

    @property
    def resolution(self) -> dt.datetime | None:
        """When the flare resolved (``resolved_at``), the name DESIGN.md gives it."""
        return self.resolved_at

    @property
    def time_to_resolution(self) -> dt.timedelta | None:
        """Elapsed time from the first dose to ``resolved_at``, if resolved."""
        if self.resolved_at is None:
            return None
        return utc(self.resolved_at) - utc(self.first_dose)

    @property
    def review_advised(self) -> bool:
        """True when the flare is prolonged or any entry is an unexpected worsening."""
        return self.status is FlareStatus.PROLONGED or any(
            a.category.review_advised for a in self.assessments
        )


def _resolution(assessments: list[Assessment]) -> dt.datetime | None:
    """Return when every flared symptom was logged back within baseline again."""
    flared = {
        _key(a.entry)
        for a in assessments
        if a.category is AssessmentCategory.EXPECTED_FLARE
    }
    if not flared:
        return None
    times: list[dt.datetime] = []
    for key in flared:
        mine = [a for a in assessments if _key(a.entry) == key]
        last_worse = max(i for i, a in enumerate(mine) if a.category.worse)
        if last_worse + 1 == len(mine):
            return None
        times.append(mine[last_worse + 1].entry.at)
    return max(times, key=utc)


def flare_report(
    entries: Iterable[SymptomEntry],
    *,
    first_dose: dt.datetime,
    first_dose_given: bool,
    model: FlareModel | None = None,
    now: dt.datetime | None = None,
) -> FlareReport:
    """Describe the flare in a symptom log, as of ``now``.

    Args:
        entries: The symptom log (any symptoms, any order).
        first_dose: When treatment started (see :class:`FlareReport`).
        first_dose_given: Whether ``first_dose`` was actually given.
        model: The flare model; :class:`FlareModel` defaults when None.
        now: The moment to describe.  When None, the report describes the
            record as of its latest entry (or ``first_dose`` if there is none);
            domain code never reads the clock.

    Raises:
        InvalidRecordError: An entry is not a SymptomEntry.
        NaiveDatetimeError: ``first_dose`` or ``now`` is naive.
        SettingError: ``model`` is not a FlareModel.
    """
    chosen = _check_model(model)
    assessor = _Assessor(entries, first_dose, chosen)
    log = sorted(assessor.entries, key=lambda e: utc(e.at))
    if now is not None:
        as_of = require_aware("now", now)
    else:
        as_of = log[-1].at if log else assessor.first_dose
    cut = utc(as_of)
    assessments = [
        assessor.assess(e)
        for e in log
        if e.symptom in chosen.symptoms and utc(e.at) <= cut
    ]
    flare = [a for a in assessments if a.category is AssessmentCategory.EXPECTED_FLARE]
    peak = max(flare, key=lambda a: a.entry.severity, default=None)
    window = assessor.window
    if cut < utc(window.start):
        status = FlareStatus.NOT_STARTED
    elif cut < utc(window.end):
        status = FlareStatus.WINDOW_OPEN
    else:
        latest: dict[Symptom | str, Assessment] = {}
        for a in assessments:
            if a.category is not AssessmentCategory.BASELINE:
                latest[_key(a.entry)] = a
        if any(a.category.worse for a in latest.values()):
            status = FlareStatus.PROLONGED
        elif flare:
            status = FlareStatus.RESOLVED
        else:
            status = FlareStatus.NO_FLARE
    return FlareReport(
        model=chosen,
        first_dose=assessor.first_dose,
        first_dose_given=first_dose_given,
        window=window,
        as_of=as_of,
        status=status,
        assessments=tuple(assessments),
        peak=peak,
        resolved_at=_resolution(assessments),
    )
