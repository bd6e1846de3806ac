"""Strategies for values: zones, instants, amounts, doses, regimens and records."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Collection

import hypothesis.strategies as st
from hypothesis.errors import InvalidArgument

from b12course import regimens as _presets
from b12course._labs import Analyte, LabResult
from b12course._records import (
    AdministeredDose,
    Administrator,
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
from b12course._symptoms import Symptom, SymptomEntry, Trigger
from b12course._units import Amount
from b12course.strategies._checks import (
    check_bool,
    check_int,
    check_order,
    check_strategy,
    free_text,
    load_zone,
)

__all__ = [
    "administered_doses",
    "administrators",
    "amounts",
    "any_regimens",
    "aware_datetimes",
    "cadences",
    "dose_skips",
    "doses",
    "lab_results",
    "phase_decisions",
    "phase_ends",
    "phases",
    "regimens",
    "symptom_entries",
    "zones",
]

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

# (unit, lowest, highest, decimal places): values a lab could plausibly report.
_LAB_RANGES: dict[Analyte, tuple[tuple[str, int, int, int], ...]] = {
    Analyte.SERUM_B12: (("ng/L", 30, 2000, 0), ("pmol/L", 20, 1500, 0)),
    Analyte.ACTIVE_B12: (("pmol/L", 5, 250, 0),),
    Analyte.MMA: (("µmol/L", 5, 500, 2), ("nmol/L", 50, 5000, 0)),
    Analyte.HOMOCYSTEINE: (("µmol/L", 30, 1000, 1),),
    Analyte.HAEMOGLOBIN: (("g/L", 50, 190, 0), ("g/dL", 50, 190, 1)),
    Analyte.MCV: (("fL", 600, 1400, 1),),
    Analyte.FOLATE: (("ng/mL", 10, 300, 1), ("nmol/L", 20, 700, 0)),
}


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
        loaded = [load_zone(key) for key in keys]
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
    check_strategy("timezones", timezones)
    check_bool("allow_imaginary", allow_imaginary)
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
    check_int("min_value", min_value, minimum=1)
    check_int("max_value", max_value, minimum=1)
    check_order("min_value", min_value, "max_value", max_value)
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
        routes: The routes to draw; any :class:`Route` by default, except
            that hydroxocobalamin is then drawn by its labelled route (IM)
            only.  Given routes are drawn as given, off-label pairs included
            (a course begun with one warns: ``OffLabelRouteWarning``).

    Examples shrink towards hydroxocobalamin 1 mg IM.

    Raises:
        InvalidArgument: An argument is not a strategy.
    """
    if drugs is None:
        drugs = st.sampled_from(Drug)
    labelled_only = routes is None
    if routes is None:
        routes = st.sampled_from(Route)
    check_strategy("drugs", drugs)
    check_strategy("routes", routes)

    @st.composite
    def draw_dose(draw: st.DrawFn) -> Dose:
        drug = draw(drugs)
        route = draw(routes)
        if labelled_only and drug is Drug.HYDROXOCOBALAMIN:
            route = Route.IM  # its label's one route (clinical.md L2)
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
    check_int("max_every", max_every, minimum=1)
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
    check_int("max_count", max_count, minimum=1)
    check_bool("allow_indefinite", allow_indefinite)
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
        check_strategy(name, value)
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

    Examples shrink towards the first preset (``bnf-hydroxocobalamin-neuro``), or with
    ``presets=False`` towards one phase of a daily dose for life.

    Raises:
        InvalidArgument: The bounds are not positive integers in order, or
            ``phases`` is not a strategy.
    """
    check_int("min_phases", min_phases, minimum=1)
    check_int("max_phases", max_phases, minimum=1)
    check_order("min_phases", min_phases, "max_phases", max_phases)
    check_bool("presets", presets)
    if phases is None:
        phases = _any_phases()
    check_strategy("phases", phases)
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
any_regimens = regimens


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
    check_strategy("times", times)
    check_strategy("symptoms", symptoms)
    check_int("min_severity", min_severity)
    check_int("max_severity", max_severity)
    check_order("min_severity", min_severity, "max_severity", max_severity)
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
            note=draw(st.one_of(st.none(), free_text())),
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
    check_strategy("times", times)
    check_strategy("analytes", analytes)

    @st.composite
    def draw_result(draw: st.DrawFn) -> LabResult:
        analyte = draw(analytes)
        unit, low, high, places = draw(st.sampled_from(_LAB_RANGES[analyte]))
        scaled = draw(st.integers(low, high))
        value: float = scaled if places == 0 else scaled / 10**places
        return LabResult(at=draw(times), analyte=analyte, value=value, unit=unit)

    return draw_result()


def administrators() -> st.SearchStrategy[Administrator | None]:
    """Return a strategy for who gave a dose: None (not recorded) or a member.

    Examples shrink towards None, then ``Administrator.SELF``.
    """
    return st.one_of(st.none(), st.sampled_from(Administrator))


def administered_doses() -> st.SearchStrategy[AdministeredDose]:
    """Return a strategy for doses given, any time, any plausible dose.

    Examples shrink towards a dose at ``aware_datetimes``' minimum, given by
    no one recorded.
    """
    return st.builds(
        AdministeredDose, at=aware_datetimes(), dose=doses(), by=administrators()
    )


def dose_skips() -> st.SearchStrategy[DoseSkip]:
    """Return a strategy for skip decisions (outside any course)."""
    return st.builds(DoseSkip, due=aware_datetimes())


def phase_decisions() -> st.SearchStrategy[PhaseDecision]:
    """Return a strategy for phase decisions naming phase 0 to 3."""
    return st.builds(PhaseDecision, phase=st.integers(0, 3), at=aware_datetimes())
