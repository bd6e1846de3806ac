"""Errors and warnings raised by b12course.

Every error derives from :class:`B12CourseError`, and each leaf also derives
from the builtin that matches the kind of mistake (``ValueError`` for a bad
value, ``TypeError`` for a value of the wrong kind, ``LookupError`` for a name
that is not known), so callers can catch either.  Errors carry the offending
values as attributes; their messages say what was wrong and what to do.

>>> from b12course.exceptions import B12CourseError, UnitError
>>> issubclass(UnitError, B12CourseError) and issubclass(UnitError, ValueError)
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

__all__ = [
    "AlarmError",
    "B12CourseError",
    "B12CourseWarning",
    "CalDavError",
    "CalDavNetworkError",
    "CalendarFormatError",
    "CorrectionError",
    "CourseFormatError",
    "DoseOrderError",
    "DuplicateRecordError",
    "ExportError",
    "FhirFormatError",
    "ImplausibleDoseError",
    "ImplausibleEntryError",
    "InvalidRecordError",
    "LabValueError",
    "NaiveDatetimeError",
    "NoSuchDoseError",
    "NotACourseError",
    "NotADateError",
    "NotADatetimeError",
    "OffLabelRouteWarning",
    "OutOfBoundsError",
    "PhaseDecisionError",
    "RangeError",
    "RegimenError",
    "SettingError",
    "SeverityError",
    "TextError",
    "UnitError",
    "UnknownPresetError",
    "ZoneError",
]


class B12CourseError(Exception):
    """The root of every error b12course raises.

    Attributes:
        where: For an error raised by a course's own invariants, the field it
            concerns (``"given[3].at"``), so a document reader can point at it;
            empty otherwise.
    """

    where: str = ""

    def at_field(self, where: str) -> B12CourseError:
        """Return this error, marked as concerning the field ``where``."""
        self.where = where
        return self


class B12CourseWarning(UserWarning):
    """The root of every warning b12course emits."""


class OffLabelRouteWarning(B12CourseWarning):
    """Warned when a dose is entered by a route its product's label does not give.

    The dose is accepted (a prescriber may choose an off-label route); the
    warning names the label, so the choice is never silent.  Hydroxocobalamin
    is labelled intramuscular only: the UK SmPC (emc 31182) says "Method of
    administration: Intramuscular injection", and the US label gives it IM
    only (clinical.md L2 and section 6).

    Attributes:
        drug: The drug's name.
        route: The route's name.
    """

    def __init__(self, message: str, *, drug: str, route: str) -> None:
        self.drug = drug
        self.route = route
        super().__init__(message)

    @classmethod
    def hydroxocobalamin(cls, route: str) -> OffLabelRouteWarning:
        """Hydroxocobalamin by a route other than IM (SC, oral, intranasal...)."""
        return cls(
            f"hydroxocobalamin {route} is outside its label, which gives it by "
            "intramuscular injection only (UK hydroxocobalamin SmPC, emc 31182: "
            "'Method of administration: Intramuscular injection'; the US "
            "hydroxocobalamin label: IM only); b12course accepts and records "
            "it as entered",
            drug="hydroxocobalamin",
            route=route,
        )


class NaiveDatetimeError(B12CourseError, ValueError):
    """Raised when a datetime without a timezone is given where an instant is needed.

    Attributes:
        name: What the datetime was for (``"first_dose"``, ``"at"``...).
        value: The naive datetime.
    """

    def __init__(self, name: str, value: object) -> None:
        self.name = name
        self.value = value
        super().__init__(
            f"{name}={value!r} is a naive datetime; b12course needs an aware one. "
            f"Attach an IANA zone, e.g. "
            f"value.replace(tzinfo=zoneinfo.ZoneInfo('Europe/London'))."
        )


class NotADatetimeError(B12CourseError, TypeError):
    """Raised when a value that is not a ``datetime`` is given for an instant.

    Attributes:
        name: What the value was for.
        value: The value given.
    """

    def __init__(self, name: str, value: object) -> None:
        self.name = name
        self.value = value
        super().__init__(
            f"{name} must be a timezone-aware datetime.datetime, not "
            f"{type(value).__name__} {value!r}"
        )


class NotADateError(B12CourseError, TypeError):
    """Raised when a value that is not a ``date`` is given for a calendar day.

    A ``datetime`` is refused too: a day is a ``datetime.date``, never midnight.

    Attributes:
        name: What the value was for.
        value: The value given.
    """

    def __init__(self, name: str, value: object) -> None:
        self.name = name
        self.value = value
        super().__init__(
            f"{name} must be a datetime.date (a calendar day), not "
            f"{type(value).__name__} {value!r}"
        )


class OutOfBoundsError(B12CourseError, ValueError):
    """Raised when an instant or a span lies beyond what a course can plan.

    Courses plan between the years 1000 and 9000 (UTC): beyond them, date
    arithmetic would overflow Python's calendar (year 1 to 9999) later, in
    every plan.

    Attributes:
        name: What the value was for.
        value: The value given.
    """

    def __init__(self, name: str, value: object, detail: str) -> None:
        self.name = name
        self.value = value
        super().__init__(f"{name}: {detail}")


class ZoneError(B12CourseError, ValueError):
    """Raised when a zone is not an IANA ``zoneinfo.ZoneInfo`` zone.

    Attributes:
        value: The offending tzinfo or zone name.
    """

    def __init__(self, value: object, detail: str = "") -> None:
        self.value = value
        super().__init__(
            f"{value!r} is not an IANA time zone{': ' + detail if detail else ''}. "
            "Use zoneinfo.ZoneInfo with a key such as 'Europe/London', so doses "
            "keep their wall-clock time across daylight-saving changes."
        )


class UnitError(B12CourseError, ValueError):
    """Raised when a dose amount or a lab unit cannot be read or converted.

    Attributes:
        value: The text or unit that could not be read.
    """

    def __init__(self, value: object, detail: str) -> None:
        self.value = value
        super().__init__(f"cannot read {value!r}: {detail}")


class ImplausibleDoseError(B12CourseError, ValueError):
    """Raised when a dose is implausible for its route (see clinical.md section 6).

    Attributes:
        micrograms: The amount in micrograms, when one was read.
        route: The route, when one was given.
    """

    def __init__(
        self, detail: str, *, micrograms: int | None = None, route: object = None
    ) -> None:
        self.micrograms = micrograms
        self.route = route
        super().__init__(detail)


class RegimenError(B12CourseError, ValueError):
    """Raised when a cadence, phase or regimen is not well formed."""


class UnknownPresetError(B12CourseError, LookupError):
    """Raised when a regimen preset id is not known.

    Attributes:
        preset_id: The id asked for.
        available: The ids that exist.
    """

    def __init__(self, preset_id: str, available: tuple[str, ...]) -> None:
        self.preset_id = preset_id
        self.available = available
        super().__init__(
            f"no regimen preset {preset_id!r}; available: {', '.join(available)}"
        )

    def __str__(self) -> str:
        # LookupError would otherwise show the repr of the message.
        return str(self.args[0])


class DuplicateRecordError(B12CourseError, ValueError):
    """Raised when the same thing is recorded twice (e.g. two doses at one instant).

    Attributes:
        value: The duplicated record.
    """

    def __init__(self, value: object, detail: str) -> None:
        self.value = value
        super().__init__(detail)


class DoseOrderError(B12CourseError, ValueError):
    """Raised when a dose given would put the plan out of time order.

    For example a dose given a year before the course's first planned dose,
    or a dose given before a skipped dose that comes before it in the plan.

    Attributes:
        given_at: When the refused dose was given.
        slot: The planned dose it collides with (a ``PlannedDose``).
    """

    def __init__(self, given_at: object, slot: object, detail: str) -> None:
        self.given_at = given_at
        self.slot = slot
        super().__init__(detail)


class InvalidRecordError(B12CourseError, TypeError):
    """Raised when a record of the wrong kind is given (e.g. not a SymptomEntry).

    Attributes:
        value: The value given.
    """

    def __init__(self, value: object, detail: str) -> None:
        self.value = value
        super().__init__(detail)


class NoSuchDoseError(B12CourseError, LookupError):
    """Raised when a planned dose named by the caller is not in the plan.

    Attributes:
        value: What the caller named (a number or a due instant).
    """

    def __init__(self, value: object, detail: str) -> None:
        self.value = value
        super().__init__(detail)

    def __str__(self) -> str:
        return str(self.args[0])


class PhaseDecisionError(B12CourseError, ValueError):
    """Raised when a phase cannot be ended as asked (e.g. before its first dose).

    Each message is built by one classmethod below.

    Attributes:
        phase: The index of the phase concerned, when one is known.
        at: The instant of the decision, when one was given.
        detail: What was wrong.
    """

    def __init__(
        self, detail: str, *, phase: int | None = None, at: object = None
    ) -> None:
        self.detail = detail
        self.phase = phase
        self.at = at
        super().__init__(detail)

    @classmethod
    def nothing_in_progress(cls, at: dt.datetime) -> PhaseDecisionError:
        """No phase has had a dose and is still open at ``at``."""
        return cls(
            f"no phase is in progress at {at.isoformat()}: a phase can be "
            "ended only after its first dose",
            at=at,
        )

    @classmethod
    def already_decided(cls, phase: int, name: str) -> PhaseDecisionError:
        """The phase already has an end decision."""
        return cls(
            f"the {name!r} phase (index {phase}) already has an end decision",
            phase=phase,
        )

    @classmethod
    def no_such_phase(cls, phase: object, phases: int) -> PhaseDecisionError:
        """A decision names a phase the regimen does not have."""
        return cls(
            f"the regimen has no phase {phase!r} (it has {phases}, "
            f"indexed 0 to {phases - 1})",
            phase=phase if isinstance(phase, int) else None,
        )

    @classmethod
    def not_conditional(cls, phase: int, name: str) -> PhaseDecisionError:
        """A confirmation names a phase whose source attaches no condition."""
        return cls(
            f"the {name!r} phase (index {phase}) has no condition to confirm",
            phase=phase,
        )

    @classmethod
    def already_confirmed(cls, phase: int, name: str) -> PhaseDecisionError:
        """The phase's condition is already confirmed."""
        return cls(
            f"the condition of the {name!r} phase (index {phase}) is already confirmed",
            phase=phase,
        )

    @classmethod
    def nothing_to_confirm(cls) -> PhaseDecisionError:
        """The regimen has no conditional phase left to confirm."""
        return cls(
            "no phase of the regimen is conditional and still unconfirmed: "
            "nothing to confirm"
        )


