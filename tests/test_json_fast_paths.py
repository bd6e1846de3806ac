"""The reader's and the writer's fast paths agree with the model's own checks."""

import datetime as dt
import json
import zoneinfo

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from b12course import AdministeredDose, Course, regimens
from b12course import json as b12json
from b12course import strategies as b12st
from b12course._course import InOrder
from b12course.exceptions import B12CourseError, CourseFormatError
from support.profiles import scaled

LONDON = zoneinfo.ZoneInfo("Europe/London")
START = dt.datetime(2026, 12, 1, 9, tzinfo=LONDON)
RECORDS = ("given", "symptoms", "labs")


def rebuilt(course: Course, **records: object) -> Course:
    """The course built by ``Course(...)`` itself from ``records``."""
    return Course(**{**attrs.asdict(course, recurse=False), **records})


def course_with_doses(count: int) -> Course:
    course = Course.begin(
        regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=START, id="c1"
    )
    for day in range(count):
        course = course.record_dose(START + dt.timedelta(days=2 * day))
    return course


class TestInOrderRecords:
    @given(b12st.courses())
    def test_the_course_read_equals_the_course_built(self, course):
        """A document read fast gives the course ``Course(...)`` builds from its records."""
        loaded = b12json.loads(b12json.dumps(course))
        assert loaded == rebuilt(loaded) == course
        for name in RECORDS:
            assert type(getattr(loaded, name)) is tuple
        for ours, theirs in zip(loaded.given, course.given, strict=True):
            slowly = b12json._parse_instant_slowly(b12json.format_instant(theirs.at))
            assert ours.at.tzinfo is slowly.tzinfo is theirs.at.tzinfo
            assert ours.at.fold == slowly.fold

    @given(b12st.courses(min_given=2), st.randoms(use_true_random=False))
    def test_records_out_of_order_are_sorted_as_the_course_sorts_them(
        self, course, random
    ):
        """Records written out of order are read as ``Course(...)`` orders them."""
        document = json.loads(b12json.dumps(course))
        shuffled = {}
        for name in RECORDS:
            order = list(range(len(document[name])))
            random.shuffle(order)
            document[name] = [document[name][i] for i in order]
            shuffled[name] = [getattr(course, name)[i] for i in order]
        assert b12json.loads(json.dumps(document)) == rebuilt(course, **shuffled)

    @given(b12st.courses(min_given=1), st.data())
    def test_a_repeated_dose_is_refused_as_the_course_refuses_it(self, course, data):
        """A dose written twice raises the error ``Course(...)`` raises, at its path."""
        assume(course.given)
        document = json.loads(b12json.dumps(course))
        index = data.draw(st.integers(0, len(course.given) - 1))
        document["given"].insert(index, document["given"][index])
        given = list(course.given)
        given.insert(index, given[index])
        with pytest.raises(B12CourseError) as expected:
            rebuilt(course, given=given)
        with pytest.raises(CourseFormatError) as error:
            b12json.loads(json.dumps(document))
        assert error.value.path == expected.value.where
        assert str(expected.value) in str(error.value)

    @given(
        st.lists(
            st.builds(
                AdministeredDose,
                at=b12st.aware_datetimes(allow_imaginary=True),
                dose=b12st.doses(),
                by=b12st.administrators(),
            ),
            max_size=6,
        )
    )
    def test_any_doses_are_read_as_the_course_reads_them(self, doses):
        """Doses in any zone, fold, gap, order or shape: the course ``Course(...)`` builds.

        Each document is read twice: the second time every suffix of its
        instants is one read before.
        """
        course = course_with_doses(0)
        document = json.loads(b12json.dumps(course))
        document["given"] = [b12json._writer(AdministeredDose)(d) for d in doses]
        text = json.dumps(document)
        try:
            expected = rebuilt(course, given=doses)
        except B12CourseError as exc:
            refused = exc
        else:
            refused = None
        if refused is not None:
            for _ in range(2):
                with pytest.raises(CourseFormatError) as error:
                    b12json.loads(text)
                assert error.value.path == refused.where
            return
        for _ in range(2):
            loaded = b12json.loads(text)
            assert loaded == expected
            for ours, theirs in zip(loaded.given, expected.given, strict=True):
                slowly = b12json._parse_instant_slowly(
                    b12json.format_instant(theirs.at)
                )
                assert ours.at.tzinfo is slowly.tzinfo
                assert ours.at.fold == slowly.fold

    @pytest.mark.parametrize("year", ["0999", "9000", "9999"])
    def test_a_dose_out_of_bounds_is_refused_as_the_course_refuses_it(self, year):
        """A dose outside the years 1000 to 8999 is refused with the course's error."""
        course = course_with_doses(3)
        document = json.loads(b12json.dumps(course))
        document["given"][2]["at"] = f"{year}-01-02T09:00:00+00:00[UTC]"
        with pytest.raises(CourseFormatError) as error:
            b12json.loads(json.dumps(document))
        assert error.value.path == "given[2].at"
        assert "outside the years 1000 to 8999" in str(error.value)

    def test_records_read_slowly_are_checked_by_the_course(self):
        """A dose with an extra field or in a fixed offset is read and sorted."""
        course = course_with_doses(4)
        document = json.loads(b12json.dumps(course))
        document["given"][1]["by"] = "self"
        document["given"][0]["at"] = "2026-12-10T09:00:00+00:00"
        loaded = b12json.loads(json.dumps(document))
        assert [d.at for d in loaded.given] == sorted(d.at for d in loaded.given)
        assert loaded.given[-1].at.tzinfo is dt.UTC
        assert loaded.given[0].by is not None

    def test_a_repeated_dose_across_a_daylight_saving_change_is_refused(self):
        """01:30 BST then 01:30 GMT are read in order; the same instant twice is not."""
        first = dt.datetime(2026, 10, 25, 1, 30, tzinfo=LONDON)  # BST, fold=0
        again = dt.datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=LONDON)  # GMT
        preset = regimens.get("bnf-hydroxocobalamin-neuro")
        dose = preset.phases[0].dose
        course = Course(
            regimen=preset,
            first_dose=first,
            given=(
                AdministeredDose(at=first, dose=dose),
                AdministeredDose(at=again, dose=dose),
            ),
        )
        assert b12json.loads(b12json.dumps(course)) == course
        document = json.loads(b12json.dumps(course))
        document["given"][1]["at"] = "2026-10-25T00:30:00+00:00[UTC]"  # = first
        with pytest.raises(CourseFormatError) as error:
            b12json.loads(json.dumps(document))
        assert error.value.path == "given[1].at"

    def test_in_order_records_are_taken_as_they_are(self):
        """The course stores the records a reader marked in order as a plain tuple."""
        records = course_with_doses(3).given
        course = Course(
            regimen=regimens.get("bnf-hydroxocobalamin-neuro"),
            first_dose=START,
            given=InOrder(records),
        )
        assert type(course.given) is tuple
        assert course.given == records


