"""Regimens: what to give, how, how often, and for how long.

A :class:`Regimen` is an ordered tuple of :class:`Phase` objects, e.g. a
loading phase of alternate-day injections followed by lifelong maintenance
every two months.  Each phase has a :class:`Dose` (drug, amount, route), a
:class:`Cadence` (how often) and an end (:class:`Count`, :class:`Lasting`,
:class:`UntilNoFurtherImprovement` or :class:`Indefinite`).  These are pure
descriptions: the dosing plan is derived from them by ``_schedule``.

Cadences work in local wall-clock time: day and week intervals are calendar
days, and month intervals are anchored (dose *k* falls on ``anchor + k`` months,
clamped to the end of shorter months), so they never drift.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import TypeVar, Union

import attrs

from b12course._checks import instance_of
from b12course._text import text_validator
from b12course._units import Amount
from b12course.exceptions import (
    ImplausibleDoseError,
    OffLabelRouteWarning,
    RegimenError,
)

__all__ = [
    "Anchoring",
    "Cadence",
    "Count",
    "Dose",
    "Drug",
    "Indefinite",
    "Lasting",
    "Phase",
    "PhaseEnd",
    "Regimen",
    "Route",
    "UntilLabResult",
    "UntilNoFurtherImprovement",
]


class Drug(enum.Enum):
    """A form of vitamin B12.

    >>> str(Drug.parse("Cyanocobalamin"))
    'cyanocobalamin'
    """

    HYDROXOCOBALAMIN = "hydroxocobalamin"
    CYANOCOBALAMIN = "cyanocobalamin"
    METHYLCOBALAMIN = "methylcobalamin"

    def __str__(self) -> str:
        """Read as the drug's name."""
        return self.value

    @classmethod
    def parse(cls, text: object) -> Drug:
        """Read a drug from its name (``"cyanocobalamin"``), case-insensitive.

        Raises:
            RegimenError: The value names no form of B12 that b12course knows.
        """
        if isinstance(text, Drug):
            return text
        if isinstance(text, str):
            key = text.strip().lower()
            for drug in cls:
                if key in {drug.value, drug.name.lower()}:
                    return drug
        names = ", ".join(d.value for d in cls)
        raise RegimenError(f"unknown drug {text!r:.60}; use one of {names}")


class Route(enum.Enum):
    """How a dose is given.

    ``SC`` (subcutaneous) and ``DEEP_SC`` (deep subcutaneous, the FDA label's
    alternative to IM) are distinct routes.  Intravenous replacement has no
    member: :meth:`parse` refuses ``"IV"`` and says why (clinical.md section 6).

    >>> [str(Route.parse(t)) for t in ("PO", "SL", "subcut", "deep SC", "IN")]
    ['oral', 'sublingual', 'subcutaneous', 'deep subcutaneous', 'intranasal']
    """

    IM = "intramuscular"
    SC = "subcutaneous"
    DEEP_SC = "deep subcutaneous"
    ORAL = "oral"
    INTRANASAL = "intranasal"
    SUBLINGUAL = "sublingual"

    def __str__(self) -> str:
        """Read as the route's name."""
        return self.value

    @property
    def abbreviation(self) -> str:
        """The short clinical form (IM, SC, deep SC, oral, intranasal, sublingual)."""
        return _ROUTE_ABBREVIATIONS[self]

    @property
    def injected(self) -> bool:
        """True for the routes given by injection (IM, SC, deep SC)."""
        return self in {Route.IM, Route.SC, Route.DEEP_SC}

    @classmethod
    def parse(cls, text: object) -> Route:
        """Read a route from its name, value or abbreviation.

        Accepted (case, spaces, ``-`` and ``_`` do not matter): IM,
        intramuscular; SC, subcut, subcutaneous; deep SC, deep subcut, deep
        subcutaneous; PO, oral, by mouth; SL, sublingual; IN, nasal, intranasal.

        Raises:
            ImplausibleDoseError: The route is intravenous (see :data:`IV_REASON`).
            RegimenError: The value names no route.
        """
        if isinstance(text, Route):
            return text
        if isinstance(text, str):
            key = " ".join(
                text.strip().lower().replace("_", " ").replace("-", " ").split()
            )
            if key in {"iv", "intravenous", "i.v."}:
                raise ImplausibleDoseError(IV_REASON)
            route = _ROUTE_WORDS.get(key.replace(".", "").replace("/", ""))
            if route is not None:
                return route
        raise RegimenError(
            f"unknown route {text!r:.60}; use one of IM, SC, deep SC, oral (PO), "
            "sublingual (SL), intranasal (IN)"
        )