class CorrectionError(B12CourseError, LookupError):
    """Raised when a record to void or amend cannot be found, or is named ambiguously.

    Each message is built by one classmethod below.

    Attributes:
        reference: What the caller named (a record, or a description of it).
        detail: What was wrong.
    """

    def __init__(self, reference: object, detail: str) -> None:
        self.reference = reference
        self.detail = detail
        super().__init__(detail)

    def __str__(self) -> str:
        return self.detail

    @classmethod
    def no_such_record(cls, reference: object, what: str) -> CorrectionError:
        """Nothing in force in the course is the record named."""
        return cls(
            reference,
            f"the course holds no {what}; list the records with `b12course "
            "timeline` (or course.timeline(...)) and name one that is there",
        )

    @classmethod
    def already_voided(cls, reference: object, what: str) -> CorrectionError:
        """The record named was voided already (it stays in the record, voided)."""
        return cls(
            reference,
            f"the {what} was already voided; a voided record cannot be voided "
            "or amended again (record it anew if it was right after all)",
        )

    @classmethod
    def ambiguous(cls, reference: object, what: str, choices: str) -> CorrectionError:
        """More than one record in force matches what was named."""
        return cls(
            reference,
            f"more than one {what} matches ({choices}); name it more precisely",
        )

    @classmethod
    def wrong_kind(cls, record: object, replacement: object) -> CorrectionError:
        """An amendment replaces a record with one of another kind."""
        return cls(
            record,
            f"an amendment replaces a record with one of the same kind: "
            f"{type(record).__name__} cannot become {type(replacement).__name__}",
        )

    @classmethod
    def nothing_to_undo(cls) -> CorrectionError:
        """The course holds no record in force."""
        return cls(None, "the course holds no record to undo")


