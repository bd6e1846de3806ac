"""Response to treatment: the improvement plateau and the review points.

The UK neurological regimen gives injections "on alternate days until there is
no further improvement" (BNF via the Pernicious Anaemia Society, clinical.md
§1).  No guideline defines "no further improvement" in numbers, so
:class:`PlateauRule` states one explicitly and lets the caller change it: over
the latest few assessments of each tracked neurological symptom, spanning at
least some days, none improved by a meaningful change (2 points on NRS-11,
clinical.md §5).  Entries that fall in the flare window (a transient worsening
after treatment starts has been reported there) are left
out: a flare is not "no improvement".

A detected plateau never changes a plan by itself: the timeline reports it as
a suggestion (a :class:`Review` of kind ``PLATEAU_SUGGESTED``) for a clinician
to decide on.  A caller may opt in (``Course.plan(..., end_on_plateau=True)``),
and the plan then treats the plateau as a :class:`~b12course.PhaseDecision`
with basis ``PLATEAU``, and what follows is provisional.

Review points (:class:`Review`) mark when the record should be looked at: the
review point of an "until no further improvement" phase, and the treatment
review NICE NG239 sets: "People should be reviewed after 3m of treatment (or
after 1m in those pregnant or breastfeeding)" (NASGP summary, clinical.md §1).
"""

from __future__ import annotations

import datetime as dt
import enum
import zoneinfo
from collections import deque
from collections.abc import Callable, Iterable

import attrs

from b12course._flare import FlareModel, assess_all
from b12course._regimen import Cadence
from b12course._symptoms import MEANINGFUL_CHANGE, Symptom, SymptomEntry
from b12course._time import local, require_aware, resolve, utc
from b12course.exceptions import SettingError

__all__ = [
    "CONDITION_REVIEW_SOURCE",
    "LAB_RESULT_REVIEW_SOURCE",
    "LOADING_REVIEW_SOURCE",
    "PLATEAU_SUGGESTION_SOURCE",
    "TREATMENT_REVIEW_SOURCE",
    "PlateauRule",
    "Review",
    "ReviewKind",
    "find_plateau",
    "treatment_review",
]

_NEUROLOGICAL = frozenset(s for s in Symptom if s.is_neurological)


def _symptom_set(value: object) -> frozenset[Symptom]:
    if isinstance(value, (str, Symptom)):
        value = (value,)
    try:
        chosen = frozenset(Symptom(v) for v in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError) as exc:
        raise SettingError(f"symptoms must be Symptom members, not {value!r}") from exc
    if not chosen:
        raise SettingError("a plateau rule needs at least one symptom to track")
    return chosen


def _int_at_least(
    minimum: int,
) -> Callable[[object, attrs.Attribute[int], object], None]:
    def check(
        _instance: object, attribute: attrs.Attribute[int], value: object
    ) -> None:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise SettingError(
                f"{attribute.name} must be a whole number >= {minimum}, not {value!r}"
            )

    return check


def _flare_model(
    _instance: object, _attribute: attrs.Attribute[FlareModel], value: object
) -> None:
    if not isinstance(value, FlareModel):
        raise SettingError(f"flare must be a FlareModel, not {value!r}")


@attrs.frozen(kw_only=True)
class PlateauRule:
    """When the symptom log counts as showing "no further improvement".

    At an entry's time the log has plateaued when, for every tracked symptom
    logged since the phase began, the symptom's window shows no improvement.
    The window is the symptom's latest ``assessments`` entries, extended back
    to the latest entry at least ``days`` calendar days (in the course's zone)
    before the newest; a symptom not yet logged that long ago has no window.
    No improvement means no entry of the window is better than its first by
    ``min_change`` points or more.  Entries inside the window in which a
    transient worsening has been reported (see :class:`~b12course.FlareModel`)
    are left out.

    The defaults are this library's choice, not a guideline's: none defines a
    plateau.  ``min_change`` 2 is the NRS-11 meaningful change (clinical.md
    §5); 3 assessments over at least 7 days fit inside the 2-week review point
    of the neurological loading phase (NHS Lothian RefHelp, clinical.md §1).

    Attributes:
        symptoms: The symptoms tracked (the neurological ones by default:
            all named symptoms but fatigue).
        min_change: Points of improvement that count as improvement.
        assessments: How many of the latest entries per symptom are compared (>= 2).
        days: The least span, in calendar days, those entries must cover.
        flare: The flare model that says which entries fall in the flare window.

    Raises:
        SettingError: A setting is out of range or of the wrong kind.

    >>> rule = PlateauRule(symptoms={Symptom.MYOCLONUS, Symptom.PARESTHESIA}, days=10)
    >>> rule.min_change, rule.assessments
    (2, 3)
    """

    symptoms: frozenset[Symptom] = attrs.field(
        default=_NEUROLOGICAL, converter=_symptom_set
    )
    min_change: int = attrs.field(
        default=MEANINGFUL_CHANGE,
        validator=_int_at_least(1),
    )
    assessments: int = attrs.field(
        default=3,
        validator=_int_at_least(2),
    )
    days: int = attrs.field(
        default=7,
        validator=_int_at_least(0),
    )
    flare: FlareModel = attrs.field(factory=FlareModel, validator=_flare_model)


