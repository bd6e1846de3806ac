"""Exact dose amounts.

A dose amount is held as a whole number of micrograms, so ``1 mg`` and
``1000 mcg`` are the same value and no float rounding can ever change a dose.
Amounts print in ``mg`` when they are whole milligrams and in ``mcg``
otherwise, never with the ``µg`` symbol, which ISMP and the FDA advise against
because ``µ`` is misread as ``m`` (a thousandfold overdose; clinical.md §6).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import attrs

from b12course.exceptions import ImplausibleDoseError, UnitError

__all__ = ["MAX_MICROGRAMS", "Amount"]

# Micrograms per unit.  "g" is read only to refuse it with a clear message.
_MICROGRAMS_PER = {
    "mcg": 1,
    "ug": 1,
    "µg": 1,
    "μg": 1,
    "microgram": 1,
    "micrograms": 1,
    "mg": 1000,
    "milligram": 1000,
    "milligrams": 1000,
}
_GRAM_UNITS = frozenset({"g", "gram", "grams"})
# A number (with optional thousands separators, "1,000") and a unit.
_AMOUNT_RE = re.compile(
    r"^\s*([0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?|\.[0-9]+)"
    r"\s*([^\s0-9.,]+)\s*$"
)
#: The largest amount b12course holds: 1 kg.  No dose of any cobalamin comes
#: near it (the cyanide antidote's cumulative maximum is 10 g, clinical.md
#: section 6); the bound keeps every amount printable and comparable.
MAX_MICROGRAMS = 10**9


def _positive_micrograms(
    _instance: object, _attribute: attrs.Attribute[int], value: int
) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise UnitError(value, "an amount is a whole number of micrograms")
    if value > MAX_MICROGRAMS:
        # Checked before any formatting: an int of thousands of digits cannot
        # even be printed (ValueError in str()).
        raise ImplausibleDoseError(
            "an amount above 1 kg (10**9 mcg) is no dose; check the number and the unit"
        )
    if value <= 0:
        shown = value if value > -MAX_MICROGRAMS else "a negative number of"
        raise ImplausibleDoseError(
            f"a dose must be more than 0 mcg, not {shown} mcg",
            micrograms=value if value > -MAX_MICROGRAMS else None,
        )


@attrs.frozen(order=True)
class Amount:
    """An exact dose amount, in whole micrograms.

    Attributes:
        micrograms: The amount in micrograms (a positive integer).

    >>> Amount.parse("1 mg") == Amount.parse("1000 mcg") == Amount(1000)
    True
    >>> str(Amount.parse("0.5 mg")), str(Amount(50)), str(Amount.parse("1,000 mcg"))
    ('500 mcg', '50 mcg', '1 mg')
    """

    micrograms: int = attrs.field(validator=_positive_micrograms)

    @classmethod
    def parse(cls, text: str) -> Amount:
        """Read an amount such as ``"1 mg"``, ``"1000 mcg"`` or ``"1000 µg"``.

        Args:
            text: A number followed by a unit: mcg, ug, µg, microgram(s), mg or
                milligram(s), case-insensitive.  The number may group
                thousands with commas ("1,000 mcg").

        Returns:
            The amount.

        Raises:
            UnitError: The text is not a number and a known unit, or the amount
                is not a whole number of micrograms.
            ImplausibleDoseError: The amount is zero, or is given in grams
                (gram doses are the cyanide antidote, not B12 replacement).
        """
        if not isinstance(text, str):
            raise UnitError(text, "expected text such as '1 mg' or '1000 mcg'")
        match = _AMOUNT_RE.match(text)
        if match is None:
            raise UnitError(
                text, "expected a number and a unit, e.g. '1 mg' or '1000 mcg'"
            )
        number, unit = match.group(1).replace(",", ""), match.group(2).lower()
        if unit in _GRAM_UNITS:
            raise ImplausibleDoseError(
                f"{text!r} is in grams: gram doses of hydroxocobalamin are the "
                "cyanide antidote (Cyanokit), not B12 replacement; write the dose "
                "in mg or mcg",
            )
        if unit not in _MICROGRAMS_PER:
            raise UnitError(text, f"unknown unit {unit!r}; use mcg or mg")
        try:
            micrograms = Decimal(number) * _MICROGRAMS_PER[unit]
        except (
            InvalidOperation
        ) as exc:  # pragma: no cover - the regex admits only numbers
            raise UnitError(text, "not a number") from exc
        if micrograms > MAX_MICROGRAMS:
            raise ImplausibleDoseError(
                f"{text[:40]!r} is above 1 kg, which is no dose; check the number "
                "and the unit"
            )
        if micrograms != micrograms.to_integral_value():
            raise UnitError(
                text, "doses are whole micrograms; fractions of a mcg are not"
            )
        return cls(int(micrograms))

    @classmethod
    def coerce(cls, value: Amount | str | int) -> Amount:
        """Return ``value`` as an Amount: an Amount, a text to parse, or micrograms."""
        if isinstance(value, Amount):
            return value
        if isinstance(value, str):
            return cls.parse(value)
        return cls(value)

    @property
    def milligrams(self) -> Decimal:
        """The amount in milligrams, exactly."""
        return Decimal(self.micrograms) / 1000

    def __str__(self) -> str:
        """Show whole milligrams as ``mg`` and anything else as ``mcg``."""
        if self.micrograms % 1000 == 0:
            return f"{self.micrograms // 1000} mg"
        return f"{self.micrograms} mcg"