class ImplausibleEntryError(B12CourseError, ValueError):
    """Raised when a record looks like a typo: it is refused until acknowledged.

    Nothing is recorded.  Each message says what looks wrong and how to
    record it anyway, and is built by one classmethod below.

    Attributes:
        at: The instant of the refused record.
        check: Which check refused it: ``"future"``, ``"close"`` or
            ``"renumber"``; each has its own acknowledgement
            (``allow_future``, ``allow_close``, ``allow_renumber``).
    """

    def __init__(self, at: object, check: str, detail: str) -> None:
        self.at = at
        self.check = check
        super().__init__(detail)

    @classmethod
    def future(
        cls, what: str, at: dt.datetime, now: dt.datetime
    ) -> ImplausibleEntryError:
        """A record later than the present."""
        return cls(
            at,
            "future",
            f"{what} at {at.isoformat()} is later than now ({now.isoformat()}); "
            "check the date, or record it anyway with allow_future=True "
            "(--future)",
        )

    @classmethod
    def too_close(
        cls,
        at: dt.datetime,
        other: dt.datetime,
        minimum: dt.timedelta,
        route: object,
    ) -> ImplausibleEntryError:
        """A dose within the minimum interval of another dose given."""
        hours = abs((other - at).total_seconds()) / 3600
        return cls(
            at,
            "close",
            f"a dose at {at.isoformat()} is {hours:g} h from the dose given at "
            f"{other.isoformat()}; {route} doses are at least "
            f"{minimum.total_seconds() / 3600:g} h apart (a wrong date or UTC "
            "offset?); if both were given, record it with allow_close=True "
            "(--again)",
        )

    @classmethod
    def renumbers(
        cls, at: dt.datetime, moved: dt.datetime, number: int | None
    ) -> ImplausibleEntryError:
        """A dose that would change the numbers of doses already recorded."""
        now = f"now dose {number}" if number is not None else "past the plan"
        return cls(
            at,
            "renumber",
            f"a dose at {at.isoformat()} would change the numbers of doses "
            f"already recorded (the dose given at {moved.isoformat()} is {now}); "
            "if that is right, record it with allow_renumber=True (--renumber)",
        )


