"""Hypothesis strategies for property-testing code that works with b12course.

Install the extra (``pip install 'b12course[strategies]'``) and draw realistic
values in your own tests::

    from hypothesis import given
    from b12course import strategies as b12st

    @given(b12st.courses())
    def test_reminders_never_fire_before_the_dose(course): ...

The strategies follow the Hypothesis API style: plural names, keyword-only
arguments, ``min_value``/``max_value`` bounds, other strategies as arguments,
:class:`hypothesis.errors.InvalidArgument` for bad arguments, and each
docstring says what its examples shrink towards.  Courses are built through
the public API (``Course.begin``, ``record_dose``, ``skip_dose``,
``end_phase``, ``log_symptom``, ``record_lab``), so every course drawn is one a
real caller could have made: doses given near their planned times, some late
or early, some missed or skipped, in many IANA zones.

Importing this module registers nothing by itself; the ``hypothesis`` entry
point calls :func:`_hypothesis_setup_hook`, so ``st.from_type(Course)`` works
in any test run that has b12course installed.

>>> from hypothesis import given
>>> @given(courses(max_given=3))
... def test_given_doses_are_in_time_order(course):
...     times = [dose.at for dose in course.given]
...     assert times == sorted(times)
>>> test_given_doses_are_in_time_order()
"""

from __future__ import annotations

# Imports follow the hook below on purpose (hence E402): importing hypothesis
# runs its entry points, which import this module and call the hook while this
# module is still half-imported; the hook must exist by then.
# ruff: noqa: E402
import datetime as dt
import sys
import zoneinfo
from collections.abc import Collection, Sequence

# type -> name of the function in this module that returns its strategy
_REGISTERED = {
    "Amount": "amounts",
    "Dose": "doses",
    "Cadence": "cadences",
    "Phase": "phases",
    "Regimen": "regimens",
    "Course": "courses",
    "SymptomEntry": "symptom_entries",
    "LabResult": "lab_results",
    "AdministeredDose": "_administered_doses",
    "DoseSkip": "_dose_skips",
    "PhaseDecision": "_phase_decisions",
}


def _hypothesis_setup_hook() -> None:
    """Register b12course's types so ``st.from_type`` can build them.

    Hypothesis calls this through the ``hypothesis`` entry point when it is
    imported, which may be while this very module is being imported: so the
    hook imports what it needs itself and looks each strategy function up
    only when a strategy is first drawn from.
    """
    import hypothesis.strategies as hst  # noqa: PLC0415 - see the comment above

    import b12course  # noqa: PLC0415 - as above

    module = sys.modules[__name__]

    def lazily(name: str) -> hst.SearchStrategy[object]:
        # Not getattr(module, name) itself: the function may not exist yet.
        return hst.deferred(lambda: getattr(module, name)())  # noqa: PLW0108

    for type_name, function_name in _REGISTERED.items():
        hst.register_type_strategy(getattr(b12course, type_name), lazily(function_name))


import hypothesis.strategies as st
from hypothesis.errors import InvalidArgument

from b12course import regimens as _presets
from b12course._course import Course
from b12course._labs import Analyte, LabResult
from b12course._records import (
    AdministeredDose,
    DecisionBasis,
    DoseSkip,
    PhaseDecision,
)
from b12course._regimen import (
    Anchoring,
    Cadence,
    Count,
    Dose,
    Drug,
    Indefinite,
    Lasting,
    Phase,
    PhaseEnd,
    Regimen,
    Route,
    UntilNoFurtherImprovement,
)
from b12course._schedule import PlannedDose
from b12course._symptoms import Symptom, SymptomEntry, Trigger
from b12course._time import UTC, utc
from b12course._units import Amount
from b12course.exceptions import DoseOrderError, PhaseDecisionError

__all__ = [
    "amounts",
    "aware_datetimes",
    "cadences",
    "courses",
    "doses",
    "lab_results",
    "phase_ends",
    "phases",
    "regimens",
    "symptom_entries",
    "zones",
]

# Zones whose rules make good counterexamples, first the one examples shrink to:
# UTC; London, New York and Sydney (DST in both hemispheres); Lord Howe (a
# 30-minute DST shift); Kolkata and Kathmandu (odd offsets, no DST); Sao Paulo
# (DST abolished in 2019, changes at midnight in the past); Chatham (+12:45/
# +13:45); Apia (skipped 30 Dec 2011); Santiago and Cairo (changes at midnight).
_INTERESTING_ZONES = (
    "UTC",
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "America/Sao_Paulo",
    "Pacific/Chatham",
    "Pacific/Apia",
    "America/Santiago",
    "Africa/Cairo",
)