#: Why :meth:`Route.parse` refuses intravenous entries: a product choice of
#: b12course, with the FDA cyanocobalamin label's reason (clinical.md section 6).
IV_REASON = (
    "b12course does not plan intravenous B12 replacement: the FDA "
    "cyanocobalamin injection label says to avoid the intravenous route, as "
    "'almost all of the vitamin' is then 'lost in the urine' (and gram-dose IV "
    "hydroxocobalamin is the cyanide antidote, not replacement); record the "
    "dose as IM, SC or deep SC if that is how it was given"
)

_ROUTE_WORDS = {
    "im": Route.IM,
    "intramuscular": Route.IM,
    "sc": Route.SC,
    "sq": Route.SC,
    "subcut": Route.SC,
    "subcutaneous": Route.SC,
    "deep sc": Route.DEEP_SC,
    "deep sq": Route.DEEP_SC,
    "deep subcut": Route.DEEP_SC,
    "deep subcutaneous": Route.DEEP_SC,
    "po": Route.ORAL,
    "oral": Route.ORAL,
    "by mouth": Route.ORAL,
    "sl": Route.SUBLINGUAL,
    "sublingual": Route.SUBLINGUAL,
    "in": Route.INTRANASAL,
    "nasal": Route.INTRANASAL,
    "intranasal": Route.INTRANASAL,
}

_ROUTE_ABBREVIATIONS = {
    Route.IM: "IM",
    Route.SC: "SC",
    Route.DEEP_SC: "deep SC",
    Route.ORAL: "oral",
    Route.INTRANASAL: "intranasal",
    Route.SUBLINGUAL: "sublingual",
}

# Plausibility bounds per route, in micrograms (clinical.md section 6,
# "Plausibility bounds for input validation"): our derivation from the
# labelled doses, not guideline maxima.  The largest labelled or guideline
# injection is 1 mg (BNF, UK SmPC, FDA labels); drugs.com lists oral strengths
# up to 5000 mcg.  Anything above is refused as a likely mcg/mg mix-up.
_MAX_MICROGRAMS = {
    Route.IM: 1_000,
    Route.SC: 1_000,
    Route.DEEP_SC: 1_000,
    Route.ORAL: 5_000,
    Route.SUBLINGUAL: 5_000,
}
#: The labelled intranasal doses, in micrograms: Nascobal "one spray (500
#: mcg) ... once weekly" (drugs.com/dosage/nascobal.html); CaloMist "one spray
#: in each nostril once daily (25 mcg per nostril, total daily dose 50 mcg)",
#: increased to "one spray in each nostril twice daily (total daily dose 100
#: mcg)" (rxlist.com/calomist-nasal-spray-drug/indications-dosage.htm), so one
#: administration is 25 or 50 mcg, and a day's total 50 or 100 mcg.
INTRANASAL_DOSES = frozenset({25, 50, 100, 500})


def _check_plausible(amount: Amount, route: Route) -> None:
    if route is Route.INTRANASAL:
        if amount.micrograms not in INTRANASAL_DOSES:
            raise ImplausibleDoseError(
                f"{amount} intranasal is implausible: not a labelled dose; the "
                "labels give 500 mcg (Nascobal, one spray weekly) and 25 mcg per "
                "spray (CaloMist: 50 or 100 mcg a day); use 25, 50, 100 or 500 mcg",
                micrograms=amount.micrograms,
                route=route,
            )
        return
    limit = _MAX_MICROGRAMS[route]
    if amount.micrograms > limit:
        raise ImplausibleDoseError(
            f"{amount} {route.abbreviation} is implausible: above {Amount(limit)}, "
            f"the largest {route.abbreviation} dose in the labels and guidelines "
            "b12course follows; check the unit (mcg and mg differ a thousandfold)",
            micrograms=amount.micrograms,
            route=route,
        )


