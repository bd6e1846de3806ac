import datetime as dt
import subprocess
import sys
import zoneinfo

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import Phase as HypothesisPhase
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import b12course as b12
from b12course import (
    Analyte,
    Anchoring,
    Cadence,
    Count,
    Course,
    Dose,
    DoseStatus,
    Drug,
    Indefinite,
    LabResult,
    Phase,
    Regimen,
    Route,
    Symptom,
    SymptomEntry,
    UntilNoFurtherImprovement,
)
from b12course import strategies as b12st
from b12course.strategies import _values
from support.profiles import scaled

UTC = dt.timezone.utc
LONDON = zoneinfo.ZoneInfo("Europe/London")

# find() searches until it meets an example; give it room, but no database.  This
# is a search budget (find stops at the first match), not a test's example count.
FIND = settings(
    max_examples=2000,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
# The first example found, unshrunk: for a value that only has to exist.
FIRST_FOUND = settings(FIND, phases=[HypothesisPhase.generate])


def utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(UTC)


def far(course: Course) -> dt.datetime:
    """A horizon past everything the strategy could have recorded."""
    latest = [course.first_dose, *(g.at for g in course.given)]
    latest += [s.due for s in course.skips] + [d.at for d in course.decisions]
    return max(latest, key=utc) + dt.timedelta(days=400)


class TestImport:
    def test_importing_b12course_does_not_import_hypothesis(self):
        """`import b12course` leaves hypothesis unimported: it is an optional extra."""
        code = "import sys, b12course; print('hypothesis' in sys.modules)"
        out = subprocess.run(  # noqa: S603 - runs this interpreter on fixed code
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "False"

    @pytest.mark.slow
    def test_importing_the_module_first_works(self):
        """Importing b12course.strategies before hypothesis (the entry point reentry) works."""
        code = (
            "import b12course.strategies as s, hypothesis.strategies as st, "
            "b12course as b; print(st.from_type(b.Course).example().zone.key != '')"
        )
        out = subprocess.run(  # noqa: S603 - runs this interpreter on fixed code
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "True"


class TestFromType:
    @pytest.mark.parametrize(
        "cls",
        [
            b12.Amount,
            Dose,
            Cadence,
            Phase,
            Regimen,
            Course,
            SymptomEntry,
            LabResult,
            b12.AdministeredDose,
            b12.DoseSkip,
            b12.PhaseDecision,
        ],
    )
    def test_registered_types_build(self, cls):
        """st.from_type builds every registered b12course type."""
        b12st._hypothesis_setup_hook()  # idempotent; the entry point already ran it

        @scaled(0.05, database=None)  # only that the type builds: a few values
        @given(st.from_type(cls))
        def check(value):
            assert isinstance(value, cls)

        check()


class TestZones:
    @pytest.mark.slow
    @given(b12st.zones())
    def test_zones_are_loadable_iana_zones(self, zone):
        """Every zone drawn is a ZoneInfo whose key loads again."""
        assert isinstance(zone, zoneinfo.ZoneInfo)
        assert zoneinfo.ZoneInfo(zone.key) is zone

    @given(b12st.zones(keys=["Australia/Lord_Howe", "Asia/Kolkata"]))
    def test_keys_restrict_the_zones(self, zone):
        """With keys, only those zones are drawn."""
        assert zone.key in {"Australia/Lord_Howe", "Asia/Kolkata"}

    def test_shrinks_towards_utc(self):
        """The simplest zone is UTC."""
        assert find(b12st.zones(), lambda _: True).key == "UTC"

    def test_reaches_zones_outside_the_interesting_list(self):
        """Any tz database zone can be drawn, not only the curated ones."""
        found = find(
            b12st.zones(),
            lambda z: z.key not in _values._INTERESTING_ZONES,
            settings=FIND,
        )
        assert found.key not in _values._INTERESTING_ZONES

    @pytest.mark.parametrize(
        "keys", [[], "Europe/London", ["Mars/Olympus_Mons"], [3], 17]
    )
    def test_bad_keys_are_invalid(self, keys):
        """Empty, non-collection or unknown keys raise InvalidArgument."""
        with pytest.raises(InvalidArgument):
            b12st.zones(keys=keys)


class TestAwareDatetimes:
    @pytest.mark.slow
    @given(
        b12st.aware_datetimes(
            min_value=dt.datetime(2026, 3, 1), max_value=dt.datetime(2026, 11, 30)
        )
    )
    def test_aware_in_an_iana_zone_within_wall_clock_bounds(self, value):
        """Datetimes are aware, in a ZoneInfo, with local wall time within the bounds."""
        assert isinstance(value.tzinfo, zoneinfo.ZoneInfo)
        assert value.utcoffset() is not None
        wall = value.replace(tzinfo=None)
        assert dt.datetime(2026, 3, 1) <= wall <= dt.datetime(2026, 11, 30)

    @pytest.mark.slow
    @given(b12st.aware_datetimes())
    def test_no_imaginary_times_by_default(self, value):
        """By default every local time exists: it survives a round trip through UTC."""
        assert utc(value).astimezone(value.tzinfo).replace(tzinfo=None) == (
            value.replace(tzinfo=None)
        )

    def test_imaginary_times_on_request(self):
        """allow_imaginary=True can draw a time inside London's spring-forward gap."""
        strategy = b12st.aware_datetimes(
            min_value=dt.datetime(2026, 3, 29, 0),
            max_value=dt.datetime(2026, 3, 29, 4),
            timezones=b12st.zones(keys=["Europe/London"]),
            allow_imaginary=True,
        )
        found = find(
            strategy,
            lambda v: (
                utc(v).astimezone(LONDON).replace(tzinfo=None) != v.replace(tzinfo=None)
            ),
            settings=FIND,
        )
        assert found.hour == 1

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"min_value": dt.datetime(2026, 1, 1, tzinfo=UTC)},
            {"max_value": dt.date(2026, 1, 1)},
            {
                "min_value": dt.datetime(2027, 1, 1),
                "max_value": dt.datetime(2026, 1, 1),
            },
            {"timezones": LONDON},
            {"allow_imaginary": "yes"},
        ],
    )
    def test_bad_arguments_are_invalid(self, kwargs):
        """Aware or non-datetime bounds, reversed bounds, a zone for a strategy and a non-bool flag are invalid."""
        with pytest.raises(InvalidArgument):
            b12st.aware_datetimes(**kwargs)


