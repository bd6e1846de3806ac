import datetime as dt
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from b12course import Course, Route, Site, regimens
from b12course import strategies as b12st
from b12course._sites import IM_SITES, SC_SITES, least_recently_used, sites_for
from b12course._time import utc
from b12course.exceptions import InvalidRecordError, RegimenError
from support.profiles import scaled

SYDNEY = zoneinfo.ZoneInfo("Australia/Sydney")
START = dt.datetime(2026, 12, 1, 9, tzinfo=SYDNEY)
DAY = dt.timedelta(days=1)


def course_with(*sites):
    course = Course.begin(
        regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START, id="x"
    )
    for n, site in enumerate(sites):
        course = course.record_dose(START + 2 * n * DAY, site=site)
    return course


class TestSite:
    def test_members_are_their_names(self):
        """A Site is stored on a dose as its plain name."""
        assert str(Site.LEFT_VENTROGLUTEAL) == "left ventrogluteal"
        course = course_with(Site.RIGHT_DELTOID)
        assert course.given[0].site == "right deltoid"
        assert Site(course.given[0].site) is Site.RIGHT_DELTOID

    def test_six_im_sites_left_then_right(self):
        """The IM sites are the deltoids, thighs and ventrogluteal sites, left first."""
        assert [s.value for s in IM_SITES] == [
            "left deltoid",
            "right deltoid",
            "left thigh",
            "right thigh",
            "left ventrogluteal",
            "right ventrogluteal",
        ]

    def test_six_sc_sites_left_then_right(self):
        """The SC sites are the abdomen, outer thighs and upper arms, left first."""
        assert [s.value for s in SC_SITES] == [
            "left abdomen",
            "right abdomen",
            "left outer thigh",
            "right outer thigh",
            "left upper arm",
            "right upper arm",
        ]
        assert set(Site) == set(IM_SITES) | set(SC_SITES)

    def test_no_bare_gluteal(self):
        """No site is a bare 'gluteal', which invites the dorsogluteal site."""
        assert not [s for s in Site if s.value.endswith(" gluteal")]

    @pytest.mark.parametrize(
        ("old", "new"),
        [
            ("left gluteal", Site.LEFT_VENTROGLUTEAL),
            ("Right  Gluteal", Site.RIGHT_VENTROGLUTEAL),
        ],
    )
    def test_old_values_still_read(self, old, new):
        """The 0.x values and member names still name the ventrogluteal sites."""
        assert Site(old) is new
        assert Site.LEFT_GLUTEAL is Site.LEFT_VENTROGLUTEAL
        assert Site.RIGHT_GLUTEAL is Site.RIGHT_VENTROGLUTEAL

    def test_unknown_site_text_is_not_a_site(self):
        """Other text is not a Site member (it may still be recorded as free text)."""
        with pytest.raises(ValueError, match="is not a valid Site"):
            Site("left buttock")
        with pytest.raises(ValueError, match="is not a valid Site"):
            Site(5)  # type: ignore[arg-type]

    def test_old_record_loads_and_counts_for_rotation(self):
        """A 0.x JSON document with 'left gluteal' loads as written and rotates."""
        from b12course import json as b12json

        course = course_with(*IM_SITES[:4], "left gluteal")
        loaded = b12json.loads(b12json.dumps(course))
        assert loaded.given[-1].site == "left gluteal"
        assert loaded.suggest_site() is Site.RIGHT_VENTROGLUTEAL