def off_label(dose: Dose) -> OffLabelRouteWarning | None:
    """Return the warning for a drug given by a route outside its label, if any.

    Only hydroxocobalamin has one: it is labelled IM only (UK SmPC emc 31182;
    US label; clinical.md L2).  Cyanocobalamin is labelled IM, deep SC (FDA),
    oral and intranasal (Nascobal); methylcobalamin has no label b12course
    follows.

    >>> print(off_label(Dose("hydroxocobalamin", "1 mg", "SC")))  # doctest: +ELLIPSIS
    hydroxocobalamin SC is outside its label, ... emc 31182: ...
    >>> off_label(Dose("hydroxocobalamin", "1 mg", "IM")) is None
    True
    """
    if dose.drug is Drug.HYDROXOCOBALAMIN and dose.route is not Route.IM:
        return OffLabelRouteWarning.hydroxocobalamin(dose.route.abbreviation)
    return None


def _to_amount(value: Amount | str | int) -> Amount:
    return Amount.coerce(value)


def _to_route(value: Route | str) -> Route:
    return Route.parse(value)


def _to_drug(value: Drug | str) -> Drug:
    return Drug.parse(value)


@attrs.frozen
class Dose:
    """One dose: a drug, an exact amount and a route, checked for plausibility.

    Attributes:
        drug: The form of B12 (a :class:`Drug` or its name).
        amount: The exact amount (text such as ``"1 mg"`` is parsed).
        route: How it is given (a :class:`Route` or its name or abbreviation).

    Raises:
        ImplausibleDoseError: The amount is implausible for the route (e.g. an
            IM dose above 1 mg, or any dose in grams).
        RegimenError: The drug or route names nothing b12course knows.

    >>> d = Dose("cyanocobalamin", "1,000 mcg", "SC")
    >>> str(d)
    'cyanocobalamin 1 mg SC'
    """

    drug: Drug = attrs.field(converter=_to_drug)
    amount: Amount = attrs.field(converter=_to_amount)
    route: Route = attrs.field(converter=_to_route)

    def __attrs_post_init__(self) -> None:
        _check_plausible(self.amount, self.route)

    def __str__(self) -> str:
        """Read as drug, amount and route."""
        return f"{self.drug.value} {self.amount} {self.route.abbreviation}"


_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


_Day = TypeVar("_Day", dt.date, dt.datetime)


def _add_months(anchor: _Day, months: int) -> _Day:
    """Return ``anchor`` plus ``months`` calendar months, clamped to the month's end.

    Equal to ``anchor + relativedelta(months=months)``, several times faster
    (this is the hot path of lifelong monthly plans), and without importing
    dateutil, which keeps start-up short.
    """
    index = anchor.month - 1 + months
    year, month = anchor.year + index // 12, index % 12 + 1
    last = _DAYS_IN_MONTH[month - 1]
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):  # noqa: PLR2004
        last = 29
    day = min(anchor.day, last)
    if type(anchor) is dt.datetime and anchor.tzinfo is None and not anchor.fold:
        # A wall time (plans step naive wall times): built from the fields,
        # ``datetime.replace`` is slow in CPython.
        return dt.datetime(  # noqa: DTZ001 - a wall time, as the anchor
            year,
            month,
            day,
            anchor.hour,
            anchor.minute,
            anchor.second,
            anchor.microsecond,
        )
    return anchor.replace(year=year, month=month, day=day)


class _Unit(enum.Enum):
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"
    WEEKDAYS = "weekdays"


