"""A patient's log through the window in which a transient worsening has been reported.

Myoclonus has been reported to worsen for a while after B12 treatment starts,
before it settles.  The library tells a worsening inside that window from one
outside it, or one that begins later than reported, or one after a return to
baseline (which it flags for a clinician's attention); it describes, it never
diagnoses.

Run it::

    python examples/patient_log_flare.py
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import b12course as b12

LONDON = zoneinfo.ZoneInfo("Europe/London")
FIRST_DOSE = dt.datetime(2026, 12, 1, 9, 0, tzinfo=LONDON)
DAY = dt.timedelta(days=1)


def evening(day: int) -> dt.datetime:
    """20:00 local time, ``day`` days after the first dose (negative: before)."""
    return dt.datetime.combine(
        (FIRST_DOSE + day * DAY).date(), dt.time(20, 0), tzinfo=LONDON
    )


def build() -> b12.Course:
    """Return the course: baseline, loading doses, a flare, then recovery."""
    course = b12.Course.begin(
        b12.regimens.get("bnf-hydroxocobalamin-neuro"),
        first_dose=FIRST_DOSE,
        id="flare-demo",
    )
    # Before treatment: the baseline.
    for day, severity in ((-3, 4), (-2, 5), (-1, 4)):
        course = course.log_symptom(
            b12.SymptomEntry(
                at=evening(day), symptom=b12.Symptom.MYOCLONUS, severity=severity
            )
        )
    # Alternate-day injections for two weeks, then the clinician ends loading.
    for day in range(0, 14, 2):
        course = course.record_dose(
            FIRST_DOSE + day * DAY,
            site=(b12.Site.LEFT_DELTOID, b12.Site.RIGHT_DELTOID)[day // 2 % 2],
        )
    course = course.end_phase(
        FIRST_DOSE + 13 * DAY, reason="no further improvement in two weeks"
    )
    # The log after the first dose: worse from day 3, peak on day 5, then better.
    for day, severity in ((1, 4), (3, 6), (5, 8), (8, 7), (12, 5), (20, 4), (28, 3)):
        course = course.log_symptom(
            b12.SymptomEntry(
                at=evening(day),
                symptom=b12.Symptom.MYOCLONUS,
                severity=severity,
                during_sleep=day in {5, 8},
                multifocal=severity >= 7,  # noqa: PLR2004 - a note in the log
            )
        )
    return course


def main() -> b12.FlareReport:
    """Print each entry's assessment and the flare report after six weeks."""
    course = build()
    for entry in course.symptoms:
        assessment = course.assess(entry)
        flags = "".join(f"; {reason}" for reason in assessment.extra_attention)
        print(
            f"{entry.at:%a %d %b %H:%M}  {entry.label} {entry.severity}/10  "
            f"{assessment.category.value}{flags}"
        )
    report = course.flare(now=FIRST_DOSE + 42 * DAY)
    print()
    print(
        "Window in which a transient worsening has been reported:",
        f"{report.window.start:%d %b} to {report.window.end:%d %b %Y} (exclusive)",
    )
    print("Status after six weeks:", report.status.value)
    if report.peak is not None:
        print(f"Peak: {report.peak_severity}/10 on {report.peak.entry.at:%a %d %b}")
    if report.resolved_at is not None:
        print(f"Back near baseline by {report.resolved_at:%a %d %b}")
    print("Next injection site:", course.suggest_site())
    return report


if __name__ == "__main__":
    main()