class _Run:
    """One tracked symptom's entries since the phase began, read as they come.

    Whether the run shows no improvement (see :class:`PlateauRule`) is kept
    up to date in amortised ``O(1)`` per entry: the anchor (the latest entry
    at least ``days`` calendar days before the newest) only moves forward,
    and so does the start of the compared window, whose least severity past
    its first entry is kept in a monotone queue.
    """

    __slots__ = ("anchor", "days", "least", "rule", "severities", "zone")

    def __init__(self, rule: PlateauRule, zone: zoneinfo.ZoneInfo) -> None:
        self.rule = rule
        self.zone = zone
        self.days: list[dt.date] = []
        self.severities: list[int] = []
        self.anchor = -1  # no entry is old enough yet
        # Indices of the window's candidate least severities, increasing.
        self.least: deque[int] = deque()

    def add(self, entry: SymptomEntry) -> bool:
        """Append ``entry`` (the newest) and return whether the run has plateaued."""
        days, severities, rule = self.days, self.severities, self.rule
        last_day = entry.at.astimezone(self.zone).date()
        days.append(last_day)
        severities.append(entry.severity)
        newest = len(days) - 1
        least = self.least
        while least and severities[least[-1]] >= entry.severity:
            least.pop()
        least.append(newest)
        cover = last_day - dt.timedelta(days=rule.days)
        # The latest entry on or before `cover`; never before the last one
        # found, as `cover` only grows.
        for i in range(newest, self.anchor, -1):
            if days[i] <= cover:
                self.anchor = i
                break
        if self.anchor < 0 or len(days) < rule.assessments:
            return False
        first = min(self.anchor, len(days) - rule.assessments)
        while least[0] <= first:
            least.popleft()
        return severities[first] - severities[least[0]] < rule.min_change


def find_plateau(
    entries: Iterable[SymptomEntry],
    *,
    since: dt.datetime,
    first_dose: dt.datetime,
    zone: zoneinfo.ZoneInfo,
    rule: PlateauRule | None = None,
    first_dose_given: bool = True,
) -> dt.datetime | None:
    """Return the first instant after ``since`` at which the log shows a plateau.

    The log is read once: ``O(n log n)`` in its entries.

    Args:
        entries: The symptom log, in any order.
        since: When the phase began (its first dose); only entries at or after
            it are read, and the result is always strictly after it.
        first_dose: When treatment started, for the flare window and baselines.
        zone: The course's zone, for calendar days.
        rule: The rule; :class:`PlateauRule` defaults when None.
        first_dose_given: Whether ``first_dose`` was given (without a dose
            given there is no flare window, and no entry is left out).

    Returns:
        The time of the entry that completed the plateau, or None.

    Raises:
        NaiveDatetimeError: ``since`` or ``first_dose`` is naive.
        SettingError: ``rule`` is not a PlateauRule.
    """
    chosen = PlateauRule() if rule is None else rule
    if not isinstance(chosen, PlateauRule):
        raise SettingError.wrong_kind("rule", chosen, "a PlateauRule or None")
    start = utc(require_aware("since", since))
    # Every entry assessed once, in timeline order; those in the flare window
    # are left out (a flare is not "no improvement").
    assessed = assess_all(
        entries,
        first_dose=first_dose,
        first_dose_given=first_dose_given,
        model=chosen.flare,
    )
    runs: dict[Symptom, _Run] = {}
    plateaued: dict[Symptom, bool] = {}
    for assessment in assessed:
        entry = assessment.entry
        if (
            entry.symptom not in chosen.symptoms
            or utc(entry.at) < start
            or assessment.category.in_window
        ):
            continue
        run = runs.get(entry.symptom)
        if run is None:
            run = runs[entry.symptom] = _Run(chosen, zone)
        plateaued[entry.symptom] = run.add(entry)
        if utc(entry.at) > start and all(plateaued.values()):
            return entry.at
    return None


class ReviewKind(enum.Enum):
    """Which review a :class:`Review` is.

    - ``LOADING_PHASE``: the review point of an "until no further improvement"
      phase: a clinician decides whether the phase continues.
    - ``TREATMENT``: the NICE NG239 treatment review.
    - ``PLATEAU_SUGGESTED``: the symptom log shows no further improvement in
      an undecided "until no further improvement" phase.  A suggestion for a
      clinician, never a decision: the plan changes only when one is recorded.
    - ``CONDITION``: at the end of the phase before a conditional one, a
      clinician checks the response before the conditional doses (the FDA
      label's alternate-day doses follow only "If there is clinical
      improvement and if a reticulocyte response is observed").

    >>> [str(kind) for kind in ReviewKind]  # doctest: +NORMALIZE_WHITESPACE
    ['loading-phase review', 'treatment review', 'plateau suggested',
     'condition review']
    """

    LOADING_PHASE = "loading-phase review"
    TREATMENT = "treatment review"
    PLATEAU_SUGGESTED = "plateau suggested"
    CONDITION = "condition review"

    def __str__(self) -> str:
        """Print the value, as every rendering shows it."""
        return self.value