def written_by_json_dumps(course: Course) -> str:
    """The document as ``json.dumps`` writes the values of the format's writers."""
    document = {
        "format": b12json.FORMAT,
        "version": b12json.VERSION,
        "id": None,
        "zone": course.zone.key,
        "first_dose": None,
        **b12json._writer(Course)(course),
    }
    return json.dumps(document, ensure_ascii=True, allow_nan=False)


class TestTextWriter:
    @given(b12st.courses())
    def test_the_text_is_what_json_dumps_writes(self, course):
        """The text written directly is byte for byte ``json.dumps`` of the values."""
        assert b12json.dumps(course) == written_by_json_dumps(course)

    @scaled(0.5)  # a corrected course is a long record, written twice
    @given(b12st.corrected_courses())
    def test_corrections_are_written_as_json_dumps_writes_them(self, course):
        """Voided and amended records (tagged values) are written as ``json.dumps`` does."""
        text = b12json.dumps(course)
        assert text == written_by_json_dumps(course)
        assert b12json.loads(text) == course

    @given(b12st.courses(max_given=3))
    def test_indented_documents_read_the_same(self, course):
        """An indented document holds the same values as a compact one."""
        compact = b12json.dumps(course)
        indented = b12json.dumps(course, indent=2)
        assert json.loads(indented) == json.loads(compact)

    def test_texts_are_escaped_as_json_dumps_escapes_them(self):
        """Quotes, backslashes, control and non-ASCII characters are escaped alike."""
        note = 'said "ok" \\ done\n\u00e9\u2603 \U0001f489'
        course = course_with_doses(1)
        course = attrs.evolve(
            course,
            given=(attrs.evolve(course.given[0], note=note, lot="A\tB"),),
            id="id \u00e9",
        )
        assert b12json.dumps(course) == written_by_json_dumps(course)
        assert b12json.loads(b12json.dumps(course)).given[0].note == note

    @pytest.mark.parametrize(
        "at",
        [
            dt.datetime(2026, 10, 25, 1, 30, fold=1, tzinfo=LONDON),
            dt.datetime(2026, 12, 1, 9, 0, 0, 250, tzinfo=LONDON),
            dt.datetime(2026, 12, 1, 9, 0, 7, tzinfo=dt.UTC),
            dt.datetime(2026, 12, 1, 9, tzinfo=zoneinfo.ZoneInfo("Asia/Kathmandu")),
        ],
    )
    def test_instants_are_written_as_format_instant_writes_them(self, at):
        """An instant's text is ``format_instant``'s, written twice (the second from kept parts)."""
        expected = json.dumps(b12json.format_instant(at))
        assert b12json._write_instant(at) == expected
        assert b12json._write_instant(at) == expected


