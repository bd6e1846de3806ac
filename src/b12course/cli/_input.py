"""What a person types on the command line, read into the library's values.

Times:

- ``2026-12-01T09:00`` (or with a space for the ``T``) is a wall-clock time in
  the course's zone (``--tz`` for a preset, the file's zone for a course file).
- ``2026-12-01T09:00+01:00`` or ``...Z`` is that instant, shown in the zone.
- A date alone means the same everywhere: for a time something happens or
  starts (``--start``, ``--at``), :data:`DEFAULT_TIME` (09:00) that day in the
  course's zone; for horizons and ranges (``--until``, ``--from``, ``--to``,
  ``--now``) the start (midnight) of that local day; for ``skip --due``, the
  pending dose due that day.
- The words ``now``, ``today``, ``yesterday`` and ``tomorrow`` work wherever a
  date or date-time does: ``now`` is the clock's time, the others are dates
  (and follow the rule for a date alone) in the course's zone.
- A wall-clock time that does not exist (in the hour the clocks skip) or that
  happens twice (in the hour they repeat) is refused with the two times it
  could mean, written so that each is unambiguous: b12course never guesses a
  dosing time.
- Years run from :data:`FIRST_YEAR` to :data:`LAST_YEAR`.

Names: presets, symptoms and analytes are matched without regard to case,
spaces, ``-`` or ``_``; a name that matches nothing gets "did you mean".
"""

from __future__ import annotations

import datetime as dt
import math
import sys
import zoneinfo
from collections.abc import Iterable
from pathlib import Path

import attrs

from b12course import Analyte, Symptom, regimens
from b12course._regimen import Regimen
from b12course._time import UTC, day_bounds, get_zone
from b12course.exceptions import B12CourseError

__all__ = [
    "DEFAULT_TIME",
    "FIRST_YEAR",
    "LAST_YEAR",
    "RELATIVE_DAYS",
    "InputError",
    "Moment",
    "analyte",
    "clock",
    "did_you_mean",
    "finite_number",
    "is_course_file",
    "moment",
    "output_path",
    "preset",
    "symptom",
    "wall_clock",
    "zone",
]

#: The time of day a ``--start`` or ``--at`` given as a date alone means.
DEFAULT_TIME = dt.time(9, 0)
#: The words read as dates relative to the clock's day, and their offsets.
RELATIVE_DAYS = {"yesterday": -1, "today": 0, "tomorrow": 1}
# The value of a relative word, which is read against the clock instead.
_UNUSED = dt.datetime.min.replace(tzinfo=UTC)
FIRST_YEAR = 1900
LAST_YEAR = 2199


class InputError(B12CourseError, ValueError):
    """Raised when a command-line argument cannot be read; the message says why."""


def clock(zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """Return the present in ``zone``, from the system clock."""
    # The command line is the application's edge: the one place that reads
    # the clock.  Domain code takes `now` as an argument.
    return dt.datetime.now(zone)


def _closest(word: str, choices: Iterable[str]) -> str | None:
    import difflib  # noqa: PLC0415 - only a mistake needs it; keep start-up fast

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: dict[str, str]) -> str:
    """Return " (did you mean 'x'?)" for the choice closest to ``word``, or "".

    ``choices`` maps the keys compared (case and separators folded) to the
    names shown.
    """
    close = _closest(_key(word), choices)
    return f" (did you mean {choices[close]!r}?)" if close is not None else ""


def _key(text: str) -> str:
    return " ".join(text.replace("-", " ").replace("_", " ").split()).casefold()


