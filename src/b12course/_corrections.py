"""Corrections: records voided as entered in error, or amended, never erased.

A :class:`Correction` keeps a record that was taken out of force (who voided
it, when and why) and, for an amendment, the record that replaced it.  The
course keeps its corrections beside the records in force
(:attr:`b12course.Course.corrections`): the plan, the flare, trends,
adherence and every rendering read only the records in force, and the
corrections are listed where a person reads the record (the summary, the
JSON file, the FHIR bundle as ``entered-in-error``).

**Addressing a record.**  A record is named by itself (its value: records in
force are never equal to one another, since a course refuses two doses at one
instant, one symptom or analyte twice at one instant and two decisions for one
phase), or found by its *kind and instant* with :meth:`b12course.Course.find`:
a dose given by when it was given, a skip by the due time of the dose it
skipped, a decision by its phase, a symptom entry by its instant (and its
label when two symptoms share the instant), a lab result by its instant (and
its analyte).  Kind and instant are what the JSON file keeps, to the
microsecond, so a reference stays valid across saving and loading.  A dose's
number in the plan is a convenience for people (``--dose 3``), found through
the plan at the moment it is read.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, TypeAlias

import attrs

from b12course._labs import LabResult
from b12course._records import AdministeredDose, DoseSkip, PhaseDecision
from b12course._regimen import Route
from b12course._symptoms import SymptomEntry
from b12course._text import text_validator
from b12course._time import aware, require_bounded
from b12course.exceptions import CorrectionError, InvalidRecordError, TextError

__all__ = [
    "MINIMUM_INTERVAL",
    "Correction",
    "Record",
    "RecordKind",
    "describe",
    "instant_of",
    "kind_of",
    "minimum_interval",
]

#: A record a course keeps and a correction can void.
Record: TypeAlias = (
    AdministeredDose | DoseSkip | PhaseDecision | SymptomEntry | LabResult
)

# The shortest time between two doses given by one route before the second
# is questioned at entry (Course.record_dose refuses it unless allow_close).
# No regimen b12course knows gives injections closer than daily (the FDA
# cyanocobalamin label's most frequent is 100 mcg daily; the BNF loading
# phases are alternate days), so two injections within 12 hours are far more
# likely one dose typed twice, or a wrong date or UTC offset, than two doses;
# 12 hours still lets a daily dose be given early one day and late the next.
# Oral, sublingual and intranasal doses may be taken more than once a day,
# so they are not questioned.
MINIMUM_INTERVAL: dict[Route, dt.timedelta] = {
    Route.IM: dt.timedelta(hours=12),
    Route.SC: dt.timedelta(hours=12),
    Route.DEEP_SC: dt.timedelta(hours=12),
}


def minimum_interval(route: Route) -> dt.timedelta | None:
    """Return the shortest plausible time between two doses by ``route``, if any."""
    return MINIMUM_INTERVAL.get(route)


class RecordKind(enum.Enum):
    """The kinds of record a course keeps (and a correction names)."""

    DOSE = "dose"
    SKIP = "skip"
    DECISION = "decision"
    SYMPTOM = "symptom"
    LAB = "lab"

    def __str__(self) -> str:
        """Print the value."""
        return self.value


_KINDS: dict[type, RecordKind] = {
    AdministeredDose: RecordKind.DOSE,
    DoseSkip: RecordKind.SKIP,
    PhaseDecision: RecordKind.DECISION,
    SymptomEntry: RecordKind.SYMPTOM,
    LabResult: RecordKind.LAB,
}
#: The class of each kind of record.
RECORD_CLASSES: dict[RecordKind, type] = {kind: cls for cls, kind in _KINDS.items()}


def kind_of(record: object) -> RecordKind | None:
    """Return the kind of ``record``, or None when it is no record."""
    return _KINDS.get(type(record))


def instant_of(record: Record) -> dt.datetime:
    """Return the instant a record is found by: when it happened (a skip: its due)."""
    if isinstance(record, DoseSkip):
        return record.due
    return record.at


def describe(
    record: Record, zone: dt.tzinfo | None = None, phases: tuple[str, ...] = ()
) -> str:
    """Return a record as a person reads it, with its time in ``zone``.

    ``phases`` are the regimen's phase names: a decision is named by its
    phase's name when they are given.

    >>> import datetime as dt, zoneinfo
    >>> from b12course import Symptom
    >>> at = dt.datetime(2026, 12, 1, 20, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    >>> describe(SymptomEntry(at=at, symptom=Symptom.TREMOR, severity=4))
    'symptom entry tremor 4/10 at 2026-12-01 20:00'
    """
    at = instant_of(record)
    when = (at if zone is None else at.astimezone(zone)).strftime("%Y-%m-%d %H:%M")
    if isinstance(record, AdministeredDose):
        site = f" ({record.site})" if record.site else ""
        return f"dose given at {when}{site}"
    if isinstance(record, DoseSkip):
        return f"skip of the dose due {when}"
    if isinstance(record, PhaseDecision):
        if record.phase < len(phases):
            return f"end of the {phases[record.phase]} phase at {when}"
        return f"end of phase {record.phase + 1} at {when}"
    if isinstance(record, SymptomEntry):
        return f"symptom entry {record.label} {record.severity}/10 at {when}"
    return f"lab result {record.analyte.value} {record.value:g} {record.unit} at {when}"


def _record(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None and attribute.name == "replacement":
        return
    if kind_of(value) is None:
        raise InvalidRecordError(
            value,
            f"a correction's {attribute.name} is a dose given, a skip, a phase "
            f"decision, a symptom entry or a lab result, not {value!r:.80}",
        )


def _reason(_instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    text_validator(_instance, attribute, value)
    if not str(value).strip():
        raise TextError(attribute.name, value, "a correction needs a reason")


@attrs.frozen(kw_only=True)
class Correction:
    """A record taken out of force: voided as entered in error, or amended.

    Attributes:
        record: The record as it was (it takes no part in the plan any more).
        reason: Why it was voided, in free text (required).
        at: When the correction was made (aware).
        by: Who made it, in free text, if recorded.
        replacement: For an amendment, the record that replaced it (in force
            until it is corrected in turn); None for a plain void.
    """

    record: Record = attrs.field(validator=_record)
    reason: str = attrs.field(validator=_reason)
    at: dt.datetime = attrs.field(validator=aware)
    by: str | None = attrs.field(
        default=None, validator=attrs.validators.optional(text_validator)
    )
    replacement: Record | None = attrs.field(default=None, validator=_record)

    def __attrs_post_init__(self) -> None:
        require_bounded("at", self.at)
        if self.replacement is not None and type(self.replacement) is not type(
            self.record
        ):
            raise CorrectionError.wrong_kind(self.record, self.replacement)

    @property
    def kind(self) -> RecordKind:
        """The kind of the record corrected."""
        kind = kind_of(self.record)
        assert kind is not None  # noqa: S101 - the validator made sure
        return kind

    @property
    def amended(self) -> bool:
        """True for an amendment (the record was replaced), False for a void."""
        return self.replacement is not None

    def __str__(self) -> str:
        """Read as 'voided dose given at ... (reason; by ...; at ...)'."""
        verb = "amended" if self.amended else "voided"
        who = f"; by {self.by}" if self.by else ""
        text = f"{verb} {describe(self.record)}: {self.reason}{who}"
        return f"{text}; on {self.at.strftime('%Y-%m-%d %H:%M')}"
