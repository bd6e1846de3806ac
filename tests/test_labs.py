import datetime as dt
import math
import zoneinfo

import pytest
from hypothesis import given

from b12course import (
    Analyte,
    Band,
    Course,
    LabResult,
    ReferenceRange,
    default_reference,
    regimens,
)
from b12course import strategies as b12st
from b12course._labs import B12_PG_PER_PMOL, canonical_unit, convert
from b12course.exceptions import (
    DuplicateRecordError,
    LabValueError,
    NaiveDatetimeError,
    SettingError,
    TextError,
    UnitError,
)

LONDON = zoneinfo.ZoneInfo("Europe/London")
AT = dt.datetime(2026, 11, 20, 9, tzinfo=LONDON)


def lab(value, unit, analyte=Analyte.SERUM_B12):
    return LabResult(at=AT, analyte=analyte, value=value, unit=unit)


class TestConversion:
    def test_factor_is_the_cyanocobalamin_molecular_weight(self):
        """One pmol/L of B12 is 1.35538 pg/mL (MW 1355.38)."""
        assert B12_PG_PER_PMOL == 1.35538

    @pytest.mark.parametrize(
        ("ng_per_l", "pmol_per_l"),
        [(180, 133), (350, 258), (200, 148)],
    )
    def test_b12_matches_the_published_pairs(self, ng_per_l, pmol_per_l):
        """The NG239 and BSH thresholds convert to their published pmol/L values."""
        assert round(lab(ng_per_l, "ng/L").to("pmol/L").value) == pmol_per_l

    def test_b12_both_ways(self):
        """B12 converts from pmol/L to pg/mL and ng/L and back."""
        result = lab(100, "pmol/L")
        assert result.to("pg/mL").value == pytest.approx(135.538)
        assert result.to("ng/L").value == pytest.approx(135.538)
        assert result.to("ng/L").unit == "ng/L"
        assert lab(135.538, "pg/mL").to("pmol/L").value == pytest.approx(100)
        assert lab(250, "ng/L").to("pg/mL").value == 250

    def test_active_b12_converts_like_total(self):
        """Active B12 uses the same cobalamin factor."""
        result = lab(70, "pmol/L", Analyte.ACTIVE_B12)
        assert result.to("ng/L").value == pytest.approx(70 * 1.35538)

    @pytest.mark.parametrize("analyte", [Analyte.MMA, Analyte.HOMOCYSTEINE])
    def test_micromolar_both_ways(self, analyte):
        """MMA and homocysteine convert between umol/L and nmol/L by 1000."""
        assert lab(0.28, "umol/L", analyte).to("nmol/L").value == pytest.approx(280)
        assert lab(400, "nmol/L", analyte).to("µmol/L").value == pytest.approx(0.4)
        assert lab(15, "μmol/L", analyte).to("umol/L").unit == "µmol/L"

    def test_haemoglobin_both_ways(self):
        """Haemoglobin converts between g/L and g/dL by 10."""
        assert lab(120, "g/L", Analyte.HAEMOGLOBIN).to("g/dL").value == pytest.approx(
            12
        )
        assert lab(13.5, "g/dL", Analyte.HAEMOGLOBIN).to("g/L").value == pytest.approx(
            135
        )

    def test_mcv_is_in_femtolitres(self):
        """MCV stays in fL whatever its spelling."""
        assert lab(98, "FL", Analyte.MCV).to("fL").value == 98
        assert canonical_unit(Analyte.MCV, "femtolitre") == "fL"

    def test_units_ignore_case_and_spaces(self):
        """Units are read without regard to case or spaces."""
        assert lab(200, " NG / l ").to("PMOL/L").unit == "pmol/L"
        assert convert(1, Analyte.SERUM_B12, "pmol/L", "pmol/L") == 1.0

    @pytest.mark.parametrize(
        ("analyte", "unit"),
        [
            (Analyte.SERUM_B12, "mg/dL"),
            (Analyte.SERUM_B12, "umol/L"),
            (Analyte.MMA, "ng/L"),
            (Analyte.HAEMOGLOBIN, "mmol/L"),
            (Analyte.MCV, ""),
            (Analyte.SERUM_B12, None),
        ],
    )
    def test_refuses_unknown_units(self, analyte, unit):
        """A unit that is not one of the analyte's raises UnitError, a ValueError."""
        with pytest.raises(UnitError) as info:
            LabResult(at=AT, analyte=analyte, value=1, unit=unit)
        assert isinstance(info.value, ValueError)

    def test_refuses_a_unit_that_is_not_text(self):
        """A unit that is not text raises UnitError."""
        with pytest.raises(UnitError):
            canonical_unit(Analyte.SERUM_B12, None)

    def test_refuses_conversion_to_an_unknown_unit(self):
        """Converting to a unit of another analyte raises UnitError."""
        with pytest.raises(UnitError):
            lab(200, "ng/L").to("nmol/L")


