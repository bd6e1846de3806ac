import datetime as dt
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from b12course import Course, Site, regimens
from b12course import strategies as b12st
from b12course._sites import least_recently_used
from b12course._time import utc
from b12course.exceptions import InvalidRecordError

SYDNEY = zoneinfo.ZoneInfo("Australia/Sydney")
START = dt.datetime(2026, 12, 1, 9, tzinfo=SYDNEY)
DAY = dt.timedelta(days=1)


def course_with(*sites):
    course = Course.begin(regimens.get("nice-neuro"), first_dose=START, id="x")
    for n, site in enumerate(sites):
        course = course.record_dose(START + 2 * n * DAY, site=site)
    return course


class TestSite:
    def test_members_are_their_names(self):
        """A Site is stored on a dose as its plain name."""
        assert str(Site.LEFT_GLUTEAL) == "left gluteal"
        course = course_with(Site.RIGHT_DELTOID)
        assert course.given[0].site == "right deltoid"
        assert Site(course.given[0].site) is Site.RIGHT_DELTOID

    def test_six_sites_left_then_right(self):
        """The default sites are the deltoids, thighs and gluteals, left before right."""
        assert [s.value for s in Site] == [
            "left deltoid",
            "right deltoid",
            "left thigh",
            "right thigh",
            "left gluteal",
            "right gluteal",
        ]


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
        course = course_with("a", "b")
        course = course.record_dose(START - 5 * DAY, site="b")
        assert course.suggest_site(["a", "b"]) == "a"

    def test_doses_in_any_order(self):
        """The function reads doses in any order and keeps each site's latest use."""
        course = course_with("a", "b", "a")
        assert least_recently_used(reversed(course.given), ["a", "b"]) == "b"

    @pytest.mark.parametrize("sites", [[], ["left arm", ""], [3], "", ["  "]])
    def test_refuses_no_sites(self, sites):
        """An empty list of sites, or one with a blank or non-text site, is refused."""
        with pytest.raises(InvalidRecordError):
            course_with().suggest_site(sites)


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
    course = Course.begin(regimens.get("oral-high-dose"), first_dose=START)
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