class TestDoses:
    @given(b12st.doses())
    def test_doses_stay_within_route_bounds(self, dose):
        """Every dose is within the plausibility bounds of its route (clinical.md section 6)."""
        limit = {"intranasal": 500, "oral": 5000, "sublingual": 5000}.get(
            dose.route.value, 1000
        )
        assert 0 < dose.amount.micrograms <= limit
        if dose.route is Route.INTRANASAL:
            assert dose.amount.micrograms == 500

    @given(b12st.doses(drugs=st.just(Drug.CYANOCOBALAMIN), routes=st.just(Route.ORAL)))
    def test_drugs_and_routes_restrict(self, dose):
        """The drugs and routes strategies decide the drug and route."""
        assert (dose.drug, dose.route) == (Drug.CYANOCOBALAMIN, Route.ORAL)

    def test_shrinks_towards_hydroxocobalamin_1_mg_im(self):
        """The simplest dose is hydroxocobalamin 1 mg IM."""
        assert str(find(b12st.doses(), lambda _: True)) == "hydroxocobalamin 1 mg IM"

    @given(b12st.amounts(min_value=20, max_value=30), b12st.amounts(min_value=400))
    def test_amounts_respect_bounds(self, small, large):
        """Amounts lie within min_value and max_value micrograms."""
        assert 20 <= small.micrograms <= 30
        assert 400 <= large.micrograms <= 5000

    def test_amounts_shrink_towards_common_strengths(self):
        """Within the bounds, amounts shrink to a common strength, else to min_value."""
        assert find(b12st.amounts(min_value=400), lambda _: True).micrograms == 1000
        assert find(b12st.amounts(min_value=20, max_value=24), lambda _: True) == (
            b12.Amount(20)
        )

    @pytest.mark.parametrize(
        "make",
        [
            lambda: b12st.amounts(min_value=0),
            lambda: b12st.amounts(min_value=10, max_value=5),
            lambda: b12st.amounts(max_value=2.5),
            lambda: b12st.amounts(min_value=True),
            lambda: b12st.doses(drugs=Drug.CYANOCOBALAMIN),
            lambda: b12st.doses(routes=[Route.IM]),
        ],
    )
    def test_bad_arguments_are_invalid(self, make):
        """Non-positive, non-integer or reversed bounds and non-strategies are invalid."""
        with pytest.raises(InvalidArgument):
            make()


