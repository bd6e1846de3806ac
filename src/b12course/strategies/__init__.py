"""Hypothesis strategies for property-testing code that works with b12course.

Install the extra (``pip install 'b12course[strategies]'``) and draw realistic
values in your own tests::

    from hypothesis import given
    from b12course import strategies as b12st

    @given(b12st.courses())
    def test_reminders_never_fire_before_the_dose(course): ...

The strategies follow the Hypothesis API style: plural names, keyword-only
arguments, ``min_value``/``max_value`` bounds, other strategies as arguments,
:class:`hypothesis.errors.InvalidArgument` for bad arguments, and each
docstring says what its examples shrink towards.  Courses are built through
the public API (``Course.begin``, ``record_dose``, ``skip_dose``,
``end_phase``, ``log_symptom``, ``record_lab``), so every course drawn is one a
real caller could have made: doses given near their planned times, some late
or early, some missed or skipped, in many IANA zones.

Importing this module registers nothing by itself; the ``hypothesis`` entry
point calls :func:`_hypothesis_setup_hook`, so ``st.from_type(Course)`` works
in any test run that has b12course installed.

>>> from hypothesis import given
>>> @given(courses(max_given=3))
... def test_given_doses_are_in_time_order(course):
...     times = [dose.at for dose in course.given]
...     assert times == sorted(times)
>>> test_given_doses_are_in_time_order()
"""

from __future__ import annotations

# Imports follow the hook below on purpose (hence E402): importing hypothesis
# runs its entry points, which import this module and call the hook while this
# module is still half-imported; the hook must exist by then.
# ruff: noqa: E402
import sys

# type -> name of the function in this module that returns its strategy
_REGISTERED = {
    "Amount": "amounts",
    "Dose": "doses",
    "Cadence": "cadences",
    "Phase": "phases",
    "Regimen": "regimens",
    "Course": "courses",
    "SymptomEntry": "symptom_entries",
    "LabResult": "lab_results",
    "AdministeredDose": "administered_doses",
    "DoseSkip": "dose_skips",
    "PhaseDecision": "phase_decisions",
}


def _hypothesis_setup_hook() -> None:
    """Register b12course's types so ``st.from_type`` can build them.

    Hypothesis calls this through the ``hypothesis`` entry point when it is
    imported, which may be while this very module is being imported: so the
    hook imports what it needs itself and looks each strategy function up
    only when a strategy is first drawn from.
    """
    import hypothesis.strategies as hst  # noqa: PLC0415 - see the comment above

    import b12course  # noqa: PLC0415 - as above

    module = sys.modules[__name__]

    def lazily(name: str) -> hst.SearchStrategy[object]:
        # Not getattr(module, name) itself: the function may not exist yet.
        return hst.deferred(lambda: getattr(module, name)())  # noqa: PLW0108

    for type_name, function_name in _REGISTERED.items():
        hst.register_type_strategy(getattr(b12course, type_name), lazily(function_name))


try:
    import hypothesis  # noqa: F401 - the optional extra, checked first
except ModuleNotFoundError as _missing:
    raise ModuleNotFoundError(
        "b12course.strategies needs Hypothesis: pip install 'b12course[strategies]'",
        name=_missing.name,
    ) from None

from b12course.strategies._corrections import corrected_courses
from b12course.strategies._courses import courses
from b12course.strategies._values import (
    administered_doses,
    administrators,
    amounts,
    aware_datetimes,
    cadences,
    dose_skips,
    doses,
    lab_results,
    phase_decisions,
    phase_ends,
    phases,
    regimens,
    symptom_entries,
    zones,
)

__all__ = [
    "administered_doses",
    "administrators",
    "amounts",
    "aware_datetimes",
    "cadences",
    "corrected_courses",
    "courses",
    "dose_skips",
    "doses",
    "lab_results",
    "phase_decisions",
    "phase_ends",
    "phases",
    "regimens",
    "symptom_entries",
    "zones",
]
