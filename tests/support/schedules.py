"""Small regimens, doses and times for the plan tests (test_schedule, test_mutation_schedule, test_worklist*)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from b12course import (
    AdministeredDose,
    Anchoring,
    Cadence,
    Course,
    Dose,
    Drug,
    Indefinite,
    Phase,
    PhaseEnd,
    Regimen,
    Route,
)
from b12course._schedule import Plan, expand

LONDON = zoneinfo.ZoneInfo("Europe/London")
UTC = dt.timezone.utc
IM = Dose(Drug.HYDROXOCOBALAMIN, "1 mg", Route.IM)
ORAL = Dose(Drug.CYANOCOBALAMIN, "1 mg", Route.ORAL)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
MICRO = dt.timedelta(microseconds=1)
# Zones whose clocks change in many ways (half-hour shifts, southern summers), and UTC.
ZONES = [
    "Europe/London",
    "America/New_York",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Pacific/Apia",
    "America/Santiago",
    "Africa/Casablanca",
    "Pacific/Chatham",
    "UTC",
]


def on(day: int, hour: int = 9, minute: int = 0, month: int = 12) -> dt.datetime:
    """A day of December 2026 (or ``month``) in London."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=LONDON)


def phase(
    name: str = "only",
    cadence: Cadence | None = None,
    end: PhaseEnd | None = None,
    anchoring: Anchoring = Anchoring.GIVEN,
    dose: Dose = IM,
) -> Phase:
    """A phase of ``dose``, daily and open-ended unless told otherwise."""
    return Phase(
        name=name,
        dose=dose,
        cadence=cadence or Cadence.daily(),
        end=end or Indefinite(),
        anchoring=anchoring,
    )


def regimen(*phases: Phase, regimen_id: str = "t") -> Regimen:
    """A regimen of ``phases`` whose id and name are ``regimen_id``."""
    return Regimen(id=regimen_id, name=regimen_id, phases=phases)


def gave(*instants: dt.datetime, dose: Dose = IM) -> tuple[AdministeredDose, ...]:
    """Doses given at ``instants``."""
    return tuple(AdministeredDose(at=at, dose=dose) for at in instants)


def single(
    cadence: Cadence,
    end: PhaseEnd | None = None,
    anchoring: Anchoring = Anchoring.GIVEN,
) -> Regimen:
    """A one-phase regimen ("t") of 1 mg IM on ``cadence``."""
    return regimen(phase("only", cadence, end, anchoring))


def two_phase(
    first_end: PhaseEnd,
    first: Cadence | None = None,
    then: Cadence | None = None,
    anchoring: Anchoring = Anchoring.GIVEN,
) -> Regimen:
    """Loading (every 2 days unless ``first``) until ``first_end``, then maintenance."""
    return regimen(
        phase("loading", first or Cadence.every_days(2), first_end, anchoring),
        phase("maintenance", then or Cadence.every_months(2)),
        regimen_id="t2",
    )


def lean_plan(
    course: Course,
    until: dt.datetime,
    now: dt.datetime | None = None,
    grace: dt.timedelta | None = None,
) -> Plan:
    """The plan as worklists derive it: ``expand(pending_only=True)`` over the course."""
    return expand(
        course.regimen,
        course.first_dose,
        course.zone,
        until=until,
        given=course.given,
        skips=course.skips,
        decisions=course.decisions,
        now=now,
        grace=grace,
        pending_only=True,
        given_sorted=True,
        confirmed=course.confirmed_phases,
    )