@attrs.frozen
class Moment:
    """A date or date-time as typed, read against a zone later.

    Attributes:
        value: What was typed, as a datetime (naive unless an offset was
            typed; midnight for a date alone).
        time: The time typed, or None for a date alone.
        relative: ``"now"``, or the number of days from the clock's day for
            ``today`` (0), ``yesterday`` (-1) and ``tomorrow`` (1); None for
            a date or date-time typed out.  Read against the zone later.

    >>> Moment.parse("2026-12-01").time is None
    True
    >>> Moment.parse("Yesterday").relative
    -1
    >>> Moment.parse("2026-12-01T09:00+01:00").value.utcoffset()
    datetime.timedelta(seconds=3600)
    """

    value: dt.datetime
    time: dt.time | None
    relative: int | str | None = None

    @classmethod
    def parse(cls, text: str, name: str = "the time") -> Moment:
        """Read ISO 8601 ``text``: a date, or a date-time with or without an offset.

        Raises:
            InputError: ``text`` is neither, or its year is out of range.
        """
        raw = text.strip()
        word = raw.casefold()
        if word == "now":
            return cls(_UNUSED, dt.time(), "now")
        if word in RELATIVE_DAYS:
            return cls(_UNUSED, None, RELATIVE_DAYS[word])
        try:
            if len(raw) > len("2026-12-01"):
                value = dt.datetime.fromisoformat(raw)
                has_time = True
            else:
                value = dt.datetime.combine(dt.date.fromisoformat(raw), dt.time())
                has_time = False
        except ValueError:
            msg = (
                f"{name} {text!r} is not a date or date-time (write e.g. "
                "2026-12-01, 2026-12-01T09:00, now, today or yesterday)"
            )
            raise InputError(msg) from None
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            msg = f"{name} {text!r} is outside the years {FIRST_YEAR} to {LAST_YEAR}"
            raise InputError(msg)
        return cls(value, value.timetz() if has_time else None)

    def day(self, zone: zoneinfo.ZoneInfo) -> dt.date:
        """The date meant, in ``zone`` (which only a relative word needs)."""
        if isinstance(self.relative, int):
            return clock(zone).date() + dt.timedelta(days=self.relative)
        if self.relative == "now":
            return clock(zone).date()
        return self.value.date()

    @property
    def offset_given(self) -> bool:
        """Whether the text fixed the instant by itself (an offset, or ``now``)."""
        if self.relative is not None:
            return self.relative == "now"
        return self.value.tzinfo is not None

    def instant(self, zone: zoneinfo.ZoneInfo, name: str) -> dt.datetime:
        """Return the instant meant, in ``zone``; a date alone is the day's start.

        Raises:
            InputError: A wall-clock time that is skipped or repeated in ``zone``.
        """
        if self.relative == "now":
            return clock(zone)
        if self.time is None:
            return day_bounds(self.day(zone), zone)[0]
        if self.value.tzinfo is not None:
            return self.value.astimezone(zone)
        return wall_clock(self.value, zone, name)

    def at_time(
        self, zone: zoneinfo.ZoneInfo, name: str, default: dt.time | None
    ) -> dt.datetime:
        """Return the instant meant; a date alone takes the ``default`` time.

        Raises:
            InputError: A date alone where ``default`` is None, or a wall-clock
                time that is skipped or repeated in ``zone``.
        """
        if self.time is not None:
            return self.instant(zone, name)
        day = self.day(zone)
        if default is None:
            msg = f"{name} needs a time as well as a date, e.g. {day.isoformat()}T09:00"
            raise InputError(msg)
        return wall_clock(dt.datetime.combine(day, default), zone, name)


def _iso(value: dt.datetime) -> str:
    return value.isoformat(timespec="minutes")


def wall_clock(wall: dt.datetime, zone: zoneinfo.ZoneInfo, name: str) -> dt.datetime:
    """Return the instant of a naive wall-clock time in ``zone``.

    Raises:
        InputError: The time is skipped or repeated in ``zone``; the message
            gives the two unambiguous times it could mean.
    """
    first = wall.replace(tzinfo=zone, fold=0)
    second = wall.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return first
    typed = _iso(wall)
    earlier, later = sorted((first.astimezone(UTC), second.astimezone(UTC)))
    if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
        # The clocks skip this time: it is one of two instants an hour apart.
        choices = [
            _iso(t.astimezone(zone).replace(tzinfo=None)) for t in (later, earlier)
        ]
        msg = (
            f"{name} {typed} does not exist in {zone.key} (the clocks skip it); "
            f"write {choices[0]} or {choices[1]}"
        )
        raise InputError(msg)
    msg = (
        f"{name} {typed} happens twice in {zone.key} (the clocks go back); "
        f"write {_iso(first)} (the first) or {_iso(second)} (the second)"
    )
    raise InputError(msg)