# 100 years, the longest interval or span the model accepts.
_MAX_DAYS = 36_525
_MAX_EVERY = {_Unit.DAYS: _MAX_DAYS, _Unit.WEEKS: _MAX_DAYS // 7, _Unit.MONTHS: 1_200}
_WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _check_every(
    _instance: object, _attribute: attrs.Attribute[int], value: int
) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RegimenError(f"an interval must be a whole number >= 1, not {value!r}")


def _sorted_weekdays(days: object) -> tuple[int, ...]:
    try:
        values = tuple(sorted(set(days)))  # type: ignore[call-overload]
    except TypeError as exc:
        raise RegimenError(
            f"weekdays must be integers 0 (Mon) to 6 (Sun), not {days!r}"
        ) from exc
    for day in values:
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:  # noqa: PLR2004
            raise RegimenError(
                f"weekdays must be integers 0 (Mon) to 6 (Sun), not {days!r}"
            )
    return values


@attrs.frozen
class Cadence:
    """How often doses fall, in local wall-clock time.

    Build one with the named constructors; the fields are an implementation
    detail of those.  Occurrence 0 is the anchor itself (the phase's first dose,
    or the dose it re-anchors on); occurrence *k* is:

    - ``every_days(n)`` / ``every_weeks(n)``: ``k * n`` calendar days (or weeks)
      later, at the same local time, whatever daylight saving does;
    - ``every_months(n)``: ``anchor + k * n`` months, clamped to the month's
      end (31 Jan -> 28/29 Feb -> 31 Mar), never ``previous + n`` months;
    - ``on_weekdays(...)``: the *k*-th listed weekday after the anchor's date.

    Attributes:
        unit: days, weeks, months or weekdays.
        every: The interval, a whole number >= 1 (1 for weekday cadences).
        weekdays: For weekday cadences, the days (0 = Monday ... 6 = Sunday).

    >>> import datetime as dt
    >>> Cadence.every_months(1).occurrence(dt.datetime(2027, 1, 31, 9), 1)
    datetime.datetime(2027, 2, 28, 9, 0)
    >>> str(Cadence.three_times_weekly())
    'Mon, Wed, Fri'
    """

    unit: _Unit = attrs.field(validator=instance_of(_Unit, "a cadence unit"))
    every: int = attrs.field(validator=_check_every)
    weekdays: tuple[int, ...] = attrs.field(default=(), converter=_sorted_weekdays)

    def __attrs_post_init__(self) -> None:
        if (self.unit is _Unit.WEEKDAYS) != bool(self.weekdays):
            raise RegimenError(
                "only a weekday cadence lists weekdays, and it needs one"
            )
        if self.unit is _Unit.WEEKDAYS and self.every != 1:
            raise RegimenError("a weekday cadence repeats every week (every=1)")
        if self.every > _MAX_EVERY.get(self.unit, 1):
            # Longer intervals are no regimen, and would overflow the calendar.
            raise RegimenError(
                f"an interval of {self.every} {self.unit.value} is longer than "
                "100 years"
            )

    @classmethod
    def every_days(cls, n: int) -> Cadence:
        """Every ``n`` calendar days (``every_days(2)`` is alternate days)."""
        return cls(_Unit.DAYS, n)

    @classmethod
    def daily(cls) -> Cadence:
        """Every calendar day."""
        return cls.every_days(1)

    @classmethod
    def every_weeks(cls, n: int) -> Cadence:
        """Every ``n`` weeks, on the anchor's weekday."""
        return cls(_Unit.WEEKS, n)

    @classmethod
    def every_months(cls, n: int) -> Cadence:
        """Every ``n`` months, anchored on the phase's first dose."""
        return cls(_Unit.MONTHS, n)

    @classmethod
    def on_weekdays(cls, *days: int) -> Cadence:
        """On the given weekdays (0 = Monday ... 6 = Sunday) each week."""
        return cls(_Unit.WEEKDAYS, 1, days)

    @classmethod
    def three_times_weekly(cls) -> Cadence:
        """Monday, Wednesday and Friday: the usual reading of "three times a week"."""
        return cls.on_weekdays(0, 2, 4)

    def occurrence(self, anchor: dt.datetime, k: int) -> dt.datetime:
        """Return the naive local wall-clock time of occurrence ``k`` after ``anchor``.

        Args:
            anchor: A naive local wall-clock datetime (occurrence 0).
            k: How many occurrences after the anchor (``k >= 0``).
        """
        if self.unit is _Unit.DAYS:
            return anchor + dt.timedelta(days=k * self.every)
        if self.unit is _Unit.WEEKS:
            return anchor + dt.timedelta(weeks=k * self.every)
        if self.unit is _Unit.MONTHS:
            return _add_months(anchor, k * self.every)
        return self._weekday_occurrence(anchor, k)

    def _weekday_occurrence(self, anchor: dt.datetime, k: int) -> dt.datetime:
        if k == 0:
            return anchor
        days = self.weekdays
        per_week = len(days)
        # Index of the first listed weekday strictly after the anchor's weekday.
        start = next((i for i, d in enumerate(days) if d > anchor.weekday()), per_week)
        index = start + k - 1
        weeks, position = divmod(index, per_week)
        offset = days[position] - anchor.weekday() + 7 * weeks
        return anchor + dt.timedelta(days=offset)

    @property
    def approximate_days(self) -> float:
        """The mean interval in days, for display and sanity checks only."""
        if self.unit is _Unit.DAYS:
            return float(self.every)
        if self.unit is _Unit.WEEKS:
            return 7.0 * self.every
        if self.unit is _Unit.MONTHS:
            return 30.436875 * self.every
        return 7.0 / len(self.weekdays)

    def __str__(self) -> str:
        """Describe the cadence in words."""
        if self.unit is _Unit.WEEKDAYS:
            return ", ".join(_WEEKDAY_NAMES[d] for d in self.weekdays)
        if self.every == 1:
            return {"days": "daily", "weeks": "weekly", "months": "monthly"}[
                self.unit.value
            ]
        if self.unit is _Unit.DAYS and self.every == 2:  # noqa: PLR2004
            return "alternate days"
        return f"every {self.every} {self.unit.value}"


def _positive_int(
    _instance: object, attribute: attrs.Attribute[int], value: int
) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RegimenError(
            f"{attribute.name} must be a whole number >= 1, not {value!r}"
        )


def _non_negative_int(
    _instance: object, attribute: attrs.Attribute[int], value: int
) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise RegimenError(
            f"{attribute.name} must be a whole number >= 0, not {value!r}"
        )


@attrs.frozen
class Count:
    """The phase ends once ``n`` of its doses are given (skipped ones do not count).

    >>> Count(6)
    Count(n=6)
    """

    n: int = attrs.field(validator=_positive_int)

    def __str__(self) -> str:
        """Read as "N doses"."""
        return f"{self.n} dose{'s' if self.n != 1 else ''}"


@attrs.frozen(kw_only=True)
class Lasting:
    """The phase lasts a span of calendar time from its first dose, half-open.

    Doses whose local date falls before ``first dose date + span`` belong to the
    phase.

    >>> str(Lasting(weeks=2))
    '2 weeks'
    """

    days: int = attrs.field(default=0, validator=_non_negative_int)
    weeks: int = attrs.field(default=0, validator=_non_negative_int)
    months: int = attrs.field(default=0, validator=_non_negative_int)

    def __attrs_post_init__(self) -> None:
        if not (self.days or self.weeks or self.months):
            raise RegimenError("Lasting needs a positive span (days, weeks or months)")
        if self.days + 7 * self.weeks + 31 * self.months > _MAX_DAYS:
            raise RegimenError(f"a span of {self} is longer than 100 years")

    def end_date(self, start: dt.date) -> dt.date:
        """Return the first local date after the span that starts on ``start``."""
        # As relativedelta(months=..., weeks=..., days=...) adds them: the
        # months first (clamped to the month's end), then the days.
        moved = _add_months(start, self.months) if self.months else start
        return moved + dt.timedelta(weeks=self.weeks, days=self.days)

    def __str__(self) -> str:
        """Read as the span in words."""
        parts = [
            f"{n} {name}{'s' if n != 1 else ''}"
            for n, name in (
                (self.months, "month"),
                (self.weeks, "week"),
                (self.days, "day"),
            )
            if n
        ]
        return " ".join(parts)


@attrs.frozen(kw_only=True)
class UntilNoFurtherImprovement:
    """The phase runs until a clinician records that improvement has stopped.

    The UK neurological regimen gives hydroxocobalamin "on alternate days until
    there is no further improvement" (BNF via the Pernicious Anaemia Society;
    clinical.md section 1) with no national maximum.  The phase runs until a
    decision is recorded; its review point (default 2 weeks, after NHS Lothian
    RefHelp: "discontinue alternate day IM treatment after 2 weeks" for mild
    sensory symptoms that do not respond) is when a clinician is asked to
    decide, not an end.

    Attributes:
        review_after: The span from the phase's first dose to its review point.

    >>> end = UntilNoFurtherImprovement()
    >>> str(end)
    'until no further improvement (review after 2 weeks)'
    >>> end.review_wording
    'a clinician decides whether to continue'
    """

    review_after: Lasting = attrs.field(
        factory=lambda: Lasting(weeks=2),
        validator=instance_of(Lasting, "a Lasting span"),
    )

    @property
    def review_wording(self) -> str:
        """What happens at the review point, in words a person reads."""
        return "a clinician decides whether to continue"

    def __str__(self) -> str:
        """Read as the clinical wording."""
        return f"until no further improvement (review after {self.review_after})"


@attrs.frozen(kw_only=True)
class UntilLabResult(UntilNoFurtherImprovement):
    """The phase runs until a clinician records that a lab result was reached.

    The UK cyanocobalamin SmPC gives "250 micrograms weekly until blood count
    returns to normal": the phase's end is decided by a result the record does
    not hold, so, like :class:`UntilNoFurtherImprovement` (of which this is a
    subclass, and which the plan treats identically), it runs until a decision
    is recorded, with a review point at which a clinician looks at the result.

    Attributes:
        review_after: The span from the phase's first dose to its review point.
        result: The result that ends the phase, in words ("the blood count is
            normal").

    >>> end = UntilLabResult(review_after=Lasting(weeks=6))
    >>> str(end)
    'until the blood count is normal (review after 6 weeks)'
    >>> end.review_wording  # doctest: +NORMALIZE_WHITESPACE
    'a clinician checks whether the blood count is normal and decides whether
    to continue'
    """

    result: str = attrs.field(
        default="the blood count is normal", validator=text_validator
    )

    def __attrs_post_init__(self) -> None:
        if not self.result.strip():
            raise RegimenError("UntilLabResult needs the result that ends the phase")

    @property
    def review_wording(self) -> str:
        """What happens at the review point, in words a person reads."""
        return (
            f"a clinician checks whether {self.result} and decides whether to continue"
        )

    def __str__(self) -> str:
        """Read as the result that ends the phase."""
        return f"until {self.result} (review after {self.review_after})"


@attrs.frozen
class Indefinite:
    """The phase never ends by itself (maintenance until a decision ends it).

    Attributes:
        wording: How the source words the phase's length: "for life" by
            default; dietary maintenance is "until a clinician ends it
            (lifelong in vegans)" (NICE 2019 via BSH: "In vegans, treatment
            may need to be life-long, whereas in other people with dietary
            deficiency replacement treatment can be stopped once the vitamin
            B12 levels have been corrected and the diet has improved").

    >>> str(Indefinite())
    'for life'
    """

    wording: str = attrs.field(default="for life", validator=text_validator)

    def __attrs_post_init__(self) -> None:
        if not self.wording.strip():
            raise RegimenError("Indefinite needs its wording ('for life')")

    def __str__(self) -> str:
        """Read as the wording ("for life")."""
        return self.wording


#: How a phase ends: after a number of doses (`Count`), after a span of time
#: (`Lasting`), when a clinician records no further improvement
#: (`UntilNoFurtherImprovement`), when a lab result says so (`UntilLabResult`),
#: or never (`Indefinite`).  `Phase.end` holds one of them.
PhaseEnd = Union[  # noqa: UP007
    Count, Lasting, UntilNoFurtherImprovement, UntilLabResult, Indefinite
]
_PHASE_END_TYPES = (Count, Lasting, UntilNoFurtherImprovement, Indefinite)


class Anchoring(enum.Enum):
    """How a phase's later doses follow the doses actually given.

    ``GIVEN`` (the default): the next dose is due one interval after the last
    dose actually given, as injection clinics work.  ``GRID``: doses stay on the
    original grid; a dose given fulfils the nearest pending planned dose.
    """

    GIVEN = "given"
    GRID = "grid"

    def __str__(self) -> str:
        """Read as the value."""
        return self.value


def _check_phase_end(
    _instance: object, _attribute: attrs.Attribute[PhaseEnd], value: object
) -> None:
    if not isinstance(value, _PHASE_END_TYPES):
        raise RegimenError(
            f"a phase ends with Count, Lasting, UntilNoFurtherImprovement or "
            f"Indefinite, not {value!r}"
        )


@attrs.frozen(kw_only=True)
class Phase:
    """One phase of a regimen: a dose, a cadence and an end.

    Attributes:
        name: A short name ("loading", "maintenance").
        dose: What is given at each dose.
        cadence: How often.
        end: When the phase ends.
        anchoring: Whether later doses follow the doses given (default) or a grid.
        condition: The condition the source attaches to the phase, in words
            (the FDA label gives its alternate-day phase only "if there is
            clinical improvement and if a reticulocyte response is observed");
            None when the source attaches none.  The record cannot check it:
            the phase's doses, and those after it, are provisional until a
            clinician confirms it (``Course.confirm_phase``), and a review
            falls at the end of the phase before.

    >>> p = Phase(
    ...     name="maintenance",
    ...     dose=Dose(Drug.HYDROXOCOBALAMIN, "1 mg", Route.IM),
    ...     cadence=Cadence.every_months(2),
    ...     end=Indefinite(),
    ... )
    >>> str(p)
    'maintenance: hydroxocobalamin 1 mg IM every 2 months, for life'
    """

    name: str = attrs.field(validator=text_validator)
    dose: Dose = attrs.field(validator=instance_of(Dose, "a Dose"))
    cadence: Cadence = attrs.field(validator=instance_of(Cadence, "a Cadence"))
    end: PhaseEnd = attrs.field(validator=_check_phase_end)
    anchoring: Anchoring = attrs.field(
        default=Anchoring.GIVEN, validator=instance_of(Anchoring, "an Anchoring")
    )
    condition: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(text_validator)
    )

    def __attrs_post_init__(self) -> None:
        if not self.name.strip():
            raise RegimenError("a phase needs a name")

    def __str__(self) -> str:
        """Read as name, dose, cadence and end (and the condition, if any)."""
        text = f"{self.name}: {self.dose} {self.cadence}, {self.end}"
        return f"{text}, {self.condition}" if self.condition else text