@attrs.frozen(kw_only=True)
class Review:
    """A point at which the course should be reviewed.

    Attributes:
        at: When (aware, in the course zone).
        kind: Which review.
        source: Where the review point comes from.
        phase: The index of the phase reviewed, for a phase's review.
        phase_name: The name of that phase, as people read it.
        months: For the treatment review, the months after treatment began.
        condition: For a condition review, the condition of the phase that
            follows, in its source's words.
        wording: For a phase's review, what happens at it when the phase's
            end says so ("a clinician checks whether the blood count is
            normal and decides whether to continue"); None for the default.

    >>> import datetime as dt, zoneinfo
    >>> from b12course import Course, regimens
    >>> tz = zoneinfo.ZoneInfo("Europe/London")
    >>> course = Course.begin(regimens.get("bnf-hydroxocobalamin-neuro"),
    ...                       first_dose=dt.datetime(2026, 12, 1, 9, tzinfo=tz))
    >>> for review in course.reviews(until=dt.datetime(2027, 6, 1, tzinfo=tz)):
    ...     print(review)
    2026-12-15 09:00 GMT  loading review: a clinician decides whether to continue
    2027-03-01 09:00 GMT  treatment review: 3 months after treatment began (NICE NG239)
    """

    at: dt.datetime
    kind: ReviewKind
    source: str
    phase: int | None = None
    phase_name: str | None = None
    months: int | None = None
    condition: str | None = None
    wording: str | None = None

    @property
    def description(self) -> str:
        """What the review is, in one line a person reads."""
        name = self.phase_name or "loading"
        if self.kind is ReviewKind.CONDITION:
            return (
                f"review before the {name} phase: a clinician checks the "
                f"response; the {name} doses are given only {self.condition}"
            )
        if self.kind is ReviewKind.LOADING_PHASE:
            wording = self.wording or "a clinician decides whether to continue"
            return f"{name} review: {wording}"
        if self.kind is ReviewKind.PLATEAU_SUGGESTED:
            return (
                f"{name} review suggested: the symptom log shows no further "
                "improvement; a clinician decides whether to end the phase"
            )
        months = self.months or 3
        unit = "month" if months == 1 else "months"
        return f"treatment review: {months} {unit} after treatment began (NICE NG239)"

    @property
    def headline(self) -> str:
        """The review's kind and what happens at it, in one line.

        "treatment review: 1 month after treatment began (NICE NG239)".
        """
        detail = self.description.split(": ", 1)[-1]
        return f"{self.kind.value}: {detail}"

    def __str__(self) -> str:
        """Read as "2026-12-15 09:00 GMT  loading review: a clinician decides..."."""
        return f"{self.at:%Y-%m-%d %H:%M %Z}  {self.description}"


LOADING_REVIEW_SOURCE = (
    "the review point of an 'until no further improvement' phase "
    "(default 2 weeks: NHS Lothian RefHelp)"
)
LAB_RESULT_REVIEW_SOURCE = (
    "the review point of a phase that runs until a lab result is reached (the "
    "UK cyanocobalamin SmPC: '250 micrograms weekly until blood count returns "
    "to normal'); 6 weeks is this library's choice, as 'normalization of the "
    "complete blood count requires about eight weeks' (Briani 2013)"
)
CONDITION_REVIEW_SOURCE = (
    "the condition the phase's source attaches to it; its doses, and those "
    "after it, are provisional until a clinician confirms the condition"
)
PLATEAU_SUGGESTION_SOURCE = (
    "the symptom log, read by the default PlateauRule (this library's choice: "
    "no guideline defines a plateau); a suggestion, never a decision"
)
TREATMENT_REVIEW_SOURCE = (
    "NICE NG239 via the NASGP summary: 'People should be reviewed after 3m of "
    "treatment (or after 1m in those pregnant or breastfeeding)'"
)


def treatment_review(
    first_dose: dt.datetime,
    zone: zoneinfo.ZoneInfo,
    *,
    pregnant_or_breastfeeding: bool = False,
) -> Review:
    """Return the NICE NG239 treatment review: 3 calendar months after treatment began.

    The review keeps the first dose's local wall-clock time; a month that is
    shorter clamps to its last day (31 Nov does not exist: 30 Nov).

    Args:
        first_dose: When treatment started (the first dose given, or planned).
        zone: The course's zone.
        pregnant_or_breastfeeding: Review after 1 month instead (NG239).
    """
    months = 1 if pregnant_or_breastfeeding else 3
    wall = Cadence.every_months(months).occurrence(local(first_dose, zone), 1)
    return Review(
        at=resolve(wall, zone),
        kind=ReviewKind.TREATMENT,
        source=TREATMENT_REVIEW_SOURCE,
        months=months,
    )