def moment(text: str, name: str) -> Moment:
    """Read a date or date-time argument named ``name`` (see :class:`Moment`)."""
    return Moment.parse(text, name)


def zone(text: str) -> zoneinfo.ZoneInfo:
    """Return the IANA zone ``text`` names.

    Raises:
        InputError: It names none.
    """
    try:
        return get_zone(text)
    except B12CourseError:
        zones = {_key(k): k for k in zoneinfo.available_timezones()}
        hint = did_you_mean(text, zones) or " (e.g. Europe/London)"
        msg = f"{text!r} is not an IANA time zone{hint}"
        raise InputError(msg) from None


def preset(text: str) -> Regimen:
    """Return the preset ``text`` names (an id, or a deprecated alias of one).

    Raises:
        InputError: No preset has that id; the message lists them.
    """
    ids = regimens.available()
    # A deprecated alias still loads; "did you mean" offers the id it now has.
    by_key = {_key(i): i for i in ids} | {
        _key(alias): canonical for alias, canonical in regimens.aliases().items()
    }
    found = by_key.get(_key(text))
    if found is None:
        hint = did_you_mean(text, by_key)
        msg = f"no regimen preset {text!r}{hint}; available: {', '.join(ids)}"
        raise InputError(msg)
    alias = next((a for a in regimens.aliases() if _key(a) == _key(text)), None)
    if alias is not None:
        # One line on stderr instead of Python's warning text.
        print(f"b12course: {regimens.deprecation_message(alias)}", file=sys.stderr)
    return regimens.get(found)


def is_course_file(text: str) -> bool:
    """True when ``text`` names a course file rather than a preset."""
    return text.endswith(".json") or Path(text).is_file()


def symptom(text: str) -> Symptom:
    """Return the symptom ``text`` names ("myoclonus", "involuntary-movements").

    Raises:
        InputError: No symptom has that name; the message lists them.
    """
    names = {_key(s.value): s for s in Symptom} | {_key(s.name): s for s in Symptom}
    found = names.get(_key(text))
    if found is None:
        values = [s.value for s in Symptom]
        hint = did_you_mean(text, {_key(v): v for v in values})
        msg = (
            f"no symptom {text!r}{hint}; use one of {', '.join(values)} "
            "(for another, 'other' with --name)"
        )
        raise InputError(msg)
    return found


_ANALYTE_ALIASES = {"b12": Analyte.SERUM_B12, "mma": Analyte.MMA}


def analyte(text: str) -> Analyte:
    """Return the analyte ``text`` names ("serum-b12", "MMA", "homocysteine").

    Raises:
        InputError: No analyte has that name; the message lists them.
    """
    names = (
        {_key(a.value): a for a in Analyte}
        | {_key(a.name): a for a in Analyte}
        | _ANALYTE_ALIASES
    )
    found = names.get(_key(text))
    if found is None:
        values = [a.value for a in Analyte]
        hint = did_you_mean(text, {_key(v): v for v in values})
        msg = f"no analyte {text!r}{hint}; use one of {', '.join(values)}"
        raise InputError(msg)
    return found


def finite_number(text: str, name: str) -> float:
    """Return ``text`` as a finite number.

    Raises:
        InputError: It is not a number, or is infinite or NaN.
    """
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        msg = f"{name} {text!r} is not a number"
        raise InputError(msg)
    return value


def output_path(text: str) -> Path:
    """Return the file ``-o`` names, refusing a name that cannot be a file.

    Raises:
        InputError: The name is empty or names a folder.
    """
    if not text.strip():
        msg = "-o needs a file name"
        raise InputError(msg)
    path = Path(text)
    if path.is_dir() or text.endswith(("/", "\\")):
        msg = f"-o {text} is a folder; name a file in it"
        raise InputError(msg)
    return path
