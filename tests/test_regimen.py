import calendar
import datetime as dt

import attrs
import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import assume, given
from hypothesis import strategies as st

import b12course as b12
from b12course import (
    Anchoring,
    Cadence,
    Count,
    Dose,
    Drug,
    Indefinite,
    Lasting,
    Phase,
    Regimen,
    Route,
    UntilNoFurtherImprovement,
)
from b12course.exceptions import ImplausibleDoseError, RegimenError, TextError

IM_1MG = Dose(Drug.HYDROXOCOBALAMIN, "1 mg", Route.IM)


def phase(end, cadence=None, name="p"):
    return Phase(name=name, dose=IM_1MG, cadence=cadence or Cadence.daily(), end=end)


class TestRoute:
    @pytest.mark.parametrize(
        ("text", "route"),
        [
            ("IM", Route.IM),
            ("im", Route.IM),
            ("intramuscular", Route.IM),
            ("deep SC", Route.DEEP_SC),
            ("SC", Route.SC),
            ("subcut", Route.SC),
            ("SUBCUT", Route.SC),
            ("subcutaneous", Route.SC),
            ("deep_sc", Route.DEEP_SC),
            ("deep subcut", Route.DEEP_SC),
            ("deep subcutaneous", Route.DEEP_SC),
            ("oral", Route.ORAL),
            ("PO", Route.ORAL),
            ("p.o.", Route.ORAL),
            ("Intranasal", Route.INTRANASAL),
            ("IN", Route.INTRANASAL),
            ("nasal", Route.INTRANASAL),
            ("sublingual", Route.SUBLINGUAL),
            ("SL", Route.SUBLINGUAL),
            (Route.ORAL, Route.ORAL),
        ],
    )
    def test_parses_names_and_abbreviations(self, text, route):
        """Routes read from their names, values and clinical abbreviations."""
        assert Route.parse(text) is route

    @pytest.mark.parametrize("text", ["IV", "intravenous"])
    def test_refuses_intravenous(self, text):
        """IV is refused as a product choice, with the FDA label's reason."""
        with pytest.raises(ImplausibleDoseError, match="lost in the urine") as info:
            Route.parse(text)
        assert "b12course does not plan" in str(info.value)

    @pytest.mark.parametrize("value", ["topical", 5, None])
    def test_refuses_unknown(self, value):
        """An unknown route names the ones that exist."""
        with pytest.raises(RegimenError, match="IM, SC, deep SC"):
            Route.parse(value)

    def test_sc_and_deep_sc_are_distinct(self):
        """SC and deep SC are two routes with two abbreviations."""
        assert Route.parse("SC") is not Route.parse("deep SC")
        assert (Route.SC.abbreviation, Route.DEEP_SC.abbreviation) == ("SC", "deep SC")

    def test_injected_routes(self):
        """IM, SC and deep SC are injected; the others are not."""
        assert {r for r in Route if r.injected} == {Route.IM, Route.SC, Route.DEEP_SC}

    def test_prints_its_value(self):
        """str() of a route, a drug or an anchoring is its value."""
        assert str(Route.IM) == "intramuscular"
        assert str(Drug.CYANOCOBALAMIN) == "cyanocobalamin"
        assert str(b12.Anchoring.GRID) == "grid"