class SeverityError(B12CourseError, ValueError):
    """Raised when a symptom severity is outside the 0-10 numeric rating scale.

    Attributes:
        value: The severity given.
    """

    def __init__(self, value: object, detail: str = "") -> None:
        self.value = value
        super().__init__(
            detail
            or f"severity {value!r} is outside the 0-10 numeric rating scale (NRS-11); "
            "give a whole number from 0 (none) to 10 (worst imaginable)"
        )


class SettingError(B12CourseError, ValueError):
    """Raised when an analysis setting is not well formed.

    For example a flare model whose window closes before it opens, a plateau
    rule that needs fewer than two assessments, overlapping reference bands,
    or a negative ``grace``.  Messages used in several places are built by one
    classmethod each.

    Attributes:
        detail: What was wrong.
        value: The offending value, when one was passed.
    """

    def __init__(self, detail: str, *, value: object = None) -> None:
        self.detail = detail
        self.value = value
        super().__init__(detail)

    @classmethod
    def not_one_of(
        cls, name: str, value: object, choices: Iterable[object]
    ) -> SettingError:
        """``value`` is not one of ``choices`` for the setting ``name``."""
        names = ", ".join(str(c) for c in choices)
        return cls(f"unknown {name} {value!r}; use one of {names}", value=value)

    @classmethod
    def wrong_kind(cls, name: str, value: object, expected: str) -> SettingError:
        """The setting ``name`` takes ``expected``, not ``value``."""
        return cls(f"{name} takes {expected}, not {value!r}", value=value)

    @classmethod
    def grace(cls, value: object) -> SettingError:
        """``grace`` is not a non-negative ``datetime.timedelta`` (or None)."""
        return cls(
            f"grace must be None or a datetime.timedelta of zero or more, not "
            f"{value!r}; e.g. grace=datetime.timedelta(hours=12)",
            value=value,
        )

    @classmethod
    def patient_reference(cls, value: object) -> SettingError:
        """``value`` is not a reference to a Patient by a FHIR id."""
        return cls(
            f"patient must be a reference such as 'Patient/123' (a FHIR id: 1 to "
            f"64 letters, digits, '-' or '.'), not {value!r:.80}",
            value=value,
        )


class RangeError(B12CourseError, ValueError):
    """Raised when a time range ends before it starts.

    Every range is half-open, ``[start, end)``; ``end == start`` is the empty
    range, ``end < start`` is a mistake (often swapped arguments).

    Attributes:
        start: The start given.
        end: The end given.
    """

    def __init__(self, start: dt.datetime, end: dt.datetime) -> None:
        self.start = start
        self.end = end
        super().__init__(
            f"the range [{start.isoformat()}, {end.isoformat()}) ends before it "
            "starts; pass the earlier instant first"
        )


