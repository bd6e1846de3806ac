"""Events: one ``VEVENT`` per timeline event a dosing calendar shows.

The calendar renders the events of ``Course.timeline`` and derives nothing
itself:

- each ``planned_dose`` becomes a 15-minute event at its local wall-clock time
  (when it was given, for a given dose), titled with the dose's
  :attr:`~b12course.PlannedDose.name` ("loading dose 3 of 6"); a dose given
  or skipped is shown on its planned dose's event (done, or cancelled), so
  ``dose_given`` and ``dose_skipped`` events get no event of their own;
- each ``review``, the ``flare_window`` and the ``plan_continues`` event (where
  the horizon policy stops showing provisional doses) become informational
  all-day events, and (on request) each later ``phase_change``;
- symptoms and lab results are not part of a dosing calendar.

Every description ends with the not-medical-advice line.  The words say what
the plan and the record show and what has been reported; they never promise
improvement, never diagnose and never advise.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping

import attrs
import icalendar

from b12course import (
    DoseStatus,
    FlareWindow,
    PhaseEnding,
    PhaseSpan,
    PlannedDose,
    Review,
    ReviewKind,
)
from b12course._horizon import PlanContinues
from b12course._notice import NOT_MEDICAL_ADVICE
from b12course._regimen import Route
from b12course._time import local, resolve, utc
from b12course._timeline import EventKind, Timeline
from b12course.ical._alarms import add_alarms, reminded
from b12course.ical._format import X_DOSE, X_DUE, X_KIND, X_PROVISIONAL, X_STATUS
from b12course.ical._subject import Subject
from b12course.ical._text import clean, format_instant, text
from b12course.ical._uids import uid_of

__all__ = [
    "DOSE_CATEGORY",
    "DOSE_LENGTH",
    "FLARE_TITLE",
    "Rendering",
    "continues_event",
    "dose_description",
    "dose_event",
    "dose_summary",
    "flare_event",
    "phase_event",
    "review_event",
]

DOSE_LENGTH = dt.timedelta(minutes=15)
"""How long a dose event lasts in a calendar (a dose is an instant)."""
DOSE_CATEGORY = "B12 dose"
FLARE_TITLE = "B12: window in which a transient worsening has been reported"
_INFO_CATEGORY = "B12 course"
_INJECTED = frozenset({Route.IM, Route.SC, Route.DEEP_SC})
_OPEN = frozenset({None, PhaseEnding.PROJECTED})
_FLARE_TEXT = (
    "After B12 treatment starts, a transient worsening of myoclonus and other "
    "involuntary movements has been reported in some people. This marks the "
    "window in which it has been reported, counted from the first dose; it is "
    "not a prediction. Worsening outside this window, a severe or new "
    "movement, or anything that worries you is a reason to contact your "
    "clinician."
)


@attrs.frozen(kw_only=True)
class Rendering:
    """What every event of one export shares.

    Attributes:
        course: The course.
        offsets: The reminder times of pending doses, longest first.
        spans: The phases the timeline shows, by index (from its
            ``phase_change`` events).
        view: The view rendered: it says which phase awaits a decision.
    """

    course: Subject
    offsets: tuple[dt.timedelta, ...]
    spans: Mapping[int, PhaseSpan]
    view: Timeline

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The course zone."""
        return self.course.zone

    def undecided(self, phase: int) -> PhaseSpan | None:
        """The span of ``phase`` if it ends only by a decision not yet recorded."""
        return self.view.undecided(phase)

    def pending_decision(self, phase: int) -> PhaseSpan | None:
        """The latest undecided phase at or before ``phase``, which a dose hangs on."""
        return self.view.awaiting_decision(phase)


