"""The symptom log: what a person felt, when, and how bad (0-10).

Severity uses the 0-10 numeric rating scale (NRS-11): "0 (no pain) to 10
(worst imaginable pain)", with 1-3 mild, 4-6 moderate and 7-10 severe, and "at
least a 2-point change ... considered clinically meaningful" (clinical.md §5).
The same convention serves myoclonus and paraesthesia severity in a log.

Entries from before the first dose are welcome: they are the baseline.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from b12course._time import require_aware
from b12course.exceptions import SeverityError

__all__ = ["Symptom", "SymptomEntry", "Trigger"]


class Symptom(enum.Enum):
    """A symptom of B12 deficiency that people log.

    ``OTHER`` takes a name on the entry (``SymptomEntry.name``).
    """

    MYOCLONUS = "myoclonus"
    TREMOR = "tremor"
    INVOLUNTARY_MOVEMENTS = "involuntary movements"
    PARESTHESIA = "paresthesia"
    NUMBNESS = "numbness"
    WEAKNESS = "weakness"
    FATIGUE = "fatigue"
    COGNITIVE = "cognitive"
    ATAXIA = "ataxia"
    OTHER = "other"


class Trigger(enum.Enum):
    """A possible trigger of jerks worth noting beside an entry."""

    CAFFEINE = "caffeine"
    STRESS = "stress"
    NEW_MEDICATION = "new medication"
    POOR_SLEEP = "poor sleep"
    EXERCISE = "exercise"
    OTHER = "other"


def _aware(
    _instance: object, attribute: attrs.Attribute[dt.datetime], value: object
) -> None:
    require_aware(attribute.name, value)


def _severity(
    _instance: object, _attribute: attrs.Attribute[int], value: object
) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SeverityError(
            value, f"severity must be a whole number from 0 to 10, not {value!r}"
        )
    if not 0 <= value <= 10:  # noqa: PLR2004
        raise SeverityError(value)


def _texts(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)  # type: ignore[attr-defined]


def _triggers(value: object) -> tuple[Trigger, ...]:
    if isinstance(value, (str, Trigger)):
        value = (value,)
    return tuple(Trigger(v) for v in value)  # type: ignore[attr-defined]


def _optional_text(value: object) -> str | None:
    return None if value is None else str(value)


@attrs.frozen(kw_only=True)
class SymptomEntry:
    """One assessment of one symptom.

    Attributes:
        at: When it was assessed (aware).
        symptom: Which symptom.
        severity: 0 (none) to 10 (worst imaginable), a whole number.
        name: The symptom's name when ``symptom`` is ``Symptom.OTHER``.
        during_sleep: Whether the jerks happen during sleep (None: not noted).
        multifocal: Whether they involve several body parts (None: not noted).
        body_sites: Where (free text, e.g. "hands", "tongue").
        triggers: Possible triggers noted.
        note: Free text.

    Raises:
        SeverityError: The severity is not a whole number from 0 to 10.
        NaiveDatetimeError: ``at`` is naive.

    >>> import datetime as dt, zoneinfo
    >>> at = dt.datetime(2026, 12, 3, 20, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    >>> SymptomEntry(at=at, symptom=Symptom.MYOCLONUS, severity=6).severity
    6
    """

    at: dt.datetime = attrs.field(validator=_aware)
    symptom: Symptom = attrs.field(converter=Symptom)
    severity: int = attrs.field(validator=_severity)
    name: str | None = attrs.field(default=None, converter=_optional_text)
    during_sleep: bool | None = None
    multifocal: bool | None = None
    body_sites: tuple[str, ...] = attrs.field(default=(), converter=_texts)
    triggers: tuple[Trigger, ...] = attrs.field(default=(), converter=_triggers)
    note: str | None = attrs.field(default=None, converter=_optional_text)

    def __attrs_post_init__(self) -> None:
        if self.symptom is Symptom.OTHER and not (self.name and self.name.strip()):
            raise SeverityError(
                self.name, "an entry for Symptom.OTHER needs a name saying what it is"
            )

    @property
    def label(self) -> str:
        """The symptom's name for display (the given name for ``OTHER``)."""
        if self.symptom is Symptom.OTHER and self.name:
            return self.name
        return self.symptom.value