class TestCadences:
    @given(b12st.cadences(units=["months"], max_every=3))
    def test_units_and_max_every_restrict(self, cadence):
        """Only the named units are drawn, up to max_every."""
        assert cadence in {Cadence.every_months(n) for n in (1, 2, 3)}

    @given(b12st.cadences(units=["weekdays"]))
    def test_weekday_cadences_list_days(self, cadence):
        """Weekday cadences list one to seven distinct weekdays."""
        assert 1 <= len(cadence.weekdays) <= 7

    def test_shrinks_towards_daily(self):
        """The simplest cadence is daily."""
        assert find(b12st.cadences(), lambda _: True) == Cadence.daily()

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"units": []},
            {"units": "days"},
            {"units": ["fortnights"]},
            {"max_every": 0},
        ],
    )
    def test_bad_arguments_are_invalid(self, kwargs):
        """Empty, unknown or string units and a max_every below 1 are invalid."""
        with pytest.raises(InvalidArgument):
            b12st.cadences(**kwargs)


class TestPhaseEnds:
    @given(b12st.phase_ends(max_count=4, allow_indefinite=False))
    def test_bounds_and_indefinite_flag(self, end):
        """Counts stay within max_count and allow_indefinite=False never draws Indefinite."""
        assert not isinstance(end, Indefinite)
        if isinstance(end, Count):
            assert end.n <= 4

    def test_shrinks_towards_for_life_then_one_dose(self):
        """The simplest end is Indefinite(), or Count(1) when indefinite ends are not allowed."""
        assert find(b12st.phase_ends(), lambda _: True) == Indefinite()
        assert find(b12st.phase_ends(allow_indefinite=False), lambda _: True) == Count(
            1
        )

    @pytest.mark.parametrize(
        "kwargs", [{"max_count": 0}, {"allow_indefinite": 1}, {"max_count": "3"}]
    )
    def test_bad_arguments_are_invalid(self, kwargs):
        """A max_count below 1 or not an integer and a non-bool flag are invalid."""
        with pytest.raises(InvalidArgument):
            b12st.phase_ends(**kwargs)


class TestPhases:
    @given(
        b12st.phases(
            names=st.just("top-up"),
            anchorings=st.just(Anchoring.GRID),
            ends=st.just(Count(2)),
            cadences=st.just(Cadence.every_weeks(1)),
            doses=st.just(Dose(Drug.HYDROXOCOBALAMIN, "1 mg", Route.IM)),
        )
    )
    def test_strategies_decide_every_field(self, phase):
        """Each argument strategy decides its field."""
        assert str(phase) == "top-up: hydroxocobalamin 1 mg IM weekly, 2 doses"
        assert phase.anchoring is Anchoring.GRID

    def test_shrinks_towards_a_daily_loading_phase_for_life(self):
        """The simplest phase is a given-anchored loading phase of daily 1 mg IM for life."""
        phase = find(b12st.phases(), lambda _: True)
        assert str(phase) == "loading: hydroxocobalamin 1 mg IM daily, for life"
        assert phase.anchoring is Anchoring.GIVEN

    @pytest.mark.parametrize(
        "name", ["doses", "cadences", "ends", "anchorings", "names"]
    )
    def test_non_strategies_are_invalid(self, name):
        """Every argument must be a strategy."""
        with pytest.raises(InvalidArgument):
            b12st.phases(**{name: "not a strategy"})


