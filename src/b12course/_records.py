"""What happened: doses given, doses skipped, and decisions to end a phase.

These are the facts a course records.  The plan is derived from them and never
stored beside them, so it can never disagree with the record.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from b12course._checks import instance_of
from b12course._regimen import Dose
from b12course._text import text_validator
from b12course._time import aware
from b12course.exceptions import InvalidRecordError, PhaseDecisionError

__all__ = [
    "AdministeredDose",
    "Administrator",
    "DecisionBasis",
    "DoseSkip",
    "PhaseConfirmation",
    "PhaseDecision",
]


def _enum_text(value: object) -> object:
    """Store a str enum member (``Site.LEFT_DELTOID``) as its plain text value."""
    return value.value if isinstance(value, enum.Enum) else value


_optional_text = attrs.validators.optional(text_validator)


class Administrator(enum.Enum):
    """Who gave a dose: the person themselves, a carer, or a clinician.

    >>> str(Administrator.parse("Carer"))
    'carer'
    """

    SELF = "self"
    CARER = "carer"
    CLINICIAN = "clinician"

    def __str__(self) -> str:
        """Print the value, as every rendering shows it."""
        return self.value

    @classmethod
    def parse(cls, value: object) -> Administrator:
        """Return ``value`` (a member or its value, any case) as an Administrator.

        Raises:
            InvalidRecordError: ``value`` names no administrator.
        """
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            for member in cls:
                if value.strip().casefold() == member.value:
                    return member
        names = ", ".join(m.value for m in cls)
        raise InvalidRecordError(
            value, f"who gave the dose must be one of {names}, not {value!r}"
        )


def _administrator(value: object) -> Administrator | None:
    return None if value is None else Administrator.parse(value)


@attrs.frozen(kw_only=True)
class AdministeredDose:
    """A dose actually given.

    Attributes:
        at: When it was given (aware).
        dose: What was given.
        site: The injection site, if recorded (see ``b12course.Site``).
        lot: The product's lot or batch number.
        note: Free text.
        by: Who gave it (self, carer, clinician), if recorded.

    >>> import datetime as dt, zoneinfo
    >>> from b12course import Dose, Drug, Route
    >>> at = dt.datetime(2026, 12, 1, 9, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    >>> dose = Dose(Drug.HYDROXOCOBALAMIN, "1 mg", "IM")
    >>> AdministeredDose(at=at, dose=dose).site is None
    True
    """

    at: dt.datetime = attrs.field(validator=aware)
    dose: Dose = attrs.field(validator=instance_of(Dose, "a Dose"))
    site: str | None = attrs.field(
        default=None, converter=_enum_text, validator=_optional_text
    )
    lot: str | None = attrs.field(default=None, validator=_optional_text)
    note: str | None = attrs.field(default=None, validator=_optional_text)
    by: Administrator | None = attrs.field(default=None, converter=_administrator)


def _slot_number(
    _instance: object, attribute: attrs.Attribute[int | None], value: object
) -> None:
    minimum = 0 if attribute.name == "phase" else 1
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, int) or value < minimum
    ):
        raise InvalidRecordError(
            value,
            f"a skip's {attribute.name} must be a whole number >= {minimum} or "
            f"None, not {value!r}",
        )


@attrs.frozen(kw_only=True)
class DoseSkip:
    """A decision that one planned dose will not be given.

    The skip names its slot by ``phase`` and ``number_in_phase`` (as
    ``PlannedDose`` does), so it marks exactly that slot however later records
    move its due time.  A skip without them (from a document written before
    skips carried their slot) marks the first slot due at ``due``.

    Attributes:
        due: The due instant of the planned dose when it was skipped.
        reason: Why, in free text.
        phase: The index of the skipped dose's phase in the regimen.
        number_in_phase: Its 1-based number within the phase.
    """

    due: dt.datetime = attrs.field(validator=aware)
    reason: str = attrs.field(default="", validator=text_validator)
    phase: int | None = attrs.field(default=None, validator=_slot_number)
    number_in_phase: int | None = attrs.field(default=None, validator=_slot_number)

    def __attrs_post_init__(self) -> None:
        if (self.phase is None) != (self.number_in_phase is None):
            raise InvalidRecordError(
                self,
                "a skip names its slot by both phase and number_in_phase, or by "
                "neither",
            )

    @property
    def slot(self) -> tuple[int, int] | None:
        """The skipped slot as ``(phase, number_in_phase)``, if recorded."""
        if self.phase is None or self.number_in_phase is None:
            return None
        return (self.phase, self.number_in_phase)


class DecisionBasis(enum.Enum):
    """Who or what ended a phase."""

    CLINICIAN = "clinician"
    PLATEAU = "plateau"

    def __str__(self) -> str:
        """Print the value, as every rendering shows it."""
        return self.value


def _phase_index(
    _instance: object, _attribute: attrs.Attribute[int], value: object
) -> None:
    # bool is an int to Python, but True is no phase.
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise PhaseDecisionError(
            f"a decision names its phase by index (0, 1, ...), not {value!r}",
            phase=None,
        )


@attrs.frozen(kw_only=True)
class PhaseDecision:
    """A decision that phase ``phase`` of the regimen ended at ``at``.

    Doses due at or after ``at`` belong to the next phase, which starts one of
    its own intervals after the last dose of this one.

    Attributes:
        phase: The index of the phase in the regimen.
        at: When the decision took effect (aware).
        reason: Why, in free text.
        basis: A clinician's decision, or a detected improvement plateau.
        by: Who decided (self, carer, clinician), if recorded.
    """

    phase: int = attrs.field(validator=_phase_index)
    at: dt.datetime = attrs.field(validator=aware)
    reason: str = attrs.field(default="", validator=text_validator)
    basis: DecisionBasis = attrs.field(
        default=DecisionBasis.CLINICIAN,
        validator=instance_of(DecisionBasis, "a DecisionBasis"),
    )
    by: Administrator | None = attrs.field(default=None, converter=_administrator)


@attrs.frozen(kw_only=True)
class PhaseConfirmation:
    """A clinician's confirmation that the condition of a conditional phase is met.

    A phase whose source makes it conditional (:attr:`Phase.condition
    <b12course.Phase.condition>`: the FDA label gives its alternate-day doses
    only "If there is clinical improvement and if a reticulocyte response is
    observed") has provisional doses until this is recorded.  One
    confirmation covers the phase and the phases right after it that carry
    the same condition.

    Attributes:
        phase: The index of the conditional phase in the regimen.
        at: When the condition was confirmed (aware).
        reason: What was seen, in free text ("reticulocytes rose").
        by: Who confirmed it (self, carer, clinician), if recorded.

    >>> import datetime as dt, zoneinfo
    >>> at = dt.datetime(2026, 12, 8, 9, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    >>> PhaseConfirmation(phase=1, at=at, by="clinician").by
    <Administrator.CLINICIAN: 'clinician'>
    """

    phase: int = attrs.field(validator=_phase_index)
    at: dt.datetime = attrs.field(validator=aware)
    reason: str = attrs.field(default="", validator=text_validator)
    by: Administrator | None = attrs.field(default=None, converter=_administrator)
