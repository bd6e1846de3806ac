"""Laboratory results kept beside the doses: units and interpretation bands.

A :class:`LabResult` keeps the value and unit the laboratory reported and
converts on request (:meth:`LabResult.to`).  Conversions (clinical.md §4):

- B12 (total and active): 1 pmol/L = 1.35538 pg/mL, from the molecular weight
  of cyanocobalamin, 1355.38 (Nascobal label); assays report on that basis.
  ng/L and pg/mL are the same unit.
- Methylmalonic acid and homocysteine: 1 µmol/L = 1000 nmol/L.
- Haemoglobin: 1 g/dL = 10 g/L.  MCV: fL only.
- Serum folate: 1 µg/L (= 1 ng/mL) = 2.2655 nmol/L, from the molar mass of
  folic acid, 441.4 g/mol (C19H19N7O6; PubChem, folic acid, CID 135398658,
  checked for this library), as laboratories report folate on the folic acid
  basis.

Interpretation bands (:class:`ReferenceRange`) carry their source.  The defaults
are NICE NG239's for total and active B12 (via summaries, clinical.md section
4), named for where a value falls ("below the NG239 threshold",
"indeterminate", "above the NG239 threshold"): NG239's bands describe how
likely deficiency is, and a single result is not a diagnosis.
Laboratories set their own ranges ("local reference ranges should be
established", BSH 2014), so every function takes the caller's range instead.
There is no default for methylmalonic acid: NG239's own cut-off could not be
confirmed, and published ones range from 0.21 to 0.47 µmol/L.  Serum folate's
default is the Scottish national reporting bands (low below 3.5 ng/mL,
borderline/indeterminate 3.5 to 5.5 ng/mL; NHS Highland TAM): no NICE CKS or
BSH cut-off was retrieved, and a value above 5.5 ng/mL falls in no cited band.

In pregnancy a total B12 result is unreliable (:data:`PREGNANCY_NOTE`).
"""

from __future__ import annotations

import datetime as dt
import enum
import math
from collections.abc import Iterable

import attrs

from b12course._text import text_validator
from b12course._time import aware
from b12course.exceptions import LabValueError, SettingError, UnitError

__all__ = [
    "PREGNANCY_NOTE",
    "Analyte",
    "Band",
    "LabResult",
    "ReferenceRange",
    "convert",
    "default_reference",
]

#: pg/mL (= ng/L) per pmol/L of cobalamin: the molecular weight of
#: cyanocobalamin, 1355.38, divided by 1000 (Nascobal label; clinical.md §4).
B12_PG_PER_PMOL = 1.35538


class Analyte(enum.Enum):
    """A laboratory measurement relevant to B12 deficiency."""

    SERUM_B12 = "serum B12"
    ACTIVE_B12 = "active B12"
    MMA = "methylmalonic acid"
    HOMOCYSTEINE = "homocysteine"
    HAEMOGLOBIN = "haemoglobin"
    MCV = "MCV"
    FOLATE = "serum folate"

    def __str__(self) -> str:
        """Read as the analyte's name."""
        return self.value

    @classmethod
    def parse(cls, value: object) -> Analyte:
        """Read an analyte from its name or value, case-insensitive.

        >>> Analyte.parse("Serum B12") is Analyte.SERUM_B12
        True

        Raises:
            LabValueError: The value names no analyte (the message lists them).
        """
        if isinstance(value, Analyte):
            return value
        if isinstance(value, str):
            key = value.strip().casefold()
            for analyte in cls:
                if key in {analyte.value.casefold(), analyte.name.casefold()}:
                    return analyte
        names = ", ".join(a.value for a in cls)
        raise LabValueError(
            value,
            f"{value!r:.60} is not an analyte b12course knows; use one of {names}",
        )


def _to_analyte(value: object) -> Analyte:
    return Analyte.parse(value)


#: Said beside a total B12 result when the person is pregnant or breastfeeding
#: (clinical.md section 0, M8).
PREGNANCY_NOTE = (
    "in pregnancy a total B12 result is unreliable, as levels fall "
    "physiologically ('Vitamin B12 testing should be avoided in pregnancy as "
    "results are unreliable (levels naturally decrease in pregnancy)'; 'If "
    "clinical suspicion of deficiency is strong, consider testing but "
    "interpret the results with caution': BNSSG Remedy), so the NICE NG239 "
    "bands for non-pregnant adults may not apply; 'Active B12 is the "
    "recommended test in pregnancy' (Pulse, pulsetoday.co.uk)"
)

#: nmol/L of folate per µg/L: 1000 / 441.4, the molar mass of folic acid
#: (g/mol; PubChem CID 135398658).
FOLATE_NMOL_PER_UG = 1000 / 441.4


