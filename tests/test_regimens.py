import datetime as dt
import zoneinfo

import pytest

import b12course as b12
from b12course import (
    Count,
    Course,
    Indefinite,
    Lasting,
    Route,
    UntilNoFurtherImprovement,
    regimens,
)
from b12course.exceptions import UnknownPresetError

LONDON = zoneinfo.ZoneInfo("Europe/London")
# Tuesday 1 December 2026, 09:00 in London: no DST change for months.
START = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)


def plan_of(preset, until, course=None):
    course = course or Course.begin(regimens.get(preset), first_dose=START)
    return [
        (d.phase_name, d.due.date(), d.provisional, str(d.dose))
        for d in course.plan(until=until)
    ]


def dates(got, phase):
    return [d for n, d, *_ in got if n == phase]


def day(m, d, y=2026):
    return dt.date(y, m, d)


def at(m, d, y=2026, h=9):
    return dt.datetime(y, m, d, h, tzinfo=LONDON)


class TestCatalogue:
    def test_lists_every_preset(self):
        """available() lists each preset once, by the id naming its source."""
        assert regimens.available() == (
            "bnf-hydroxocobalamin-neuro",
            "bnf-hydroxocobalamin-non-neuro",
            "nice-dietary-oral",
            "nice-dietary-injection",
            "bnf-prophylaxis-gastrectomy",
            "uk-smpc-cyanocobalamin-non-neuro",
            "uk-smpc-cyanocobalamin-neuro",
            "us-label-pernicious-anaemia",
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

    @pytest.mark.parametrize(
        ("alias", "preset"),
        [
            ("nice-neuro", "bnf-hydroxocobalamin-neuro"),
            ("nice-non-neuro", "bnf-hydroxocobalamin-non-neuro"),
            ("us-label-cyanocobalamin", "us-label-pernicious-anaemia"),
        ],
    )
    def test_old_ids_still_load(self, alias, preset):
        """The deprecated ids of DESIGN.md and the README load the renamed preset."""
        with pytest.warns(DeprecationWarning, match=f"use '{preset}'"):
            assert regimens.get(alias) is regimens.get(preset)
        assert regimens.aliases()[alias] == preset
        assert alias not in regimens.available()
        regimen = regimens.get(preset)
        assert "deprecated alias" in regimen.maintainer_notes
        assert "Formerly" not in regimen.notes

    @pytest.mark.parametrize("preset", regimens.available())
    def test_nice_prefix_only_for_nice_sources(self, preset):
        """A preset whose id begins with nice- cites NICE; bnf- cites the BNF."""
        regimen = regimens.get(preset)
        if preset.startswith("nice-"):
            assert "NICE" in regimen.source
        if preset.startswith("bnf-"):
            assert "BNF" in regimen.source
        if preset.startswith("uk-smpc-"):
            assert "SmPC" in regimen.source

    def test_unknown_preset(self):
        """An unknown id raises UnknownPresetError listing the ids."""
        with pytest.raises(
            UnknownPresetError, match="bnf-hydroxocobalamin-neuro"
        ) as info:
            regimens.get("nice-neurological")
        assert isinstance(info.value, LookupError)
        assert info.value.preset_id == "nice-neurological"

    def test_unhashable_id(self):
        """A non-string id is reported the same way, not as a TypeError."""
        with pytest.raises(UnknownPresetError):
            regimens.get(["nice-neuro"])  # type: ignore[arg-type]


class TestSafetyNotes:
    @pytest.mark.parametrize(
        "preset",
        [
            p
            for p in regimens.available()
            if regimens.get(p).phases[0].dose.route.injected
            and regimens.get(p).phases[0].cadence.approximate_days <= 7
        ],
    )
    def test_loading_presets_warn_of_hypokalaemia_and_folate(self, preset):
        """Every preset that starts with injections names both early safety notes."""
        notes = regimens.get(preset).notes
        assert "potassium" in notes
        assert "before folate" in notes

    @pytest.mark.parametrize(
        ("preset", "quote", "not_quoted"),
        [
            (
                "bnf-hydroxocobalamin-neuro",
                "UK hydroxocobalamin SmPC (Panpharma copy): 'Cardiac arrhythmias",
                "Monitor serum potassium on initiation",
            ),
            (
                "uk-smpc-cyanocobalamin-neuro",
                "UK cyanocobalamin SmPC (Medscape UK): 'Monitor serum potassium",
                "Hypokalemia and sudden death",
            ),
            (
                "us-label-pernicious-anaemia",
                "FDA cyanocobalamin injection label: 'Hypokalemia and sudden death",
                "Monitor serum potassium on initiation",
            ),
        ],
    )
    def test_potassium_quote_of_each_product_is_attributed_to_its_own_label(
        self, preset, quote, not_quoted
    ):
        """A hydroxocobalamin preset quotes its own SmPC, not the cyanocobalamin one (L9)."""
        notes = regimens.get(preset).notes
        assert quote in notes
        assert not_quoted not in notes

    def test_first_48_hours_is_attributed_to_drugs_com_not_a_label(self):
        """'First 48 hours' is drugs.com's wording, named as not a label (L9)."""
        for preset in regimens.available():
            notes = regimens.get(preset).notes
            if "48 hours" in notes:
                assert "drugs.com (not a label)" in notes

    def test_us_label_alternate_days_are_conditional(self):
        """The label's alternate-day phase carries its condition, quoted in the source."""
        regimen = regimens.get("us-label-pernicious-anaemia")
        condition = regimen.phases[1].condition
        assert condition is not None
        assert "clinical improvement" in condition
        assert "reticulocyte response" in condition
        assert regimen.phases[0].condition is None
        assert "If there is clinical improvement and if a reticulocyte" in (
            regimen.source
        )
        assert "reticulocyte response" in str(regimen)

    def test_oral_high_dose_quotes_both_halves_and_the_label(self):
        """AFP's 'as effective' and 'IM corrects faster', and the label's caveat."""
        regimen = regimens.get("oral-high-dose")
        assert "as effective as intramuscular" in regimen.source
        assert "more rapid" in regimen.source
        assert "not dependable" in regimen.source

    @pytest.mark.parametrize(
        "preset",
        [
            p
            for p in regimens.available()
            if any(
                isinstance(phase.end, UntilNoFurtherImprovement)
                for phase in regimens.get(p).phases
            )
        ],
    )
    def test_open_ended_phases_say_they_run_until_ended(self, preset):
        """clinical.md 0: an open-ended phase runs until a clinician ends it."""
        notes = regimens.get(preset).notes
        assert "until a clinician records its end" in notes
        assert "provisional" in notes

    def test_presets_without_loading_say_so(self):
        """Maintenance-only presets say that no flare window applies by default."""
        for preset in ("nasal-weekly", "bnf-prophylaxis-gastrectomy"):
            assert "no flare window applies" in regimens.get(preset).notes


class TestPresetPlans:
    def test_bnf_neuro_up_to_the_review_point(self):
        """Alternate days from 1 Dec; the review point is 15 Dec, two weeks on."""
        got = plan_of(
            "bnf-hydroxocobalamin-neuro", dt.datetime(2026, 12, 15, tzinfo=LONDON)
        )
        assert got == [
            ("loading", day(12, d), False, "hydroxocobalamin 1 mg IM")
            for d in (1, 3, 5, 7, 9, 11, 13)
        ]
        phases = regimens.get("bnf-hydroxocobalamin-neuro").phases
        assert phases[0].end == UntilNoFurtherImprovement(review_after=Lasting(weeks=2))
        assert isinstance(phases[1].end, Indefinite)

    def test_bnf_neuro_after_a_decision(self):
        """Ended by a clinician on 20 Dec, maintenance is every 2 months from 19 Dec."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START
        )
        course = course.end_phase(at(12, 20), "no further improvement")
        got = plan_of(None, dt.datetime(2027, 5, 1, tzinfo=LONDON), course)
        # Loading continues at its interval up to the decision: 15, 17, 19 Dec.
        assert dates(got, "loading") == [
            day(12, d) for d in (1, 3, 5, 7, 9, 11, 13, 15, 17, 19)
        ]
        # Then 2 months after the last loading dose, anchored: 19 Feb, 19 Apr.
        assert dates(got, "maintenance") == [day(2, 19, 2027), day(4, 19, 2027)]
        assert not any(p for _, _, p, _ in got)

    def test_bnf_non_neuro(self):
        """Six doses on Mon/Wed/Fri from the first dose, then every 3 months."""
        got = plan_of(
            "bnf-hydroxocobalamin-non-neuro", dt.datetime(2027, 7, 1, tzinfo=LONDON)
        )
        assert dates(got, "loading") == [
            day(12, 1),  # Tuesday: the first dose falls when it is given
            day(12, 2),  # Wednesday
            day(12, 4),  # Friday
            day(12, 7),  # Monday
            day(12, 9),
            day(12, 11),
        ]
        assert dates(got, "maintenance") == [day(3, 11, 2027), day(6, 11, 2027)]
        assert not any(p for _, _, p, _ in got)

    def test_nice_dietary_oral_loads_first(self):
        """Six IM loading doses, then 100 mcg orally every day from the next day."""
        got = plan_of("nice-dietary-oral", dt.datetime(2026, 12, 16, tzinfo=LONDON))
        assert got[:6] == [
            ("loading", day(12, d), False, "hydroxocobalamin 1 mg IM")
            for d in (1, 2, 4, 7, 9, 11)
        ]
        assert got[6:] == [
            ("oral maintenance", day(12, d), False, "cyanocobalamin 100 mcg oral")
            for d in (12, 13, 14, 15)
        ]

    def test_nice_dietary_injection_loads_first(self):
        """Six IM loading doses, then 1 mg every 6 months from the last of them."""
        got = plan_of("nice-dietary-injection", dt.datetime(2028, 1, 1, tzinfo=LONDON))
        assert dates(got, "loading") == [day(12, d) for d in (1, 2, 4, 7, 9, 11)]
        assert dates(got, "maintenance") == [day(6, 11, 2027), day(12, 11, 2027)]

    def test_bnf_prophylaxis(self):
        """1 mg IM every 3 months from the first dose, with no loading."""
        got = plan_of(
            "bnf-prophylaxis-gastrectomy", dt.datetime(2027, 10, 1, tzinfo=LONDON)
        )
        assert got == [
            ("prophylaxis", d, False, "hydroxocobalamin 1 mg IM")
            for d in (day(12, 1), day(3, 1, 2027), day(6, 1, 2027), day(9, 1, 2027))
        ]

    def test_smpc_cyanocobalamin_non_neuro_up_to_the_review_point(self):
        """7 alternate-day 1 mg doses, then 250 mcg weekly up to the 6-week review."""
        got = plan_of(
            "uk-smpc-cyanocobalamin-non-neuro", dt.datetime(2027, 1, 31, tzinfo=LONDON)
        )
        assert got == [
            ("alternate days", day(12, d), False, "cyanocobalamin 1 mg IM")
            for d in (1, 3, 5, 7, 9, 11, 13)
        ] + [
            ("weekly", d, False, "cyanocobalamin 250 mcg IM")
            for d in (
                day(12, 20),  # one week after the last alternate-day dose
                day(12, 27),
                day(1, 3, 2027),
                day(1, 10, 2027),
                day(1, 17, 2027),
                day(1, 24, 2027),
            )
        ]
        end = regimens.get("uk-smpc-cyanocobalamin-non-neuro").phases[1].end
        assert isinstance(end, b12.UntilLabResult)
        assert end.result == "the blood count is normal"

    def test_smpc_cyanocobalamin_non_neuro_after_a_decision(self):
        """Once the blood count is recorded normal, 1 mg monthly follows."""
        course = Course.begin(
            regimens.get("uk-smpc-cyanocobalamin-non-neuro"), first_dose=START
        )
        course = course.end_phase(at(1, 20, 2027), "blood count normal")
        got = plan_of(None, dt.datetime(2027, 4, 1, tzinfo=LONDON), course)
        assert dates(got, "weekly") == [
            day(12, 20),
            day(12, 27),
            day(1, 3, 2027),
            day(1, 10, 2027),
            day(1, 17, 2027),
        ]
        assert dates(got, "maintenance") == [
            day(2, 17, 2027),
            day(3, 17, 2027),
        ]
        assert not any(p for _, _, p, _ in got)

    def test_smpc_cyanocobalamin_neuro_up_to_the_review_point(self):
        """1 mg on alternate days 'as long as improvement is seen'."""
        got = plan_of(
            "uk-smpc-cyanocobalamin-neuro", dt.datetime(2026, 12, 15, tzinfo=LONDON)
        )
        assert got == [
            ("loading", day(12, d), False, "cyanocobalamin 1 mg IM")
            for d in (1, 3, 5, 7, 9, 11, 13)
        ]
        end = regimens.get("uk-smpc-cyanocobalamin-neuro").phases[0].end
        assert type(end) is UntilNoFurtherImprovement

    def test_us_label(self):
        """7 daily, 7 alternate-day, every 3 days for 2 weeks, then monthly."""
        got = plan_of(
            "us-label-pernicious-anaemia", dt.datetime(2027, 3, 1, tzinfo=LONDON)
        )
        assert dates(got, "daily") == [day(12, d) for d in range(1, 8)]
        assert dates(got, "alternate days") == [
            day(12, d) for d in (9, 11, 13, 15, 17, 19, 21)
        ]
        assert dates(got, "every 3 days") == [day(12, d) for d in (24, 27, 30)] + [
            day(1, 2, 2027),
            day(1, 5, 2027),
        ]
        assert dates(got, "maintenance") == [day(2, 5, 2027)]
        assert {dose for *_, dose in got} == {"cyanocobalamin 100 mcg IM"}

    def test_us_high_dose(self):
        """7 daily, 4 weekly, then monthly."""
        got = plan_of("us-high-dose", dt.datetime(2027, 4, 1, tzinfo=LONDON))
        assert dates(got, "daily") == [day(12, d) for d in range(1, 8)]
        assert dates(got, "weekly") == [
            day(12, 14),
            day(12, 21),
            day(12, 28),
            day(1, 4, 2027),
        ]
        assert dates(got, "maintenance") == [day(2, 4, 2027), day(3, 4, 2027)]
        counts = [p.end for p in regimens.get("us-high-dose").phases]
        assert counts[:2] == [Count(7), Count(4)]

    def test_oral_high_dose(self):
        """1 mg orally every day."""
        course = Course.begin(regimens.get("oral-high-dose"), first_dose=START)
        plan = course.plan(until=dt.datetime(2026, 12, 8, tzinfo=LONDON))
        assert [d.due.day for d in plan] == list(range(1, 8))
        assert plan[0].dose.amount == b12.Amount(1000)
        assert plan[0].dose.route is Route.ORAL

    def test_nasal_weekly(self):
        """One 500 mcg spray weekly, with no loading phase."""
        got = plan_of("nasal-weekly", dt.datetime(2027, 1, 1, tzinfo=LONDON))
        assert dates(got, "maintenance") == [day(12, d) for d in (1, 8, 15, 22, 29)]
        assert len(regimens.get("nasal-weekly").phases) == 1


class TestStorage:
    @pytest.mark.parametrize("preset", regimens.available())
    def test_every_preset_round_trips_through_json(self, preset):
        """A course of every preset (including UntilLabResult ends) saves and loads."""
        from b12course import json as b12json

        course = Course.begin(regimens.get(preset), first_dose=START)
        assert b12json.loads(b12json.dumps(course)) == course


class TestPresetWordsMatchClinicalMd:
    def test_oral_high_dose_quotes_afp_2017_in_full_with_severe_deficiency(self):
        """AFP 2017's sentence goes on to IM for severe deficiency; no 'most people'."""
        regimen = regimens.get("oral-high-dose")
        assert (
            "Intramuscular therapy leads to more rapid improvement and should be "
            "considered in patients with severe deficiency or severe neurologic "
            "symptoms.'" in regimen.source
        )
        assert "most people" not in regimen.notes
        assert "'The oral form is not dependable.'" in regimen.source

    @pytest.mark.parametrize("preset", ["nice-dietary-oral", "nice-dietary-injection"])
    def test_dietary_maintenance_runs_until_a_clinician_ends_it_lifelong_in_vegans(
        self, preset
    ):
        """Dietary maintenance is not 'for life' for everyone (M4)."""
        regimen = regimens.get(preset)
        end = regimen.phases[-1].end
        assert str(end) == "until a clinician ends it (lifelong in vegans)"
        assert "for life" not in str(regimen.phases[-1])
        assert "can be stopped once the vitamin B12 levels have been corrected" in (
            regimen.notes
        )

    @pytest.mark.parametrize("preset", ["nice-dietary-oral", "nice-dietary-injection"])
    def test_dietary_presets_name_their_pathway_as_cks_based_before_ng239(self, preset):
        """The loading-first dietary presets are a CKS-based, pre-NG239 pathway (M5)."""
        regimen = regimens.get(preset)
        assert "CKS-based pathway" in regimen.source
        assert "before NICE NG239 (2024)" in regimen.source
        assert "pre-NG239" in regimen.name
        assert "not retrieved" in regimen.notes  # NG239 1.5 is unconfirmed

    def test_cyanocobalamin_weekly_phase_runs_until_the_blood_count_is_normal(self):
        """The SmPC's weekly phase has its own end and source, not NHS Lothian's (M6)."""
        regimen = regimens.get("uk-smpc-cyanocobalamin-non-neuro")
        weekly = regimen.phases[1]
        assert str(weekly.end).startswith("until the blood count is normal")
        assert "until blood count returns to normal" in regimen.source
        assert "Lothian RefHelp: 'discontinue" not in regimen.notes
        assert "Briani 2013" in regimen.notes
        assert "'until no further improvement'" in regimen.notes  # named as not it

    def test_us_label_preset_is_named_for_pernicious_anaemia(self):
        """The FDA label's regimen is its pernicious anaemia one, and says so."""
        regimen = regimens.get("us-label-pernicious-anaemia")
        assert "pernicious anaemia" in regimen.name
        assert "'Pernicious Anemia'" in regimen.source
        assert "By this time hematologic values should have become normal" in (
            regimen.source
        )

    def test_us_label_conditional_phases_share_one_condition_with_its_source(self):
        """Both conditional phases carry the label's words, so one confirmation covers them."""
        regimen = regimens.get("us-label-pernicious-anaemia")
        conditions = [p.condition for p in regimen.phases]
        assert conditions[0] is None
        assert conditions[3] is None
        assert conditions[1] == conditions[2]
        assert conditions[1] is not None
        assert (
            "If there is clinical improvement and if a reticulocyte" in (conditions[1])
        )

    def test_nasal_preset_quotes_the_label_dose_increase_and_keeps_the_amount_as_unknown(
        self,
    ):
        """Nascobal's 'consider increasing the dose' is quoted; its amount is not known (L7)."""
        regimen = regimens.get("nasal-weekly")
        assert "consider increasing the dose" in regimen.notes
        assert "not in the text retrieved" in regimen.maintainer_notes
