import datetime as dt
import zoneinfo

import pytest

import b12course as b12
from b12course import Count, Course, Indefinite, UntilNoFurtherImprovement, regimens
from b12course.exceptions import UnknownPresetError

LONDON = zoneinfo.ZoneInfo("Europe/London")
# Tuesday 1 December 2026, 09:00 in London: no DST change for months.
START = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)


def plan_dates(preset, until):
    course = Course.begin(regimens.get(preset), first_dose=START)
    return [
        (d.phase_name, d.due.date(), d.provisional) for d in course.plan(until=until)
    ]


def day(m, d, y=2026):
    return dt.date(y, m, d)


class TestCatalogue:
    def test_lists_every_preset(self):
        """available() lists the eight presets of issue 2 in a stable order."""
        assert regimens.available() == (
            "nice-neuro",
            "nice-non-neuro",
            "nice-dietary-oral",
            "nice-dietary-injection",
            "us-label-cyanocobalamin",
            "us-high-dose",
            "oral-high-dose",
            "nasal-weekly",
        )

    @pytest.mark.parametrize("preset", regimens.available())
    def test_every_preset_cites_a_source(self, preset):
        """Each preset carries its id, a name and the guideline or label it follows."""
        regimen = regimens.get(preset)
        assert regimen.id == preset
        assert regimen.name
        assert len(regimen.source) > 40
        assert regimen.notes

    def test_unknown_preset(self):
        """An unknown id raises UnknownPresetError listing the ids."""
        with pytest.raises(UnknownPresetError, match="nice-neuro") as info:
            regimens.get("nice-neurological")
        assert isinstance(info.value, LookupError)
        assert info.value.preset_id == "nice-neurological"

    def test_unhashable_id(self):
        """A non-string id is reported the same way, not as a TypeError."""
        with pytest.raises(UnknownPresetError):
            regimens.get(["nice-neuro"])  # type: ignore[arg-type]


class TestPresetPlans:
    def test_nice_neuro(self):
        """Alternate days until the 2-week review, then provisional 2-monthly maintenance."""
        got = plan_dates("nice-neuro", dt.datetime(2027, 6, 1, tzinfo=LONDON))
        loading = [(n, d) for n, d, p in got if n == "loading"]
        assert [d for _, d in loading] == [day(12, d) for d in (1, 3, 5, 7, 9, 11, 13)]
        assert all(not p for n, _, p in got if n == "loading")
        maintenance = [(d, p) for n, d, p in got if n == "maintenance"]
        assert maintenance == [
            (day(2, 13, 2027), True),
            (day(4, 13, 2027), True),
        ]
        phases = regimens.get("nice-neuro").phases
        assert isinstance(phases[0].end, UntilNoFurtherImprovement)
        assert isinstance(phases[1].end, Indefinite)

    def test_nice_non_neuro(self):
        """Six doses on Mon/Wed/Fri from the first dose, then every 3 months."""
        got = plan_dates("nice-non-neuro", dt.datetime(2027, 7, 1, tzinfo=LONDON))
        assert [d for n, d, _ in got if n == "loading"] == [
            day(12, 1),  # Tuesday: the first dose falls when it is given
            day(12, 2),
            day(12, 4),
            day(12, 7),
            day(12, 9),
            day(12, 11),
        ]
        assert [d for n, d, _ in got if n == "maintenance"] == [
            day(3, 11, 2027),
            day(6, 11, 2027),
        ]
        assert not any(p for *_, p in got)

    def test_nice_dietary_oral(self):
        """100 mcg orally every day."""
        course = Course.begin(regimens.get("nice-dietary-oral"), first_dose=START)
        plan = course.plan(until=dt.datetime(2027, 1, 1, tzinfo=LONDON))
        assert len(plan) == 31
        assert {str(d.dose) for d in plan} == {"cyanocobalamin 100 mcg oral"}

    def test_nice_dietary_injection(self):
        """1 mg IM twice a year."""
        got = plan_dates(
            "nice-dietary-injection", dt.datetime(2028, 1, 1, tzinfo=LONDON)
        )
        assert [d for _, d, _ in got] == [day(12, 1), day(6, 1, 2027), day(12, 1, 2027)]

    def test_us_label(self):
        """7 daily, 7 alternate-day, every 3 days for 2 weeks, then monthly."""
        got = plan_dates(
            "us-label-cyanocobalamin", dt.datetime(2027, 3, 1, tzinfo=LONDON)
        )
        by_phase: dict[str, list[dt.date]] = {}
        for name, date, _ in got:
            by_phase.setdefault(name, []).append(date)
        assert by_phase["daily"] == [day(12, d) for d in range(1, 8)]
        assert by_phase["alternate days"] == [
            day(12, d) for d in (9, 11, 13, 15, 17, 19, 21)
        ]
        assert by_phase["every 3 days"] == [day(12, d) for d in (24, 27, 30)] + [
            day(1, 2, 2027),
            day(1, 5, 2027),
        ]
        assert by_phase["maintenance"] == [day(2, 5, 2027)]

    def test_us_high_dose(self):
        """7 daily, 4 weekly, then monthly."""
        got = plan_dates("us-high-dose", dt.datetime(2027, 4, 1, tzinfo=LONDON))
        assert [d for n, d, _ in got if n == "daily"] == [
            day(12, d) for d in range(1, 8)
        ]
        assert [d for n, d, _ in got if n == "weekly"] == [
            day(12, 14),
            day(12, 21),
            day(12, 28),
            day(1, 4, 2027),
        ]
        assert [d for n, d, _ in got if n == "maintenance"] == [
            day(2, 4, 2027),
            day(3, 4, 2027),
        ]
        counts = [p.end for p in regimens.get("us-high-dose").phases]
        assert counts[:2] == [Count(7), Count(4)]

    def test_oral_high_dose(self):
        """1 mg orally every day."""
        course = Course.begin(regimens.get("oral-high-dose"), first_dose=START)
        plan = course.plan(until=dt.datetime(2026, 12, 8, tzinfo=LONDON))
        assert [d.due.day for d in plan] == list(range(1, 8))
        assert plan[0].dose.amount == b12.Amount(1000)

    def test_nasal_weekly(self):
        """One 500 mcg spray weekly, with no loading phase."""
        got = plan_dates("nasal-weekly", dt.datetime(2027, 1, 1, tzinfo=LONDON))
        assert [d for _, d, _ in got] == [day(12, d) for d in (1, 8, 15, 22, 29)]
        assert len(regimens.get("nasal-weekly").phases) == 1