# Canonical units and what each is worth in the analyte's base unit.
_B12 = {"pmol/L": 1.0, "pg/mL": B12_PG_PER_PMOL, "ng/L": B12_PG_PER_PMOL}
_MICROMOLAR = {"µmol/L": 1.0, "nmol/L": 1000.0}
_UNITS: dict[Analyte, dict[str, float]] = {
    Analyte.SERUM_B12: _B12,
    Analyte.ACTIVE_B12: _B12,
    Analyte.MMA: _MICROMOLAR,
    Analyte.HOMOCYSTEINE: _MICROMOLAR,
    Analyte.HAEMOGLOBIN: {"g/L": 1.0, "g/dL": 0.1},
    Analyte.MCV: {"fL": 1.0},
    Analyte.FOLATE: {"µg/L": 1.0, "ng/mL": 1.0, "nmol/L": FOLATE_NMOL_PER_UG},
}
_SPELLINGS = {
    "umol/l": "µmol/L",
    "μmol/l": "µmol/L",
    "micromol/l": "µmol/L",
    "nanomol/l": "nmol/L",
    "picomol/l": "pmol/L",
    "fl": "fL",
    "ug/l": "µg/L",
    "μg/l": "µg/L",
    "mcg/l": "µg/L",
    "femtolitre": "fL",
    "femtoliter": "fL",
}


def canonical_unit(analyte: Analyte, unit: object) -> str:
    """Return the canonical spelling of ``unit`` for ``analyte`` (case-insensitive).

    Raises:
        UnitError: The unit is not one b12course converts for that analyte.
    """
    analyte = Analyte.parse(analyte)
    units = _UNITS[analyte]
    if isinstance(unit, str):
        key = "".join(unit.split()).lower()
        key = _SPELLINGS.get(key, key)
        for name in units:
            if key.lower() == name.lower():
                return name
    raise UnitError(
        unit,
        f"not a unit for {analyte.value}; use one of {', '.join(units)}",
    )


def convert(value: float, analyte: Analyte, from_unit: str, to_unit: str) -> float:
    """Return ``value`` of ``analyte`` in ``from_unit`` converted to ``to_unit``.

    >>> round(convert(180, Analyte.SERUM_B12, "ng/L", "pmol/L"), 1)
    132.8
    >>> convert(0.28, Analyte.MMA, "umol/L", "nmol/L")
    280.0

    Raises:
        UnitError: Either unit is not one of the analyte's units.
    """
    units = _UNITS[Analyte.parse(analyte)]
    source = canonical_unit(analyte, from_unit)
    target = canonical_unit(analyte, to_unit)
    if source == target:
        return float(value)
    return value / units[source] * units[target]


#: The largest value a result may hold, in any unit: far above any
#: measurement of these analytes, and small enough to convert between units.
MAX_LAB_VALUE = 1e9


def _value(
    _instance: object, _attribute: attrs.Attribute[float], value: object
) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise LabValueError(
            value, f"a lab value must be a number, not {type(value).__name__}"
        )
    # An int is compared as an int: 10**400 cannot even become a float.
    if value < 0 or value > MAX_LAB_VALUE or not math.isfinite(value):
        huge = isinstance(value, int) and abs(value) > MAX_LAB_VALUE
        shown = "a huge number" if huge else f"{value!r:.40}"
        raise LabValueError(
            value,
            f"a lab value must be finite, >= 0 and at most {MAX_LAB_VALUE:.0e}, "
            f"not {shown}",
        )