class TestDose:
    def test_parses_amount_and_route(self):
        """Text amounts and routes are converted on construction."""
        dose = Dose(Drug.CYANOCOBALAMIN, "1000 mcg", "IM")
        assert dose.amount.micrograms == 1000
        assert dose.route is Route.IM
        assert str(dose) == "cyanocobalamin 1 mg IM"

    @pytest.mark.parametrize(
        ("amount", "route"),
        [
            ("1001 mcg", Route.IM),
            ("5 mg", Route.DEEP_SC),
            ("6 mg", Route.ORAL),
            ("10 mg", Route.SUBLINGUAL),
            ("1 mg", Route.INTRANASAL),
            ("250 mcg", Route.INTRANASAL),
        ],
    )
    def test_refuses_implausible_dose_for_route(self, amount, route):
        """Doses outside the plausibility bounds of clinical.md §6 are refused."""
        with pytest.raises(ImplausibleDoseError) as info:
            Dose(Drug.CYANOCOBALAMIN, amount, route)
        assert info.value.route is route

    @pytest.mark.parametrize(
        ("amount", "route"),
        [
            ("30 mcg", Route.IM),
            ("1 mg", Route.IM),
            ("1 mg", Route.DEEP_SC),
            ("5 mg", Route.ORAL),
            ("500 mcg", Route.INTRANASAL),
            ("2 mg", Route.SUBLINGUAL),
        ],
    )
    def test_accepts_labelled_doses(self, amount, route):
        """Doses within the labelled ranges are accepted."""
        assert Dose(Drug.CYANOCOBALAMIN, amount, route).route is route

    @pytest.mark.parametrize("drug", ["b12", 5, None])
    def test_refuses_non_drug(self, drug):
        """A value naming no drug is refused with RegimenError listing the drugs."""
        with pytest.raises(RegimenError, match="hydroxocobalamin, cyanocobalamin"):
            Dose(drug, "1 mg", Route.IM)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        "text", ["cyanocobalamin", "Hydroxocobalamin", " METHYLCOBALAMIN"]
    )
    def test_accepts_drug_names(self, text):
        """A drug may be given by its name, as a route may."""
        assert Dose(text, "1 mg", "IM").drug is Drug.parse(text)

    def test_thousands_separator(self):
        """'1,000 mcg' is 1 mg."""
        assert Dose("cyanocobalamin", "1,000 mcg", "IM").amount.micrograms == 1000

    @pytest.mark.parametrize("amount", ["25 mcg", "50 mcg", "100 mcg", "500 mcg"])
    def test_accepts_labelled_intranasal_doses(self, amount):
        """The Nascobal (500 mcg) and CaloMist (25 mcg a spray) doses are accepted."""
        assert Dose("cyanocobalamin", amount, "nasal").route is Route.INTRANASAL

    @pytest.mark.parametrize("amount", ["30 mcg", "1 mg"])
    def test_refuses_unlabelled_intranasal_doses(self, amount):
        """Other intranasal amounts are refused, naming the labelled ones."""
        with pytest.raises(ImplausibleDoseError, match="25, 50, 100 or 500 mcg"):
            Dose("cyanocobalamin", amount, "IN")

    @pytest.mark.parametrize("route", ["IM", "SC", "deep SC"])
    def test_refusal_says_why(self, route):
        """An injection above 1 mg is refused with the reason and the unit hint."""
        with pytest.raises(
            ImplausibleDoseError, match=r"largest .* dose in the labels"
        ):
            Dose("hydroxocobalamin", "2 mg", route)


class TestCadence:
    anchor = dt.datetime(2027, 1, 31, 9, 0)

    def test_month_intervals_are_anchored_and_clamped(self):
        """Monthly doses from 31 January fall on each month's last day, never drifting."""
        monthly = Cadence.every_months(1)
        got = [monthly.occurrence(self.anchor, k).date() for k in range(6)]
        assert got == [
            dt.date(2027, 1, 31),
            dt.date(2027, 2, 28),
            dt.date(2027, 3, 31),
            dt.date(2027, 4, 30),
            dt.date(2027, 5, 31),
            dt.date(2027, 6, 30),
        ]

    def test_leap_february(self):
        """An anchor on 31 January clamps to 29 February in a leap year."""
        anchor = dt.datetime(2028, 1, 31, 9)
        assert Cadence.every_months(1).occurrence(anchor, 1).date() == dt.date(
            2028, 2, 29
        )

    def test_day_and_week_intervals(self):
        """Day and week cadences step by calendar days and keep the time of day."""
        assert Cadence.every_days(2).occurrence(self.anchor, 3) == dt.datetime(
            2027, 2, 6, 9
        )
        assert Cadence.every_weeks(2).occurrence(self.anchor, 2) == dt.datetime(
            2027, 2, 28, 9
        )

    def test_three_times_weekly_is_mon_wed_fri(self):
        """Three times a week defaults to Monday, Wednesday and Friday."""
        tuesday = dt.datetime(2026, 12, 1, 9)
        cadence = Cadence.three_times_weekly()
        days = [cadence.occurrence(tuesday, k).strftime("%a %d") for k in range(6)]
        assert days == ["Tue 01", "Wed 02", "Fri 04", "Mon 07", "Wed 09", "Fri 11"]

    @given(
        st.lists(st.integers(0, 6), min_size=1, max_size=7, unique=True),
        st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2100, 1, 1)),
        st.integers(min_value=1, max_value=60),
    )
    def test_weekday_occurrences_are_the_next_listed_days(self, days, start, k):
        """Occurrence k of a weekday cadence is the k-th listed weekday after the anchor."""
        anchor = dt.datetime.combine(start, dt.time(8, 30))
        cadence = Cadence.on_weekdays(*days)
        expected = []
        day = anchor
        while len(expected) < k:
            day += dt.timedelta(days=1)
            if day.weekday() in days:
                expected.append(day)
        assert cadence.occurrence(anchor, k) == expected[-1]

    @given(st.integers(min_value=1, max_value=12), st.integers(0, 600))
    def test_monthly_is_anchor_plus_k_months(self, every, k):
        """Monthly occurrence k is the anchor's day clamped in the month k*every later."""
        got = Cadence.every_months(every).occurrence(self.anchor, k)
        months = self.anchor.month - 1 + k * every
        year, month = self.anchor.year + months // 12, months % 12 + 1
        assert (got.year, got.month) == (year, month)
        assert got.day == min(31, _month_length(year, month))
        assert got.time() == self.anchor.time()

    @pytest.mark.parametrize("bad", [0, -1, True, 1.5])
    def test_refuses_bad_intervals(self, bad):
        """Zero, negative and non-integer intervals are refused."""
        with pytest.raises(RegimenError):
            Cadence.every_days(bad)

    @pytest.mark.parametrize("days", [(), (7,), (-1,), ("Mon",), (True,), (1, 9)])
    def test_refuses_bad_weekdays(self, days):
        """Weekday cadences need at least one weekday, each 0-6."""
        with pytest.raises(RegimenError):
            Cadence.on_weekdays(*days)

    def test_refuses_weekdays_on_other_units_and_steps(self):
        """Only weekday cadences list weekdays, and they repeat every week."""
        from b12course._regimen import _Unit

        with pytest.raises(RegimenError):
            Cadence(_Unit.DAYS, 1, (0,))
        with pytest.raises(RegimenError):
            Cadence(_Unit.WEEKDAYS, 2, (0,))
        with pytest.raises(RegimenError):
            Cadence(_Unit.WEEKDAYS, 1, None)

    def test_describes_itself(self):
        """Cadences read as words."""
        assert str(Cadence.daily()) == "daily"
        assert str(Cadence.every_days(2)) == "alternate days"
        assert str(Cadence.every_days(3)) == "every 3 days"
        assert str(Cadence.every_weeks(1)) == "weekly"
        assert str(Cadence.every_months(2)) == "every 2 months"
        assert str(Cadence.every_months(1)) == "monthly"

    def test_approximate_days(self):
        """The mean interval is given in days for display."""
        assert Cadence.every_weeks(2).approximate_days == 14
        assert Cadence.three_times_weekly().approximate_days == pytest.approx(7 / 3)
        assert Cadence.every_months(1).approximate_days == pytest.approx(
            30.44, abs=0.01
        )
        assert Cadence.every_days(2).approximate_days == 2


