"""Named guideline regimens (presets), each named for its source.

>>> from b12course import regimens
>>> regimens.available()[:2]
('bnf-hydroxocobalamin-neuro', 'bnf-hydroxocobalamin-non-neuro')
>>> print(regimens.get("bnf-hydroxocobalamin-neuro"))  # doctest: +NORMALIZE_WHITESPACE
UK neurological involvement (BNF hydroxocobalamin): loading: hydroxocobalamin 1 mg
IM alternate days, until no further improvement (review after 2 weeks); then
maintenance: hydroxocobalamin 1 mg IM every 2 months, for life

A preset id begins with its source: ``bnf-`` for the British National
Formulary, ``nice-`` only where the source is NICE (the CKS), ``uk-smpc-`` for
a UK summary of product characteristics, ``us-`` for US labels and practice.
The ids used before 0.x (``nice-neuro``, ``nice-non-neuro``) still load as
aliases of the BNF presets (:func:`aliases`); they are deprecated.

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
    UntilLabResult,
    UntilNoFurtherImprovement,
)
from b12course.exceptions import UnknownPresetError

__all__ = ["aliases", "available", "get"]

_HYDROXO_1MG_IM = Dose(Drug.HYDROXOCOBALAMIN, "1 mg", Route.IM)
_CYANO_1MG_IM = Dose(Drug.CYANOCOBALAMIN, "1 mg", Route.IM)
_BNF_VIA_PAS = (
    "BNF hydroxocobalamin, as quoted by the Pernicious Anaemia Society "
    "(pernicious-anaemia-society.org/treatment/) [secondary]"
)
_CKS = (
    "NICE CKS 'Anaemia - B12 and folate deficiency'. The CKS page itself could "
    "not be retrieved; its structure is quoted [secondary] by an NHS adult B12 "
    "guideline (docslib.org/doc/6377922): 'IM 1mg x3/wk for 2 wks', then "
    "'Maintenance: NO neurological symptoms: Dietary cause: Oral 50-150mcg "
    "daily', and by mypanotes.co.uk, citing CKS (revised February 2023): 'IM "
    "Hydroxocobalamin 1 mg ... 3 times per week for 2 weeks. Then: If dietary "
    "cause ... daily OTC oral B12 (50-150 mcg)'. The dietary maintenance "
    "itself is the 'NICE 2019 recommendation' quoted in the BSH COVID-19 "
    "guidance (gpni.co.uk) [secondary]"
)
_SAFETY = (
    "Safety notes from the sources: hypokalaemia can occur when treatment "
    "starts (the FDA label: 'Hypokalemia and sudden death may occur in severe "
    "megaloblastic anemia which is treated intensely'; the UK SmPC: 'Monitor "
    "serum potassium on initiation'), most of all in the first 48 hours; "
    "folate is never given alone, and B12 is started before folate (NHS "
    "Lothian RefHelp: 'start B12 intramuscular injections 24 hours ahead of "
    "folate replacement')."
)
_LOADING_CHOICE = (
    "'Three times a week for 2 weeks' is read as 6 doses on Mon/Wed/Fri (the "
    "first dose falls on the day given)."
)

_BNF_NEURO = Regimen(
    id="bnf-hydroxocobalamin-neuro",
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
        "every 2 months.' The same in BNFC 2011-12 and the UK hydroxocobalamin "
        "SmPC (medscape.co.uk): '1000 micrograms on alternate days', then "
        "'1000 micrograms every two months'."
    ),
    notes=(
        "No source gives a maximum length for the alternate-day phase: it runs "
        "until a clinician records its end, and its doses continue (provisional) "
        "until then. The 2-week review point is when a clinician is asked to "
        "decide, not an end; it follows NHS Lothian RefHelp, whose rule "
        "('discontinue alternate day IM treatment after 2 weeks') is for mild "
        "sensory symptoms that do not respond. '3 weeks' is unconfirmed. NICE "
        f"NG239 reviews treatment at 3 months (1 month in pregnancy). {_SAFETY} "
        "Formerly 'nice-neuro' (deprecated alias): the source is the BNF."
    ),
)
_BNF_NON_NEURO = Regimen(
    id="bnf-hydroxocobalamin-non-neuro",
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
        f"{_LOADING_CHOICE} Maintenance every 3 months follows the older BNF "
        "wording ('1 mg every 3 months', cysticfibrosis.online; NHS Scotland "
        "East formulary); the current BNF says every 2-3 months, so a "
        f"prescriber may choose every_months(2). {_SAFETY} Formerly "
        "'nice-non-neuro' (deprecated alias): the source is the BNF."
    ),
)

_PRESETS: tuple[Regimen, ...] = (
    _BNF_NEURO,
    _BNF_NON_NEURO,
    Regimen(
        id="nice-dietary-oral",
        name="UK dietary cause: loading, then oral maintenance (NICE CKS)",
        phases=(
            Phase(
                name="loading",
                dose=_HYDROXO_1MG_IM,
                cadence=Cadence.three_times_weekly(),
                end=Count(6),
            ),
            Phase(
                name="oral maintenance",
                dose=Dose(Drug.CYANOCOBALAMIN, "100 mcg", Route.ORAL),
                cadence=Cadence.daily(),
                end=Indefinite(),
            ),
        ),
        source=(
            f"{_CKS}: 'oral cyanocobalamin tablets 50-150 micrograms daily "
            "between meals'."
        ),
        notes=(
            "Loading with hydroxocobalamin 1 mg IM three times a week for 2 "
            "weeks comes first, as the CKS structure gives it for people "
            f"without neurological involvement. {_LOADING_CHOICE} The oral "
            "range is 50-150 mcg daily between meals; the preset takes 100 "
            "mcg, its middle. 'In vegans, treatment may need to be life-long', "
            "so the oral phase is indefinite; stop it with Course.end_phase "
            "(NG239 via SPS: oral treatment may be stopped if symptoms improve "
            f"and the cause has been addressed). {_SAFETY}"
        ),
    ),
    Regimen(
        id="nice-dietary-injection",
        name=("UK dietary cause: loading, then twice-yearly injection (NICE CKS)"),
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
                cadence=Cadence.every_months(6),
                end=Indefinite(),
            ),
        ),
        source=(f"{_CKS}: 'or have a twice-yearly hydroxocobalamin 1 mg injection'."),
        notes=(
            "Loading with hydroxocobalamin 1 mg IM three times a week for 2 "
            "weeks comes first, as the CKS structure gives it for people "
            f"without neurological involvement. {_LOADING_CHOICE} Twice yearly "
            "is read as every 6 months, anchored on the first maintenance "
            f"dose. {_SAFETY}"
        ),
    ),
    Regimen(
        id="bnf-prophylaxis-gastrectomy",
        name=(
            "UK prophylaxis after total gastrectomy or total ileal resection "
            "(BNF hydroxocobalamin)"
        ),
        phases=(
            Phase(
                name="prophylaxis",
                dose=_HYDROXO_1MG_IM,
                cadence=Cadence.every_months(3),
                end=Indefinite(),
            ),
        ),
        source=(
            "BNF hydroxocobalamin as given by NHS formularies [secondary]: NHS "
            "Scotland East Region formulary (formulary.nhs.scot): 'Vitamin B12 "
            "should be given prophylactically after total gastrectomy or total "
            "ileal resection' and 'Prophylaxis, 1mg every 3 months'; North "
            "East Devon formulary: 'Prophylaxis of macrocytic anaemias "
            "associated with vitamin B12 deficiency, 1mg every 2-3 months'."
        ),
        notes=(
            "Prophylaxis has no loading phase (the sources give none), so no "
            "flare window applies by default. Every 3 months is the Scottish "
            "formulary's figure and the upper end of 'every 2-3 months'; a "
            "prescriber may choose every_months(2). The UK cyanocobalamin "
            "SmPC gives '250 micrograms to 1000 micrograms monthly' for "
            "prophylaxis after gastrectomy with cyanocobalamin instead."
        ),
    ),
    Regimen(
        id="uk-smpc-cyanocobalamin-non-neuro",
        name="UK cyanocobalamin injection, without neurological involvement (SmPC)",
        phases=(
            Phase(
                name="alternate days",
                dose=_CYANO_1MG_IM,
                cadence=Cadence.every_days(2),
                end=Count(7),
            ),
            Phase(
                name="weekly",
                dose=Dose(Drug.CYANOCOBALAMIN, "250 mcg", Route.IM),
                cadence=Cadence.every_weeks(1),
                end=UntilLabResult(
                    review_after=Lasting(weeks=6),
                    result="the blood count is normal",
                ),
            ),
            Phase(
                name="maintenance",
                dose=_CYANO_1MG_IM,
                cadence=Cadence.every_months(1),
                end=Indefinite(),
            ),
        ),
        source=(
            "UK cyanocobalamin injection SmPC (Cytamen), via Medscape UK "
            "(medscape.co.uk/drug/cyanocobalamin-parenteral-68779-68779): "
            "'Initial dose of 250 micrograms to 1000 micrograms on alternate "
            "days for 7 to 14 days, followed by 250 micrograms weekly until "
            "blood count returns to normal. Maintenance dose of 1000 "
            "micrograms monthly thereafter.'"
        ),
        notes=(
            "Choices inside the SmPC's ranges: 1000 mcg (the upper end, the "
            "usual UK injection) on alternate days for 14 days (the upper end), "
            "read as 7 doses. The weekly phase ends when the blood count is "
            "normal, which the record does not hold: it runs until a clinician "
            "records its end, with a review point 6 weeks after its first dose "
            "(about 8 weeks from the start, when the blood count is reported "
            "to normalise: Briani 2013); until then its doses are provisional. "
            "Route IM, as the SmPC gives. The hydroxocobalamin SmPC differs "
            f"(maintenance every two to three months). {_SAFETY}"
        ),
    ),
    Regimen(
        id="uk-smpc-cyanocobalamin-neuro",
        name="UK cyanocobalamin injection, neurological involvement (SmPC)",
        phases=(
            Phase(
                name="loading",
                dose=_CYANO_1MG_IM,
                cadence=Cadence.every_days(2),
                end=UntilNoFurtherImprovement(review_after=Lasting(weeks=2)),
            ),
            Phase(
                name="maintenance",
                dose=_CYANO_1MG_IM,
                cadence=Cadence.every_months(1),
                end=Indefinite(),
            ),
        ),
        source=(
            "UK cyanocobalamin injection SmPC (Cytamen), via Medscape UK "
            "(medscape.co.uk/drug/cyanocobalamin-parenteral-68779-68779): "
            "'Initial dose of 1000 micrograms on alternate days as long as "
            "improvement is seen, followed by a maintenance dose of 1000 "
            "micrograms monthly thereafter.'"
        ),
        notes=(
            "'As long as improvement is seen' has no maximum: the phase runs "
            "until a clinician records its end, its doses continuing "
            "(provisional) until then; the 2-week review point follows NHS "
            f"Lothian RefHelp, as for the BNF preset. {_SAFETY}"
        ),
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
                condition=(
                    "only if there is clinical improvement and a reticulocyte "
                    "response (FDA label)"
                ),
            ),
            Phase(
                name="every 3 days",
                dose=Dose(Drug.CYANOCOBALAMIN, "100 mcg", Route.IM),
                cadence=Cadence.every_days(3),
                end=Lasting(weeks=2),
                condition=(
                    "continuing the alternate-day phase, under the same "
                    "condition (FDA label)"
                ),
            ),
            Phase(
                name="maintenance",
                dose=Dose(Drug.CYANOCOBALAMIN, "100 mcg", Route.IM),
                cadence=Cadence.every_months(1),
                end=Indefinite(),
            ),
        ),
        source=(
            "FDA cyanocobalamin injection label (recallguide.org copy): 'A dose "
            "of 100 mcg daily for six or seven days should be administered by "
            "intramuscular or deep subcutaneous injection. If there is "
            "clinical improvement and if a reticulocyte response is observed, "
            "the same amount may be given on alternate days for seven doses, "
            "then every three to four days for another two to three weeks. ... "
            "This regimen should be followed by 100 mcg monthly for life.'"
        ),
        notes=(
            "The alternate-day and every-3-days phases are conditional: the "
            "label gives them only 'If there is clinical improvement and if a "
            "reticulocyte response is observed'; a clinician decides after the "
            "daily phase. Choices inside the label's ranges: daily for 7 days "
            "(the upper end), every 3 days (the shorter interval) for 2 weeks "
            "(the shorter span, 5 doses). Route IM; deep SC is equally "
            "labelled. The label: 'Avoid using the intravenous route', as "
            "'almost all of the vitamin' is 'lost in the urine'; an "
            "intradermal test dose is advised if sensitivity is suspected. "
            f"{_SAFETY}"
        ),
    ),
    Regimen(
        id="us-high-dose",
        name="US high-dose IM scheme (Briani 2013; AFP 2017)",
        phases=(
            Phase(
                name="daily",
                dose=_CYANO_1MG_IM,
                cadence=Cadence.daily(),
                end=Count(7),
            ),
            Phase(
                name="weekly",
                dose=_CYANO_1MG_IM,
                cadence=Cadence.every_weeks(1),
                end=Count(4),
            ),
            Phase(
                name="maintenance",
                dose=_CYANO_1MG_IM,
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
        notes=f"A week of daily doses is read as 7 doses. {_SAFETY}",
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
            "effective as intramuscular administration for correcting anemia "
            "and neurologic symptoms. Intramuscular therapy leads to more rapid "
            "improvement'. The FDA cyanocobalamin injection label, on pernicious "
            "anaemia: 'The oral form is not dependable.'"
        ),
        notes=(
            "The range is 1-2 mg daily; the preset takes 1 mg, the lower end. "
            "Both halves of the AFP sentence apply: oral is as effective for "
            "most people, and IM corrects faster; the FDA injection label calls "
            "oral treatment of pernicious anaemia 'not dependable', so a "
            "clinician chooses the route. NHS formularies call 1-2 mg oral an "
            "unlicensed dose."
        ),
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
            "loading phase, so no flare window applies by default. The label "
            "checks serum B12 and the blood count at 1 month, then every 3-6 "
            "months, and says to 'consider increasing the dose' if B12 falls."
        ),
    ),
)
_BY_ID = {regimen.id: regimen for regimen in _PRESETS}
# Deprecated ids (a "nice-" prefix promised NICE; the source is the BNF).
# They still load, and are not listed by available().
_ALIASES = {
    "nice-neuro": _BNF_NEURO.id,
    "nice-non-neuro": _BNF_NON_NEURO.id,
}


def available() -> tuple[str, ...]:
    """Return the ids of every preset, in a stable order (aliases not included)."""
    return tuple(_BY_ID)


def aliases() -> dict[str, str]:
    """Return the deprecated preset ids that still load, and the id each now has.

    >>> aliases()["nice-neuro"]
    'bnf-hydroxocobalamin-neuro'
    """
    return dict(_ALIASES)


def get(preset_id: str) -> Regimen:
    """Return the preset regimen with this id (or a deprecated alias of it).

    >>> get("nice-neuro") is get("bnf-hydroxocobalamin-neuro")
    True

    Raises:
        UnknownPresetError: No preset has this id.
    """
    if isinstance(preset_id, str):
        found = _BY_ID.get(_ALIASES.get(preset_id, preset_id))
        if found is not None:
            return found
    shown = preset_id if isinstance(preset_id, str) else f"{preset_id!r:.60}"
    raise UnknownPresetError(shown, available())
