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
The ids used before (``nice-neuro``, ``nice-non-neuro``,
``us-label-cyanocobalamin``) still load as aliases of the presets that
replaced them (:func:`aliases`); they are deprecated, and :func:`get` warns.

The sources and every choice made inside a published range are in each
regimen's ``source`` and ``notes`` (and in ``shared/clinical.md`` of the
project).  Presets describe published schedules; they are not advice, and a
clinician should review any dose before it is used.  Tailor a preset with
:func:`attrs.evolve` rather than editing it.
"""

from __future__ import annotations

import warnings

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

__all__ = ["aliases", "available", "deprecation_message", "get"]

_HYDROXO_1MG_IM = Dose(Drug.HYDROXOCOBALAMIN, "1 mg", Route.IM)
_CYANO_1MG_IM = Dose(Drug.CYANOCOBALAMIN, "1 mg", Route.IM)
_BNF_VIA_PAS = (
    "BNF hydroxocobalamin, as quoted by the Pernicious Anaemia Society "
    "(pernicious-anaemia-society.org/treatment/) [secondary]"
)
_CKS = (
    "A CKS-based pathway, as UK pathways gave it before NICE NG239 (2024), "
    "which supersedes them. NICE CKS 'Anaemia - B12 and folate deficiency': "
    "the CKS page itself could not be retrieved; its structure is quoted "
    "[secondary] by an NHS adult B12 guideline, 2019 (docslib.org/doc/6377922): "
    "'IM 1mg x3/wk for 2 wks', then 'Maintenance: NO neurological symptoms: "
    "Dietary cause: Oral 50-150mcg daily', and by papergp.com/?p=1436: "
    "'Loading: 1000mcg hydroxycobalamin IM Mon/Weds/Fri for two weeks' and "
    "'Dietary: 1000mcg hydroxycobalamin IM twice per year or 100mcg "
    "cyanocobalamin PO'. The dietary maintenance itself is the 'NICE 2019 "
    "recommendation' quoted in the BSH COVID-19 guidance (gpni.co.uk) "
    "[secondary]"
)
_DIETARY_END = Indefinite(wording="until a clinician ends it (lifelong in vegans)")
_DIETARY_LENGTH = (
    "The maintenance runs until a clinician ends it (lifelong in vegans): "
    "'In vegans, treatment may need to be life-long, whereas in other people "
    "with dietary deficiency replacement treatment can be stopped once the "
    "vitamin B12 levels have been corrected and the diet has improved' (NICE "
    "2019 via BSH); end it with Course.end_phase. NICE NG239 (2024), which "
    "supersedes this pathway, may offer oral treatment first where diet is "
    "the cause (secondary sources; its section 1.5 wording was not retrieved)."
)
_FOLATE = (
    "Folate is never given alone, and B12 is started before folate (NHS "
    "Lothian RefHelp: 'start B12 intramuscular injections 24 hours ahead of "
    "folate replacement'; NE Devon formulary: 'Folic acid should not be used "
    "in undiagnosed megaloblastic anaemia unless vitamin B12 is administered "
    "concurrently')."
)
_DRUGS_COM_48H = (
    "drugs.com (not a label) adds: 'monitor serum potassium closely during "
    "the first 48 hours of treatment' (drugs.com/dosage/cyanocobalamin.html)."
)
_SAFETY_HYDROXO = (
    "Safety notes: the UK hydroxocobalamin SmPC (Panpharma copy): 'Cardiac "
    "arrhythmias secondary to hypokalaemia during initial therapy have been "
    "reported. Plasma potassium should therefore be monitored'. "
    f"{_FOLATE}"
)
_SAFETY_UK_CYANO = (
    "Safety notes: the UK cyanocobalamin SmPC (Medscape UK): 'Monitor serum "
    f"potassium on initiation as hypokalaemia can occur'. {_FOLATE}"
)
_SAFETY_US_CYANO = (
    "Safety notes: the FDA cyanocobalamin injection label: 'Hypokalemia and "
    "sudden death may occur in severe megaloblastic anemia which is treated "
    f"intensely'; {_DRUGS_COM_48H} {_FOLATE}"
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
        "sensory symptoms that do not respond. NICE NG239 reviews treatment at "
        "3 months (1 month in pregnancy or breastfeeding). One UK "
        "hydroxocobalamin SmPC gives maintenance 'every two or three months' "
        f"with neurological involvement too. {_SAFETY_HYDROXO}"
    ),
    maintainer_notes=(
        "A cap of '3 weeks' on the alternate-day phase is unconfirmed "
        "(clinical.md), so it is not used. Formerly 'nice-neuro' (deprecated "
        "alias): the source is the BNF."
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
        f"prescriber may choose every_months(2). {_SAFETY_HYDROXO}"
    ),
    maintainer_notes=(
        "Formerly 'nice-non-neuro' (deprecated alias): the source is the BNF."
    ),
)
_US_CONDITION = (
    "if there is clinical improvement and a reticulocyte response (FDA "
    "label: 'If there is clinical improvement and if a reticulocyte response "
    "is observed')"
)
_US_100MCG_IM = Dose(Drug.CYANOCOBALAMIN, "100 mcg", Route.IM)
_US_LABEL = Regimen(
    id="us-label-pernicious-anaemia",
    name="US pernicious anaemia, cyanocobalamin injection (FDA label)",
    phases=(
        Phase(
            name="daily",
            dose=_US_100MCG_IM,
            cadence=Cadence.daily(),
            end=Count(7),
        ),
        Phase(
            name="alternate days",
            dose=_US_100MCG_IM,
            cadence=Cadence.every_days(2),
            end=Count(7),
            condition=_US_CONDITION,
        ),
        Phase(
            name="every 3 days",
            dose=_US_100MCG_IM,
            cadence=Cadence.every_days(3),
            end=Lasting(weeks=2),
            condition=_US_CONDITION,
        ),
        Phase(
            name="maintenance",
            dose=_US_100MCG_IM,
            cadence=Cadence.every_months(1),
            end=Indefinite(),
        ),
    ),
    source=(
        "FDA cyanocobalamin injection label, 'Pernicious Anemia' (recallguide.org "
        "copy): 'A dose of 100 mcg daily for six or seven days should be "
        "administered by intramuscular or deep subcutaneous injection. If there "
        "is clinical improvement and if a reticulocyte response is observed, "
        "the same amount may be given on alternate days for seven doses, then "
        "every three to four days for another two to three weeks. By this time "
        "hematologic values should have become normal. ... This regimen should "
        "be followed by 100 mcg monthly for life.'"
    ),
    notes=(
        "The alternate-day and every-3-days doses are given only 'If there is "
        "clinical improvement and if a reticulocyte response is observed': "
        "they, and the monthly doses timed after them, are provisional until a "
        "clinician confirms the response, at a review after the daily doses. "
        "Choices inside the label's ranges: daily for 7 days (the upper end), "
        "every 3 days (the shorter interval) for 2 weeks (the shorter span, 5 "
        "doses). Route IM; deep SC is equally labelled. The label: 'Avoid "
        "using the intravenous route', as 'almost all of the vitamin' is 'lost "
        "in the urine'; an intradermal test dose is advised if sensitivity is "
        "suspected. For patients with normal intestinal absorption the label "
        "gives chronic treatment 'with an oral B12 preparation'. "
        f"{_SAFETY_US_CYANO}"
    ),
    maintainer_notes=(
        "Formerly 'us-label-cyanocobalamin' (deprecated alias): the id now "
        "names the label's indication, pernicious anaemia."
    ),
)

_PRESETS: tuple[Regimen, ...] = (
    _BNF_NEURO,
    _BNF_NON_NEURO,
    Regimen(
        id="nice-dietary-oral",
        name=(
            "UK dietary cause: loading, then oral maintenance (CKS-based, "
            "pre-NG239 pathway)"
        ),
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
                end=_DIETARY_END,
            ),
        ),
        source=(
            f"{_CKS}: 'oral cyanocobalamin tablets 50-150 micrograms daily "
            "between meals'."
        ),
        notes=(
            "Loading with hydroxocobalamin 1 mg IM three times a week for 2 "
            "weeks comes first, as CKS-based pathways give it for people "
            f"without neurological involvement. {_LOADING_CHOICE} The oral "
            "range is 50-150 mcg daily between meals; the preset takes 100 "
            f"mcg, its middle. {_DIETARY_LENGTH} NG239 via SPS: oral treatment "
            "may be stopped if symptoms improve and the cause has been "
            f"addressed. {_SAFETY_HYDROXO}"
        ),
    ),
    Regimen(
        id="nice-dietary-injection",
        name=(
            "UK dietary cause: loading, then twice-yearly injection (CKS-based, "
            "pre-NG239 pathway)"
        ),
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
                end=_DIETARY_END,
            ),
        ),
        source=(f"{_CKS}: 'or have a twice-yearly hydroxocobalamin 1 mg injection'."),
        notes=(
            "Loading with hydroxocobalamin 1 mg IM three times a week for 2 "
            "weeks comes first, as CKS-based pathways give it for people "
            f"without neurological involvement. {_LOADING_CHOICE} Twice yearly "
            "is read as every 6 months, anchored on the first maintenance "
            f"dose. {_DIETARY_LENGTH} {_SAFETY_HYDROXO}"
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
            "associated with vitamin B12 deficiency, 1mg every 2-3 months'; "
            "the UK hydroxocobalamin SmPC (emc 31182): '1mg every two to three "
            "months'."
        ),
        notes=(
            "Prophylaxis has no loading phase (the sources give none), so no "
            "flare window applies by default. Every 3 months is the Scottish "
            "formulary's figure and the upper end of 'every 2-3 months'; a "
            "prescriber may choose every_months(2). The UK cyanocobalamin "
            "SmPC gives '250 micrograms to 1000 micrograms monthly' for "
            f"prophylaxis with cyanocobalamin instead. {_SAFETY_HYDROXO}"
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
            "micrograms monthly thereafter.' Cytamen SmPC copy: 'Route of "
            "administration: intramuscular.'"
        ),
        notes=(
            "Choices inside the SmPC's ranges: 1000 mcg (the upper end, the "
            "usual UK injection) on alternate days for 14 days (the upper end), "
            "read as 7 doses. The weekly phase runs 'until blood count returns "
            "to normal' (the SmPC's own end condition, not 'until no further "
            "improvement'): the record does not hold the blood count, so the "
            "phase runs until a clinician records its end, and its doses are "
            "provisional after its review point. That review point, 6 weeks "
            "after the phase's first dose (about 8 weeks from the start), is "
            "this library's choice: 'normalization of the complete blood count "
            "requires about eight weeks' (Briani 2013). Route IM, as the SmPC "
            "gives. The hydroxocobalamin SmPC differs (maintenance every two "
            f"to three months). {_SAFETY_UK_CYANO}"
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
            "Lothian RefHelp ('discontinue alternate day IM treatment after 2 "
            "weeks' for mild sensory symptoms that do not respond), as for the "
            f"BNF preset. {_SAFETY_UK_CYANO}"
        ),
    ),
    _US_LABEL,
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
        notes=(
            "A week of daily doses is read as 7 doses. BMJ Best Practice gives "
            "a similar scheme ('1000 micrograms ... once daily for 1-2 weeks, "
            f"followed by 1000 micrograms once weekly for 1 month'). {_SAFETY_US_CYANO}"
        ),
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
            "Langan & Goodbred, Am Fam Physician 2017;96(6):384-389 (PMID "
            "28925645): 'Oral administration of high-dose vitamin B12 (1 to 2 "
            "mg daily) is as effective as intramuscular administration for "
            "correcting anemia and neurologic symptoms. Intramuscular therapy "
            "leads to more rapid improvement and should be considered in "
            "patients with severe deficiency or severe neurologic symptoms.' "
            "The FDA cyanocobalamin injection label, on pernicious anaemia: "
            "'The oral form is not dependable.'"
        ),
        notes=(
            "The range is 1-2 mg daily; the preset takes 1 mg, the lower end. "
            "AFP 2017 says oral is as effective, and that intramuscular therapy "
            "improves faster and 'should be considered in patients with severe "
            "deficiency or severe neurologic symptoms'; the FDA injection label "
            "calls the oral form 'not dependable' in pernicious anaemia. A "
            "clinician chooses the route. NHS formularies call 1-2 mg oral an "
            "unlicensed dose."
        ),
        maintainer_notes=(
            "AFP 2017 does not say 'for most people'; 'most patients ... "
            "noninferior' is Patel & McGuirk, AFP 2025 (clinical.md section 0a)."
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
            "therapy, in people with no nervous system involvement; "
            "'Hematological parameters must be within normal range before "
            "beginning therapy'. It has no loading phase, so no flare window "
            "applies by default. The label checks serum B12 and the blood count "
            "'one month after treatment initiation, then subsequently at "
            "intervals of 3 to 6 months', and: 'If serum levels of B12 decline "
            "after one month of treatment with NASCOBAL, consider increasing "
            "the dose.'"
        ),
        maintainer_notes=(
            "The increased amount is not in the text retrieved (clinical.md "
            "L7): a fixed dose list cannot record it."
        ),
    ),
)
_BY_ID = {regimen.id: regimen for regimen in _PRESETS}
# Deprecated ids (a "nice-" prefix promised NICE; the source is the BNF).
# They still load, and are not listed by available().
_ALIASES = {
    "nice-neuro": _BNF_NEURO.id,
    "nice-non-neuro": _BNF_NON_NEURO.id,
    # The id now names the label's indication, pernicious anaemia.
    "us-label-cyanocobalamin": _US_LABEL.id,
}


def deprecation_message(preset_id: str) -> str:
    """Return the one line that says a deprecated preset id's new id.

    >>> print(deprecation_message("us-label-cyanocobalamin"))
    preset id 'us-label-cyanocobalamin' is deprecated; use 'us-label-pernicious-anaemia'
    """
    return f"preset id {preset_id!r} is deprecated; use {_ALIASES[preset_id]!r}"


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

    A deprecated alias (:func:`aliases`) gives the preset it now names, with
    a :class:`DeprecationWarning` that names the new id.

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     found = get("nice-neuro")
    >>> found is get("bnf-hydroxocobalamin-neuro")
    True
    >>> print(caught[0].message)
    preset id 'nice-neuro' is deprecated; use 'bnf-hydroxocobalamin-neuro'

    Raises:
        UnknownPresetError: No preset has this id.
    """
    if isinstance(preset_id, str):
        current = _ALIASES.get(preset_id)
        if current is not None:
            warnings.warn(
                deprecation_message(preset_id), DeprecationWarning, stacklevel=2
            )
            return _BY_ID[current]
        found = _BY_ID.get(preset_id)
        if found is not None:
            return found
    shown = preset_id if isinstance(preset_id, str) else f"{preset_id!r:.60}"
    raise UnknownPresetError(shown, available())