def _month_length(year, month):
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


class TestPhaseEnds:
    def test_count_needs_a_positive_integer(self):
        """Count(0) is refused."""
        with pytest.raises(RegimenError):
            Count(0)

    def test_lasting_needs_a_span(self):
        """Lasting() with no span is refused, and negative spans are refused."""
        with pytest.raises(RegimenError):
            Lasting()
        with pytest.raises(RegimenError):
            Lasting(days=-1)

    @given(
        start=st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(8999, 12, 31)),
        months=st.integers(0, 600),
        weeks=st.integers(0, 500),
        days=st.integers(0, 4000),
    )
    def test_lasting_end_date_is_dateutils(self, start, months, weeks, days):
        """Lasting.end_date adds a span exactly as dateutil's relativedelta does."""
        assume(months or weeks or days)
        span = Lasting(months=months, weeks=weeks, days=days)
        assert span.end_date(start) == start + relativedelta(
            months=months, weeks=weeks, days=days
        )

    def test_lasting_end_date(self):
        """The end date is the first local date after the span."""
        assert Lasting(weeks=2).end_date(dt.date(2026, 12, 1)) == dt.date(2026, 12, 15)
        assert Lasting(months=1).end_date(dt.date(2027, 1, 31)) == dt.date(2027, 2, 28)

    def test_words(self):
        """Ends read as words."""
        assert str(Count(1)) == "1 dose"
        assert str(Count(6)) == "6 doses"
        assert str(Lasting(months=1, days=3)) == "1 month 3 days"
        assert str(Indefinite()) == "for life"
        assert "review after 2 weeks" in str(UntilNoFurtherImprovement())


class TestPhaseAndRegimen:
    def test_phase_defaults_to_given_anchoring(self):
        """Phases re-anchor on doses given unless told to keep the grid."""
        assert phase(Count(3)).anchoring is Anchoring.GIVEN

    def test_phase_refuses_bad_end_and_name(self):
        """A phase needs a real end and a name."""
        with pytest.raises(RegimenError):
            phase("forever")
        with pytest.raises(RegimenError):
            phase(Count(1), name="  ")

    def test_regimen_refuses_no_phases(self):
        """A regimen without phases is refused."""
        with pytest.raises(RegimenError, match="no phases"):
            Regimen(id="x", name="x", phases=())

    def test_regimen_refuses_indefinite_before_another(self):
        """Nothing can follow an indefinite phase."""
        with pytest.raises(RegimenError, match="indefinite"):
            Regimen(id="x", name="x", phases=(phase(Indefinite()), phase(Count(1))))

    def test_regimen_refuses_non_phases(self):
        """Phases must be Phase objects in a sequence."""
        with pytest.raises(RegimenError):
            Regimen(id="x", name="x", phases=("loading",))
        with pytest.raises(RegimenError):
            Regimen(id="x", name="x", phases=3)
        with pytest.raises(RegimenError):
            Regimen(id=" ", name="x", phases=(phase(Count(1)),))

    def test_regimens_are_values(self):
        """Equal regimens are equal and hashable; evolve tailors a copy."""
        a = Regimen(id="x", name="x", phases=[phase(Count(2))])
        b = Regimen(id="x", name="x", phases=(phase(Count(2)),))
        assert a == b
        assert hash(a) == hash(b)
        assert attrs.evolve(a, name="y").name == "y"
        assert "p: hydroxocobalamin 1 mg IM daily, 2 doses" in str(a)