class TestSuggestSite:
    def test_first_suggestion_is_the_first_site(self):
        """With nothing recorded, the first site is suggested."""
        assert course_with().suggest_site() is Site.LEFT_DELTOID

    def test_never_used_sites_come_first_in_order(self):
        """Unused sites are suggested in the order given before any used one."""
        course = course_with(Site.LEFT_DELTOID, Site.LEFT_THIGH)
        assert course.suggest_site() is Site.RIGHT_DELTOID

    def test_least_recently_used_once_all_are_used(self):
        """When every site has been used, the one used longest ago is suggested."""
        course = course_with(
            Site.RIGHT_DELTOID,
            Site.LEFT_DELTOID,
            Site.LEFT_THIGH,
            Site.RIGHT_THIGH,
            Site.LEFT_GLUTEAL,
            Site.RIGHT_GLUTEAL,
            Site.RIGHT_DELTOID,
        )
        assert course.suggest_site() is Site.LEFT_DELTOID

    def test_caller_defined_sites_and_free_text(self):
        """A caller's own sites are matched to recorded text without regard to case or spaces."""
        course = course_with("Left arm", " right  ARM ", None)
        assert course.suggest_site(["left arm", "right arm"]) == "left arm"
        assert course.suggest_site(("right arm", "left arm", "abdomen")) == "abdomen"

    def test_backfilled_doses_count_by_when_they_were_given(self):
        """A dose recorded later but given earlier counts by its time of giving."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START, id="x"
        )
        course = course.record_dose(START, site="b")
        course = course.record_dose(START + 4 * DAY, site="a")
        course = course.record_dose(
            START + 2 * DAY, site="b", allow_renumber=True
        )  # recorded last
        assert course.suggest_site(["a", "b"]) == "b"

    def test_doses_in_any_order(self):
        """The function reads doses in any order and keeps each site's latest use."""
        course = course_with("a", "b", "a")
        assert least_recently_used(reversed(course.given), ["a", "b"]) == "b"

    @pytest.mark.parametrize("sites", [[], ["left arm", ""], [3], "", ["  "]])
    def test_refuses_no_sites(self, sites):
        """An empty list of sites, or one with a blank or non-text site, is refused."""
        with pytest.raises(InvalidRecordError):
            course_with().suggest_site(sites)


@pytest.mark.slow
@scaled(0.4)  # a plan per drawn site history: dear
@given(
    st.lists(
        st.tuples(
            b12st.aware_datetimes(),
            st.one_of(st.none(), st.sampled_from(["a", "b", "c", "d"])),
        ),
        max_size=8,
        unique_by=lambda pair: utc(pair[0]),
    ),
    st.permutations(["a", "b", "c"]),
)
def test_suggestion_is_unused_or_least_recent(records, sites):
    """The suggestion is the first unused site, or else the site whose last use is oldest."""
    records = sorted(records, key=lambda pair: utc(pair[0]))
    first = records[0][0] if records else START
    course = Course.begin(regimens.get("oral-high-dose"), first_dose=first)
    for at, site in records:
        course = course.record_dose(at, site=site)
    choice = least_recently_used(course.given, sites)
    last = {}
    for dose in course.given:
        if dose.site in sites:
            last[dose.site] = max(last.get(dose.site, utc(dose.at)), utc(dose.at))
    unused = [s for s in sites if s not in last]
    if unused:
        assert choice == unused[0]
    else:
        assert last[choice] == min(last.values())


class TestSitesByRoute:
    @pytest.mark.parametrize(
        ("route", "sites"),
        [
            ("IM", IM_SITES),
            ("SC", SC_SITES),
            ("subcut", SC_SITES),
            ("deep SC", SC_SITES),
            (Route.DEEP_SC, SC_SITES),
        ],
    )
    def test_sites_follow_the_route(self, route, sites):
        """IM doses rotate through IM sites; SC and deep SC through SC sites."""
        assert sites_for(route) == sites

    @pytest.mark.parametrize("route", ["oral", "SL", "nasal"])
    def test_no_site_for_routes_without_injection(self, route):
        """Oral, sublingual and intranasal doses have no injection site."""
        with pytest.raises(InvalidRecordError, match="no injection site"):
            sites_for(route)
        with pytest.raises(InvalidRecordError):
            course_with().suggest_site(route=route)

    def test_suggest_site_by_route(self):
        """suggest_site picks among the route's sites, least recently used first."""
        course = course_with(Site.LEFT_ABDOMEN, Site.LEFT_DELTOID)
        assert course.suggest_site(route="SC") is Site.RIGHT_ABDOMEN
        assert course.suggest_site(route=Route.IM) is Site.RIGHT_DELTOID
        assert course.suggest_site() is Site.RIGHT_DELTOID

    def test_unknown_route_is_refused(self):
        """A route that names nothing is refused with RegimenError."""
        with pytest.raises(RegimenError):
            sites_for("topical")


class TestSitesArgument:
    @pytest.mark.parametrize("sites", ["abc", "left deltoid", 5, {"a", "b"}])
    def test_a_string_or_non_sequence_is_refused(self, sites):
        """suggest_site("abc") is refused, not read as the sites 'a', 'b', 'c'."""
        with pytest.raises(InvalidRecordError, match="sequence of names"):
            course_with().suggest_site(sites)