class TestLabResult:
    @pytest.mark.parametrize("value", [-1, -0.1, math.nan, math.inf, "200", True])
    def test_refuses_bad_values(self, value):
        """Negative, non-finite and non-numeric values raise LabValueError."""
        with pytest.raises(LabValueError):
            lab(value, "ng/L")

    def test_refuses_naive_time(self):
        """A naive sample time raises NaiveDatetimeError."""
        with pytest.raises(NaiveDatetimeError):
            LabResult(
                at=dt.datetime(2026, 11, 20), analyte="serum B12", value=1, unit="ng/L"
            )

    def test_recording_twice_leaves_the_course_unchanged(self):
        """The same analyte at the same instant is refused and the course keeps its labs."""
        course = Course.begin(
            regimens.get("bnf-hydroxocobalamin-neuro"), first_dose=AT
        ).record_lab(lab(150, "ng/L"))
        with pytest.raises(DuplicateRecordError):
            course.record_lab(lab(110, "pmol/L"))
        assert course.labs == (lab(150, "ng/L"),)


class TestInterpretation:
    @pytest.mark.parametrize(
        ("value", "label"),
        [
            (0, "below the NG239 threshold"),
            (179.9, "below the NG239 threshold"),
            (180, "indeterminate"),
            (350, "indeterminate"),
            (350.1, "above the NG239 threshold"),
            (2000, "above the NG239 threshold"),
        ],
    )
    def test_total_b12_follows_ng239(self, value, label):
        """Total B12 in ng/L is read with the NICE NG239 bands."""
        band = lab(value, "ng/L").interpret()
        assert band is not None
        assert band.label == label

    def test_other_units_are_converted_first(self):
        """A result in pmol/L is converted before it is read against ng/L bands."""
        assert lab(130, "pmol/L").interpret().label == "below the NG239 threshold"
        assert lab(140, "pmol/L").interpret().label == "indeterminate"

    @pytest.mark.parametrize(
        ("value", "label"),
        [
            (24.9, "below the NG239 threshold"),
            (25, "indeterminate"),
            (70, "indeterminate"),
            (71, "above the NG239 threshold"),
        ],
    )
    def test_active_b12_follows_ng239(self, value, label):
        """Active B12 is read with the NG239 bands <25, 25-70 and >70 pmol/L."""
        assert lab(value, "pmol/L", Analyte.ACTIVE_B12).interpret().label == label

    def test_defaults_cite_their_source(self):
        """The default ranges name NICE NG239 as their source."""
        for analyte in (Analyte.SERUM_B12, Analyte.ACTIVE_B12):
            reference = default_reference(analyte)
            assert reference is not None
            assert "NG239" in reference.source

    @pytest.mark.parametrize(
        ("analyte", "unit"),
        [
            (Analyte.MMA, "nmol/L"),
            (Analyte.HOMOCYSTEINE, "umol/L"),
            (Analyte.HAEMOGLOBIN, "g/L"),
            (Analyte.MCV, "fL"),
        ],
    )
    def test_no_default_where_none_is_confirmed(self, analyte, unit):
        """MMA (NG239 cut-off unconfirmed) and the lab-dependent analytes have no default."""
        assert default_reference(analyte) is None
        assert lab(1, unit, analyte).interpret() is None

    def test_a_laboratory_range_overrides_the_default(self):
        """A caller's range is used instead of NG239, in its own unit."""
        local = ReferenceRange(
            analyte=Analyte.SERUM_B12,
            unit="pmol/L",
            bands=(Band(label="low", high=148), Band(label="normal", low=148)),
            source="local laboratory",
        )
        result = lab(190, "ng/L")  # 140 pmol/L
        assert result.interpret(local).label == "low"
        assert result.interpret().label == "indeterminate"

    def test_a_value_in_no_band_has_no_reading(self):
        """A value outside every band is not interpreted."""
        gap = ReferenceRange(
            analyte=Analyte.MMA,
            unit="nmol/L",
            bands=(Band(label="raised", low=400),),
            source="local laboratory",
        )
        assert lab(100, "nmol/L", Analyte.MMA).interpret(gap) is None
        assert lab(0.5, "umol/L", Analyte.MMA).interpret(gap).label == "raised"

    def test_refuses_a_range_for_another_analyte(self):
        """Reading a result against another analyte's range raises SettingError."""
        with pytest.raises(SettingError):
            lab(200, "ng/L").interpret(default_reference(Analyte.ACTIVE_B12))
        with pytest.raises(SettingError):
            lab(200, "ng/L").interpret("NG239")  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        "bands",
        [
            (Band(label="a", high=10), Band(label="b", low=5)),
            (Band(label="a", high=10, high_inclusive=True), Band(label="b", low=10)),
            (Band(label="a"), Band(label="b", low=5)),
            (Band(label="a", low=5), Band(label="b", high=6)),
            (),
            ("not a band",),
        ],
    )
    def test_refuses_overlapping_or_missing_bands(self, bands):
        """Bands that share a value, or no bands, raise SettingError."""
        with pytest.raises(SettingError):
            ReferenceRange(analyte="serum B12", unit="ng/L", bands=bands, source="x")

    def test_adjacent_half_open_bands_are_fine(self):
        """Bands that meet at a bound held by only one of them do not overlap."""
        reference = ReferenceRange(
            analyte="serum B12",
            unit="ng/L",
            bands=(Band(label="b", low=10), Band(label="a", high=10)),
            source="x",
        )
        assert reference.band_for(10).label == "b"

    @pytest.mark.parametrize(
        "kwargs",
        [{"low": 5, "high": 1}, {"low": math.nan}, {"high": "10"}, {"low": True}],
    )
    def test_refuses_bad_bands(self, kwargs):
        """A band with bounds out of order or not finite numbers raises SettingError."""
        with pytest.raises(SettingError):
            Band(label="x", **kwargs)

    def test_band_bounds_can_be_exclusive(self):
        """An exclusive lower bound leaves the bound itself out."""
        band = Band(label="x", low=5, low_inclusive=False)
        assert not band.contains(5)
        assert band.contains(5.01)

    def test_refuses_a_range_in_an_unknown_unit(self):
        """A range whose unit is not the analyte's raises UnitError."""
        with pytest.raises(UnitError):
            ReferenceRange(
                analyte="MCV", unit="g/L", bands=(Band(label="x"),), source="x"
            )


