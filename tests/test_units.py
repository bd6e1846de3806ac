import pytest
from hypothesis import given
from hypothesis import strategies as st

from b12course import Amount
from b12course.exceptions import B12CourseError, ImplausibleDoseError, UnitError


class TestAmountParse:
    @pytest.mark.parametrize(
        ("text", "micrograms"),
        [
            ("1 mg", 1000),
            ("1000 mcg", 1000),
            ("1000 µg", 1000),
            ("1000 μg", 1000),
            ("1000 ug", 1000),
            ("0.5 mg", 500),
            ("500mcg", 500),
            ("  2 MG ", 2000),
            ("1.5 milligrams", 1500),
            ("50 micrograms", 50),
            (".25 mg", 250),
        ],
    )
    def test_reads_every_spelling(self, text, micrograms):
        """Each accepted spelling reads as the exact number of micrograms."""
        assert Amount.parse(text) == Amount(micrograms)

    @pytest.mark.parametrize(
        "text", ["", "mg", "1", "one mg", "1 kg", "1 mL", "1,00 mcg", "1,0000 mcg"]
    )
    def test_refuses_unreadable_text(self, text):
        """Text without a number and a known mass unit is refused with UnitError."""
        with pytest.raises(UnitError):
            Amount.parse(text)

    def test_refuses_fractional_micrograms(self):
        """A fraction of a microgram is not a dose b12course can hold exactly."""
        with pytest.raises(UnitError, match="whole micrograms"):
            Amount.parse("0.5 mcg")

    @pytest.mark.parametrize("text", ["1 g", "5 grams", "0.001 g"])
    def test_refuses_grams(self, text):
        """Gram amounts are refused as the cyanide antidote, not B12 replacement."""
        with pytest.raises(ImplausibleDoseError, match="Cyanokit"):
            Amount.parse(text)

    def test_refuses_zero(self):
        """A zero amount is not a dose."""
        with pytest.raises(ImplausibleDoseError):
            Amount.parse("0 mg")

    def test_refuses_non_text(self):
        """Only text is parsed."""
        with pytest.raises(UnitError):
            Amount.parse(1000)  # type: ignore[arg-type]

    @given(st.text(max_size=20))
    def test_parse_raises_only_library_errors(self, text):
        """Any text either parses or raises a B12CourseError."""
        try:
            amount = Amount.parse(text)
        except B12CourseError:
            return
        assert amount.micrograms > 0


class TestAmount:
    @pytest.mark.parametrize("value", [0, -5, True, 1.5, "10"])
    def test_refuses_non_positive_or_non_integer(self, value):
        """The micrograms field takes only a positive int."""
        with pytest.raises(B12CourseError):
            Amount(value)

    def test_prints_mg_or_mcg_never_micro_sign(self):
        """Whole milligrams print as mg, anything else as mcg (ISMP: never µg)."""
        assert str(Amount(1000)) == "1 mg"
        assert str(Amount(2000)) == "2 mg"
        assert str(Amount(1500)) == "1500 mcg"
        assert str(Amount(50)) == "50 mcg"

    @given(st.integers(min_value=1, max_value=10**7))
    def test_str_round_trips(self, micrograms):
        """Parsing the printed form gives back the same amount."""
        amount = Amount(micrograms)
        assert "µ" not in str(amount)
        assert Amount.parse(str(amount)) == amount

    def test_milligrams_are_exact(self):
        """The milligram view is an exact Decimal."""
        assert str(Amount(1500).milligrams) == "1.5"

    def test_coerce_accepts_amounts_text_and_ints(self):
        """Coerce passes Amounts through, parses text and wraps integers."""
        amount = Amount(100)
        assert Amount.coerce(amount) is amount
        assert Amount.coerce("100 mcg") == amount
        assert Amount.coerce(100) == amount

    @pytest.mark.parametrize(
        "value", [10**9 + 1, 10**5000, -(10**5000)], ids=["1kg+1", "huge", "-huge"]
    )
    def test_refuses_amounts_too_large_to_be_a_dose(self, value):
        """An amount above 1 kg is refused before anything tries to print it."""
        with pytest.raises(ImplausibleDoseError):
            Amount(value)

    @pytest.mark.parametrize(
        "text", ["9" * 5000 + " mcg", "2,000,000 mg"], ids=["huge", "2 kg"]
    )
    def test_parse_refuses_huge_amounts(self, text):
        """Huge numbers in text are refused with a short message."""
        with pytest.raises(ImplausibleDoseError) as info:
            Amount.parse(text)
        assert len(str(info.value)) < 200

    @pytest.mark.parametrize(
        ("text", "micrograms"),
        [("1,000 mcg", 1000), ("1,500 mcg", 1500), ("1,000,000 mcg", 10**6)],
    )
    def test_parse_reads_thousands_separators(self, text, micrograms):
        """Commas grouping thousands are read ('1,000 mcg')."""
        assert Amount.parse(text).micrograms == micrograms

    def test_amounts_order(self):
        """Amounts compare by size."""
        assert Amount(50) < Amount(1000)
