"""Regenerate the chart and summary pictures the documentation shows.

The pictures are what a person sees, taken from the real outputs: the chart
is drawn by :func:`b12course.plot.save_chart`, and the summary page is
written by :func:`b12course.export.summary_html` and photographed by a real
browser (headless Chromium, Debian's ``chromium`` package), once at the width
of an A4 page and once printed to PDF to check that it paginates.  Run it from
the repository's root after a change to a chart or a summary, look at the
pictures, and commit them::

    apt-get install chromium          # once
    python docs/screenshots.py        # writes docs/_static/screenshots/

It needs the ``plot`` extra and a ``chromium`` (or ``chromium-browser``,
``google-chrome``) on the PATH; it reads nothing from the network.
"""

from __future__ import annotations

import datetime as dt
import runpy
import shutil
import subprocess
import sys
import tempfile
import zoneinfo
from pathlib import Path

from b12course import export, plot

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "_static" / "screenshots"
LONDON = zoneinfo.ZoneInfo("Europe/London")
NOW = dt.datetime(2027, 1, 15, 9, tzinfo=LONDON)
# An A4 page's width at 96 dots per inch (210 mm), as a browser lays it out.
A4_WIDTH = 794
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
# A closed network and a throwaway profile: nothing is fetched, nothing kept.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def browser() -> str:
    """The path of a Chromium on the PATH."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    sys.exit("no Chromium on the PATH: apt-get install chromium")


def shoot(page: Path, picture: Path, *, height: int, pdf: Path | None = None) -> None:
    """Photograph ``page`` at an A4 width (and print it to ``pdf``)."""
    with tempfile.TemporaryDirectory() as profile:
        common = [browser(), *FLAGS, f"--user-data-dir={profile}"]
        subprocess.run(  # noqa: S603 - a browser on the PATH, our own page
            [
                *common,
                f"--window-size={A4_WIDTH},{height}",
                f"--screenshot={picture}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        if pdf is not None:
            subprocess.run(  # noqa: S603 - as above
                [
                    *common,
                    "--no-pdf-header-footer",
                    f"--print-to-pdf={pdf}",
                    page.as_uri(),
                ],
                check=True,
                capture_output=True,
                timeout=120,
            )


def main() -> None:
    """Write the chart, the summary page and their pictures."""
    course = runpy.run_path(str(ROOT / "examples" / "chart_and_summary.py"))[
        "flare_course"
    ]()
    OUT.mkdir(parents=True, exist_ok=True)
    plot.save_chart(course, OUT / "chart.png", now=NOW, labs=True)
    plot.save_chart(course, OUT / "chart.svg", now=NOW, labs=True)
    page = export.summary_html(
        course, now=NOW, chart_png=plot.chart_png(course, now=NOW), patient="demo-1"
    )
    with tempfile.TemporaryDirectory() as folder:
        html = Path(folder) / "summary.html"
        html.write_text(page, encoding="utf-8")
        shoot(html, OUT / "summary.png", height=2600, pdf=Path(folder) / "summary.pdf")
        pages = (Path(folder) / "summary.pdf").read_bytes().count(b"/Type /Page\n")
    print(
        f"wrote {OUT}: chart.png, chart.svg, summary.png ({pages or 'some'} PDF pages)"
    )


if __name__ == "__main__":
    main()
