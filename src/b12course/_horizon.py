"""The one horizon policy: how far every output shows a course.

Every rendering (the plan and timeline tables, the calendar, the CSV, the
summary, the chart, CalDAV) shows a course up to the horizon
:func:`horizon_for` gives, and :meth:`b12course.Course.timeline` carries it
as :attr:`b12course.Timeline.horizon`:

- **Firm** doses (and every other event) show to :data:`FIRM_SPAN` (366
  days) past ``now``, or past the first dose for a preview with no ``now``
  (whichever is later), unless the caller asks for another ``until``.
- **Provisional** doses (an undecided "until no further improvement" phase
  past its review point, the phases after it, or any dose that waits for a
  clinician's decision: :attr:`b12course.PlannedDose.provisional`) show to
  :data:`PROVISIONAL_SPAN` (12 weeks) past the same instant, never past the
  firm horizon.  Where the plan goes on past it, one all-day
  ``PLAN_CONTINUES`` event says so ("the plan continues until a clinician
  ends this phase: sync or export again to see more").

Provisional doses always follow the firm ones (every slot after a provisional
one is provisional), so a cut at the provisional horizon never leaves a gap
before it, and no calendar holds a year of alternate-day alarms for a phase a
clinician may end next week.
"""

from __future__ import annotations

import datetime as dt

import attrs

from b12course._time import aware, require_aware, utc
from b12course.exceptions import OutOfBoundsError, SettingError

__all__ = [
    "FIRM_SPAN",
    "PLAN_CONTINUES_TEXT",
    "PROVISIONAL_SPAN",
    "Horizon",
    "PlanContinues",
    "horizon_for",
    "provisional_span",
]

FIRM_SPAN = dt.timedelta(days=366)
"""How far past ``now`` (a preview: the first dose) firm doses are shown."""
PROVISIONAL_SPAN = dt.timedelta(weeks=12)
"""How far past ``now`` (a preview: the first dose) provisional doses are shown."""
PLAN_CONTINUES_TEXT = (
    "the plan continues until a clinician ends this phase: sync or export "
    "again to see more"
)
"""What the ``PLAN_CONTINUES`` event says, in every rendering."""


@attrs.frozen(kw_only=True)
class Horizon:
    """How far a view of a course reaches, and why it ends there.

    Attributes:
        firm: Every event before this instant is shown (exclusive).
        provisional: Provisional doses before this instant are shown
            (exclusive); never after :attr:`firm`.
        reason: Why the view ends there, in words a person reads.

    >>> import datetime as dt, zoneinfo
    >>> at = dt.datetime(2026, 12, 1, 9, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    >>> h = horizon_for(at)
    >>> h.firm.date(), h.provisional.date()
    (datetime.date(2027, 12, 2), datetime.date(2027, 2, 23))
    >>> print(h)  # doctest: +NORMALIZE_WHITESPACE
    firm doses to 2027-12-02 09:00 GMT, provisional doses to 2027-02-23 09:00 GMT:
    366 days past the first dose; provisional doses 12 weeks past it
    """

    firm: dt.datetime = attrs.field(validator=aware)
    provisional: dt.datetime = attrs.field(validator=aware)
    reason: str = ""

    def __attrs_post_init__(self) -> None:
        if utc(self.provisional) > utc(self.firm):
            object.__setattr__(self, "provisional", self.firm)

    def shows(self, due: dt.datetime, *, provisional: bool) -> bool:
        """True when a dose due at ``due`` is inside the horizon."""
        end = self.provisional if provisional else self.firm
        return utc(due) < utc(end)

    def __str__(self) -> str:
        """Read as "firm doses to ..., provisional doses to ...: why"."""
        return (
            f"firm doses to {self.firm:%Y-%m-%d %H:%M %Z}, provisional doses to "
            f"{self.provisional:%Y-%m-%d %H:%M %Z}: {self.reason}"
        )


@attrs.frozen(kw_only=True)
class PlanContinues:
    """The payload of the ``PLAN_CONTINUES`` event: provisional doses go on.

    Attributes:
        at: The provisional horizon: the first provisional dose not shown is
            due at or after it.
        phase_name: The phase whose doses go on (the first one not shown).
        text: What the event says.
    """

    at: dt.datetime = attrs.field(validator=aware)
    phase_name: str
    text: str = PLAN_CONTINUES_TEXT

    def __str__(self) -> str:
        """Read as the phase and the text."""
        return f"{self.phase_name}: {self.text}"


def provisional_span(value: object) -> dt.timedelta:
    """Return the ``provisional_horizon`` setting as a span (None: the default).

    Raises:
        SettingError: ``value`` is neither None nor a positive timedelta.
    """
    if value is None:
        return PROVISIONAL_SPAN
    if not isinstance(value, dt.timedelta) or value <= dt.timedelta(0):
        raise SettingError.wrong_kind(
            "provisional_horizon", value, "a positive timedelta or None"
        )
    return value


def horizon_for(
    first_dose: dt.datetime,
    *,
    now: dt.datetime | None = None,
    until: dt.datetime | None = None,
    provisional_horizon: dt.timedelta | None = None,
) -> Horizon:
    """Return the horizon of a view of a course, by the one policy (module doc).

    Args:
        first_dose: The course's first dose (aware); its zone is the view's.
        now: The present; None for a preview.
        until: An explicit firm horizon, replacing the default one.
        provisional_horizon: How far past ``now`` (or the first dose)
            provisional doses show; :data:`PROVISIONAL_SPAN` when None.

    Raises:
        NaiveDatetimeError: ``first_dose``, ``now`` or ``until`` is naive.
        SettingError: ``provisional_horizon`` is not a positive timedelta.
        OutOfBoundsError: No ``until`` is given and ``now`` (or the first
            dose) is too near the end of the calendar for the firm horizon.
    """
    first_dose = require_aware("first_dose", first_dose)
    zone = first_dose.tzinfo
    span = provisional_span(provisional_horizon)
    start, what = first_dose, "the first dose"
    if now is not None and utc(require_aware("now", now)) > utc(first_dose):
        start, what = now.astimezone(zone), "now"
    weeks = span / dt.timedelta(weeks=1)
    tail = (
        f"provisional doses {weeks:g} weeks past it"
        if weeks.is_integer()
        else f"provisional doses {span} past it"
    )
    if until is None:
        try:
            firm = start + FIRM_SPAN
        except OverflowError:  # the end of Python's calendar (year 9999)
            raise OutOfBoundsError(
                "now" if what == "now" else "first_dose",
                start,
                f"{start.isoformat()} is too near the end of the calendar (year "
                f"9999) for a horizon {FIRM_SPAN.days} days past it; give an "
                "earlier time, or until",
            ) from None
        reason = f"{FIRM_SPAN.days} days past {what}; {tail}"
    else:
        firm = require_aware("until", until)
        reason = f"until {firm:%Y-%m-%d %H:%M %Z}, as asked; {tail} ({what})"
    try:
        provisional = start + span
    except OverflowError:
        provisional = firm
    return Horizon(firm=firm, provisional=provisional, reason=reason)
