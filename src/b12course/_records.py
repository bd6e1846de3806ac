"""What happened: doses given, doses skipped, and decisions to end a phase.

These are the facts a course records.  The plan is derived from them and never
stored beside them, so it can never disagree with the record.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from b12course._regimen import Dose
from b12course._time import require_aware
from b12course.exceptions import InvalidRecordError

__all__ = ["AdministeredDose", "DecisionBasis", "DoseSkip", "PhaseDecision"]


def _aware(
    _instance: object, attribute: attrs.Attribute[dt.datetime], value: object
) -> None:
    require_aware(attribute.name, value)


def _optional_text(value: object) -> str | None:
    if value is None:
        return None
    return str(value)


@attrs.frozen(kw_only=True)
class AdministeredDose:
    """A dose actually given.

    Attributes:
        at: When it was given (aware).
        dose: What was given.
        site: The injection site, if recorded (see ``b12course.Site``).
        lot: The product's lot or batch number.
        note: Free text.

    >>> import datetime as dt, zoneinfo
    >>> from b12course import Dose, Drug, Route
    >>> at = dt.datetime(2026, 12, 1, 9, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    >>> dose = Dose(Drug.HYDROXOCOBALAMIN, "1 mg", "IM")
    >>> AdministeredDose(at=at, dose=dose).site is None
    True
    """

    at: dt.datetime = attrs.field(validator=_aware)
    dose: Dose = attrs.field(validator=attrs.validators.instance_of(Dose))
    site: str | None = attrs.field(default=None, converter=_optional_text)
    lot: str | None = attrs.field(default=None, converter=_optional_text)
    note: str | None = attrs.field(default=None, converter=_optional_text)


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

    due: dt.datetime = attrs.field(validator=_aware)
    reason: str = attrs.field(default="", converter=str)
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
    """

    phase: int = attrs.field(validator=attrs.validators.instance_of(int))
    at: dt.datetime = attrs.field(validator=_aware)
    reason: str = attrs.field(default="", converter=str)
    basis: DecisionBasis = attrs.field(
        default=DecisionBasis.CLINICIAN,
        validator=attrs.validators.instance_of(DecisionBasis),
    )
