"""Named guideline regimens (presets), each with its source.

>>> from b12course import regimens
>>> regimens.available()[:2]
('nice-neuro', 'nice-non-neuro')
>>> print(regimens.get("nice-neuro"))  # doctest: +NORMALIZE_WHITESPACE
UK neurological involvement (BNF hydroxocobalamin): loading: hydroxocobalamin 1 mg
IM alternate days, until no further improvement (review after 2 weeks); then
maintenance: hydroxocobalamin 1 mg IM every 2 months, for life

The sources and every choice made inside a published range are in each
regimen's ``source`` and ``notes`` (and in ``shared/clinical.md`` of the
project).  Presets describe published schedules; they are not advice, and a
clinician should review any dose before it is used.  Tailor a preset with
:func:`attrs.evolve` rather than editing it.
"""

from __future__ import annotations

from b12course._regimen import (
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
from b12course.exceptions import UnknownPresetError

__all__ = ["available", "get"]

_HYDROXO_1MG_IM = Dose(Drug.HYDROXOCOBALAMIN, "1 mg", Route.IM)
_BNF_VIA_PAS = (
    "BNF hydroxocobalamin, as quoted by the Pernicious Anaemia Society "
    "(pernicious-anaemia-society.org/treatment/) [secondary]"
)

_PRESETS: tuple[Regimen, ...] = (
    Regimen(
        id="nice-neuro",
        name="UK neurological involvement (BNF hydroxocobalamin)",
        phases=(
            Phase(
                name="loading",
                dose=_HYDROXO_1MG_IM,
                cadence=Cadence.every_days(2),
                end=UntilNoFurtherImprovement(review_after=Lasting(weeks=2)),
            ),
            Phase(
                name="maintenance",
                dose=_HYDROXO_1MG_IM,
                cadence=Cadence.every_months(2),
                end=Indefinite(),
            ),
        ),
        source=(
            f"{_BNF_VIA_PAS}: 'Initially administer hydroxocobalamin 1 mg "
            "intramuscularly on alternate days until there is no further "
            "improvement, then administer hydroxocobalamin 1 mg intramuscularly "
            "every 2 months.' Also BNFC 2011-12 and the UK SmPC."
        ),
        notes=(
            "No national maximum for the alternate-day phase exists. The 2-week "
            "review point follows NHS Lothian RefHelp ('discontinue alternate day "
            "IM treatment after 2 weeks' for mild sensory symptoms that do not "
            "respond); '3 weeks' is unconfirmed. Until a clinician records the end "
            "of the loading phase, doses after the review point are provisional. "
            "NICE NG239 reviews treatment at 3 months."
        ),
    ),
    Regimen(
        id="nice-non-neuro",
        name="UK without neurological involvement (BNF hydroxocobalamin)",
        phases=(
            Phase(
                name="loading",
                dose=_HYDROXO_1MG_IM,
                cadence=Cadence.three_times_weekly(),
                end=Count(6),
            ),
            Phase(
                name="maintenance",
                dose=_HYDROXO_1MG_IM,
                cadence=Cadence.every_months(3),
                end=Indefinite(),
            ),
        ),
        source=(
            f"{_BNF_VIA_PAS}: 'Initially administer hydroxocobalamin 1 mg "
            "intramuscularly three times a week for 2 weeks, then administer "
            "hydroxocobalamin 1 mg intramuscularly every 2-3 months for life.'"
        ),
        notes=(
            "Three times a week for 2 weeks is read as 6 doses on Mon/Wed/Fri (the "
            "first dose falls on the day given). Maintenance every 3 months follows "
            "the older BNF and CKS wording; the current BNF says every 2-3 months, "
            "so a prescriber may choose every_months(2)."
        ),
    ),
    Regimen(
        id="nice-dietary-oral",
        name="UK dietary deficiency, oral (NICE CKS)",
        phases=(
            Phase(
                name="oral",
                dose=Dose(Drug.CYANOCOBALAMIN, "100 mcg", Route.ORAL),
                cadence=Cadence.daily(),
                end=Indefinite(),
            ),
        ),
        source=(
            "NICE 2019 (CKS) quoted in the BSH COVID-19 guidance [secondary]: 'oral "
            "cyanocobalamin tablets 50-150 micrograms daily between meals'."
        ),
        notes=(
            "The guideline gives a range of 50-150 mcg daily; the preset takes "
            "100 mcg, its middle. 'In vegans, treatment may need to be life-long', "
            "so the phase is indefinite; stop it with Course.end_phase."
        ),
    ),
    Regimen(
        id="nice-dietary-injection",
        name="UK dietary deficiency, twice-yearly injection (NICE CKS)",
        phases=(
            Phase(
                name="maintenance",
                dose=_HYDROXO_1MG_IM,
                cadence=Cadence.every_months(6),
                end=Indefinite(),
            ),
        ),
        source=(
            "NICE 2019 (CKS) quoted in the BSH COVID-19 guidance [secondary]: 'or "
            "have a twice-yearly hydroxocobalamin 1 mg injection'."
        ),
        notes="Twice yearly is read as every 6 months, anchored on the first dose.",
    ),
    Regimen(
        id="us-label-cyanocobalamin",
        name="US cyanocobalamin injection label (FDA)",
        phases=(
            Phase(
                name="daily",
                dose=Dose(Drug.CYANOCOBALAMIN, "100 mcg", Route.IM),
                cadence=Cadence.daily(),
                end=Count(7),
            ),
            Phase(
                name="alternate days",
                dose=Dose(Drug.CYANOCOBALAMIN, "100 mcg", Route.IM),
                cadence=Cadence.every_days(2),
                end=Count(7),
            ),
            Phase(
                name="every 3 days",
                dose=Dose(Drug.CYANOCOBALAMIN, "100 mcg", Route.IM),
                cadence=Cadence.every_days(3),
                end=Lasting(weeks=2),
            ),
            Phase(
                name="maintenance",
                dose=Dose(Drug.CYANOCOBALAMIN, "100 mcg", Route.IM),
                cadence=Cadence.every_months(1),
                end=Indefinite(),
            ),
        ),
        source=(
            "FDA cyanocobalamin injection label: 100 mcg daily for 6-7 days, then "
            "on alternate days for seven doses, then every 3-4 days for another "
            "2-3 weeks, then 100 mcg monthly for life (IM or deep SC)."
        ),
        notes=(
            "Choices inside the label's ranges: daily for 7 days (the upper end, so "
            "the loading is complete), every 3 days (the shorter interval) for 2 "
            "weeks (the shorter span, 5 doses). Route IM; deep SC is equally "
            "labelled."
        ),
    ),
    Regimen(
        id="us-high-dose",
        name="US high-dose IM scheme (Briani 2013; AFP 2017)",
        phases=(
            Phase(
                name="daily",
                dose=Dose(Drug.CYANOCOBALAMIN, "1000 mcg", Route.IM),
                cadence=Cadence.daily(),
                end=Count(7),
            ),
            Phase(
                name="weekly",
                dose=Dose(Drug.CYANOCOBALAMIN, "1000 mcg", Route.IM),
                cadence=Cadence.every_weeks(1),
                end=Count(4),
            ),
            Phase(
                name="maintenance",
                dose=Dose(Drug.CYANOCOBALAMIN, "1000 mcg", Route.IM),
                cadence=Cadence.every_months(1),
                end=Indefinite(),
            ),
        ),
        source=(
            "Briani et al., Nutrients 2013;5:4521: '1 mg/day of cobalamin given "
            "intramuscularly for a week, followed by 1 mg/week for four weeks and "
            "then 1 mg/month for life' [secondary copy]; Langan & Goodbred, Am Fam "
            "Physician 2017 table via summary [secondary]."
        ),
        notes="A week of daily doses is read as 7 doses.",
    ),
    Regimen(
        id="oral-high-dose",
        name="High-dose oral cyanocobalamin (AFP 2017)",
        phases=(
            Phase(
                name="oral",
                dose=Dose(Drug.CYANOCOBALAMIN, "1 mg", Route.ORAL),
                cadence=Cadence.daily(),
                end=Indefinite(),
            ),
        ),
        source=(
            "Langan & Goodbred, Am Fam Physician 2017;96(6):384-389: 'Oral "
            "administration of high-dose vitamin B12 (1 to 2 mg daily) is as "
            "effective as intramuscular administration'."
        ),
        notes="The range is 1-2 mg daily; the preset takes 1 mg, the lower end.",
    ),
    Regimen(
        id="nasal-weekly",
        name="Intranasal cyanocobalamin, maintenance (Nascobal label)",
        phases=(
            Phase(
                name="maintenance",
                dose=Dose(Drug.CYANOCOBALAMIN, "500 mcg", Route.INTRANASAL),
                cadence=Cadence.every_weeks(1),
                end=Indefinite(),
            ),
        ),
        source=(
            "Nascobal label (drugs.com/dosage/nascobal.html): 'one spray (500 mcg) "
            "administered in ONE nostril once weekly'."
        ),
        notes=(
            "Labelled for maintenance in pernicious anaemia in remission after IM "
            "therapy, in people with no nervous system involvement; it has no "
            "loading phase."
        ),
    ),
)
_BY_ID = {regimen.id: regimen for regimen in _PRESETS}


def available() -> tuple[str, ...]:
    """Return the ids of every preset, in a stable order."""
    return tuple(_BY_ID)


def get(preset_id: str) -> Regimen:
    """Return the preset regimen with this id.

    Raises:
        UnknownPresetError: No preset has this id.
    """
    try:
        return _BY_ID[preset_id]
    except (KeyError, TypeError):
        raise UnknownPresetError(str(preset_id), available()) from None
