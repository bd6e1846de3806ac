"""``b12course caldav``: the command that keeps a CalDAV calendar in step.

Registering the command loads nothing but ``argparse``; the sync, icalendar and
the ``caldav`` library load when the command runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from b12course.exceptions import CalDavError, SettingError

if TYPE_CHECKING:
    from b12course._course import Course

__all__ = ["PASSWORD_ENV", "register"]

PASSWORD_ENV = "B12COURSE_CALDAV_PASSWORD"  # noqa: S105 - a variable's name
"""The environment variable the command line reads the CalDAV password from."""


def register(commands: Any) -> None:  # noqa: ANN401 - argparse's private subparsers type
    """Add ``b12course caldav`` to the command line's subcommands."""
    command = commands.add_parser(
        "caldav",
        # No abbreviations: "--password SECRET" must not be read as --password-file.
        allow_abbrev=False,
        help="keep a CalDAV calendar in step with a saved course "
        "(needs b12course[caldav])",
        description="Write a saved course's dosing calendar into a CalDAV calendar "
        "(Nextcloud, Fastmail, iCloud, Radicale...) and bring it up to date on "
        "every later run. The password is read from --password-file or from "
        f"the {PASSWORD_ENV} environment variable, never from the command line.",
    )
    command.add_argument("file", help="a course saved with b12course.json.dumps")
    command.add_argument("--url", required=True, help="the calendar's URL")
    command.add_argument("--user", required=True, help="the user name")
    command.add_argument(
        "--password-file",
        help=f"a file whose first line is the password (default: ${PASSWORD_ENV})",
    )
    command.add_argument(
        "--until",
        help="the exclusive horizon, an ISO date or date-time (default: a year "
        "from now, provisional doses 12 weeks, as every output)",
    )
    command.add_argument(
        "--now", help="the present, for statuses (default: the current time)"
    )
    command.add_argument(
        "--alarm",
        action="append",
        help="a reminder before each dose, e.g. 30m, 1h, 1d (repeatable; default: 30m)",
    )
    command.add_argument("--no-alarm", action="store_true", help="write no reminders")
    command.add_argument(
        "--overwrite",
        action="store_true",
        help="replace events edited on the server (default: keep them)",
    )
    command.add_argument(
        "--delete-cancelled",
        action="store_true",
        help="delete dropped and skipped doses instead of marking them cancelled",
    )
    command.set_defaults(run=_run)


def _password(args: argparse.Namespace) -> str:
    if args.password_file is not None:
        try:
            text = Path(args.password_file).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise SettingError(
                f"--password-file {args.password_file} is not UTF-8 text; save "
                "the password as UTF-8"
            ) from None
        lines = text.splitlines()
        password = lines[0] if lines else ""
    else:
        password = os.environ.get(PASSWORD_ENV, "")
    if not password:
        raise CalDavError(
            _without_credentials(args.url),
            f"no password: give --password-file FILE or set {PASSWORD_ENV}",
        )
    return password


def _moment(text: str, course: Course, name: str) -> dt.datetime:
    """Read an ISO date or date-time; wall-clock times are in the course's zone."""
    from b12course._time import resolve  # noqa: PLC0415 - only the CLI reads text

    try:
        if "T" in text.upper() or " " in text.strip():
            value = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        else:
            value = dt.datetime.combine(dt.date.fromisoformat(text.strip()), dt.time())
    except ValueError:
        raise SettingError(
            f"{name} {text!r} is not an ISO 8601 date or date-time "
            "(e.g. 2027-12-01 or 2027-12-01T09:00)"
        ) from None
    if value.tzinfo is None:
        return resolve(value, course.zone)
    return value


def _without_credentials(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(
        parts._replace(netloc=parts.netloc.rpartition("@")[2])
    )


def _course(path: str) -> Course:
    from b12course import json as b12json  # noqa: PLC0415 - the reader only when asked
    from b12course.exceptions import CourseFormatError  # noqa: PLC0415

    try:
        return b12json.loads(Path(path).read_bytes())
    except CourseFormatError as exc:
        where = f" at {exc.path}" if exc.path else ""
        detail = str(exc).removeprefix(f"{exc.path or '<document>'}: ")
        raise SettingError(
            f"{path} is not a b12course course file{where}: {detail}"
        ) from None


def _horizon(now: dt.datetime, name: str) -> dt.datetime:
    """A year after ``now``, refused where the calendar ends (year 9999)."""
    try:
        return now + dt.timedelta(days=365)
    except OverflowError:
        raise SettingError(
            f"{name} ({now.date().isoformat()}) is too near the end of the "
            "calendar (year 9999) for a year's horizon; give an earlier time"
        ) from None


def _run(args: argparse.Namespace) -> int:
    import importlib.util  # noqa: PLC0415 - only when the command runs

    try:
        missing = importlib.util.find_spec("caldav") is None
    except (ImportError, ValueError):  # a broken or blocked installation
        missing = True
    if missing:
        raise SettingError(
            "the caldav command needs the caldav extra: pip install 'b12course[caldav]'"
        )
    from b12course.caldav._sync import sync_url  # noqa: PLC0415 - as above
    from b12course.ical import parse_alarm  # noqa: PLC0415 - as above

    course = _course(args.file)
    password = _password(args)
    # The command line is the application's edge: the one place that reads the clock.
    now = (
        _moment(args.now, course, "--now")
        if args.now is not None
        else dt.datetime.now(course.zone)
    )
    # None: the library's one horizon policy (b12course.horizon_for); a present
    # too near the end of the calendar for any horizon is refused here.
    if args.until is None:
        _horizon(now, "--now")
    until = _moment(args.until, course, "--until") if args.until is not None else None
    alarms = (
        () if args.no_alarm else tuple(parse_alarm(a) for a in args.alarm or ["30m"])
    )
    report = sync_url(
        course,
        args.url,
        args.user,
        password,
        until=until,
        now=now,
        alarms=alarms,
        on_conflict="overwrite" if args.overwrite else "keep",
        cancelled="delete" if args.delete_cancelled else "mark",
    )
    print(report)  # noqa: T201 - the command's output
    for conflict in report.conflicts:
        print(f"conflict: {conflict}")  # noqa: T201 - as above
    if report.failed:
        print(  # noqa: T201 - as above
            f"{len(report.failed)} events were not written; run the command again"
        )
        return 1
    return 0