@attrs.frozen(kw_only=True)
class LabResult:
    """One laboratory result.

    Attributes:
        at: When the sample was taken (aware).
        analyte: What was measured.
        value: The value, in ``unit`` (finite, >= 0).
        unit: The unit as the lab reported it (e.g. ``"ng/L"``); it must be one
            of the analyte's units (case and spaces do not matter).

    Raises:
        LabValueError: The analyte is not known, or the value is negative,
            not finite, above :data:`MAX_LAB_VALUE` or not a number.
        UnitError: The unit is not one of the analyte's units.
        NaiveDatetimeError: ``at`` is naive.

    >>> import datetime as dt, zoneinfo
    >>> at = dt.datetime(2026, 11, 20, 9, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    >>> r = LabResult(at=at, analyte="serum B12", value=200, unit="ng/L")
    >>> round(r.to("pmol/L").value, 1), r.interpret().label
    (147.6, 'indeterminate')
    >>> print(r.interpret(pregnant_or_breastfeeding=True))  # doctest: +ELLIPSIS
    indeterminate (in pregnancy a total B12 result is unreliable, ...)
    """

    at: dt.datetime = attrs.field(validator=aware)
    analyte: Analyte = attrs.field(converter=_to_analyte)
    value: float = attrs.field(validator=_value)
    unit: str = attrs.field(converter=str)

    def __attrs_post_init__(self) -> None:
        canonical_unit(self.analyte, self.unit)

    def to(self, unit: str) -> LabResult:
        """Return the same result expressed in ``unit``.

        Raises:
            UnitError: ``unit`` is not a unit of this analyte.
        """
        target = canonical_unit(self.analyte, unit)
        return attrs.evolve(
            self,
            value=convert(self.value, self.analyte, self.unit, target),
            unit=target,
        )

    def interpret(
        self,
        reference: ReferenceRange | None = None,
        *,
        pregnant_or_breastfeeding: bool = False,
    ) -> Band | None:
        """Return the band of ``reference`` this result falls in.

        The band names where the value falls; it is not a diagnosis.

        Args:
            reference: The bands to use; by default the analyte's default
                range (:func:`default_reference`).  The result is converted to
                the range's unit first.
            pregnant_or_breastfeeding: Whether the person is pregnant or
                breastfeeding; for total B12 the band then carries
                :data:`PREGNANCY_NOTE` as its ``note``.

        Returns:
            The band, or None when no range applies or no band holds the value.

        Raises:
            SettingError: ``reference`` is for another analyte.
        """
        chosen = reference if reference is not None else default_reference(self.analyte)
        if chosen is None:
            return None
        if not isinstance(chosen, ReferenceRange):
            raise SettingError(f"expected a ReferenceRange, not {chosen!r}")
        if chosen.analyte is not self.analyte:
            raise SettingError(
                f"the reference range is for {chosen.analyte.value}, not "
                f"{self.analyte.value}"
            )
        band = chosen.band_for(self.to(chosen.unit).value)
        lower_in_pregnancy = (
            pregnant_or_breastfeeding is True and self.analyte is Analyte.SERUM_B12
        )
        if band is not None and lower_in_pregnancy:
            return attrs.evolve(band, note=_joined(band.note, PREGNANCY_NOTE))
        return band


def _joined(*notes: str) -> str:
    return "; ".join(n for n in notes if n)