def _local_or_utc(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """Return ``value`` in local time if a TZID local time names it, else in UTC."""
    shown = value.astimezone(zone)
    if utc(resolve(local(shown, zone), zone)) == utc(value):
        return shown.replace(fold=0)
    return utc(value)


_PREFIX = {
    DoseStatus.GIVEN: "Given: ",
    DoseStatus.SKIPPED: "Skipped: ",
    DoseStatus.OVERDUE: "OVERDUE: ",
    DoseStatus.DUE: "Due now: ",
}


def dose_summary(dose: PlannedDose, label: str) -> str:
    """Return a dose event's title: status, drug, amount, route and ``label``."""
    suffix = " (provisional)" if dose.provisional and dose.pending else ""
    return f"{_PREFIX.get(dose.status, '')}B12 {dose.dose} ({label}){suffix}"


def _given_lines(rendering: Rendering, dose: PlannedDose) -> list[str]:
    given = dose.given
    assert given is not None  # noqa: S101 - only called for a given dose
    lines = [f"Done: given {format_instant(given.at, rendering.zone)}."]
    if str(given.dose) != str(dose.dose):
        lines.append(f"Given as {given.dose}.")
    lines.extend(
        f"{label}: {clean(value)}"
        for label, value in (
            ("Given by", given.by and given.by.value),
            ("Site", given.site),
            ("Lot", given.lot),
            ("Note", given.note),
        )
        if value
    )
    return lines


def _pending_lines(
    rendering: Rendering, dose: PlannedDose, site: str | None
) -> list[str]:
    lines = []
    if dose.status is DoseStatus.OVERDUE:
        lines.append(
            f"Overdue: it was due {format_instant(dose.due, rendering.zone)}. "
            "Record it once given."
        )
    if site is not None:
        lines.append(f"Suggested site: {site}.")
    if (open_phase := rendering.undecided(dose.phase)) is not None:
        name = clean(open_phase.phase.name)
        lines.append(
            f"The {name} phase has no set end: its doses continue at their "
            f"interval until a clinician ends the {name} phase."
        )
    if dose.provisional:
        hangs_on = rendering.pending_decision(dose.phase)
        which = (
            f"the {clean(hangs_on.phase.name)} phase"
            if hangs_on is not None
            else "the phase before it"
        )
        lines.append(
            f"Provisional: this date depends on when a clinician ends {which}."
        )
    return lines


def dose_description(
    rendering: Rendering, dose: PlannedDose, label: str, site: str | None
) -> str:
    """Return a dose event's text: what, which dose, what happened or is to do."""
    route = dose.dose.route
    what = f"{dose.dose.drug.value.capitalize()} {dose.dose.amount}, {route.value}"
    lines = [f"{what} ({route.abbreviation}).", f"{label[:1].upper()}{label[1:]}."]
    if dose.given is not None:
        lines.extend(_given_lines(rendering, dose))
    elif dose.skip is not None:
        reason = f": {clean(dose.skip.reason)}" if dose.skip.reason else ""
        lines.append(f"Skipped{reason}.")
    else:
        lines.extend(_pending_lines(rendering, dose, site))
    lines.append(f"Regimen: {clean(rendering.course.regimen.name)}.")
    lines.append(NOT_MEDICAL_ADVICE)
    return "\n".join(lines)


def dose_event(
    rendering: Rendering, dose: PlannedDose, site: str | None
) -> icalendar.Component:
    """Return the event of one planned dose (given, skipped or still to come)."""
    label = clean(dose.name)
    event = icalendar.Event()
    event.add("uid", text(uid_of(rendering.course, dose)))
    event.add("dtstart", _local_or_utc(dose.when, rendering.zone))
    event.add("duration", DOSE_LENGTH)
    event.add("summary", text(dose_summary(dose, label)))
    event.add("description", text(dose_description(rendering, dose, label, site)))
    event.add("categories", [DOSE_CATEGORY])
    cancelled = dose.status is DoseStatus.SKIPPED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE" if dose.pending else "TRANSPARENT")
    event.add(X_KIND, EventKind.PLANNED_DOSE.value)
    event.add(X_STATUS, dose.status.value)
    event.add(X_DOSE, text(dose.dose))
    event.add(X_DUE, f"{utc(dose.due):%Y%m%dT%H%M%SZ}")
    if dose.provisional and dose.pending:
        event.add(X_PROVISIONAL, "TRUE")
    if reminded(dose):
        add_alarms(event, rendering.offsets, f"B12 {dose.dose} ({label})")
    return event


def _all_day(
    uid: str,
    kind: EventKind,
    days: tuple[dt.date, dt.date],
    summary: str,
    description: str,
) -> icalendar.Component:
    """An informational all-day event over ``days`` (DTEND is exclusive)."""
    first, last = days
    event = icalendar.Event()
    event.add("uid", text(uid))
    event.add("dtstart", first)
    event.add("dtend", last + dt.timedelta(days=1))
    event.add("summary", text(summary))
    event.add("description", text(f"{description}\n{NOT_MEDICAL_ADVICE}"))
    event.add("transp", "TRANSPARENT")
    event.add("status", "CONFIRMED")
    event.add("categories", [_INFO_CATEGORY])
    event.add(X_KIND, kind.value)
    return event


def _local_day_span(
    start: dt.datetime, end: dt.datetime, zone: zoneinfo.ZoneInfo
) -> tuple[dt.date, dt.date]:
    """Return the first and last local dates the half-open ``[start, end)`` touches."""
    first = start.astimezone(zone).date()
    closing = end.astimezone(zone)
    last = closing.date()
    if closing.time() == dt.time() and last > first:
        last -= dt.timedelta(days=1)
    return first, max(first, last)


def flare_event(rendering: Rendering, window: FlareWindow) -> icalendar.Component:
    """Return the all-day event over the local days of the flare window."""
    return _all_day(
        uid_of(rendering.course, window),
        EventKind.FLARE_WINDOW,
        _local_day_span(window.start, window.end, rendering.zone),
        FLARE_TITLE,
        _FLARE_TEXT,
    )


def review_event(rendering: Rendering, review: Review) -> icalendar.Component:
    """Return the all-day event of a review point, on its local date."""
    day = review.at.astimezone(rendering.zone).date()
    source = clean(review.source)
    span = rendering.spans.get(review.phase) if review.phase is not None else None
    if review.kind is ReviewKind.LOADING_PHASE:
        phase = clean(span.phase.name) if span is not None else "loading"
        wording = clean(review.wording or "a clinician decides whether to continue")
        summary = f"B12: {phase} review: {wording}"
        text = (
            f"At this review of the {phase} phase, {wording}. Until an end is "
            f"recorded, its doses continue at their interval ({source})."
        )
    elif review.kind is ReviewKind.CONDITION:
        phase = clean(review.phase_name or "next")
        condition = clean(review.condition or "")
        summary = (
            f"B12: review before the {phase} phase: a clinician checks the response"
        )
        text = (
            f"A clinician checks the response before the {phase} doses, which "
            f"are given only {condition}. Until a clinician confirms it, those "
            f"doses and the ones after them are provisional ({source})."
        )
    else:
        summary = "B12: treatment review"
        text = f"A treatment review with a clinician is due ({source})."
    return _all_day(
        uid_of(rendering.course, review),
        EventKind.REVIEW,
        (day, day),
        summary,
        text,
    )


def phase_event(rendering: Rendering, span: PhaseSpan) -> icalendar.Component:
    """Return the all-day event on the local day a phase begins."""
    day = span.first.astimezone(rendering.zone).date()
    return _all_day(
        uid_of(rendering.course, span),
        EventKind.PHASE_CHANGE,
        (day, day),
        f"B12: {clean(span.phase.name)} phase begins",
        f"From today: {clean(str(span.phase))}.",
    )


def continues_event(
    rendering: Rendering, continues: PlanContinues
) -> icalendar.Component:
    """Return the all-day event where the calendar stops showing provisional doses."""
    day = continues.at.astimezone(rendering.zone).date()
    name = clean(continues.phase_name)
    event = _all_day(
        uid_of(rendering.course, continues),
        EventKind.PLAN_CONTINUES,
        (day, day),
        f"B12: {name}: {continues.text}",
        (
            f"The {name} phase goes on at its interval until a clinician ends "
            "it. Its later doses are provisional, so this calendar shows them "
            "only a few weeks ahead: sync or export the calendar again to see "
            "more."
        ),
    )
    event.add(X_PROVISIONAL, "TRUE")
    return event
