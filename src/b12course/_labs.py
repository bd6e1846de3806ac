"""Laboratory results kept beside the doses.

Only the record lives here for now; conversions and interpretation bands
(NICE NG239, clinical.md §4) build on it.
"""

from __future__ import annotations

import datetime as dt
import enum
import math

import attrs

from b12course._time import require_aware
from b12course.exceptions import LabValueError

__all__ = ["Analyte", "LabResult"]


class Analyte(enum.Enum):
    """A laboratory measurement relevant to B12 deficiency."""

    SERUM_B12 = "serum B12"
    ACTIVE_B12 = "active B12"
    MMA = "methylmalonic acid"
    HOMOCYSTEINE = "homocysteine"
    HAEMOGLOBIN = "haemoglobin"
    MCV = "MCV"


def _aware(
    _instance: object, attribute: attrs.Attribute[dt.datetime], value: object
) -> None:
    require_aware(attribute.name, value)


def _value(
    _instance: object, _attribute: attrs.Attribute[float], value: object
) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise LabValueError(value, f"a lab value must be a number, not {value!r}")
    if not math.isfinite(value) or value < 0:
        raise LabValueError(
            value, f"a lab value must be finite and >= 0, not {value!r}"
        )


@attrs.frozen(kw_only=True)
class LabResult:
    """One laboratory result.

    Attributes:
        at: When the sample was taken (aware).
        analyte: What was measured.
        value: The value, in ``unit``.
        unit: The unit as the lab reported it (e.g. ``"ng/L"``).
    """

    at: dt.datetime = attrs.field(validator=_aware)
    analyte: Analyte = attrs.field(converter=Analyte)
    value: float = attrs.field(validator=_value)
    unit: str = attrs.field(converter=str)
