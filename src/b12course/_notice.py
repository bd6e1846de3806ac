"""The not-medical-advice line every output a person reads carries.

The CLI's ``plan`` and ``presets``, calendars, summaries and charts print it,
so that a plan read on its own still says what it is.
"""

from __future__ import annotations

__all__ = ["NOT_MEDICAL_ADVICE"]

NOT_MEDICAL_ADVICE = (
    "Not medical advice: b12course describes a course and does not diagnose or "
    "advise; check every plan with a clinician."
)