_DEFAULT_MIN = dt.datetime(2000, 1, 1)  # noqa: DTZ001 - a wall-clock bound, as in st.datetimes
_DEFAULT_MAX = dt.datetime(2060, 12, 31, 23, 59, 59)  # noqa: DTZ001 - as above

_CADENCE_UNITS = ("days", "weeks", "months", "weekdays")

# Common labelled strengths first, so amounts shrink towards them.
_COMMON_MICROGRAMS = (1000, 500, 100, 50, 250, 2000, 25, 10)
_MAX_MICROGRAMS = {
    Route.IM: 1000,
    Route.SC: 1000,
    Route.DEEP_SC: 1000,
    Route.ORAL: 5000,
    Route.SUBLINGUAL: 5000,
    Route.INTRANASAL: 500,
}

_PHASE_NAMES = ("loading", "maintenance", "induction", "weekly", "monthly", "oral")
_SITES = (
    "left deltoid",
    "right deltoid",
    "left thigh",
    "right thigh",
    "left gluteal",
    "right gluteal",
    "abdomen",
)

# (unit, lowest, highest, decimal places): values a lab could plausibly report.
_LAB_RANGES: dict[Analyte, tuple[tuple[str, int, int, int], ...]] = {
    Analyte.SERUM_B12: (("ng/L", 30, 2000, 0), ("pmol/L", 20, 1500, 0)),
    Analyte.ACTIVE_B12: (("pmol/L", 5, 250, 0),),
    Analyte.MMA: (("µmol/L", 5, 500, 2), ("nmol/L", 50, 5000, 0)),
    Analyte.HOMOCYSTEINE: (("µmol/L", 30, 1000, 1),),
    Analyte.HAEMOGLOBIN: (("g/L", 50, 190, 0), ("g/dL", 50, 190, 1)),
    Analyte.MCV: (("fL", 600, 1400, 1),),
}


def _free_text(max_size: int = 30) -> st.SearchStrategy[str]:
    """Text a person might type, plus the odd awkward character (quotes, newlines)."""
    return st.one_of(
        st.sampled_from(("", "ok", "felt fine", "bruise at site", "new batch")),
        st.text(
            st.characters(
                exclude_categories=("Cs", "Cc"), include_characters='\n\t;,\\"'
            ),
            max_size=max_size,
        ),
    )


def _check_strategy(name: str, value: object) -> None:
    if not isinstance(value, st.SearchStrategy):
        raise InvalidArgument(f"{name}={value!r} must be a Hypothesis strategy")


