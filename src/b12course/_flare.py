"""The post-treatment flare: a transient worsening of involuntary movements.

After B12 replacement starts, myoclonus, tremor and other involuntary
movements have been reported to appear or worsen for a while before they
settle.  It is possible, not expected: the evidence is almost all from infant
series (clinical.md section 3), where 19-32 % of infants had it:

- onset "48 h after the initiation of treatment with intramuscular cobalamin"
  (Grattan-Smith et al., Mov Disord 1997), "on the 3rd-5th day of cobalamin
  supplementation" (Klin Padiatr 2023, 6 of 32 infants);
- "The movements slowly abated during a 3-6-week period" (Grattan-Smith 1997);
  "Tremors resolved in all by 3 to 4 weeks" (Goraya et al., J Child Neurol 2015).

In adults such movements are reported to "become apparent only a few days after
parenteral replacement therapy has begun" (Neurol Res 2014 review), with no
incidence or duration figures; whether it recurs with later doses is unknown.
The defaults of :class:`FlareModel` therefore come from infants, and a caller
may set their own.  The evidence comes from people starting replacement, so a
course that starts with maintenance only has no window by default
(:func:`flare_window_applies`).

The window is measured from the first dose actually given: before a dose is
given there is none, and a worsening is read against its baseline only.  It
concerns involuntary movements: another symptom worse than baseline reads
so, with no claim about the window.

Every entry of a symptom log gets exactly one :class:`AssessmentCategory`
against its pre-treatment baseline, and the reasons it is for a clinician's
attention (:attr:`Assessment.attention`): a severe or new-onset movement
inside the window, a worsening outside it or before any dose, and, even
inside the window, a first worsening that begins later than any onset reported
(from day 7: clinical.md 0b, M2) or one that follows a return to baseline.
The words describe the record; they never diagnose or predict, and "for a
clinician's attention" means only that the record is one a clinician may want
to see.  :func:`assess_all` reads a whole log in one pass (``O(n log n)``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import enum
import itertools
from collections.abc import Iterable, Iterator
from operator import itemgetter

import attrs

from b12course._regimen import Regimen, Route
from b12course._symptoms import (
    BASELINE_ENTRIES,
    MEANINGFUL_CHANGE,
    Baseline,
    Baselines,
    Symptom,
    SymptomEntry,
    change_from_baseline,
)
from b12course._time import aware, require_aware, utc
from b12course.exceptions import InvalidRecordError, SettingError

__all__ = [
    "SEVERE_THRESHOLD",
    "Assessment",
    "AssessmentCategory",
    "Attention",
    "FlareModel",
    "FlareReport",
    "FlareStatus",
    "FlareWindow",
    "assess",
    "assess_all",
    "flare_report",
    "flare_window_applies",
]

#: The default severe threshold on the 0-10 scale: an entry at or above it
#: inside the window is for a clinician's attention.  A library choice: NRS-11
#: calls 7-10 "severe" (clinical.md section 5), and 8 is the example the
#: clinical review gives; it is a :class:`FlareModel` field, to be set.
SEVERE_THRESHOLD = 8

# Replacement-sized oral doses: "Oral ... high-dose vitamin B12 (1 to 2 mg
# daily)" (Langan & Goodbred, AFP 2017).  Lower oral doses are maintenance.
_ORAL_REPLACEMENT_MICROGRAMS = 1_000
_WEEK_DAYS = 7


def flare_window_applies(regimen: Regimen) -> bool:
    """Return whether a course of ``regimen`` has a flare window by default.

    The worsening was reported in people starting replacement (mostly by
    injection; Tunçer 2019 also after oral therapy), never in maintenance.  A
    regimen starts replacement when its first phase gives doses at least
    weekly, by injection (IM, SC, deep SC) or orally/sublingually at 1 mg or
    more (the AFP 2017 replacement dose).  A first phase of monthly or rarer
    injections, low-dose oral or any intranasal dose is maintenance only
    (intranasal cyanocobalamin is labelled only for maintenance), and has no
    window unless a :class:`FlareModel` is given explicitly.

    >>> from b12course import regimens
    >>> flare_window_applies(regimens.get("bnf-hydroxocobalamin-neuro"))
    True
    >>> flare_window_applies(regimens.get("nasal-weekly"))
    False

    Raises:
        SettingError: ``regimen`` is not a Regimen.
    """
    if not isinstance(regimen, Regimen):
        raise SettingError(f"expected a Regimen, not {regimen!r:.60}")
    first = regimen.phases[0]
    if first.cadence.approximate_days > _WEEK_DAYS:
        return False
    route = first.dose.route
    if route.injected:
        return True
    if route in {Route.ORAL, Route.SUBLINGUAL}:
        return first.dose.amount.micrograms >= _ORAL_REPLACEMENT_MICROGRAMS
    return False


@attrs.frozen
class FlareWindow:
    """The window in which a transient worsening has been reported: ``[start, end)``.

    It says when worsening of involuntary movements after starting
    replacement has been reported, not that it will happen.

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

    start: dt.datetime = attrs.field(validator=aware)
    end: dt.datetime = attrs.field(validator=aware)

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

    def __str__(self) -> str:
        """Read as the window's words and its two local times."""
        return (
            "window in which a transient worsening has been reported: "
            f"{self.start:%Y-%m-%d %H:%M} to {self.end:%Y-%m-%d %H:%M}"
        )


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
        names = ", ".join(s.value for s in Symptom)
        raise SettingError(
            f"symptoms must be Symptom members ({names}), not {value!r:.60}"
        ) from exc


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
    """The window in which a transient worsening has been reported; how entries read.

    The window opens ``onset`` after the first dose actually given and closes
    ``abates_within`` after it; while no dose has been given there is no
    window (the planned first dose is not treatment).  Both
    are elapsed time, since they describe the body's response to an injection
    rather than appointments on a calendar.  The window says when worsening
    has been reported, not that it will happen (19-32 % of infants in the
    series; no adult figures).

    Defaults, all from infant series (clinical.md section 3; no adult figures
    exist, Neurol Res 2014):

    - ``onset`` 48 hours: "appeared 48 h after the initiation of treatment"
      (Grattan-Smith 1997); Klin Padiatr 2023 reports day 3-5, inside the window.
      A same-day onset is reported in one infant (a case summary, secondary);
      set ``onset=timedelta(0)`` to include it.
    - ``abates_within`` 6 weeks: the upper end of "abated during a 3-6-week
      period" (Grattan-Smith 1997); Goraya 2015 saw tremor resolve "by 3 to 4
      weeks".
    - ``meaningful_change`` 2 points: "at least a 2-point change in the scale
      is considered clinically meaningful" (NRS-11, clinical.md section 5).
      An entry is worse (or better) than baseline when it differs by at least
      this much.
    - ``severe`` 8 points (:data:`SEVERE_THRESHOLD`, a library choice): an
      entry at or above it inside the window is for a clinician's attention.
    - ``symptoms``: myoclonus, tremor and other involuntary movements, the
      movements the series describe.  One of them logged inside the window
      with no baseline and no earlier entry (new onset) is for a clinician's
      attention too.  The window concerns these only: another symptom worse
      than baseline reads so, without a claim about the window.
    - ``late_onset`` 7 days: a first worsening of one of ``symptoms`` that
      begins this long or longer after the first dose given is later than any
      onset reported ("48 h after the initiation of treatment", Grattan-Smith
      1997; "on the 3rd-5th day", Klin Padiatr 2023; only the abatement took
      3-6 weeks, and no source reports a first onset weeks later: clinical.md
      0b, M2), and is for a clinician's attention even inside the window; so
      is a worsening that follows a return to baseline.

    Attributes:
        onset: From the first dose to the window's opening.
        abates_within: From the first dose to the window's close.
        meaningful_change: Points on the 0-10 scale that count as a change.
        severe: The severity (0-10) at or above which an entry inside the
            window is for a clinician's attention.
        symptoms: The symptoms for which a transient worsening has been reported.
        baseline_entries: How many of the latest pre-treatment entries make
            the baseline (their mean).
        late_onset: From the first dose given to the time from which a first
            worsening is later than reported (:attr:`Attention.LATE_ONSET`).

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
    severe: int = attrs.field(default=SEVERE_THRESHOLD, validator=_meaningful)
    # clinical.md 0b (M2): onsets reported from 48 h (Grattan-Smith 1997) to
    # day 3-5 (Klin Padiatr 2023); "after about day 7" is worth attention.
    late_onset: dt.timedelta = attrs.field(
        default=dt.timedelta(days=7), validator=_positive_or_zero
    )

    def __attrs_post_init__(self) -> None:
        if self.abates_within <= self.onset:
            raise SettingError(
                f"abates_within ({self.abates_within}) must be longer than onset "
                f"({self.onset}), or the window is empty"
            )

    def window(self, first_dose: dt.datetime) -> FlareWindow:
        """Return the window for treatment that started at ``first_dose``.

        The window's times are shown in ``first_dose``'s zone.
        """
        first_dose = require_aware("first_dose", first_dose)
        zone = first_dose.tzinfo
        start, end = utc(first_dose) + self.onset, utc(first_dose) + self.abates_within
        return FlareWindow(start.astimezone(zone), end.astimezone(zone))


_ATTENTION = " (for a clinician's attention)"


class AssessmentCategory(enum.Enum):
    """What one symptom entry shows against the pre-treatment baseline.

    - ``BASELINE``: logged before treatment started; it is the baseline.
    - ``WORSE_IN_WINDOW``: worse than baseline, inside the window in which a
      transient worsening has been reported, for a symptom it was reported for.
    - ``SEVERE_IN_WINDOW``: inside the window, at or above the model's severe
      threshold (default 8/10): for a clinician's attention.
    - ``NEW_ONSET_IN_WINDOW``: inside the window, a movement symptom with no
      baseline and no earlier entry: for a clinician's attention.
    - ``NO_WORSENING``: within the meaningful change of the baseline.
    - ``BETTER_THAN_BASELINE``: better than baseline by at least the
      meaningful change.
    - ``WORSE_OUTSIDE_WINDOW``: a movement symptom worse than baseline
      outside the window (or in a course with no window): for a clinician's
      attention.
    - ``WORSE_NO_DOSE_GIVEN``: a movement symptom worse than baseline while no
      dose has been given: there is no window yet, so the entry is read
      against its baseline only, for a clinician's attention.
    - ``WORSE_NOT_MOVEMENT``: a symptom the window does not concern
      (paresthesia, fatigue...) worse than baseline, whenever it was logged:
      for a clinician's attention.

    An entry's reasons for a clinician's attention are
    :attr:`Assessment.attention`; they can be more than its category says (a
    late first onset inside the window, say).

    ``EXPECTED_FLARE``, ``IMPROVING`` and ``UNEXPECTED_WORSENING`` are the
    names of 0.x, kept as aliases for one release.

    >>> str(AssessmentCategory.WORSE_OUTSIDE_WINDOW)  # doctest: +NORMALIZE_WHITESPACE
    "worse than baseline, not within the window in which a transient worsening
    has been reported (for a clinician's attention)"
    >>> c = AssessmentCategory.WORSE_IN_WINDOW
    >>> c.worse, c.review_advised, c is AssessmentCategory.EXPECTED_FLARE
    (True, False, True)
    """

    BASELINE = "baseline"
    WORSE_IN_WINDOW = (
        "worse than baseline, within the window in which a transient worsening "
        "has been reported"
    )
    SEVERE_IN_WINDOW = (
        f"at or above the severe threshold, within the window{_ATTENTION}"
    )
    NEW_ONSET_IN_WINDOW = f"new-onset movement symptom, within the window{_ATTENTION}"
    NO_WORSENING = "no meaningful change from baseline"
    BETTER_THAN_BASELINE = "better than baseline"
    WORSE_OUTSIDE_WINDOW = (
        "worse than baseline, not within the window in which a transient "
        f"worsening has been reported{_ATTENTION}"
    )
    WORSE_NO_DOSE_GIVEN = (
        "worse than baseline; no dose has been given, so there is no window"
        f"{_ATTENTION}"
    )
    WORSE_NOT_MOVEMENT = (
        "worse than baseline; the window concerns involuntary movements, so it "
        f"does not apply{_ATTENTION}"
    )
    # Deprecated names (0.x), aliases for one release.
    EXPECTED_FLARE = WORSE_IN_WINDOW
    IMPROVING = BETTER_THAN_BASELINE
    UNEXPECTED_WORSENING = WORSE_OUTSIDE_WINDOW

    def __str__(self) -> str:
        """Read as the category's words."""
        return self.value

    @property
    def worse(self) -> bool:
        """True when the entry is worse than baseline or flagged inside the window."""
        return self in _WORSE

    @property
    def in_window(self) -> bool:
        """True for the categories of entries inside the window."""
        return self in _IN_WINDOW

    @property
    def review_advised(self) -> bool:
        """True when the entry is for a clinician's attention."""
        return self in _REVIEW


_IN_WINDOW = frozenset(
    {
        AssessmentCategory.WORSE_IN_WINDOW,
        AssessmentCategory.SEVERE_IN_WINDOW,
        AssessmentCategory.NEW_ONSET_IN_WINDOW,
    }
)
_WORSE = _IN_WINDOW | {
    AssessmentCategory.WORSE_OUTSIDE_WINDOW,
    AssessmentCategory.WORSE_NO_DOSE_GIVEN,
    AssessmentCategory.WORSE_NOT_MOVEMENT,
}
_REVIEW = frozenset(
    {
        AssessmentCategory.SEVERE_IN_WINDOW,
        AssessmentCategory.NEW_ONSET_IN_WINDOW,
        AssessmentCategory.WORSE_OUTSIDE_WINDOW,
        AssessmentCategory.WORSE_NO_DOSE_GIVEN,
        AssessmentCategory.WORSE_NOT_MOVEMENT,
    }
)


class Attention(enum.Enum):
    """Why an assessed entry is for a clinician's attention.

    "For a clinician's attention" means only that the record is one a
    clinician may want to see; it diagnoses nothing.

    - ``SEVERE``: a movement symptom inside the window, at or above the
      model's severe threshold.
    - ``NEW_ONSET``: a movement symptom inside the window with no baseline and
      no earlier entry.
    - ``WORSE_OUTSIDE_WINDOW``: a movement symptom worse than baseline outside
      the window (or in a course with none).
    - ``NO_DOSE_GIVEN``: a movement symptom worse than baseline while no dose
      has been given (no window yet).
    - ``NOT_A_MOVEMENT``: a symptom the window does not concern, worse than
      baseline.
    - ``LATE_ONSET``: the first worsening of a movement symptom began
      :attr:`FlareModel.late_onset` (default 7 days) or longer after the first
      dose given, later than any onset reported (48 h to day 5; clinical.md
      0b, M2); every entry of that worsening carries it.
    - ``AFTER_RETURN``: a movement symptom worse again after it was logged
      back within baseline (no source reports a second worsening; clinical.md
      section 3); every entry of that worsening carries it.

    >>> str(Attention.AFTER_RETURN)
    'worse again after a return to baseline'
    """

    SEVERE = "at or above the severe threshold, within the window"
    NEW_ONSET = "new-onset movement symptom, within the window"
    WORSE_OUTSIDE_WINDOW = "worse than baseline, not within the window"
    NO_DOSE_GIVEN = "worse than baseline before any dose was given"
    NOT_A_MOVEMENT = "worse than baseline, a symptom the window does not concern"
    LATE_ONSET = (
        "a first worsening later than the onset reported (48 h to day 5 after "
        "the first dose)"
    )
    AFTER_RETURN = "worse again after a return to baseline"

    def __str__(self) -> str:
        """Read as the reason's words."""
        return self.value


#: The reason each flagged category gives by itself.
_IMPLIED = {
    AssessmentCategory.SEVERE_IN_WINDOW: Attention.SEVERE,
    AssessmentCategory.NEW_ONSET_IN_WINDOW: Attention.NEW_ONSET,
    AssessmentCategory.WORSE_OUTSIDE_WINDOW: Attention.WORSE_OUTSIDE_WINDOW,
    AssessmentCategory.WORSE_NO_DOSE_GIVEN: Attention.NO_DOSE_GIVEN,
    AssessmentCategory.WORSE_NOT_MOVEMENT: Attention.NOT_A_MOVEMENT,
}


def _implied(category: AssessmentCategory) -> frozenset[Attention]:
    reason = _IMPLIED.get(category)
    return frozenset() if reason is None else frozenset({reason})


def _attention_set(value: object) -> frozenset[Attention]:
    if isinstance(value, frozenset) and all(isinstance(v, Attention) for v in value):
        return value  # the usual case, built by the assessor
    try:
        return frozenset(Attention(v) for v in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError) as exc:
        raise SettingError(
            f"attention must be Attention members, not {value!r:.60}"
        ) from exc


def _points(value: float) -> str:
    return f"{value:g}"


@attrs.frozen(kw_only=True)
class Assessment:
    """One symptom entry, read against its baseline.

    Attributes:
        entry: The entry.
        category: What it shows.
        baseline: The symptom's pre-treatment baseline, or None when nothing
            was logged before treatment (the reference is then 0, "none").
        change: The entry's severity minus the reference (negative is better).
        attention: Why the entry is for a clinician's attention (empty when it
            is not): the reason its category gives, and a late first onset or
            a worsening after a return to baseline (:class:`Attention`).  By
            default the category's own reason.

    >>> import datetime as dt, zoneinfo
    >>> tz = zoneinfo.ZoneInfo("America/Sao_Paulo")
    >>> first = dt.datetime(2026, 12, 1, 9, tzinfo=tz)
    >>> day = dt.timedelta(days=1)
    >>> log = [
    ...     SymptomEntry(at=first - day, symptom="myoclonus", severity=3),
    ...     SymptomEntry(at=first + 3 * day, symptom="myoclonus", severity=7),
    ... ]
    >>> a = assess(log[1], log, first_dose=first)
    >>> a.category is AssessmentCategory.WORSE_IN_WINDOW, a.change
    (True, 4.0)
    >>> print(a)  # doctest: +NORMALIZE_WHITESPACE
    2026-12-04 09:00 myoclonus 7/10 (baseline 3, +4): worse than baseline,
    within the window in which a transient worsening has been reported
    """

    entry: SymptomEntry
    category: AssessmentCategory
    baseline: Baseline | None
    change: float
    attention: frozenset[Attention] = attrs.field(
        default=attrs.Factory(lambda self: _implied(self.category), takes_self=True),
        converter=_attention_set,
    )

    @property
    def review_advised(self) -> bool:
        """True when the entry is for a clinician's attention (for any reason)."""
        return bool(self.attention)

    @property
    def extra_attention(self) -> tuple[Attention, ...]:
        """The reasons beyond the one the category gives, in a fixed order."""
        implied = _implied(self.category)
        return tuple(r for r in Attention if r in self.attention and r not in implied)

    def __str__(self) -> str:
        """Read as when, what, how bad, against what, the category and any flags."""
        base = _points(self.baseline.severity) if self.baseline else "none"
        text = (
            f"{self.entry.at:%Y-%m-%d %H:%M} {self.entry.label} "
            f"{self.entry.severity}/10 (baseline {base}, {self.change:+g}): "
            f"{self.category}"
        )
        extra = self.extra_attention
        if not extra:
            return text
        words = "; ".join(str(r) for r in extra)
        if self.category.review_advised:
            return f"{text}; {words}"
        return f"{text}; {words}{_ATTENTION}"


def _check_entry(entry: object) -> SymptomEntry:
    if not isinstance(entry, SymptomEntry):
        raise InvalidRecordError(entry, f"expected a SymptomEntry, not {entry!r:.60}")
    return entry


def _check_model(model: object) -> FlareModel:
    if model is None:
        return FlareModel()
    if not isinstance(model, FlareModel):
        raise SettingError(f"expected a FlareModel, not {model!r:.60}")
    return model


class _Worsening:
    """One movement symptom's worsenings after the first dose given, as read in order.

    A worsening is a run of worse entries; a later entry within the
    meaningful change of baseline (or better) ends it, a return to baseline.
    """

    __slots__ = ("count", "flag", "open")

    def __init__(self) -> None:
        self.count = 0  # worsenings begun so far
        self.open = False  # the latest entry was worse
        self.flag: Attention | None = None  # what the open worsening carries

    def read(self, worse: bool, at: dt.datetime, late: dt.datetime) -> Attention | None:
        """Read the next entry; return the flag its worsening carries, if any."""
        if not worse:
            self.open = False
            return None
        if not self.open:
            self.open = True
            self.count += 1
            if self.count > 1:
                self.flag = Attention.AFTER_RETURN
            else:
                self.flag = Attention.LATE_ONSET if at >= late else None
        return self.flag


class FlareLog:
    """One symptom log, read once against one start of treatment.

    The entries are sorted once (by UTC instant, stable), every symptom's
    baseline is found in one pass (:class:`~b12course._symptoms.Baselines`),
    and each entry is then assessed in ``O(1)``, in time order: assessing a
    whole log costs ``O(n log n)``, not a sort of the log per entry.
    """

    def __init__(
        self,
        entries: Iterable[SymptomEntry],
        first_dose: dt.datetime,
        model: FlareModel,
        *,
        applies: bool = True,
        first_dose_given: bool = True,
    ) -> None:
        keyed = [(utc(e.at), e) for e in map(_check_entry, entries)]
        keyed.sort(key=itemgetter(0))
        self.instants = [at for at, _ in keyed]
        self.entries = [e for _, e in keyed]
        self.first_dose = require_aware("first_dose", first_dose)
        self.start = utc(self.first_dose)
        self.model = model
        self.given = bool(first_dose_given)
        self.applies = bool(applies)
        # No window without a dose given: the planned first dose is not treatment.
        self.window = model.window(self.first_dose) if applies and self.given else None
        self.bounds = (
            (utc(self.window.start), utc(self.window.end))
            if self.window is not None
            else None
        )
        self.late = self.start + model.late_onset
        self.baselines = Baselines(
            self.entries,
            before=self.first_dose,
            last=model.baseline_entries,
            in_time_order=True,
        )
        self.first_seen: dict[Symptom | str, dt.datetime] = {}
        for at, entry in keyed:
            self.first_seen.setdefault(entry.key, at)
        self._all: list[Assessment] | None = None

    def _new_onset(
        self, entry: SymptomEntry, at: dt.datetime, reference: Baseline | None
    ) -> bool:
        """A movement symptom with no baseline and no entry before this one."""
        first = self.first_seen.get(entry.key)
        return (
            reference is None and entry.severity > 0 and (first is None or first >= at)
        )

    def _category(
        self,
        entry: SymptomEntry,
        at: dt.datetime,
        reference: Baseline | None,
        change: float,
    ) -> AssessmentCategory:
        model = self.model
        step = model.meaningful_change
        if at < self.start:
            return AssessmentCategory.BASELINE
        movement = entry.symptom in model.symptoms
        bounds = self.bounds
        inside = movement and bounds is not None and bounds[0] <= at < bounds[1]
        if inside and entry.severity >= model.severe:
            return AssessmentCategory.SEVERE_IN_WINDOW
        if inside and self._new_onset(entry, at, reference):
            return AssessmentCategory.NEW_ONSET_IN_WINDOW
        if change >= step:
            return self._worse(movement=movement, inside=inside)
        if change <= -step:
            return AssessmentCategory.BETTER_THAN_BASELINE
        return AssessmentCategory.NO_WORSENING

    def _worse(self, *, movement: bool, inside: bool) -> AssessmentCategory:
        """The category of an entry worse than baseline after treatment began."""
        if not movement:  # the window concerns the model's symptoms only
            return AssessmentCategory.WORSE_NOT_MOVEMENT
        if self.applies and not self.given:  # no window before a dose is given
            return AssessmentCategory.WORSE_NO_DOSE_GIVEN
        if inside:
            return AssessmentCategory.WORSE_IN_WINDOW
        return AssessmentCategory.WORSE_OUTSIDE_WINDOW

    def _assessments(
        self, keyed: Iterable[tuple[dt.datetime, SymptomEntry]]
    ) -> Iterator[Assessment]:
        """Assess entries in time order, following each symptom's worsenings."""
        worsenings: dict[Symptom | str, _Worsening] = {}
        tracked = self.model.symptoms if self.given else frozenset()
        references: dict[Symptom | str, Baseline | None] = {}
        for at, entry in keyed:
            key = entry.key
            if key in references:
                reference = references[key]
            else:
                reference = references[key] = self.baselines(key)
            change = change_from_baseline(entry, reference)
            category = self._category(entry, at, reference, change)
            attention = _implied(category)
            if entry.symptom in tracked and category is not AssessmentCategory.BASELINE:
                worsening = worsenings.get(entry.key)
                if worsening is None:
                    worsening = worsenings[entry.key] = _Worsening()
                flag = worsening.read(category.worse, at, self.late)
                if flag is not None:
                    attention |= {flag}
            yield Assessment(
                entry=entry,
                category=category,
                baseline=reference,
                change=change,
                attention=attention,
            )

    def assess_all(self) -> list[Assessment]:
        """Assess every entry of the log, in timeline order (once, then kept)."""
        if self._all is None:
            self._all = list(
                self._assessments(zip(self.instants, self.entries, strict=True))
            )
        return self._all

    def assess(self, entry: object) -> Assessment:
        """Assess one entry, after the log's entries up to its instant.

        An entry of the log gets the assessment :meth:`assess_all` gives it.

        Raises:
            InvalidRecordError: ``entry`` is not a SymptomEntry.
        """
        entry = _check_entry(entry)
        for index, logged in enumerate(self.entries):
            if logged is entry:
                return self.assess_all()[index]
        at = utc(entry.at)
        end = bisect.bisect_right(self.instants, at)
        before = (
            (t, e)
            for t, e in zip(self.instants[:end], self.entries[:end], strict=True)
            if e.key == entry.key
        )
        *_, last = self._assessments(itertools.chain(before, ((at, entry),)))
        return last


def assess(
    entry: SymptomEntry,
    entries: Iterable[SymptomEntry],
    *,
    first_dose: dt.datetime,
    model: FlareModel | None = None,
    applies: bool = True,
    first_dose_given: bool = True,
) -> Assessment:
    """Assess one entry against the baseline drawn from ``entries``.

    It reads the log once (``O(n log n)``); to assess every entry of a log,
    call :func:`assess_all`, which reads it once for all of them.  An entry
    is read after the entries of its symptom before it (for a first worsening
    or a return to baseline); an entry not in ``entries`` is read after every
    entry at or before its instant.

    Args:
        entry: The entry to assess (it need not be in ``entries``).
        entries: The symptom log the baseline comes from.
        first_dose: When treatment started: the first dose actually given, or
            the planned first dose while none has been given.
        model: The flare model; :class:`FlareModel` defaults when None.
        applies: Whether the course has a window (see
            :func:`flare_window_applies`); without one, no entry is inside it.
        first_dose_given: Whether ``first_dose`` was actually given; without
            a dose given there is no window, and a worsening is read against
            its baseline only, for a clinician's attention.

    Raises:
        InvalidRecordError: ``entry`` or an item of ``entries`` is not a SymptomEntry.
        NaiveDatetimeError: ``first_dose`` is naive.
        SettingError: ``model`` is not a FlareModel.
    """
    entry = _check_entry(entry)  # before the log: the entry's error comes first
    log = FlareLog(
        entries,
        first_dose,
        _check_model(model),
        applies=applies,
        first_dose_given=first_dose_given,
    )
    return log.assess(entry)


def assess_all(
    entries: Iterable[SymptomEntry],
    *,
    first_dose: dt.datetime,
    first_dose_given: bool = True,
    model: FlareModel | None = None,
    applies: bool = True,
) -> tuple[Assessment, ...]:
    """Assess every entry of a symptom log, in one pass.

    The result equals ``assess(e, entries, ...)`` for each entry ``e``, in
    timeline order (by UTC instant; entries at one instant keep their order),
    but the log is sorted once and each symptom's baseline found once, so a
    log of ``n`` entries costs ``O(n log n)``.

    Args:
        entries: The symptom log (any symptoms, any order).
        first_dose: When treatment started (see :func:`assess`).
        first_dose_given: Whether ``first_dose`` is a recorded administration
            (see :func:`assess`).
        model: The flare model; :class:`FlareModel` defaults when None.
        applies: Whether the course has a window (see
            :func:`flare_window_applies`).

    Raises:
        InvalidRecordError: An entry is not a SymptomEntry.
        NaiveDatetimeError: ``first_dose`` is naive.
        SettingError: ``model`` is not a FlareModel.

    >>> import datetime as dt, zoneinfo
    >>> tz = zoneinfo.ZoneInfo("Europe/London")
    >>> first = dt.datetime(2026, 12, 1, 9, tzinfo=tz)
    >>> log = [
    ...     SymptomEntry(at=first + dt.timedelta(days=3), symptom="tremor", severity=6),
    ...     SymptomEntry(at=first - dt.timedelta(days=1), symptom="tremor", severity=4),
    ... ]
    >>> [a.category.name for a in assess_all(log, first_dose=first)]
    ['BASELINE', 'WORSE_IN_WINDOW']
    """
    log = FlareLog(
        entries,
        first_dose,
        _check_model(model),
        applies=applies,
        first_dose_given=first_dose_given,
    )
    return tuple(log.assess_all())


class FlareStatus(enum.Enum):
    """Where the record stands against the window at a given moment.

    - ``NOT_STARTED``: the window has not opened yet.
    - ``WINDOW_OPEN``: inside the window in which a transient worsening has
      been reported.
    - ``RESOLVED``: the window has closed, a worsening was recorded in it,
      and every symptom that worsened is logged back within the meaningful
      change of baseline (or better).
    - ``WORSE_AFTER_WINDOW``: the window has closed and a symptom's latest
      entry is still (or again) worse than baseline: for a clinician's
      attention.
    - ``NO_WORSENING_RECORDED``: the window has closed and no worsening was
      recorded in it.
    - ``NOT_APPLICABLE``: the course has no window (it starts with
      maintenance only; see :func:`flare_window_applies`).
    - ``NO_DOSE_GIVEN``: the window opens only after a dose is given, and
      none has been: a worsening is read against its baseline only, for a
      clinician's attention.

    ``PROLONGED`` and ``NO_FLARE`` are the names of 0.x, kept as aliases for
    one release.

    >>> str(FlareStatus.WORSE_AFTER_WINDOW)
    "still worse than baseline after the window closed (for a clinician's attention)"
    """

    NOT_STARTED = "window not open yet"
    WINDOW_OPEN = "within the window in which a transient worsening has been reported"
    RESOLVED = "back within baseline after a worsening in the window"
    WORSE_AFTER_WINDOW = (
        f"still worse than baseline after the window closed{_ATTENTION}"
    )
    NO_WORSENING_RECORDED = "no worsening recorded in the window"
    NOT_APPLICABLE = "no window: the course does not start replacement"
    NO_DOSE_GIVEN = "not open: no dose given yet"
    # Deprecated names (0.x), aliases for one release.
    PROLONGED = WORSE_AFTER_WINDOW
    NO_FLARE = NO_WORSENING_RECORDED

    def __str__(self) -> str:
        """Read as the status's words."""
        return self.value


@attrs.frozen(kw_only=True)
class FlareReport:
    """The record of one course against the window, at ``as_of``.

    Attributes:
        model: The model used.
        first_dose: The reference instant: the first dose actually given, or
            the planned first dose while none has been given (baselines are
            the entries before it).
        first_dose_given: Whether ``first_dose`` is a recorded administration.
        window: The window in which a transient worsening has been reported,
            or None when the course has none (:func:`flare_window_applies`)
            or no dose has been given yet.
        as_of: The moment described (entries after it are left out).
        status: Where the record stands.
        assessments: Every entry of the model's symptoms up to ``as_of``,
            assessed, oldest first.
        peak: The worst entry inside the window that is worse than baseline
            or flagged (the earliest of equals), if any.
        resolved_at: When every symptom that worsened in the window was first
            logged back within the meaningful change of baseline after its
            last worse entry; None while it is not (or none worsened).

    >>> import datetime as dt, zoneinfo
    >>> from b12course import Course, regimens
    >>> tz = zoneinfo.ZoneInfo("Europe/London")
    >>> first = dt.datetime(2026, 12, 1, 9, tzinfo=tz)
    >>> course = Course.begin(regimens.get("bnf-hydroxocobalamin-neuro"),
    ...                       first_dose=first)
    >>> course.flare(now=dt.datetime(2026, 12, 2, tzinfo=tz)).status
    <FlareStatus.NO_DOSE_GIVEN: 'not open: no dose given yet'>
    >>> course = course.record_dose(first)
    >>> report = course.flare(now=dt.datetime(2026, 12, 2, tzinfo=tz))
    >>> report.status
    <FlareStatus.NOT_STARTED: 'window not open yet'>
    >>> print(report)  # doctest: +NORMALIZE_WHITESPACE
    window not open yet (as of 2026-12-02 00:00;
    window 2026-12-03 09:00 to 2027-01-12 09:00)
    """

    model: FlareModel
    first_dose: dt.datetime
    first_dose_given: bool
    window: FlareWindow | None
    as_of: dt.datetime
    status: FlareStatus
    assessments: tuple[Assessment, ...]
    peak: Assessment | None
    resolved_at: dt.datetime | None

    @property
    def peak_severity(self) -> int | None:
        """The severity at the peak, if a worsening was recorded in the window."""
        return self.peak.entry.severity if self.peak is not None else None

    @property
    def peak_at(self) -> dt.datetime | None:
        """When the peak was logged, if a worsening was recorded in the window."""
        return self.peak.entry.at if self.peak is not None else None

    @property
    def resolution(self) -> dt.datetime | None:
        """``resolved_at``, under the name DESIGN.md gives it."""
        return self.resolved_at

    @property
    def time_to_resolution(self) -> dt.timedelta | None:
        """Elapsed time from the first dose to ``resolved_at``, if any."""
        if self.resolved_at is None:
            return None
        return utc(self.resolved_at) - utc(self.first_dose)

    @property
    def review_advised(self) -> bool:
        """True when the status or any entry is for a clinician's attention."""
        return self.status is FlareStatus.WORSE_AFTER_WINDOW or any(
            a.review_advised for a in self.assessments
        )

    @property
    def attention(self) -> tuple[Assessment, ...]:
        """The assessed entries that are for a clinician's attention, oldest first.

        Each one's reasons are its :attr:`Assessment.attention`.
        """
        return tuple(a for a in self.assessments if a.review_advised)

    def __str__(self) -> str:
        """Read as the status, the moment, the window, the peak and any flags."""
        parts = [f"as of {self.as_of:%Y-%m-%d %H:%M}"]
        if self.window is not None:
            parts.append(
                f"window {self.window.start:%Y-%m-%d %H:%M} to "
                f"{self.window.end:%Y-%m-%d %H:%M}"
            )
        if self.peak is not None:
            parts.append(
                f"peak {self.peak.entry.label} {self.peak.entry.severity}/10 "
                f"on {self.peak.entry.at:%Y-%m-%d}"
            )
        flagged = len(self.attention)
        if flagged:
            parts.append(
                f"{flagged} entr{'y' if flagged == 1 else 'ies'} for a "
                "clinician's attention"
            )
        return f"{self.status} ({'; '.join(parts)})"


def _resolution(assessments: list[Assessment]) -> dt.datetime | None:
    """Return when every symptom that worsened in the window was back at baseline.

    One pass: per symptom, the entry after its last worse entry.
    """
    flared = {a.entry.key for a in assessments if a.category.in_window}
    if not flared:
        return None
    # Per symptom that flared: the entry after its latest worse one (None
    # while the latest entry is itself worse).
    back: dict[Symptom | str, Assessment | None] = {}
    for a in assessments:
        key = a.entry.key
        if key not in flared:
            continue
        if a.category.worse:
            back[key] = None
        elif back.get(key) is None and key in back:
            back[key] = a
    times: list[dt.datetime] = []
    for key in flared:
        found = back.get(key)
        if found is None:
            return None
        times.append(found.entry.at)
    return max(times, key=utc)


def _status(  # noqa: PLR0911 - one return per status
    window: FlareWindow | None,
    cut: dt.datetime,
    assessments: list[Assessment],
    *,
    applies: bool,
) -> FlareStatus:
    if not applies:
        return FlareStatus.NOT_APPLICABLE
    if window is None:  # it applies, but no dose has been given
        return FlareStatus.NO_DOSE_GIVEN
    if cut < utc(window.start):
        return FlareStatus.NOT_STARTED
    if cut < utc(window.end):
        return FlareStatus.WINDOW_OPEN
    latest: dict[Symptom | str, Assessment] = {}
    for a in assessments:
        if a.category is not AssessmentCategory.BASELINE:
            latest[a.entry.key] = a
    if any(a.category.worse for a in latest.values()):
        return FlareStatus.WORSE_AFTER_WINDOW
    if any(a.category.in_window for a in assessments):
        return FlareStatus.RESOLVED
    return FlareStatus.NO_WORSENING_RECORDED


def flare_report(
    entries: Iterable[SymptomEntry],
    *,
    first_dose: dt.datetime,
    first_dose_given: bool,
    model: FlareModel | None = None,
    now: dt.datetime | None = None,
    applies: bool = True,
) -> FlareReport:
    """Describe the record of a symptom log against the window, as of ``now``.

    Args:
        entries: The symptom log (any symptoms, any order).
        first_dose: When treatment started (see :class:`FlareReport`).
        first_dose_given: Whether ``first_dose`` was actually given.
        model: The flare model; :class:`FlareModel` defaults when None.
        now: The moment to describe.  When None, the report describes the
            record as of its latest entry (or ``first_dose`` if there is none);
            domain code never reads the clock.
        applies: Whether the course has a window (see
            :func:`flare_window_applies`); without one the status is
            ``NOT_APPLICABLE`` and worse entries are for a clinician's attention.

    Without a dose given there is no window either: the status is
    ``NO_DOSE_GIVEN`` ("not open: no dose given yet") and a worsening is read
    against its baseline only, for a clinician's attention.

    Raises:
        InvalidRecordError: An entry is not a SymptomEntry.
        NaiveDatetimeError: ``first_dose`` or ``now`` is naive.
        SettingError: ``model`` is not a FlareModel.
    """
    chosen = _check_model(model)
    log = FlareLog(
        entries, first_dose, chosen, applies=applies, first_dose_given=first_dose_given
    )
    return report_of(log, now)


def read_log(
    entries: Iterable[SymptomEntry],
    *,
    first_dose: dt.datetime,
    first_dose_given: bool,
    model: FlareModel | None = None,
    applies: bool = True,
) -> FlareLog:
    """Read a symptom log once, for its assessments and its report both.

    :func:`assess_all`, :func:`assess` and :func:`flare_report` each read the
    log afresh; a view that asks for all of them (``b12course._view``) reads
    it once with this, then asks the one log (``log.assess_all()``,
    ``log.assess(entry)``, :func:`report_of`).  Same arguments and errors as
    :func:`flare_report`.
    """
    return FlareLog(
        entries,
        first_dose,
        _check_model(model),
        applies=applies,
        first_dose_given=first_dose_given,
    )


def report_of(log: FlareLog, now: dt.datetime | None) -> FlareReport:
    """The flare report of a log read by :func:`read_log`, as of ``now``.

    Raises:
        NaiveDatetimeError: ``now`` is naive.
    """
    chosen = log.model
    applies, first_dose_given = log.applies, log.given
    if now is not None:
        as_of = require_aware("now", now)
    else:
        as_of = log.entries[-1].at if log.entries else log.first_dose
    cut = utc(as_of)
    end = bisect.bisect_right(log.instants, cut)
    every = log.assess_all()
    assessments = [
        every[i] for i in range(end) if log.entries[i].symptom in chosen.symptoms
    ]
    in_window = [a for a in assessments if a.category.in_window]
    peak = max(in_window, key=lambda a: a.entry.severity, default=None)
    return FlareReport(
        model=chosen,
        first_dose=log.first_dose,
        first_dose_given=first_dose_given,
        window=log.window,
        as_of=as_of,
        status=_status(log.window, cut, assessments, applies=applies),
        assessments=tuple(assessments),
        peak=peak,
        resolved_at=_resolution(assessments),
    )