@given(b12st.lab_results())
def test_conversion_round_trips(result):
    """Converting a result to any unit of its analyte and back gives the same value."""
    from b12course._labs import _UNITS

    for unit in _UNITS[result.analyte]:
        back = result.to(unit).to(result.unit)
        assert back.value == pytest.approx(result.value, rel=1e-12, abs=1e-12)
        assert back.at == result.at
        assert back.analyte is result.analyte


@given(b12st.lab_results())
def test_interpretation_does_not_depend_on_the_unit(result):
    """A result reads the same against the default bands in every unit of its analyte, away from rounding at a bound."""
    from b12course._labs import _UNITS

    reference = default_reference(result.analyte)
    if reference is not None:
        value = result.to(reference.unit).value
        bounds = [b for band in reference.bands for b in (band.low, band.high) if b]
        if any(math.isclose(value, b, rel_tol=1e-9) for b in bounds):
            return  # a converted value may land on either side of its own bound
    readings = {
        None if (b := result.to(u).interpret()) is None else b.label
        for u in _UNITS[result.analyte]
    }
    assert len(readings) == 1


class TestLabErrors:
    def test_unknown_analyte_lists_the_valid_ones(self):
        """LabResult(analyte='bogus') is a LabValueError naming every analyte."""
        with pytest.raises(LabValueError) as info:
            LabResult(at=AT, analyte="bogus", value=1, unit="ng/L")
        for analyte in Analyte:
            assert analyte.value in str(info.value)

    @pytest.mark.parametrize("analyte", [5, None])
    def test_analyte_of_the_wrong_kind(self, analyte):
        """A non-text analyte is refused the same way."""
        with pytest.raises(LabValueError, match="serum B12, active B12"):
            LabResult(at=AT, analyte=analyte, value=1, unit="ng/L")

    def test_analyte_names_read_in_any_case(self):
        """'Serum B12', 'SERUM_B12' and the member all name the same analyte."""
        assert lab(1, "ng/L", "Serum B12").analyte is Analyte.SERUM_B12
        assert lab(1, "ng/L", "serum_b12").analyte is Analyte.SERUM_B12
        assert default_reference("active B12") is not None

    @pytest.mark.parametrize("value", [10**400, -(10**400), 1e10, float("inf")])
    def test_values_too_large_are_refused(self, value):
        """LabResult(value=10**400) is a LabValueError, not an OverflowError."""
        with pytest.raises(LabValueError) as info:
            lab(value, "ng/L")
        assert len(str(info.value)) < 200

    @pytest.mark.parametrize("bound", [10**400, 1e10])
    def test_band_bounds_too_large_are_refused(self, bound):
        """A band bound is a finite number of sensible size."""
        with pytest.raises(SettingError):
            Band(label="x", low=bound)

    @pytest.mark.parametrize("bands", [5, "abc"])
    def test_bands_must_be_a_sequence_of_bands(self, bands):
        """A reference range's bands are refused when not Band values."""
        with pytest.raises(SettingError):
            ReferenceRange(analyte="MCV", unit="fL", bands=bands, source="x")

    def test_analyte_prints_its_value(self):
        """str() of an analyte is its name."""
        assert [str(a) for a in Analyte] == [a.value for a in Analyte]