class TestRegimens:
    @given(b12st.regimens(min_phases=2, max_phases=3, presets=False))
    def test_made_up_regimens_respect_bounds(self, regimen):
        """Made-up regimens have min_phases to max_phases phases, only the last indefinite."""
        assert 2 <= len(regimen.phases) <= 3
        assert not any(isinstance(p.end, Indefinite) for p in regimen.phases[:-1])

    def test_presets_are_drawn(self):
        """By default the guideline presets are drawn too, shrinking to the first."""
        first = b12.regimens.get(b12.regimens.available()[0])
        assert find(b12st.regimens(), lambda _: True) == first

    @pytest.mark.slow
    def test_every_preset_can_be_drawn(self):
        """Each preset is reachable."""
        for preset_id in b12.regimens.available():
            found = find(
                b12st.regimens(), lambda r, i=preset_id: r.id == i, settings=FIND
            )
            assert found == b12.regimens.get(preset_id)

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"min_phases": 0},
            {"min_phases": 3, "max_phases": 2},
            {"phases": "x"},
            {"presets": None},
        ],
    )
    def test_bad_arguments_are_invalid(self, kwargs):
        """A min_phases below 1, reversed bounds, a non-strategy and a non-bool flag are invalid."""
        with pytest.raises(InvalidArgument):
            b12st.regimens(**kwargs)


class TestSymptomEntries:
    @given(b12st.symptom_entries(min_severity=3, max_severity=5))
    def test_severity_bounds(self, entry):
        """Severities lie within the bounds and OTHER entries have a name."""
        assert 3 <= entry.severity <= 5
        assert entry.symptom is not Symptom.OTHER or entry.name

    def test_shrinks_towards_a_plain_myoclonus_entry(self):
        """The simplest entry is myoclonus of severity 0 with no details."""
        entry = find(b12st.symptom_entries(), lambda _: True)
        assert (entry.symptom, entry.severity, entry.note, entry.body_sites) == (
            Symptom.MYOCLONUS,
            0,
            None,
            (),
        )

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"min_severity": -1},
            {"max_severity": 11},
            {"min_severity": 6, "max_severity": 5},
            {"times": dt.datetime(2026, 1, 1, tzinfo=LONDON)},
            {"symptoms": Symptom.TREMOR},
        ],
    )
    def test_bad_arguments_are_invalid(self, kwargs):
        """Severities outside 0-10 or reversed, and non-strategies, are invalid."""
        with pytest.raises(InvalidArgument):
            b12st.symptom_entries(**kwargs)


class TestLabResults:
    @given(b12st.lab_results())
    def test_values_are_plausible_in_lab_units(self, result):
        """Each result has a finite positive value in a unit labs report for its analyte."""
        units = {
            Analyte.SERUM_B12: {"ng/L", "pmol/L"},
            Analyte.ACTIVE_B12: {"pmol/L"},
            Analyte.MMA: {"µmol/L", "nmol/L"},
            Analyte.HOMOCYSTEINE: {"µmol/L"},
            Analyte.HAEMOGLOBIN: {"g/L", "g/dL"},
            Analyte.MCV: {"fL"},
            Analyte.FOLATE: {"ng/mL", "nmol/L"},
        }
        assert result.unit in units[result.analyte]
        assert result.value > 0

    @given(b12st.lab_results(analytes=st.just(Analyte.MCV)))
    def test_analytes_restrict(self, result):
        """The analytes strategy decides the analyte; MCV lies within 60-140 fL."""
        assert result.analyte is Analyte.MCV
        assert 60 <= result.value <= 140

    @pytest.mark.parametrize("kwargs", [{"times": 1}, {"analytes": Analyte.MMA}])
    def test_bad_arguments_are_invalid(self, kwargs):
        """Arguments must be strategies."""
        with pytest.raises(InvalidArgument):
            b12st.lab_results(**kwargs)


