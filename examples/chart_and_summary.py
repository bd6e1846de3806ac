"""Draw the chart and write the clinician exports for the flare example course.

The course: UK neurological regimen (alternate-day hydroxocobalamin), first dose
on 1 December 2026 in London.  Myoclonus, at about 4/10 before treatment,
flares from day 3 (peak 8/10 on day 5) and is back near baseline by week 4, as
the expected post-treatment flare does; paraesthesia improves slowly.  A
clinician ends the loading phase after two weeks.

Run it with a directory to write into (a new temporary one by default)::

    python examples/chart_and_summary.py out/

It writes ``chart.png``, ``chart.svg``, ``log.csv``, ``summary.md`` (which
links ``chart.svg``, as GitHub and GitLab show it) and ``summary.html`` (which
embeds the chart as PNG, so the page is one file), and prints their paths.
Needs the plot extra: ``pip install 'b12course[plot]'``.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import zoneinfo
from pathlib import Path

import b12course as b12
from b12course.export import summary_html, summary_markdown, to_csv
from b12course.plot import chart_png, save_chart

LONDON = zoneinfo.ZoneInfo("Europe/London")
FIRST_DOSE = dt.datetime(2026, 12, 1, 9, 0, tzinfo=LONDON)
#: The moment the summary describes: after the flare window has closed.
NOW = FIRST_DOSE + dt.timedelta(days=45)

DAY = dt.timedelta(days=1)
EVENING = dt.timedelta(hours=11)  # symptoms are logged at 20:00


def flare_course() -> b12.Course:
    """Return the flare example course (see the module docstring)."""
    course = b12.Course.begin(
        b12.regimens.get("bnf-hydroxocobalamin-neuro"),
        first_dose=FIRST_DOSE,
        id="flare-example",
    )
    # Baseline: three evenings before the first dose.
    for days_before, myoclonus in ((3, 4), (2, 4), (1, 5)):
        at = FIRST_DOSE - days_before * DAY + EVENING
        course = course.log_symptom(
            b12.SymptomEntry(at=at, symptom=b12.Symptom.MYOCLONUS, severity=myoclonus)
        )
        course = course.log_symptom(
            b12.SymptomEntry(at=at, symptom=b12.Symptom.PARESTHESIA, severity=6)
        )
    course = course.record_lab(
        b12.LabResult(
            at=FIRST_DOSE - 10 * DAY,
            analyte=b12.Analyte.SERUM_B12,
            value=150,
            unit="ng/L",
        )
    )
    # Loading: alternate days for two weeks, alternating deltoids.
    for k in range(7):
        course = course.record_dose(
            FIRST_DOSE + 2 * k * DAY,
            site=b12.Site.LEFT_DELTOID if k % 2 == 0 else b12.Site.RIGHT_DELTOID,
        )
    course = course.end_phase(
        FIRST_DOSE + 13 * DAY, reason="no further improvement at the 2-week review"
    )
    # The flare: worse from day 3, peak on day 5, back near baseline by week 4.
    for day, severity in ((3, 7), (5, 8), (7, 7), (10, 6), (14, 5), (21, 3), (28, 2)):
        course = course.log_symptom(
            b12.SymptomEntry(
                at=FIRST_DOSE + day * DAY + EVENING,
                symptom=b12.Symptom.MYOCLONUS,
                severity=severity,
                body_sites=("hands", "legs"),
            )
        )
    for day, severity in ((7, 5), (14, 4), (28, 3), (42, 3)):
        course = course.log_symptom(
            b12.SymptomEntry(
                at=FIRST_DOSE + day * DAY + EVENING,
                symptom=b12.Symptom.PARESTHESIA,
                severity=severity,
            )
        )
    return course.record_lab(
        b12.LabResult(
            at=FIRST_DOSE + 30 * DAY,
            analyte=b12.Analyte.SERUM_B12,
            value=900,
            unit="ng/L",
        )
    )


def main(argv: list[str]) -> list[Path]:
    """Write the chart, the CSV log and the summaries; return the paths written."""
    out = Path(argv[0]) if argv else Path(tempfile.mkdtemp(prefix="b12course-"))
    out.mkdir(parents=True, exist_ok=True)
    course = flare_course()
    written = [
        save_chart(course, out / "chart.png", now=NOW),
        save_chart(course, out / "chart.svg", now=NOW),
    ]
    png = chart_png(course, now=NOW)
    pages = {
        "log.csv": to_csv(course),
        "summary.md": summary_markdown(course, now=NOW, chart_path="chart.svg"),
        "summary.html": summary_html(course, now=NOW, chart_png=png),
    }
    for name, text in pages.items():
        path = out / name
        # newline="" keeps the CSV's CRLF line ends as they are.
        with path.open("w", encoding="utf-8", newline="") as f:
            f.write(text)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in main(sys.argv[1:]):
        print(path)
