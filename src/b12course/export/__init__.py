"""Clinician exports: the log as CSV, and a one-page summary of a course.

Every export is a rendering of the course's timeline
(:meth:`b12course.Course.timeline`), built once per call:
:func:`b12course.export.to_csv` writes its recorded events one row each, for
a spreadsheet or a clinic system; :func:`b12course.export.summary_markdown`
and :func:`b12course.export.summary_html` lay out a one-page summary for a
clinician (the regimen and its source, the doses due so far and how each was
kept, adherence, overdue doses, the flare report, each symptom's change from
its pre-treatment baseline, each lab analyte's change, and the review points).
A Markdown summary links its chart as a file (``chart_path``, e.g. an SVG
written by :func:`b12course.plot.save_chart`), which GitHub and GitLab show,
rather than embedding a large ``data:`` URI.

The words describe the record; they never advise.  Every summary carries the
not-medical-advice line (:data:`b12course.export.NOT_MEDICAL_ADVICE`).

**The CSV format.** A header row, then one row per event, in the timeline's
order (by time, ties by :class:`~b12course.EventKind`).  Times are ISO 8601 in
the course's zone, with their UTC offset.  Fields are quoted as RFC 4180 says
(Python's ``csv`` module) and rows end in CRLF.  The columns
(:data:`b12course.export.CSV_COLUMNS`):

========  ================================================================
column    holds
========  ================================================================
time      when: the phase began, the dose was given, the skipped dose was
          due, the symptom was logged or the sample taken
kind      the event kind: ``phase_change``, ``dose_given``,
          ``dose_skipped``, ``symptom``, ``lab_result``
item      the phase's name, the planned dose's name ("loading dose 2 of
          6"), the symptom's label, or the analyte
value     the dose amount, the severity (0-10) or the lab value
unit      ``mg``/``mcg``, ``0-10``, or the lab's unit
route     the dose's route (IM, deep SC, oral...)
site      the injection site
lot       the lot or batch number
by        who gave the dose (when recorded)
detail    the drug of a dose; a symptom's body sites, triggers, sleep and
          spread; the decision that ended a phase, with its basis
note      free text: the dose note, the skip or decision reason, the
          symptom note
========  ================================================================

**Spreadsheet formula injection.** A spreadsheet runs a cell that starts with
``=``, ``+``, ``-`` or ``@`` as a formula (and some also treat a leading tab
or carriage return so), so user text such as ``=HYPERLINK(...)`` in a note
could run when a clinician opens the file.  Every cell that starts with one of
those characters gets a single quote (``'``) in front, as OWASP recommends;
spreadsheets hide the quote and show the text.  No cell b12course writes
itself (times, kinds, numbers) starts with them, so only user text changes.

>>> import datetime as dt, zoneinfo
>>> from b12course import Course, regimens
>>> tz = zoneinfo.ZoneInfo("Europe/London")
>>> course = Course.begin(regimens.get("bnf-hydroxocobalamin-neuro"),
...                       first_dose=dt.datetime(2026, 12, 1, 9, tzinfo=tz))
>>> course = course.record_dose(dt.datetime(2026, 12, 1, 9, 5, tzinfo=tz),
...                             note="=1+1")
>>> print(to_csv(course), end="")  # doctest: +NORMALIZE_WHITESPACE
time,kind,item,value,unit,route,site,lot,by,detail,note
2026-12-01T09:05:00+00:00,phase_change,loading,,,,,,,,
2026-12-01T09:05:00+00:00,dose_given,loading dose 1,1,mg,IM,,,,hydroxocobalamin,'=1+1
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from b12course import FlareModel, _notice
from b12course._course import Course
from b12course._timeline import Timeline
from b12course.export import _csv, _summary
from b12course.export._csv import to_csv
from b12course.export._html import render_html
from b12course.export._markdown import render_markdown
from b12course.export._summary import summary_document

#: The CSV header, in order.
CSV_COLUMNS: tuple[str, ...] = _csv.CSV_COLUMNS
#: The event kinds that get a CSV row (the record, and the phases it ran in).
CSV_KINDS = _csv.CSV_KINDS
#: The section headings of a summary, in order ("Chart" only with a chart).
SUMMARY_SECTIONS: tuple[str, ...] = _summary.SUMMARY_SECTIONS
#: The one-line notice every summary ends with (``b12course._notice``).
NOT_MEDICAL_ADVICE: str = _notice.NOT_MEDICAL_ADVICE

__all__ = [
    "CSV_COLUMNS",
    "CSV_KINDS",
    "NOT_MEDICAL_ADVICE",
    "SUMMARY_SECTIONS",
    "summary_html",
    "summary_markdown",
    "to_csv",
]


def summary_markdown(
    course: Course | Timeline,
    *,
    now: dt.datetime | None = None,
    until: dt.datetime | None = None,
    grace: dt.timedelta | None = None,
    chart_png: bytes | None = None,
    flare_model: FlareModel | None = None,
    chart_path: str | Path | None = None,
    patient: str | None = None,
    provisional_horizon: dt.timedelta | None = None,
) -> str:
    """Return a one-page Markdown summary of ``course`` as of ``now``.

    A header line names the patient (with ``patient``), the course, its
    regimen, the range of dates the record covers and ``now``.  Sections, in
    the order a clinician reads them (:data:`b12course.export.SUMMARY_SECTIONS`):
    Flare (entries flagged for a clinician's attention named one by one),
    Overdue doses, Doses (counts, the next dose, and a table of every planned
    dose due before ``now`` with how it was kept), Adherence (defined in the
    section), Symptoms (change from baseline and trend), Labs (first, latest
    and change per analyte), Review points, Corrections (records voided or
    amended, with the reason, who and when), Regimen (with its source), and
    Chart when a chart is given.  It ends with
    :data:`b12course.export.NOT_MEDICAL_ADVICE`.  User and regimen text is
    escaped, so a note or a phase named "1. ..." cannot add Markdown or HTML.

    Args:
        course: The course, or its view (a :class:`~b12course.Timeline`
            from ``Course.timeline(now=...)``, read as it is: the other
            arguments but the chart's are then the view's own).
        now: The present (aware), needed with a course: what is due,
            overdue and on time is judged at this moment, and entries after
            it are left out.
        until: The view's horizon for the next dose and review points
            (exclusive); by the horizon policy (:func:`b12course.horizon_for`)
            366 days after ``now`` by default.
        grace: As for ``Course.plan``: how long a dose stays due.
        chart_png: PNG bytes to embed as a ``data:`` URI (e.g.
            ``b12course.plot.chart_png``); large, and not shown by GitHub or
            GitLab.  Prefer ``chart_path``.
        flare_model: The flare model for the Flare section; the default
            :class:`~b12course.FlareModel` when None.
        provisional_horizon: How far past ``now`` provisional doses show
            (12 weeks when None; see :func:`b12course.horizon_for`).
        chart_path: The path of a chart image file to link (as written, so
            make it relative to where the summary is saved), e.g. an SVG
            written by :func:`b12course.plot.save_chart` beside the summary.
        patient: A patient reference for the header (an identifier or a
            name, as the clinic files it); none by default.

    Returns:
        The Markdown text, ending in a newline.

    Raises:
        NaiveDatetimeError: ``now`` or ``until`` is naive.
        NotACourseError: ``course`` is not a Course.
        ExportError: ``until`` is not after ``now``, ``chart_png`` is not a
            PNG image, or both ``chart_png`` and ``chart_path`` are given.
        SettingError: ``flare_model`` is not a FlareModel.

    >>> import datetime as dt, zoneinfo
    >>> from b12course import Course, regimens
    >>> tz = zoneinfo.ZoneInfo("Europe/London")
    >>> course = Course.begin(regimens.get("bnf-hydroxocobalamin-neuro"),
    ...                       first_dose=dt.datetime(2026, 12, 1, 9, tzinfo=tz))
    >>> text = summary_markdown(course, now=dt.datetime(2026, 12, 2, 12, tzinfo=tz))
    >>> [line for line in text.splitlines() if line.startswith("## ")][:3]
    ['## Flare', '## Overdue doses', '## Doses']
    """
    return render_markdown(
        summary_document(
            course,
            now=now,
            until=until,
            grace=grace,
            chart_png=chart_png,
            chart_path=chart_path,
            flare_model=flare_model,
            patient=patient,
            provisional_horizon=provisional_horizon,
        )
    )


def summary_html(
    course: Course | Timeline,
    *,
    now: dt.datetime | None = None,
    until: dt.datetime | None = None,
    grace: dt.timedelta | None = None,
    chart_png: bytes | None = None,
    flare_model: FlareModel | None = None,
    chart_path: str | Path | None = None,
    patient: str | None = None,
    provisional_horizon: dt.timedelta | None = None,
) -> str:
    """Return the Markdown summary's content as a printable HTML page.

    The page has an inline style, and every piece of user text is
    HTML-escaped; with ``chart_png`` the chart is embedded as a ``data:`` URI,
    so the page is self-contained.  Arguments and errors are those of
    :func:`b12course.export.summary_markdown`.

    >>> import datetime as dt, zoneinfo
    >>> from b12course import Course, regimens
    >>> tz = zoneinfo.ZoneInfo("Asia/Kolkata")
    >>> course = Course.begin(regimens.get("bnf-hydroxocobalamin-non-neuro"),
    ...                       first_dose=dt.datetime(2026, 12, 1, 9, tzinfo=tz))
    >>> page = summary_html(course, now=dt.datetime(2026, 12, 2, tzinfo=tz))
    >>> page.startswith("<!DOCTYPE html>"), "<h2>Flare</h2>" in page
    (True, True)
    """
    return render_html(
        summary_document(
            course,
            now=now,
            until=until,
            grace=grace,
            chart_png=chart_png,
            chart_path=chart_path,
            flare_model=flare_model,
            patient=patient,
            provisional_horizon=provisional_horizon,
        )
    )