def _bound(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SettingError(f"a band bound must be a number or None, not {value!r:.60}")
    if abs(value) > MAX_LAB_VALUE or not math.isfinite(value):
        raise SettingError(
            f"a band bound must be a finite number within +-{MAX_LAB_VALUE:.0e}"
        )
    return float(value)


@attrs.frozen(kw_only=True)
class Band:
    """One interpretation band: the values between ``low`` and ``high``.

    Attributes:
        label: What a value in the band is called (e.g. "indeterminate").
        low: The lower bound, or None for no lower bound.
        high: The upper bound, or None for no upper bound.
        low_inclusive: Whether ``low`` itself is in the band (default True).
        high_inclusive: Whether ``high`` itself is in the band (default False).
        note: A caveat to read with the band (e.g. :data:`PREGNANCY_NOTE`).

    Raises:
        SettingError: A bound is not a finite number, or ``low`` exceeds ``high``.

    >>> band = Band(label="indeterminate", low=180, high=350, high_inclusive=True)
    >>> band.contains(350), band.contains(179.9)
    (True, False)
    """

    label: str = attrs.field(validator=text_validator)
    low: float | None = attrs.field(default=None, converter=_bound)
    high: float | None = attrs.field(default=None, converter=_bound)
    low_inclusive: bool = True
    high_inclusive: bool = False
    note: str = attrs.field(default="", validator=text_validator)

    def __attrs_post_init__(self) -> None:
        if self.low is not None and self.high is not None and self.low > self.high:
            raise SettingError(
                f"band {self.label!r}: low {self.low} > high {self.high}"
            )

    def __str__(self) -> str:
        """Read as the label, with the note in brackets if there is one."""
        return f"{self.label} ({self.note})" if self.note else self.label

    def contains(self, value: float) -> bool:
        """Return True when ``value`` is in the band."""
        if self.low is not None and (
            value < self.low or (value == self.low and not self.low_inclusive)
        ):
            return False
        return not (
            self.high is not None
            and (value > self.high or (value == self.high and not self.high_inclusive))
        )


def _bands(value: Iterable[Band]) -> tuple[Band, ...]:
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise SettingError(f"a reference range needs Band values, not {value!r:.60}")
    bands = tuple(value)
    if not bands or not all(isinstance(b, Band) for b in bands):
        raise SettingError(f"a reference range needs Band values, not {value!r}")
    return bands


@attrs.frozen(kw_only=True)
class ReferenceRange:
    """Interpretation bands for one analyte, in one unit, with their source.

    Bands must not overlap; a value in no band has no interpretation.

    Attributes:
        analyte: The analyte.
        unit: The unit the bounds are in.
        bands: The bands.
        source: Where the bands come from (a guideline, or "local laboratory").

    Raises:
        SettingError: No bands, or two bands share a value.
        UnitError: ``unit`` is not a unit of ``analyte``.

    >>> local = ReferenceRange(
    ...     analyte=Analyte.MMA, unit="nmol/L", source="local laboratory",
    ...     bands=(Band(label="normal", high=400), Band(label="raised", low=400)),
    ... )
    >>> local.band_for(450).label
    'raised'
    """

    analyte: Analyte = attrs.field(converter=_to_analyte)
    unit: str = attrs.field(converter=str)
    bands: tuple[Band, ...] = attrs.field(converter=_bands)
    source: str = attrs.field(validator=text_validator)

    def __attrs_post_init__(self) -> None:
        canonical_unit(self.analyte, self.unit)
        for i, first in enumerate(self.bands):
            for second in self.bands[i + 1 :]:
                if _overlap(first, second):
                    raise SettingError(
                        f"bands {first.label!r} and {second.label!r} overlap"
                    )

    def band_for(self, value: float) -> Band | None:
        """Return the band holding ``value`` (in this range's unit), if any."""
        return next((b for b in self.bands if b.contains(value)), None)


def _overlap(a: Band, b: Band) -> bool:
    """Whether two bands share a value."""
    lower, upper = (a, b) if _low_key(a) <= _low_key(b) else (b, a)
    if upper.low is None or lower.high is None:
        return True
    if lower.high > upper.low:
        return True
    return lower.high == upper.low and lower.high_inclusive and upper.low_inclusive


def _low_key(band: Band) -> float:
    return -math.inf if band.low is None else band.low


_NG239 = (
    "NICE NG239 (2024), via summaries [secondary]; clinical.md section 4. "
    "The bands describe how likely deficiency is; a single result is not a "
    "diagnosis. Laboratories may set their own ranges."
)
#: The NG239 band labels: where a value falls, never a diagnosis.
BELOW = "below the NG239 threshold"
ABOVE = "above the NG239 threshold"

NG239_SERUM_B12 = ReferenceRange(
    analyte=Analyte.SERUM_B12,
    unit="ng/L",
    bands=(
        Band(label=BELOW, high=180),
        Band(label="indeterminate", low=180, high=350, high_inclusive=True),
        Band(label=ABOVE, low=350, low_inclusive=False),
    ),
    source=(
        f"{_NG239} Total B12: '<180 ng/L (133 pmol/L)' confirmed deficiency, "
        "'180-350 ng/L (133-258 pmol/L)' indeterminate, '>350 ng/L' unlikely."
    ),
)
NG239_ACTIVE_B12 = ReferenceRange(
    analyte=Analyte.ACTIVE_B12,
    unit="pmol/L",
    bands=(
        Band(label=BELOW, high=25),
        Band(label="indeterminate", low=25, high=70, high_inclusive=True),
        Band(label=ABOVE, low=70, low_inclusive=False),
    ),
    source=(
        f"{_NG239} Active B12 (holotranscobalamin): '<25 pmol/L', "
        "'25-70 pmol/L', '>70 pmol/L'."
    ),
)
SCOTLAND_SERUM_FOLATE = ReferenceRange(
    analyte=Analyte.FOLATE,
    unit="ng/mL",
    bands=(
        Band(label="low", high=3.5),
        Band(label="borderline/indeterminate", low=3.5, high=5.5, high_inclusive=True),
    ),
    source=(
        "Scottish national reporting bands (NHS Highland TAM, Folate testing "
        "and management guidelines, rightdecisions.scot.nhs.uk): results 'are "
        "reported as either low (less than 3.5 nanogram/mL) or "
        "borderline/indeterminate (3.5 to 5.5 nanogram/mL)'; 'A low serum "
        "folate result should be taken as suggestive of deficiency rather than "
        "as a highly sensitive diagnostic test.' No NICE CKS or BSH cut-off "
        "was retrieved; laboratories set their own ranges. A value above 5.5 "
        "ng/mL falls in no cited band."
    ),
)
_DEFAULTS = {
    Analyte.SERUM_B12: NG239_SERUM_B12,
    Analyte.ACTIVE_B12: NG239_ACTIVE_B12,
    Analyte.FOLATE: SCOTLAND_SERUM_FOLATE,
}


def default_reference(analyte: Analyte) -> ReferenceRange | None:
    """Return the default interpretation range of ``analyte``, if it has one.

    Total and active B12 have NICE NG239's bands; serum folate has the
    Scottish national reporting bands (cited in its ``source``).  Methylmalonic acid,
    homocysteine, haemoglobin and MCV have none: NG239's MMA cut-off is
    unconfirmed, and the others depend on the laboratory, sex and age.  Pass
    a :class:`ReferenceRange` from the laboratory instead.

    >>> default_reference(Analyte.MMA) is None
    True
    """
    return _DEFAULTS.get(Analyte.parse(analyte))