def _phases(value: object) -> tuple[Phase, ...]:
    try:
        return tuple(value)  # type: ignore[arg-type]
    except TypeError as exc:
        raise RegimenError(
            f"phases must be a sequence of Phase, not {value!r}"
        ) from exc


@attrs.frozen(kw_only=True)
class Regimen:
    """An ordered sequence of phases, with the guideline it comes from.

    Attributes:
        id: A short stable identifier (``"bnf-hydroxocobalamin-neuro"``).
        name: A human-readable name.
        phases: The phases, in order; only the last may be indefinite.
        source: The guideline or label the regimen follows.
        notes: Choices made in reading the source, and caveats, for a
            clinician: every clinical document (summary, calendar, preset
            list) shows them.
        maintainer_notes: Notes for the library's maintainers (former ids,
            points not confirmed against a source); no clinical document
            shows them.

    Raises:
        RegimenError: No phases, a phase that is not a Phase, or an indefinite
            phase before another.
    """

    id: str = attrs.field(validator=text_validator)
    name: str = attrs.field(validator=text_validator)
    phases: tuple[Phase, ...] = attrs.field(converter=_phases)
    source: str = attrs.field(default="", validator=text_validator)
    notes: str = attrs.field(default="", validator=text_validator)
    maintainer_notes: str = attrs.field(default="", validator=text_validator)

    def __attrs_post_init__(self) -> None:
        if not self.id.strip():
            raise RegimenError("a regimen needs an id")
        if not self.phases:
            raise RegimenError(f"regimen {self.id!r} has no phases")
        for index, phase in enumerate(self.phases):
            if not isinstance(phase, Phase):
                raise RegimenError(
                    f"phase {index} of {self.id!r} is not a Phase: {phase!r}"
                )
            if isinstance(phase.end, Indefinite) and index != len(self.phases) - 1:
                raise RegimenError(
                    f"phase {index} ({phase.name!r}) of {self.id!r} is indefinite, so "
                    "no phase can follow it"
                )

    def __str__(self) -> str:
        """Read as the name and each phase."""
        return f"{self.name}: " + "; then ".join(str(p) for p in self.phases)