class TestAddMonths:
    @given(
        st.datetimes(
            min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1)
        ),
        st.integers(min_value=0, max_value=1200),
    )
    def test_equals_relativedelta(self, anchor, months):
        """The fast month step equals dateutil's relativedelta, clamping included."""
        from dateutil.relativedelta import relativedelta

        from b12course._regimen import _add_months

        assert _add_months(anchor, months) == anchor + relativedelta(months=months)

    @given(
        st.datetimes(
            min_value=dt.datetime(1000, 1, 1), max_value=dt.datetime(9999, 12, 31)
        ),
        st.integers(min_value=0, max_value=1300),
        st.sampled_from([0, 1]),
    )
    def test_a_wall_time_keeps_its_fields_and_fold_to_the_end_of_the_calendar(
        self, anchor, months, fold
    ):
        """A naive wall time (built from its fields) equals replace(): fields, fold, and ValueError past 9999."""
        from b12course._regimen import _add_months

        anchor = anchor.replace(fold=fold)
        index = anchor.month - 1 + months
        year, month = anchor.year + index // 12, index % 12 + 1
        if year > 9999:
            with pytest.raises(ValueError, match="out of range"):
                _add_months(anchor, months)
            return
        last = calendar.monthrange(year, month)[1]
        expected = anchor.replace(year=year, month=month, day=min(anchor.day, last))
        found = _add_months(anchor, months)
        assert (found, found.fold, found.tzinfo) == (expected, expected.fold, None)


class TestBounds:
    @pytest.mark.parametrize(
        "make",
        [
            lambda: Cadence.every_days(36_526),
            lambda: Cadence.every_weeks(5_218),
            lambda: Cadence.every_months(1_201),
            lambda: Lasting(months=1_200),
            lambda: Lasting(days=36_526),
        ],
    )
    def test_refuses_intervals_over_100_years(self, make):
        """Intervals and spans beyond 100 years are refused, so plans cannot overflow."""
        with pytest.raises(RegimenError, match="100 years"):
            make()

    def test_accepts_100_years(self):
        """An interval of exactly the bound is accepted."""
        assert Cadence.every_months(1_200).every == 1_200
        assert Cadence.every_days(36_525).every == 36_525


class TestUntilLabResult:
    def test_is_an_until_no_further_improvement(self):
        """The plan treats a lab-decided end like 'until no further improvement'."""
        end = b12.UntilLabResult(review_after=Lasting(weeks=6))
        assert isinstance(end, UntilNoFurtherImprovement)
        assert end != UntilNoFurtherImprovement(review_after=Lasting(weeks=6))

    def test_has_its_own_wording(self):
        """Its str() and review wording name the result that ends the phase."""
        end = b12.UntilLabResult(result="haemoglobin is normal")
        assert str(end) == "until haemoglobin is normal (review after 2 weeks)"
        assert "checks whether haemoglobin is normal" in end.review_wording
        plain = UntilNoFurtherImprovement()
        assert plain.review_wording == "a clinician decides whether to continue"

    @pytest.mark.parametrize("result", ["", "  "])
    def test_needs_a_result(self, result):
        """An empty result is refused."""
        with pytest.raises(RegimenError):
            b12.UntilLabResult(result=result)

    def test_refuses_a_lone_surrogate(self):
        """The result is text every file can carry."""
        with pytest.raises(TextError):
            b12.UntilLabResult(result="\ud800")


class TestPhaseCondition:
    def test_condition_is_shown(self):
        """A phase's condition reads after its end."""
        p = Phase(
            name="alt",
            dose=IM_1MG,
            cadence=Cadence.every_days(2),
            end=Count(7),
            condition="only if there is a reticulocyte response",
        )
        assert str(p).endswith("7 doses, only if there is a reticulocyte response")

    def test_text_fields_refuse_surrogates(self):
        """Phase names and regimen notes refuse what no file can store."""
        with pytest.raises(TextError):
            phase(Count(1), name="\ud800")
        with pytest.raises(TextError):
            Regimen(id="x", name="x", phases=(phase(Count(1)),), notes="\udfff")