class TestLabWords:
    @pytest.mark.parametrize("analyte", [Analyte.SERUM_B12, Analyte.ACTIVE_B12])
    def test_bands_say_where_a_value_falls(self, analyte):
        """The NG239 bands are below / indeterminate / above, never a diagnosis."""
        reference = default_reference(analyte)
        assert reference is not None
        assert [b.label for b in reference.bands] == [
            "below the NG239 threshold",
            "indeterminate",
            "above the NG239 threshold",
        ]
        assert "not a diagnosis" in reference.source

    def test_total_b12_in_pregnancy_is_called_unreliable_and_active_b12_recommended(
        self,
    ):
        """A total B12 in pregnancy is unreliable, its NG239 bands may not apply (M8)."""
        band = lab(150, "ng/L").interpret(pregnant_or_breastfeeding=True)
        assert band is not None
        assert band.label == "below the NG239 threshold"
        assert "total B12 result is unreliable" in band.note
        assert "levels fall physiologically" in band.note
        assert "non-pregnant adults may not apply" in band.note
        assert "'Active B12 is the recommended test in pregnancy' (Pulse" in band.note
        assert "BNSSG" in band.note
        assert "reads lower" not in band.note
        assert str(band) == f"below the NG239 threshold ({band.note})"
        plain = lab(150, "ng/L").interpret()
        assert plain is not None
        assert plain.note == ""
        assert str(plain) == "below the NG239 threshold"

    def test_no_pregnancy_note_on_active_b12(self):
        """Active B12 is NG239's test in pregnancy, so it carries no such note."""
        band = lab(20, "pmol/L", Analyte.ACTIVE_B12).interpret(
            pregnant_or_breastfeeding=True
        )
        assert band is not None
        assert band.note == ""

    def test_label_and_note_are_text(self):
        """Band labels and notes refuse what no file can store."""
        with pytest.raises(TextError):
            Band(label="\ud800")
        with pytest.raises(TextError):
            Band(label="x", note=5)  # type: ignore[arg-type]


class TestSerumFolate:
    def test_folate_converts_between_mass_and_molar_units_by_folic_acid_molar_mass(
        self,
    ):
        """1 ug/L of folate is 1000/441.4 nmol/L (folic acid, 441.4 g/mol)."""
        result = lab(3.5, "ug/L", Analyte.FOLATE)
        assert canonical_unit(Analyte.FOLATE, result.unit) == "µg/L"
        assert math.isclose(result.to("nmol/L").value, 3.5 * 1000 / 441.4)
        assert math.isclose(convert(1, Analyte.FOLATE, "ng/mL", "ug/L"), 1.0)
        assert Analyte.parse("serum folate") is Analyte.FOLATE

    @pytest.mark.parametrize(
        ("value", "unit", "label"),
        [
            (3.4, "ng/mL", "low"),
            (3.5, "ng/mL", "borderline/indeterminate"),
            (5.5, "ug/L", "borderline/indeterminate"),
            (7.0, "nmol/L", "low"),
            (10.0, "nmol/L", "borderline/indeterminate"),
        ],
    )
    def test_low_folate_falls_in_the_scottish_reporting_band(self, value, unit, label):
        """Folate below 3.5 ng/mL is 'low', 3.5-5.5 'borderline' (Scottish bands)."""
        band = lab(value, unit, Analyte.FOLATE).interpret()
        assert band is not None
        assert band.label == label

    def test_normal_folate_falls_in_no_cited_band_and_the_source_is_cited(self):
        """Above 5.5 ng/mL no source gives a band, so none is claimed."""
        assert lab(12, "ng/mL", Analyte.FOLATE).interpret() is None
        reference = default_reference(Analyte.FOLATE)
        assert reference is not None
        assert "NHS Highland TAM" in reference.source
        assert "less than 3.5 nanogram/mL" in reference.source
        assert "No NICE CKS or BSH cut-off" in reference.source