class TestCourses:
    @pytest.mark.slow
    @given(b12st.courses())
    def test_every_dose_given_fulfils_a_planned_slot(self, course):
        """Doses are given against planned slots, so each one fulfils a slot of the plan."""
        fulfilled = {
            id(slot.given) for slot in course.plan(until=far(course)) if slot.given
        }
        assert all(id(g) in fulfilled for g in course.given)

    @given(b12st.courses())
    def test_skips_name_planned_slots(self, course):
        """Every skip marks a slot of the plan as skipped."""
        skipped = {
            utc(slot.due)
            for slot in course.plan(until=far(course))
            if slot.status is DoseStatus.SKIPPED
        }
        assert {utc(s.due) for s in course.skips} <= skipped

    @pytest.mark.slow
    @given(b12st.courses())
    def test_records_fall_on_whole_minutes(self, course):
        """By default every instant of a course is on a whole minute, as clinics and calendars plan."""
        instants = [course.first_dose, *(g.at for g in course.given)]
        instants += [s.due for s in course.skips] + [d.at for d in course.decisions]
        instants += [e.at for e in course.symptoms] + [r.at for r in course.labs]
        assert all(t.second == 0 and t.microsecond == 0 for t in instants)

    @pytest.mark.slow
    @given(b12st.courses(late=False, missed=False, skips=False, decisions=False))
    def test_on_time_doses_are_near_their_due_time(self, course):
        """With late=False each dose is given within 90 minutes of its slot's due time."""
        for slot in course.plan(until=far(course)):
            if slot.given is not None:
                assert abs(utc(slot.given.at) - utc(slot.due)) <= dt.timedelta(
                    minutes=90
                )
        assert not course.skips
        assert not course.decisions

    @pytest.mark.slow
    @given(
        b12st.courses(
            regimens=st.just(b12.regimens.get("bnf-hydroxocobalamin-non-neuro")),
            min_given=3,
            max_given=3,
            late=False,
            missed=False,
            skips=False,
            decisions=False,
            max_symptoms=0,
            max_labs=0,
        )
    )
    def test_min_given_records_that_many_events(self, course):
        """min_given events are recorded while the regimen lasts; max 0 logs nothing."""
        assert len(course.given) == 3
        assert not course.symptoms
        assert not course.labs

    @pytest.mark.parametrize(
        "first",
        [
            # Right after Sydney's 02:00-03:00 spring-forward gap.
            dt.datetime(
                2029, 10, 7, 3, 0, tzinfo=zoneinfo.ZoneInfo("Australia/Sydney")
            ),
            # The second 03:00 of Chatham's fall-back (planned at the first).
            dt.datetime(
                2024, 4, 7, 3, 0, fold=1, tzinfo=zoneinfo.ZoneInfo("Pacific/Chatham")
            ),
        ],
    )
    def test_first_dose_next_to_a_dst_change_is_lived_through(self, first):
        """The first planned dose is given even next to a DST change (regressions)."""
        # Any course drawn will do: the first one found, not shrunk (shrinking a
        # course to the minimal one cost seconds and proved nothing more).
        course = find(
            b12st.courses(
                regimens=st.just(b12.regimens.get("bnf-hydroxocobalamin-non-neuro")),
                first_doses=st.just(first),
                min_given=3,
                max_given=3,
                late=False,
                missed=False,
                skips=False,
                decisions=False,
            ),
            lambda _: True,
            settings=FIRST_FOUND,
        )
        plan = course.plan(until=first + dt.timedelta(days=10))
        assert [slot.number for slot in plan if slot.given] == [1, 2, 3]

    @given(
        b12st.courses(
            first_doses=b12st.aware_datetimes(
                timezones=b12st.zones(keys=["Pacific/Chatham"])
            )
        )
    )
    def test_first_doses_decide_the_zone(self, course):
        """The first_doses strategy decides the course zone."""
        assert course.zone.key == "Pacific/Chatham"

    @pytest.mark.slow
    def test_reaches_realistic_histories(self):  # noqa: C901 - as below
        """Courses include late, early and missed doses, skips, decisions, baselines, labs, many zones."""
        seen: set[str] = set()

        def collect(course):  # noqa: C901, PLR0912 - one checklist
            plan = course.plan(until=far(course))
            last_given = utc(course.given[-1].at) if course.given else None
            for slot in plan:
                if slot.given is not None:
                    delay = utc(slot.given.at) - utc(slot.due)
                    if delay > dt.timedelta(hours=2):
                        seen.add("late dose")
                    if delay < -dt.timedelta(hours=1):
                        seen.add("early dose")
                    if course.regimen.phases[slot.phase].anchoring is Anchoring.GRID:
                        seen.add("grid-anchored dose")
                if slot.pending and last_given and utc(slot.due) < last_given:
                    seen.add("missed dose")
            if course.skips:
                seen.add("skip")
            for decision in course.decisions:
                seen.add(f"decided by {decision.basis.value}")
                end = course.regimen.phases[decision.phase].end
                if isinstance(end, UntilNoFurtherImprovement):
                    seen.add("until-no-improvement decision")
                else:
                    seen.add("other decision")
            if any(utc(e.at) < utc(course.first_dose) for e in course.symptoms):
                seen.add("baseline symptom")
            if any(utc(e.at) > utc(course.first_dose) for e in course.symptoms):
                seen.add("later symptom")
            if course.labs:
                seen.add("lab")
            if any(g.at.tzinfo is UTC for g in course.given):
                seen.add("dose recorded in UTC")
            if len(course.given) >= 5:
                seen.add("five doses")
            if course.regimen.id != "custom":
                seen.add("preset")
            seen.add(f"zone {course.zone.key}")

        wanted = {
            "late dose",
            "early dose",
            "grid-anchored dose",
            "missed dose",
            "skip",
            "until-no-improvement decision",
            "other decision",
            "decided by clinician",
            "decided by plateau",
            "baseline symptom",
            "later symptom",
            "lab",
            "dose recorded in UTC",
            "five doses",
            "preset",
        }

        def everything_seen(course) -> bool:
            collect(course)
            zones = len([k for k in seen if k.startswith("zone ")])
            return wanted <= seen and zones >= 20

        # Draw courses until every kind of history has turned up (a few dozen
        # draws; a missed dose is the rarest), not a fixed number: FIND's budget
        # is only the bound of the search.
        find(b12st.courses(), everything_seen, settings=FIRST_FOUND)
        assert wanted <= seen
        assert len([k for k in seen if k.startswith("zone ")]) >= 20

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"regimens": b12.regimens.get("bnf-hydroxocobalamin-neuro")},
            {"first_doses": dt.datetime(2026, 1, 1, tzinfo=LONDON)},
            {"ids": "abc"},
            {"late": "no"},
            {"min_given": -1},
            {"min_given": 4, "max_given": 3},
            {"max_symptoms": -1},
            {"max_labs": 1.5},
        ],
    )
    def test_bad_arguments_are_invalid(self, kwargs):
        """Non-strategies, non-bool flags and negative or reversed counts are invalid."""
        with pytest.raises(InvalidArgument):
            b12st.courses(**kwargs)
