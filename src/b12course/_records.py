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


@attrs.frozen(kw_only=True)
class DoseSkip:
    """A decision that the planned dose due at ``due`` will not be given.

    Attributes:
        due: The due instant of the planned dose that is skipped.
        reason: Why, in free text.
    """

    due: dt.datetime = attrs.field(validator=_aware)
    reason: str = attrs.field(default="", converter=str)


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