def _check_int(name: str, value: object, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgument(f"{name}={value!r} must be an integer")
    if value < minimum:
        raise InvalidArgument(f"{name}={value!r} must be >= {minimum}")
    return value


def _check_order(low_name: str, low: int, high_name: str, high: int) -> None:
    if low > high:
        raise InvalidArgument(
            f"{low_name}={low!r} must not be greater than {high_name}={high!r}"
        )


def _check_bool(name: str, value: object) -> None:
    if not isinstance(value, bool):
        raise InvalidArgument(f"{name}={value!r} must be True or False")


def _load_zone(key: object) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(key)  # type: ignore[arg-type]
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise InvalidArgument(f"{key!r} is not an IANA zone key") from exc


# -- time ----------------------------------------------------------------


def zones(
    *, keys: Collection[str] | None = None
) -> st.SearchStrategy[zoneinfo.ZoneInfo]:
    """Return a strategy for IANA zones (``zoneinfo.ZoneInfo`` with a key).

    By default, any zone the installed tz database holds (``tzdata``), with a
    bias towards zones whose rules make good counterexamples (Lord Howe's
    30-minute DST, Chatham's +12:45, Apia's skipped day, midnight changes).

    Args:
        keys: Draw only from these IANA keys (each must load with ``zoneinfo``).

    Examples shrink towards UTC, then Europe/London.

    Raises:
        InvalidArgument: ``keys`` is empty, or holds a key zoneinfo cannot load.
    """
    if keys is not None:
        if isinstance(keys, str) or not isinstance(keys, Collection):
            raise InvalidArgument(f"keys={keys!r} must be a collection of zone keys")
        loaded = [_load_zone(key) for key in keys]
        if not loaded:
            raise InvalidArgument("keys must name at least one zone")
        return st.sampled_from(loaded)
    interesting = st.sampled_from(tuple(map(zoneinfo.ZoneInfo, _INTERESTING_ZONES)))
    # The system's "right/" zones count leap seconds: b12course refuses them.
    anywhere = st.timezones().filter(
        lambda z: (
            isinstance(z, zoneinfo.ZoneInfo)
            and bool(z.key)
            and not z.key.startswith("right/")
        )
    )
    return st.one_of(interesting, anywhere)


def aware_datetimes(
    *,
    min_value: dt.datetime = _DEFAULT_MIN,
    max_value: dt.datetime = _DEFAULT_MAX,
    timezones: st.SearchStrategy[zoneinfo.ZoneInfo] | None = None,
    allow_imaginary: bool = False,
) -> st.SearchStrategy[dt.datetime]:
    """Return a strategy for timezone-aware datetimes in IANA zones.

    Args:
        min_value: The earliest local wall-clock time (naive, as in
            ``st.datetimes``); 2000-01-01 by default.
        max_value: The latest local wall-clock time (naive); end of 2060 by
            default.
        timezones: The zones to attach; :func:`zones` by default.
        allow_imaginary: Whether to draw local times that do not exist (inside
            a spring-forward gap).  Off by default: real clocks never show them.

    Examples shrink towards ``min_value`` in UTC.

    Raises:
        InvalidArgument: A bound is not a naive datetime, the bounds are out of
            order, or ``timezones`` is not a strategy.
    """
    for name, value in (("min_value", min_value), ("max_value", max_value)):
        if not isinstance(value, dt.datetime) or value.tzinfo is not None:
            raise InvalidArgument(
                f"{name}={value!r} must be a naive datetime (a local wall-clock "
                "bound, as for st.datetimes)"
            )
    if min_value > max_value:
        raise InvalidArgument(
            f"min_value={min_value!r} must not be after max_value={max_value!r}"
        )
    if timezones is None:
        timezones = zones()
    _check_strategy("timezones", timezones)
    _check_bool("allow_imaginary", allow_imaginary)
    return st.datetimes(
        min_value=min_value,
        max_value=max_value,
        timezones=timezones,
        allow_imaginary=allow_imaginary,
    )


# -- the regimen model -----------------------------------------------------


def amounts(*, min_value: int = 1, max_value: int = 5000) -> st.SearchStrategy[Amount]:
    """Return a strategy for exact dose amounts, in whole micrograms.

    Args:
        min_value: The smallest amount in micrograms (>= 1).
        max_value: The largest amount in micrograms.

    Examples shrink towards the common strengths (1 mg, 500 mcg, 100 mcg...)
    that lie within the bounds, then towards ``min_value``.

    Raises:
        InvalidArgument: A bound is not a positive integer, or they are out of
            order.
    """
    _check_int("min_value", min_value, minimum=1)
    _check_int("max_value", max_value, minimum=1)
    _check_order("min_value", min_value, "max_value", max_value)
    common = [m for m in _COMMON_MICROGRAMS if min_value <= m <= max_value]
    values = st.integers(min_value, max_value)
    if common:
        values = st.one_of(st.sampled_from(common), values)
    return values.map(Amount)


def doses(
    *,
    drugs: st.SearchStrategy[Drug] | None = None,
    routes: st.SearchStrategy[Route] | None = None,
) -> st.SearchStrategy[Dose]:
    """Return a strategy for plausible doses (drug, exact amount, route).

    The amount always lies within the plausibility bounds of its route
    (clinical.md section 6): at most 1 mg IM or deep SC, at most 5 mg oral or
    sublingual, one 500 mcg spray intranasally.

    Args:
        drugs: The drugs to draw; any :class:`Drug` by default.
        routes: The routes to draw; any :class:`Route` by default.

    Examples shrink towards hydroxocobalamin 1 mg IM.

    Raises:
        InvalidArgument: An argument is not a strategy.
    """
    if drugs is None:
        drugs = st.sampled_from(Drug)
    if routes is None:
        routes = st.sampled_from(Route)
    _check_strategy("drugs", drugs)
    _check_strategy("routes", routes)

    @st.composite
    def draw_dose(draw: st.DrawFn) -> Dose:
        drug = draw(drugs)
        route = draw(routes)
        amount = draw(amounts(max_value=_MAX_MICROGRAMS[route]))
        if route is Route.INTRANASAL:
            amount = Amount(500)
        return Dose(drug, amount, route)

    return draw_dose()


def cadences(
    *, units: Collection[str] = _CADENCE_UNITS, max_every: int = 6
) -> st.SearchStrategy[Cadence]:
    """Return a strategy for cadences: every n days, weeks or months, or weekdays.

    Args:
        units: Which kinds to draw, among ``"days"``, ``"weeks"``, ``"months"``
            and ``"weekdays"``.
        max_every: The longest interval, in the cadence's unit (>= 1).

    Examples shrink towards daily.

    Raises:
        InvalidArgument: ``units`` is empty or names an unknown kind, or
            ``max_every`` is not a positive integer.
    """
    if isinstance(units, str) or not isinstance(units, Collection):
        raise InvalidArgument(f"units={units!r} must be a collection of names")
    unknown = set(units) - set(_CADENCE_UNITS)
    if unknown or not units:
        raise InvalidArgument(
            f"units={units!r} must name some of {', '.join(_CADENCE_UNITS)}"
        )
    _check_int("max_every", max_every, minimum=1)
    every = st.integers(1, max_every)
    makers = {
        "days": every.map(Cadence.every_days),
        "weeks": every.map(Cadence.every_weeks),
        "months": every.map(Cadence.every_months),
        "weekdays": st.sets(st.integers(0, 6), min_size=1, max_size=7).map(
            lambda days: Cadence.on_weekdays(*days)
        ),
    }
    return st.one_of([makers[u] for u in _CADENCE_UNITS if u in units])


def _lastings(max_months: int = 3) -> st.SearchStrategy[Lasting]:
    return st.one_of(
        st.integers(1, 6).map(lambda n: Lasting(weeks=n)),
        st.integers(1, 60).map(lambda n: Lasting(days=n)),
        st.integers(1, max_months).map(lambda n: Lasting(months=n)),
    )


def phase_ends(
    *, max_count: int = 12, allow_indefinite: bool = True
) -> st.SearchStrategy[PhaseEnd]:
    """Return a strategy for phase ends: Count, Lasting, until no improvement, for life.

    Args:
        max_count: The largest ``Count(n)`` (>= 1).
        allow_indefinite: Whether to draw :class:`Indefinite` (only a regimen's
            last phase may be indefinite).

    Examples shrink towards ``Indefinite()``, or ``Count(1)`` without it.

    Raises:
        InvalidArgument: ``max_count`` is not a positive integer.
    """
    _check_int("max_count", max_count, minimum=1)
    _check_bool("allow_indefinite", allow_indefinite)
    ends: list[st.SearchStrategy[PhaseEnd]] = [
        st.integers(1, max_count).map(Count),
        _lastings(),
        _lastings().map(lambda span: UntilNoFurtherImprovement(review_after=span)),
    ]
    if allow_indefinite:
        ends.insert(0, st.just(Indefinite()))
    return st.one_of(ends)


def phases(
    *,
    doses: st.SearchStrategy[Dose] | None = None,
    cadences: st.SearchStrategy[Cadence] | None = None,
    ends: st.SearchStrategy[PhaseEnd] | None = None,
    anchorings: st.SearchStrategy[Anchoring] | None = None,
    names: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[Phase]:
    """Return a strategy for regimen phases.

    Args:
        doses: The doses; :func:`doses` by default.
        cadences: The cadences; :func:`cadences` by default.
        ends: The ends; :func:`phase_ends` by default.
        anchorings: Given-anchored or grid; either by default.
        names: The phase names; short clinical names by default.

    Examples shrink towards a "loading" phase of daily hydroxocobalamin
    1 mg IM for life, anchored on the doses given.

    Raises:
        InvalidArgument: An argument is not a strategy.
    """
    strategies = {
        "doses": doses if doses is not None else _any_doses(),
        "cadences": cadences if cadences is not None else _any_cadences(),
        "ends": ends if ends is not None else phase_ends(),
        "anchorings": anchorings
        if anchorings is not None
        else st.sampled_from(Anchoring),
        "names": names if names is not None else st.sampled_from(_PHASE_NAMES),
    }
    for name, value in strategies.items():
        _check_strategy(name, value)
    return st.builds(
        Phase,
        name=strategies["names"],
        dose=strategies["doses"],
        cadence=strategies["cadences"],
        end=strategies["ends"],
        anchoring=strategies["anchorings"],
    )


def regimens(
    *,
    min_phases: int = 1,
    max_phases: int = 3,
    phases: st.SearchStrategy[Phase] | None = None,
    presets: bool = True,
) -> st.SearchStrategy[Regimen]:
    """Return a strategy for regimens: the guideline presets and made-up ones.

    Only the last phase of a made-up regimen may be indefinite; earlier
    phases drawn with an :class:`Indefinite` end are redrawn.

    Args:
        min_phases: The fewest phases of a made-up regimen (>= 1).
        max_phases: The most phases of a made-up regimen.
        phases: The phases; :func:`phases` by default.
        presets: Whether to draw the presets of :mod:`b12course.regimens` too.

    Examples shrink towards the first preset (``nice-neuro``), or with
    ``presets=False`` towards one phase of a daily dose for life.

    Raises:
        InvalidArgument: The bounds are not positive integers in order, or
            ``phases`` is not a strategy.
    """
    _check_int("min_phases", min_phases, minimum=1)
    _check_int("max_phases", max_phases, minimum=1)
    _check_order("min_phases", min_phases, "max_phases", max_phases)
    _check_bool("presets", presets)
    if phases is None:
        phases = _any_phases()
    _check_strategy("phases", phases)
    phase_strategy = phases
    finite = phase_strategy.filter(lambda p: not isinstance(p.end, Indefinite))

    @st.composite
    def made_up(draw: st.DrawFn) -> Regimen:
        n = draw(st.integers(min_phases, max_phases))
        drawn = [draw(finite) for _ in range(n - 1)]
        drawn.append(draw(phase_strategy))
        return Regimen(id="custom", name="Made-up regimen", phases=tuple(drawn))

    if not presets:
        return made_up()
    return st.one_of(
        st.sampled_from([_presets.get(i) for i in _presets.available()]), made_up()
    )


# Module-level names for the defaults of arguments that share a strategy's name.
_any_doses = doses
_any_cadences = cadences
_any_phases = phases
_any_regimens = regimens


# -- records -----------------------------------------------------------------


def symptom_entries(
    *,
    times: st.SearchStrategy[dt.datetime] | None = None,
    symptoms: st.SearchStrategy[Symptom] | None = None,
    min_severity: int = 0,
    max_severity: int = 10,
) -> st.SearchStrategy[SymptomEntry]:
    """Return a strategy for symptom-log entries.

    Args:
        times: When each entry was made; :func:`aware_datetimes` by default.
        symptoms: Which symptoms; any :class:`Symptom`, myoclonus first.
        min_severity: The lowest severity on the 0-10 scale.
        max_severity: The highest severity.

    Examples shrink towards a myoclonus entry of ``min_severity`` with no
    optional details.

    Raises:
        InvalidArgument: The severities are not within 0-10 and in order, or an
            argument is not a strategy.
    """
    if times is None:
        times = aware_datetimes()
    if symptoms is None:
        symptoms = st.sampled_from(Symptom)
    _check_strategy("times", times)
    _check_strategy("symptoms", symptoms)
    _check_int("min_severity", min_severity)
    _check_int("max_severity", max_severity)
    _check_order("min_severity", min_severity, "max_severity", max_severity)
    if max_severity > 10:  # noqa: PLR2004 - the top of NRS-11
        raise InvalidArgument(f"max_severity={max_severity!r} must be <= 10")
    optional_bool = st.one_of(st.none(), st.booleans())

    @st.composite
    def draw_entry(draw: st.DrawFn) -> SymptomEntry:
        symptom = draw(symptoms)
        name = (
            draw(st.sampled_from(("cramps", "headache", "tinnitus", "sore tongue")))
            if symptom is Symptom.OTHER
            else None
        )
        return SymptomEntry(
            at=draw(times),
            symptom=symptom,
            severity=draw(st.integers(min_severity, max_severity)),
            name=name,
            during_sleep=draw(optional_bool),
            multifocal=draw(optional_bool),
            body_sites=tuple(
                draw(
                    st.lists(
                        st.sampled_from(("hands", "legs", "face", "tongue", "feet")),
                        max_size=3,
                        unique=True,
                    )
                )
            ),
            triggers=tuple(
                draw(st.lists(st.sampled_from(Trigger), max_size=2, unique=True))
            ),
            note=draw(st.one_of(st.none(), _free_text())),
        )

    return draw_entry()


def lab_results(
    *,
    times: st.SearchStrategy[dt.datetime] | None = None,
    analytes: st.SearchStrategy[Analyte] | None = None,
) -> st.SearchStrategy[LabResult]:
    """Return a strategy for lab results with plausible values in real lab units.

    Serum B12 comes in ng/L or pmol/L, MMA in µmol/L or nmol/L, haemoglobin in
    g/L or g/dL, and so on, with values a laboratory could report.

    Args:
        times: When each sample was taken; :func:`aware_datetimes` by default.
        analytes: Which analytes; any :class:`Analyte` by default.

    Examples shrink towards the lowest plausible serum B12 in ng/L.

    Raises:
        InvalidArgument: An argument is not a strategy.
    """
    if times is None:
        times = aware_datetimes()
    if analytes is None:
        analytes = st.sampled_from(Analyte)
    _check_strategy("times", times)
    _check_strategy("analytes", analytes)

    @st.composite
    def draw_result(draw: st.DrawFn) -> LabResult:
        analyte = draw(analytes)
        unit, low, high, places = draw(st.sampled_from(_LAB_RANGES[analyte]))
        scaled = draw(st.integers(low, high))
        value: float = scaled if places == 0 else scaled / 10**places
        return LabResult(at=draw(times), analyte=analyte, value=value, unit=unit)

    return draw_result()


# -- courses -----------------------------------------------------------------

_SEARCH_DAYS = (14, 60, 240, 960, 3840)


def _next_pending(course: Course, after: dt.datetime) -> PlannedDose | None:
    """Return the first pending slot due after ``after``; None once the course ends."""
    after_utc = utc(after)
    for days in _SEARCH_DAYS:
        plan = course.plan(until=after_utc + dt.timedelta(days=days))
        for slot in plan:
            if slot.pending and utc(slot.due) > after_utc:
                return slot
    return None


def _on_the_minute(value: dt.datetime) -> dt.datetime:
    # Zone changes fall on whole minutes, so the wall time stays a real one.
    return value.replace(second=0, microsecond=0)


def _record_time(draw: st.DrawFn, due: dt.datetime, late: bool) -> dt.datetime:
    """Draw when a dose due at ``due`` was actually given."""
    timing = draw(
        st.sampled_from(("on time", "late", "early") if late else ("on time",))
    )
    if timing == "on time":
        minutes = draw(st.integers(-30, 90))
    elif timing == "late":
        minutes = draw(st.integers(2 * 60, 6 * 24 * 60))
    else:
        minutes = -draw(st.integers(60, 36 * 60))
    return utc(due) + dt.timedelta(minutes=minutes)


class _History:
    """A course lived through event by event, keeping only events that stick.

    Each dose is given against a planned slot and each skip names one.  An
    event sticks when, in the plan that follows, every dose still fulfils the
    slot it was given for and every skip still marks its slot: a dose given
    for the first slot of the next phase can otherwise be taken by an open
    phase, or a late dose on a fixed grid by a later slot, which is valid but
    is not the history the strategy meant to draw.  An event that does not
    stick is undone.
    """

    def __init__(self, course: Course) -> None:
        self.course = course
        # In UTC: wall-clock arithmetic on an aware datetime would put "one
        # second before 03:00" inside a spring-forward gap, i.e. after 03:00.
        # A day back, because the plan's first slot can precede the first
        # dose: a repeated local time (fold=1) is planned at its first
        # occurrence, as RFC 5545 says.
        self.cursor = utc(course.first_dose) - dt.timedelta(days=1)
        self.last_given: dt.datetime | None = None
        self.intents: dict[dt.datetime, dt.datetime] = {}  # given (UTC) -> due

    def sticks(self, course: Course, until: dt.datetime) -> bool:
        plan = course.plan(until=utc(until) + dt.timedelta(days=1))
        fulfilled = {utc(s.given.at): utc(s.due) for s in plan if s.given is not None}
        skipped = {utc(s.due) for s in plan if s.skip is not None}
        return all(fulfilled.get(at) == due for at, due in self.intents.items()) and (
            all(utc(skip.due) in skipped for skip in course.skips)
        )

    def skip(self, draw: st.DrawFn, slot: PlannedDose) -> None:
        course = self.course.skip_dose(
            slot.due,
            reason=draw(_free_text()),
            until=utc(slot.due) + dt.timedelta(days=1),
        )
        # Defensive: no skip is known that changes what the doses fulfil.
        if self.sticks(course, slot.due):  # pragma: no branch
            self.course = course
        self.cursor = slot.due

    def give(self, draw: st.DrawFn, slot: PlannedDose, late: bool) -> bool:
        at = _record_time(draw, slot.due, late)
        if self.last_given is not None:
            at = max(at, utc(self.last_given) + dt.timedelta(hours=1))
        # Now and then a dose is recorded in UTC, as a server would store it.
        zone = self.course.zone
        at = at.astimezone(UTC if draw(st.integers(0, 7)) == 7 else zone)  # noqa: PLR2004
        try:
            course = self.course.record_dose(
                at,
                site=draw(st.one_of(st.none(), st.sampled_from(_SITES))),
                lot=draw(st.one_of(st.none(), st.sampled_from(("A1234", "LOT-77")))),
                note=draw(st.one_of(st.none(), _free_text())),
            )
        except DoseOrderError:
            return False  # an early dose before a skipped one: refused, so not drawn
        self.intents[utc(at)] = utc(slot.due)
        if not self.sticks(course, max(at, slot.due, key=utc)):
            del self.intents[utc(at)]
            return False
        self.course = course
        self.last_given = at
        self.cursor = max(at, slot.due, key=utc)
        return True

    def decide(self, draw: st.DrawFn, after: dt.datetime) -> None:
        decided = utc(after) + dt.timedelta(minutes=draw(st.integers(1, 12 * 60)))
        try:
            course = self.course.end_phase(
                decided.astimezone(self.course.zone),
                reason=draw(_free_text()),
                basis=draw(st.sampled_from(DecisionBasis)),
            )
        except PhaseDecisionError:
            return  # that phase already ended: there is nothing to decide
        # Defensive: no decision is known that changes what earlier doses fulfil.
        if self.sticks(course, decided):  # pragma: no branch
            self.course = course
            self.cursor = max(self.cursor, decided, key=utc)


def _live_through(
    draw: st.DrawFn,
    course: Course,
    *,
    events: int,
    actions: Sequence[str],
    late: bool,
    decisions: bool,
) -> tuple[Course, dt.datetime]:
    """Give, skip or miss the next ``events`` planned doses, in time order.

    Returns the course and the time of its last event.
    """
    history = _History(course)
    for _ in range(events):
        slot = _next_pending(history.course, history.cursor)
        if slot is None:
            break  # the regimen has ended
        action = draw(st.sampled_from(actions))
        phase = history.course.regimen.phases[slot.phase]
        if action == "miss" and phase.anchoring is Anchoring.GIVEN:
            # A later dose would fulfil the missed slot (as a late dose), and the
            # plan would re-anchor on it; only a fixed grid leaves a slot missed.
            action = "give"
        if action == "skip":
            history.skip(draw, slot)
        elif action == "miss":
            history.cursor = slot.due
        elif history.give(draw, slot, late) and decisions:
            # Loading phases "until no further improvement" end by decision;
            # any other phase now and then ends early.
            odds = 2 if isinstance(phase.end, UntilNoFurtherImprovement) else 19
            if draw(st.integers(0, odds)) == odds:
                history.decide(draw, history.cursor)
    return history.course, history.cursor


def _log_around(
    draw: st.DrawFn,
    course: Course,
    cursor: dt.datetime,
    *,
    max_symptoms: int,
    max_labs: int,
) -> Course:
    """Log symptoms and labs from a month before the first dose to a month after."""
    first = utc(course.first_dose)
    zone = course.zone
    span_end = max(utc(cursor), first) + dt.timedelta(days=30)
    window = st.integers(
        -30 * 24 * 60, int((span_end - first).total_seconds() // 60)
    ).map(lambda m: (first + dt.timedelta(minutes=m)).astimezone(zone))
    for entry in draw(st.lists(symptom_entries(times=window), max_size=max_symptoms)):
        if not any(
            utc(e.at) == utc(entry.at) and e.label == entry.label
            for e in course.symptoms
        ):
            course = course.log_symptom(entry)
    for result in draw(st.lists(lab_results(times=window), max_size=max_labs)):
        if not any(
            utc(r.at) == utc(result.at) and r.analyte is result.analyte
            for r in course.labs
        ):
            course = course.record_lab(result)
    return course


def courses(
    *,
    regimens: st.SearchStrategy[Regimen] | None = None,
    first_doses: st.SearchStrategy[dt.datetime] | None = None,
    ids: st.SearchStrategy[str] | None = None,
    min_given: int = 0,
    max_given: int = 8,
    late: bool = True,
    missed: bool = True,
    skips: bool = True,
    decisions: bool = True,
    max_symptoms: int = 6,
    max_labs: int = 3,
) -> st.SearchStrategy[Course]:
    """Return a strategy for courses with a realistic record.

    A course is begun from a drawn regimen and first dose, then lived through
    the public API: each planned dose in turn is given (on time, or with
    ``late=True`` sometimes hours or days late or a little early), skipped,
    or missed; a phase may be ended by a clinician's decision; symptom entries
    (some before the first dose, as the baseline) and lab results are logged
    around the doses.  Doses are recorded in the course's zone or, now and
    then, in UTC, as a server would store them.

    Args:
        regimens: The regimens; :func:`regimens` by default.
        first_doses: The first doses (aware, in an IANA zone); by default
            :func:`aware_datetimes` between 2020 and 2035 in :func:`zones`, on
            a whole minute (every later record is then on a whole minute too).
        ids: The course ids; random-looking hex ids by default.
        min_given: The fewest record events (doses given, skipped or missed)
            to attempt; fewer happen when the regimen ends first.
        max_given: The most record events.
        late: Whether doses may be given late or early rather than on time.
        missed: Whether planned doses may be missed (left unrecorded).
        skips: Whether planned doses may be skipped by decision.
        decisions: Whether a clinician may end a phase.
        max_symptoms: The most symptom entries (0 for none).
        max_labs: The most lab results (0 for none).

    Examples shrink towards a fresh course of ``nice-neuro`` starting at
    midnight UTC on 2020-01-01 with nothing recorded.

    Raises:
        InvalidArgument: An argument is not a strategy, a flag is not a bool,
            or a count is negative or out of order.
    """
    if regimens is None:
        regimens = _any_regimens()
    if first_doses is None:
        # Clinics plan doses to the minute; so do calendars (no seconds).
        first_doses = aware_datetimes(
            min_value=dt.datetime(2020, 1, 1),  # noqa: DTZ001 - wall-clock bound
            max_value=dt.datetime(2035, 12, 31, 23, 59),  # noqa: DTZ001 - as above
        ).map(_on_the_minute)
    if ids is None:
        ids = st.uuids(version=4).map(lambda u: u.hex)
    for name, value in (
        ("regimens", regimens),
        ("first_doses", first_doses),
        ("ids", ids),
    ):
        _check_strategy(name, value)
    for name, flag in (
        ("late", late),
        ("missed", missed),
        ("skips", skips),
        ("decisions", decisions),
    ):
        _check_bool(name, flag)
    _check_int("min_given", min_given)
    _check_int("max_given", max_given)
    _check_order("min_given", min_given, "max_given", max_given)
    _check_int("max_symptoms", max_symptoms)
    _check_int("max_labs", max_labs)
    # Most planned doses are given; weight the draw so courses have a history.
    actions: Sequence[str] = (
        *(("give",) * 5),
        *(("skip",) if skips else ()),
        *(("miss",) if missed else ()),
    )

    @st.composite
    def draw_course(draw: st.DrawFn) -> Course:
        course = Course.begin(
            draw(regimens), first_dose=draw(first_doses), id=draw(ids)
        )
        course, cursor = _live_through(
            draw,
            course,
            events=draw(st.integers(min_given, max_given)),
            actions=actions,
            late=late,
            decisions=decisions,
        )
        return _log_around(
            draw, course, cursor, max_symptoms=max_symptoms, max_labs=max_labs
        )

    return draw_course()


# Strategies for the records that courses build through their own methods;
# registered for ``st.from_type`` only.


def _administered_doses() -> st.SearchStrategy[AdministeredDose]:
    return st.builds(AdministeredDose, at=aware_datetimes(), dose=doses())


def _dose_skips() -> st.SearchStrategy[DoseSkip]:
    return st.builds(DoseSkip, due=aware_datetimes())


def _phase_decisions() -> st.SearchStrategy[PhaseDecision]:
    return st.builds(PhaseDecision, phase=st.integers(0, 3), at=aware_datetimes())