class LabValueError(B12CourseError, ValueError):
    """Raised when a lab result's value or unit is not acceptable.

    Attributes:
        value: The value given.
    """

    def __init__(self, value: object, detail: str) -> None:
        self.value = value
        super().__init__(detail)


class CourseFormatError(B12CourseError, ValueError):
    """Raised when a stored course document is malformed.

    Attributes:
        path: Where in the document the problem is (e.g. ``symptoms[3].severity``).
    """

    def __init__(self, path: str, detail: str) -> None:
        self.path = path
        super().__init__(f"{path or '<document>'}: {detail}")


class CalendarFormatError(B12CourseError, ValueError):
    """Raised when iCalendar data is malformed or was not written by b12course.

    Attributes:
        detail: What was wrong.
    """

    def __init__(self, detail: str) -> None:
        self.detail = detail
        super().__init__(detail)


class AlarmError(B12CourseError, ValueError):
    """Raised when a calendar reminder time cannot be read or is out of range.

    Attributes:
        value: The text or duration given.
    """

    def __init__(self, value: object, detail: str) -> None:
        self.value = value
        super().__init__(f"bad reminder time {value!r}: {detail}")


class ExportError(B12CourseError, ValueError):
    """Raised when a chart or an export cannot be written as asked.

    For example a chart file name whose suffix is neither ``.png`` nor ``.svg``.

    Attributes:
        value: The offending value (e.g. the path).
    """

    def __init__(self, value: object, detail: str) -> None:
        self.value = value
        super().__init__(detail)

    @classmethod
    def fhir_datetime(cls, value: object) -> ExportError:
        """``value`` is an instant a FHIR dateTime cannot carry, even in UTC."""
        return cls(
            value,
            f"{value} cannot be written as a FHIR dateTime: at its offset it "
            "is not one FHIR allows (whole minutes within +-14:00), and in UTC "
            "it falls outside years 1 to 9999",
        )


class NotACourseError(B12CourseError, TypeError):
    """Raised when a function that renders or stores a course is given something else.

    Every rendering (calendar, CSV, summaries, chart, FHIR, CalDAV), the JSON
    writer and worklists raise it for a value that is not a ``Course``.

    Attributes:
        value: The value given.
    """

    def __init__(self, value: object, what: str = "course") -> None:
        self.value = value
        super().__init__(
            f"expected a b12course Course as the {what}, got "
            f"{type(value).__name__} {value!r:.60}"
        )


class TextError(B12CourseError, ValueError):
    """Raised when a text field holds what no file or calendar can carry.

    For example a lone surrogate (U+D800 alone), which cannot be encoded as
    UTF-8, or a value that is not a string at all.

    Attributes:
        field: The name of the field.
        value: The value given.
    """

    def __init__(self, field: str, value: object, detail: str) -> None:
        self.field = field
        self.value = value
        super().__init__(f"{field}: {detail}")


class FhirFormatError(B12CourseError, ValueError):
    """Raised when a FHIR resource or bundle cannot be mapped to a course.

    Attributes:
        resource: The resource (type and id, e.g. ``MedicationAdministration/7``).
        field: The field that could not be read (e.g. ``effectiveDateTime``).
    """

    def __init__(self, resource: str, field: str, detail: str) -> None:
        self.resource = resource
        self.field = field
        where = f"{resource}.{field}" if field else resource
        super().__init__(f"{where or '<bundle>'}: {detail}")


class CalDavError(B12CourseError, RuntimeError):
    """Raised when a CalDAV server cannot be reached, refuses us, or is not a calendar.

    Messages never contain credentials.

    Attributes:
        url: The calendar's URL, without any user name or password.
        status: The HTTP status, when the server answered.
    """

    def __init__(self, url: str, detail: str, status: int | None = None) -> None:
        self.url = url
        self.status = status
        super().__init__(f"{url}: {detail}")


class CalDavNetworkError(CalDavError):
    """Raised when a CalDAV server cannot be reached or does not answer in time.

    The command line exits with its own status (3) for it: the input was
    fine, the network was not.  ``status`` is always None.
    """

    def __init__(self, url: str, detail: str) -> None:
        super().__init__(url, detail, None)