class TestRepeatedKeys:
    @pytest.mark.parametrize(
        "repeat",
        [
            '"lot": null, "lot": null',
            '"lot": null, "lot" : null',
            '"lot": null, "lot"\n\t:null',
            '"lot": null,"lot":null',
        ],
    )
    @pytest.mark.parametrize("indent", [None, 2])
    @pytest.mark.parametrize("as_bytes", [False, True])
    def test_a_key_written_twice_is_refused(self, repeat, indent, as_bytes):
        """A key written twice, with any white space, compact or indented, is refused."""
        course = course_with_doses(2)
        course = attrs.evolve(
            course,
            given=(
                attrs.evolve(course.given[0], note='a "quoted": \u00e9 note \\":'),
                course.given[1],
            ),
        )
        text = b12json.dumps(course, indent=indent)
        assert b12json.loads(text) == course
        assert '"lot": null' in text
        text = text.replace('"lot": null', repeat, 1)
        with pytest.raises(CourseFormatError, match="appears twice"):
            b12json.loads(text.encode() if as_bytes else text)

    @scaled(0.5)  # each example counts the parses of a written document
    @given(b12st.courses(), st.sampled_from([None, 1]))
    def test_documents_written_are_parsed_once(self, course, indent):
        """A written document is parsed strictly only if a text value holds ``":``.

        Each key adds one ``":`` once white space is deleted; a text value such
        as ``":"`` adds one more, and only then is the count no proof.
        """
        text = b12json.dumps(course, indent=indent)
        keys = []
        json.loads(text, object_pairs_hook=lambda pairs: keys.extend(pairs) or {})
        stripped = "".join(text.split())
        proof = stripped.count('":') == len(keys)
        strict = []
        parse = b12json._parse_json

        def counting(text, *, strictly=False):
            strict.append(strictly)
            return parse(text, strictly=strictly)

        b12json._parse_json = counting
        try:
            for _ in range(2):  # the second time, every regimen and dose is known
                assert b12json.loads(text) == course
        finally:
            b12json._parse_json = parse
        assert strict == ([False, False] if proof else [False, True, False, True])
