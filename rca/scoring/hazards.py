"""Urgent and safeguarding flags at intake: hazards in the home (Awaab's Law) and a possible
risk to a child or a vulnerable adult, each with the rule and the words that raised it.

Rules on the words, not a model, so an officer sees exactly why a contact was flagged:

* **emergency hazard** (Awaab's Law, in force for social landlords since 27 October 2025):
  a gas smell or leak, exposed or sparking electrics, no heating or hot water in the cold
  months with a child, an older, disabled or ill resident, damp or mould with a child, a
  baby, a pregnancy or a health condition, a ceiling or structure collapsing, sewage in the
  home, water pouring into the home or the electrics, an external door that will not lock,
  a missing or broken smoke alarm, disturbed asbestos, no water at all: investigate and make
  safe within 24 hours.
* **significant hazard**: other damp and mould, leaks, no heating or hot water, pests,
  broken windows, stairs or handrails, large cracks: investigate within 10 working days,
  a written summary within 3 working days of the investigation, safety works within 5.
* **safeguarding**: a possible risk to a child or a vulnerable adult (abuse or neglect,
  domestic abuse, exploitation, self-harm or suicide, a vulnerable person left without care):
  a safeguarding referral today.

A match does not count when it is negated just before ("there is no smell of gas", "the
children are not at risk"), when the hazard is said to be fixed right after ("the gas leak
was fixed"), when the words are about something else ("the gas bill", "mould on the bread",
"safeguarding training"), or, for a hazard, when the text names a public place and no home
("a smell of gas outside the library"). A council adds its own terms in `[triage]`
(`emergency_terms`, `significant_terms`, `safeguarding_terms`; docs/triage.md).

>>> [f["flag"] for f in flags("I can smell gas in my kitchen")]
['emergency_hazard']
>>> flags("The gas bill is wrong and there is no smell of gas anyway")
[]
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from rca.errors import RcaError
from rca.scoring import hazard_cues

EMERGENCY, SIGNIFICANT, SAFEGUARDING = "emergency_hazard", "significant_hazard", "safeguarding"
TITLES = {EMERGENCY: "Emergency hazard in the home (Awaab's Law)",
          SIGNIFICANT: "Significant hazard in the home (Awaab's Law)",
          SAFEGUARDING: "Possible risk to a child or vulnerable adult"}
ACTIONS = {
    EMERGENCY: "today: arrange for the hazard to be investigated and made safe within 24 hours of receipt; if the "
               "resident smells gas, tell them to call the National Gas Emergency line (0800 111 999) now",
    SIGNIFICANT: "log it with repairs today: investigate within 10 working days, send the resident a written summary "
                 "within 3 working days of the investigation, and start safety works within 5 working days",
    SAFEGUARDING: "today: make a safeguarding referral (children's or adults' front door) and follow the council's "
                  "safeguarding procedure; if anyone is in immediate danger, call 999",
}
PRIVATE_NOTE = ("the text mentions a private landlord or an owner-occupied home: Awaab's Law binds social landlords; "
                "refer the hazard to private sector housing (HHSRS) the same day")

_I = re.IGNORECASE
# who lives there: a resident for whom no heating, or damp and mould, is an emergency
_VULNERABLE = re.compile(
    r"\b(bab(?:y|ies)|new ?born|infant|toddler|twins|child(?:ren)?|kids?|grandchild(?:ren)?|"
    r"pregnan\w*|expecting a baby|elderly|older (?:person|people|resident)|pensioner|\d{2}[- ]year[- ]old (?:mum|mother|dad|father|man|woman|lady)|"
    r"(?:mum|mother|dad|father|nan|gran|grandma|grandad) is (?:7|8|9)\d|aged (?:7|8|9)\d|disab\w*|wheelchair|"
    r"asthma\w*|copd|bronchi\w*|lung|chest infection|breathing (?:problems|difficulties)|respiratory|heart (?:condition|problems?|failure)|"
    r"cancer|chemo\w*|dementia|sickle cell|diabet\w*|immun\w*|epilep\w*|oxygen|medical condition|health condition|health problems?|"
    r"terminally ill|seriously ill|frail|vulnerable)\b", _I)
_COLD_WORDS = re.compile(r"\b(freezing|bitterly cold|so cold|very cold|winter|snow\w*|frost\w*|ice cold|sub-?zero|"
                         r"(?:below )?zero degrees|can see (?:my|our) breath)\b", _I)
_HOME = re.compile(
    r"\b(my|our|the|his|her|their|mum'?s|dad'?s) (?:council )?(?:flat|house|home|maisonette|bungalow|property|bedroom|kitchen|"
    r"bathroom|living room|lounge|hallway|loft|ceiling|walls?|windows?|boiler|toilet|stairs?)\b|\b(?:boiler|hot water|radiators?|airing cupboard|stopcock)\b|\b(?:council|housing association) "
    r"(?:flat|house|home|property|tenant)|\btenan(?:t|ts|cy)\b|\bi live\b|\bwe live\b|\brepairs?\b|\blandlord\b", _I)
_PUBLIC = re.compile(
    r"\b(?:library|canteen|caf[eé]|restaurant|shop|supermarket|park|playground|car park|high street|pavement|road ?works|"
    r"the street|in the road|on the road|leisure centre|swimming pool|gym|office|town hall|civic centre|school|community centre|"
    r"bus stop|market|allotment|play area)\b", _I)
_PRIVATE = re.compile(r"\b(private landlord|privately rent\w*|private(?:ly)? rented|letting agent|(?:i|we) own (?:my|our|the) "
                      r"(?:home|house|flat)|owner[- ]occupier|my own house)\b", _I)
# said just before a match: "there is no", "not", "never", "without any" (and not part of the rule's own words)
_NEGATED = re.compile(r"(?:\b(?:no|not|never|nor|without|isn'?t|aren'?t|wasn'?t|weren'?t|hasn'?t|haven'?t|don'?t|doesn'?t|"
                      r"didn'?t|has never|have never)\s+(?:(?:any|a|the|more|real|actual|visible|longer|signs? of|evidence of|"
                      r"trace of|(?:problems?|issues?) with|\w+ (?:or|and))\s+){0,3}|\b(?:ruled out|nothing to do with|no sign of|no signs of)"
                      r"\s+(?:any\s+|the\s+)?|\b(?:fixed|repaired|sorted(?: out)?|resolved|cleared|treated|got rid of|removed)\s+"
                      r"(?:the\s+|my\s+|our\s+|a\s+|all\s+the\s+)?)$", _I)
# said just after a match: the hazard has been dealt with
_RESOLVED = re.compile(r"^[^.!?]{0,30}?\b(?:has|have|was|were|got|is|are)\s+(?:now\s+|since\s+|already\s+|all\s+)?(?:been\s+)?"
                       r"(?:fixed|repaired|resolved|sorted|made safe|cleared|treated|removed|capped|isolated|gone)\b", _I)


@dataclass(frozen=True)
class Rule:
    """One rule: its flag, a short name the officer reads, the pattern, and words that, near a match, mean something else."""

    flag: str
    name: str
    pattern: re.Pattern
    unless: re.Pattern | None = None  # within the same sentence: not this hazard ("gas bill", "bread")
    needs: str | None = None  # "vulnerable", "vulnerable_cold": the rule counts only with such a resident (and season)
    home: bool = True  # a hazard in the home: a public place and no home in the text means it is not
    covers: tuple[str, ...] = ()  # significant rules this emergency makes redundant in the same sentence (the leak behind a flood)


def _p(text: str) -> re.Pattern:
    return re.compile(text, _I)


_DAMP = r"\b(damp(?! patch)|mou?ld(?:y)?|black (?:spots|mould|mold)|condensation|mildew|fungus|fungi)\b"
_NOT_DAMP = _p(r"\b(?:bread|food|fruit|cheese|sandwich\w*|canteen|cake|jelly|clay|plaster cast|damp[- ]proof course (?:survey|quote)|"
               r"dampen\w*|damper)\b")
_NO_HEAT = (r"\b(?:no (?:heating|heat|hot water|gas supply)|(?:not|haven'?t|hasn'?t|have not|has not) (?:had|got) (?:any )?(?:heating|heat|hot water)|"
            r"(?:heating|hot water|radiators?|boiler)(?: [\w']+){0,3}? (?:is |are |has |have |was |keeps )?(?:been |kept )?"
            r"(?:not working|isn'?t working|aren'?t working|broken|broke down|broken down|stopped working|gone off|off for|failed|"
            r"packed up|condemned|capped off|cutting out|on and off|playing up)|"
            r"(?:heating|hot water|radiators?|boiler)(?: [\w']+){0,2}? (?:is|are|was|were|has been|have been|keeps going|keeps turning|"
            r"went|goes|turned|switched) off|"
            r"without (?:any )?(?:heating|heat|hot water)|(?:heating|boiler|radiators?) (?:doesn'?t|does not|don'?t|won'?t|will not) "
            r"(?:work|come on|fire|heat up))\b")
_NOT_GAS = _p(r"\b(?:gas (?:bill|meter reading|account|supplier|tariff|safety certificate renewal|cooker (?:removal|disposal))|"
              r"gas(?:es)? from (?:the )?(?:bins?|lorr(?:y|ies)|traffic|cars?)|traffic fumes|exhaust)\b")
_NOT_LEAK = _p(r"\b(?:data|information|details|personal|email|documents?|press|media|story|bin lorry|lorry|bins?|car|oil from|gas)\b")
_ELECTRIC_PARTS = r"(?:sockets?|plug sockets?|switch(?:es)?|light switch(?:es)?|fuse ?box|consumer unit|light fittings?|wiring|wires|cables?|electrics|plugs?)"
_CHILD = (r"(?:child(?:ren)?|kids?|bab(?:y|ies)|toddlers?|infants?|little (?:boy|girl)|(?:the|a|my|her|his|their|our) (?:son|daughter|boy|girl|"
          r"step(?:son|daughter))|teenage(?:r|rs| son| daughter| girl| boy)|\d{1,2}[- ]year[- ]old|(?:foster|looked after) (?:child|son|daughter))")
_CHILD_HARM = (r"(?:abus\w+|neglect\w*|hit(?:s|ting)? (?:him|her|them|one of|the (?:child|kid|boy|girl|baby))|(?:being|been|was|were|got|getting) hit|beat(?:s|ing|en)?|slap\w*|punch\w*|kick(?:s|ed|ing)?|hurt(?:s|ing)?|starv\w*|smack\w*|"
               r"bruis\w*|locked (?:in|up|out)|left (?:on (?:their|his|her) own|home alone|alone)|scream(?:s|ing)? at|shout(?:s|ing)? at|"
               r"threaten\w*|groom\w*|exploit\w*|not (?:being )?fed|isn'?t (?:being )?fed|unfed|underfed|cr(?:y|ies|ying) for hours|"
               r"out at all hours|getting into cars|older men|scared to go home|afraid to go home|sleeping rough|sexual\w*)")
_ADULT = (r"(?:(?:elderly|vulnerable|disabled|frail|confused|blind|deaf|housebound|bedbound|old|older) (?:man|woman|lady|gentleman|neighbour|"
          r"mother|father|mum|dad|resident|person|people|tenant|aunt|uncle|brother|sister|brother'?s|sister'?s|man'?s|woman'?s)|"
          r"(?:mum|dad|mother|father|brother|sister|he|she) (?:has|with) (?:dementia|learning disabilit\w+|alzheimer\w*)|"
          r"(?:mum|dad|mother|father) is (?:bedbound|housebound|bed-bound))")
_ADULT_HARM = (r"(?:neglect\w*|not (?:been )?eating|no food|without food|starving|lying on the floor|fallen|fell|left (?:alone|in bed|in soiled|"
               r"in dirty)|soiled|wandering|wanders|taking (?:his|her|their) (?:money|pension)|taking money|takes (?:his|her|their|my) (?:money|pension)|"
               r"financial(?:ly)? abus\w*|scammed|exploit\w*|cuckoo\w*|bruis\w*|hit|abus\w*|threaten\w*|hoard\w*|no carer|"
               r"not (?:been )?(?:seen|heard from)|hasn'?t been seen|using (?:his|her|their) flat|taking over)")

LEAK, CRACKS, TOILET = "leak or water coming in", "cracks in walls or ceiling", "broken toilet or no washing facilities"
RULES: tuple[Rule, ...] = (
    Rule(EMERGENCY, "gas smell or leak", _p(
        r"\b(?:smell(?:s|ing|t|ed)? (?:of )?gas|gas (?:smell|leak|escape)s?|leak(?:ing|s)? gas|gas (?:is |was )?(?:leaking|escaping)|"
        r"carbon monoxide|co (?:alarm|detector)|gas alarm|smell(?:s|ing)? (?:like|of) (?:rotten )?eggs?|rotten[- ]eggs? smell|(?:left|leaving|leaves|leave) the gas on)\b"), unless=_NOT_GAS),
    Rule(EMERGENCY, "exposed or dangerous electrics", _p(
        r"\b(?:(?:exposed|bare|live|hanging|sparking|burnt|burned|melted|melting|scorched|smoking) (?:electric(?:al)? )?"
        r"(?:wires?|wiring|cables?|sockets?|electrics|fuse ?box|consumer unit|switch(?:es)?)|"
        rf"{_ELECTRIC_PARTS}(?: [\w']+){{0,4}}? (?:is |are |keeps? |kept |was |were |has |have )?(?:been |started |all )?"
        r"(?:sparking|sparks?|smoking|burning|buzzing|melting|melted|scorched|exposed|hanging (?:out|down)|live)|"
        r"electric(?:al)? shocks?|(?:got|get|getting|gave (?:me|him|her|us)) (?:an? )?(?:electric )?shocks?|"
        rf"water (?:is )?(?:coming|pouring|dripping|leaking|running|getting) (?:in)?to (?:the )?{_ELECTRIC_PARTS}|"
        rf"{_ELECTRIC_PARTS} (?:full of|filling with|dripping with) water)\b"), covers=(LEAK,)),
    Rule(EMERGENCY, "no heating or hot water with a vulnerable resident in the cold months", _p(_NO_HEAT), needs="vulnerable_cold"),
    Rule(EMERGENCY, "damp or mould with a child, a pregnancy or a health condition", _p(_DAMP), unless=_NOT_DAMP, needs="vulnerable"),
    Rule(EMERGENCY, "ceiling or structure collapsing", _p(
        r"\b(?:(?:ceiling|roof|wall|floor|floorboards|stairs?|staircase|steps?|balcony|chimney|joists?)(?: [\w']+){0,3}? (?:has |have |is |are |was |were )?"
        r"(?:collapsed|collapsing|caved in|caving in|fallen in|fell in|falling in|coming down|came down|falling down|fell down|giving way|"
        r"gave way|crumbling|about to (?:collapse|fall|come down|give way))|about to collapse|caved in|"
        r"(?:collapsed|collapsing) (?:ceiling|roof|wall|floor|stairs|balcony)|structural(?:ly)? (?:unsafe|unsound|collapse)|"
        r"(?:chunk|part|piece|section) of (?:the |my |our )?(?:\w+ )?(?:ceiling|roof|wall) (?:has )?(?:fell|fallen|came|come) (?:in|down|off))\b"),
        covers=(LEAK, CRACKS)),
    Rule(EMERGENCY, "sewage in the home", _p(
        r"\b(?:(?:raw )?sewage|sewer (?:is )?(?:flooding|overflowing|backing up|coming up)|toilet (?:is |keeps )?(?:overflowing|backing up|flooding)|"
        r"(?:faeces|poo|excrement) (?:coming up|everywhere|on the floor))\b"), covers=(LEAK, TOILET)),
    Rule(EMERGENCY, "water pouring into the home", _p(
        r"\b(?:water (?:is |has been |keeps )?(?:pouring|gushing|flooding|cascading|streaming) (?:in|through|down|from|into)|burst (?:water )?pipe|"
        r"(?:flat|house|home|kitchen|bathroom|bedroom|hallway|property|basement) (?:is |was |has )?(?:been )?(?:flooding|flooded|under water)|"
        r"ceiling (?:is |keeps )?(?:pouring|gushing) (?:with )?water)\b"), unless=_p(r"\b(?:road|street|park|drain on the|gully|pavement)\b"),
        covers=(LEAK,)),
    Rule(EMERGENCY, "home cannot be secured", _p(
        r"\b(?:(?:front|back|main|entrance|external|flat) door(?: [\w']+){0,3}? (?:won'?t|will not|doesn'?t|does not|can'?t|cannot|no longer) "
        r"(?:lock|close|shut|be locked)|(?:can'?t|cannot|unable to|no way to) (?:lock|secure) (?:my|the|our) (?:front |back )?(?:door|home|flat|house)|"
        r"(?:front|back) door (?:was |has been |is )?(?:kicked in|smashed|broken in|hanging off)|"
        r"(?:broken|smashed) (?:front|back|entrance) door|(?:front|back) door (?:lock )?(?:is )?broken|lock (?:is |has )?broken)\b")),
    Rule(EMERGENCY, "no working smoke alarm or fire door", _p(
        r"\b(?:no (?:working )?smoke (?:alarm|detector)s?|smoke (?:alarm|detector)s?(?: [\w']+){0,3}? (?:is |are |has |have |was |were )?(?:not working|"
        r"broken|missing|been removed|removed|taken down|never (?:been )?fitted|do(?:es)?n'?t work)|fire doors?(?: [\w']+){0,4}? (?:is |are )?(?:broken|"
        r"missing|removed|won'?t close|propped open|doesn'?t close))\b")),
    Rule(EMERGENCY, "asbestos disturbed", _p(
        r"\b(?:asbestos(?: [\w']+){0,4}? (?:is |are |was |were )?(?:exposed|disturbed|damaged|broken|crumbling|dust|cracked)|"
        r"(?:drilled|drilling|sanded|sanding|smashed|broke|broken|cut|cutting) (?:into |through )?(?:the |an |some )?(?:\w+ )?asbestos)\b")),
    Rule(EMERGENCY, "no water supply", _p(
        r"\b(?:no (?:running |cold )?water (?:at all|in the (?:flat|house|property))|(?<!hot )(?:water|water supply) (?:has been |is |was )?(?:cut off|off) "
        r"(?:for|since)|without (?:any )?(?:running )?water)\b")),
    Rule(SIGNIFICANT, "damp or mould", _p(_DAMP), unless=_NOT_DAMP),
    Rule(SIGNIFICANT, "no heating or hot water", _p(_NO_HEAT)),
    Rule(SIGNIFICANT, LEAK, _p(
        r"\b(?:leak(?:s|ing|ed|y)?|water (?:is )?(?:coming|dripping|getting|seeping) (?:in|through)|drips? (?:from|through) the ceiling|"
        r"damp patch(?:es)?|rainwater coming in)\b"), unless=_NOT_LEAK),
    Rule(SIGNIFICANT, "pests in the home", _p(
        r"\b(?:rats?|mice|(?:a|the|one|another) mouse|mouse droppings|rodents?|cockroach(?:es)?|bed ?bugs|vermin|infest(?:ed|ation)|squirrels in the loft|"
        r"pigeons (?:nesting|in the loft))\b"), unless=_p(r"\b(?:park|bins? (?:area|store) on the street|fly[- ]?tip\w*|high street)\b")),
    Rule(SIGNIFICANT, "fall hazard: stairs, steps, handrail or floor", _p(
        r"\b(?:(?:broken|loose|missing|rotten|rotting|collapsed|uneven|wobbly) (?:stairs?|steps?|staircase|handrails?|banisters?|"
        r"stair ?rails?|stair carpet|floorboards?|floor)|(?:handrails?|banisters?|stair ?rails?|stair carpet|floorboards?|steps?|stairs)"
        r"(?: [\w']+){0,5}? (?:is |are |has |have )?(?:come )?(?:loose|broken|missing|rotten|wobbly|come away|came away)|trip hazard)\b")),
    Rule(SIGNIFICANT, "broken window", _p(
        r"\b(?:(?:broken|smashed|cracked|rotten|rotting|shattered) (?:window|pane|glass|window frame)s?|windows?(?: [\w']+){0,4}? "
        r"(?:won'?t|will not|doesn'?t|does not|can'?t|cannot) (?:close|shut|lock)|windows?(?: [\w']+){0,4}? (?:is |are )(?:smashed|broken|"
        r"cracked|rotten|rotting|shattered|falling out)|window (?:frame )?(?:is )?(?:falling out|fell out|hanging off))\b")),
    Rule(SIGNIFICANT, CRACKS, _p(
        r"\b(?:(?:large|big|huge|deep|wide|growing|spreading) cracks? (?:in|across|along|up|down) (?:the |my |our )?(?:[\w']+ ){0,2}(?:walls?|ceilings?|"
        r"floor|chimney|render)|subsidence)\b")),
    Rule(SIGNIFICANT, TOILET, _p(
        r"\b(?:(?:only )?toilet (?:is |has been )?(?:broken|not working|blocked|won'?t flush|doesn'?t flush|out of order|unusable)|"
        r"(?:shower|bath) (?:is |has been )?(?:broken|not working|unusable) (?:for|since))\b")),
    # safeguarding: harm words beside a child or an adult at risk (either order, in one sentence), abuse, self-harm
    Rule(SAFEGUARDING, "possible harm or neglect of a child", _p(
        rf"\b(?:child (?:protection|abuse|neglect|sexual exploitation|criminal exploitation)|{_CHILD_HARM}[^.!?]{{0,50}}\b{_CHILD}|"
        rf"{_CHILD}[^.!?]{{0,50}}\b{_CHILD_HARM}|county lines|fgm|female genital mutilation|forced marriage)\b"),
        unless=_p(r"\b(?:training|course|policy|e-?learning|workshop|lorry|van|car|bus|barrier|ball|football|allegation|decision)\b"),
        home=False),
    Rule(SAFEGUARDING, "possible risk to a vulnerable adult", _p(
        rf"\b(?:{_ADULT}[^.!?]{{0,60}}\b{_ADULT_HARM}|{_ADULT_HARM}[^.!?]{{0,60}}\b{_ADULT}|self[- ]neglect\w*|cuckooing|financial abuse|"
        r"(?:carers?|care workers?) (?:didn'?t|did not|never|haven'?t|have not) (?:come|turn(?:ed)? up|arrive\w*|visit\w*)[^.!?]{0,60}\b"
        r"(?:no food|not eaten|without (?:food|medication|meds)|medication|soiled|on the floor|in bed all day|could have died)|"
        r"(?:missed|no) (?:care )?visits?[^.!?]{0,40}\b(?:no food|medication|soiled|on the floor))\b"),
        unless=_p(r"\b(?:training|course|policy|e-?learning|workshop|blue badge|parking)\b"), home=False),
    Rule(SAFEGUARDING, "domestic abuse", _p(
        r"\b(?:domestic (?:abuse|violence)|(?:my|her|his) (?:partner|ex|ex-partner|husband|wife|boyfriend|girlfriend|stepdad|stepfather) "
        r"(?:hits|hit|beats|beat|punched|strangled|choked|threatens|threatened|assaulted|attacks|attacked|hurts|hurt|is violent|controls)|"
        r"coercive control|fleeing (?:violence|abuse|my (?:partner|ex|husband))|women'?s refuge)\b"),
        unless=_p(r"\b(?:training|course|policy|e-?learning|workshop)\b"), home=False),
    Rule(SAFEGUARDING, "self-harm or suicide", _p(
        r"\b(?:suicid\w*|kill (?:myself|himself|herself|themselves)|end (?:my|his|her|their|it) (?:life|all)|end(?:ing)? it all|ending my life|"
        r"take (?:my|his|her|their) own life|self[- ]harm\w*|harming (?:myself|himself|herself)|want(?:s|ed)? to die|"
        r"don'?t want to (?:live|be here)|overdose\w*|(?:can'?t|cannot) go on (?:like this|any ?more|living))\b"),
        unless=_p(r"\b(?:training|course|policy|e-?learning|workshop|prevention|leaflet|poster|campaign|awareness)\b"), home=False),
)
_ORDER = (EMERGENCY, SIGNIFICANT, SAFEGUARDING)


def _sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Where the sentence holding text[start:end] begins and ends."""
    a = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
    ends = [i for i in (text.find(c, end) for c in ".!?\n") if i >= 0]
    return a, min(ends) if ends else len(text)


def _sentence(text: str, start: int, end: int) -> str:
    a, b = _sentence_span(text, start, end)
    return text[a:b]


def _live(rule: Rule, text: str, m: re.Match) -> bool:
    """A match that counts: not negated just before, not said to be fixed just after, not about something else."""
    before = text[max(0, m.start() - 40):m.start()]
    own_no = re.match(r"(?:no|without|not|haven'?t|hasn'?t|have not|has not)\b", m.group(0), _I)  # "no heating": the rule's own negative words
    if not own_no and _NEGATED.search(before):
        return False
    if rule.flag != SAFEGUARDING and (_RESOLVED.search(text[m.end():m.end() + 60]) or hazard_cues.resolved(text, m.start())
                                      or hazard_cues.about_information(text, m.start())):
        return False
    return not (rule.unless and rule.unless.search(_sentence(text, m.start(), m.end())))


def _cold_months(received: datetime | None) -> bool:
    return received is None or received.month in (10, 11, 12, 1, 2, 3, 4)


def flags(text: str, *, received: datetime | None = None, extra: dict[str, list[str]] | None = None) -> list[dict]:
    """The urgent and safeguarding flags a text raises, most urgent first: each {flag, title, rules: [{rule, words}], action}.

    `received` decides the cold months (October to April) for no heating; `extra` maps a flag to a council's own
    terms (`extra_terms(config)`)."""
    if not isinstance(text, str) or not text.strip():
        return []
    found = _VULNERABLE.search(text)
    vulnerable = found.group(0) if found else hazard_cues.vulnerable(text)
    cold = _cold_months(received) or _COLD_WORDS.search(text)
    away = _PUBLIC.search(text) and not _HOME.search(text)
    hits: dict[str, dict[str, list[str]]] = {}
    covered: dict[str, list[tuple[int, int]]] = {}  # significant rule -> sentences an emergency already explains
    found_cues = [c for c in hazard_cues.cues(text) if not (c.flag != SAFEGUARDING and away)]
    for cue in found_cues:
        for name in cue.covers:
            covered.setdefault(name, []).append(cue.span)
    for rule in RULES + _extra_rules(extra):
        if rule.home and away:
            continue
        found = [m for m in rule.pattern.finditer(text) if _live(rule, text, m)
                 and not any(a <= m.start() < b for a, b in covered.get(rule.name, ()))]
        if not found or (rule.needs == "vulnerable" and not vulnerable) or (rule.needs == "vulnerable_cold" and not (vulnerable and cold)):
            continue
        for name in rule.covers:
            covered.setdefault(name, []).extend(_sentence_span(text, m.start(), m.end()) for m in found)
        _add(hits, rule, [m.group(0) for m in found], vulnerable, text, received)
    for cue in found_cues:  # the rules on word pairs (rca.scoring.hazard_cues)
        if (cue.needs == "vulnerable" and not vulnerable) or (
                cue.needs == "vulnerable_cold" and not (vulnerable and cold)):
            continue
        _add(hits, cue, cue.words, vulnerable, text, received)
    if EMERGENCY in hits and SIGNIFICANT in hits:  # the same hazard is not listed twice
        said = {w.lower() for ws in hits[EMERGENCY].values() for w in ws}
        hits[SIGNIFICANT] = {r: ws for r, ws in hits[SIGNIFICANT].items() if not {w.lower() for w in ws} <= said}
        if not hits[SIGNIFICANT]:
            del hits[SIGNIFICANT]
    out = []
    for flag in _ORDER:
        if flag in hits:
            item = {"flag": flag, "title": TITLES[flag], "rules": [{"rule": r, "words": ws} for r, ws in hits[flag].items()],
                    "action": ACTIONS[flag]}
            if flag != SAFEGUARDING and _PRIVATE.search(text):
                item["note"] = PRIVATE_NOTE
            out.append(item)
    return out


def _add(hits: dict, rule, words: list[str], vulnerable: str | None, text: str, received: datetime | None) -> None:
    """Record a rule's words under its flag, with the resident (and cold season) a rule that needs them relied on."""
    if rule.needs:
        words = [*words, vulnerable]
        if rule.needs == "vulnerable_cold" and not _cold_months(received):
            words.append(_COLD_WORDS.search(text).group(0))
    said = hits.setdefault(rule.flag, {}).setdefault(rule.name, [])
    said += [w for w in words if w not in said]


def _extra_rules(extra: dict[str, list[str]] | None) -> tuple[Rule, ...]:
    rules = []
    for flag, terms in (extra or {}).items():
        if terms:
            alt = "|".join(re.escape(t.strip()) for t in terms if t.strip())
            rules.append(Rule(flag, "the council's own terms", _p(rf"(?<!\w)(?:{alt})(?!\w)"), home=flag != SAFEGUARDING))
    return tuple(rules)


CONFIG_KEYS = {"emergency_terms": EMERGENCY, "significant_terms": SIGNIFICANT, "safeguarding_terms": SAFEGUARDING}


def extra_terms(section: dict | None, *, source: str | None = None) -> dict[str, list[str]]:
    """A council's own terms from the config's `[triage]` table, by flag; E410 for a value that is not a list of words.

    >>> extra_terms({"emergency_terms": ["boiler flue hanging off"]})
    {'emergency_hazard': ['boiler flue hanging off']}
    """
    out: dict[str, list[str]] = {}
    for key in section or {}:
        if key not in CONFIG_KEYS:
            raise RcaError("E410", f"[triage] has no setting {key!r}; its settings are {', '.join(CONFIG_KEYS)}", file=source,
                           column=f"triage.{key}")
    for key, flag in CONFIG_KEYS.items():
        value = (section or {}).get(key)
        if value is None:
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise RcaError("E410", f"[triage] {key} must be a list of words or phrases, such as [\"boiler flue hanging off\"]; "
                                   f"got {value!r}", file=source, column=f"triage.{key}")
        out[flag] = [v.strip() for v in value]
    return out


def deadlines(flag: str, received: datetime, *, calendar=None) -> list[dict]:
    """The Awaab's Law deadlines for a hazard flag received at `received` (UK time), latest dates.

    Emergency: investigated and made safe within 24 hours. Significant: investigated within 10
    working days; the written summary within 3 working days, and safety works begun within 5
    working days, of the investigation concluding (dates shown if it takes the full 10 days).

    >>> [d["due"] for d in deadlines("significant_hazard", datetime(2025, 12, 19, 10, 0))]
    ['2026-01-07', '2026-01-12', '2026-01-14']
    """
    from datetime import timedelta

    from rca.ingest.working_days import add_working_days

    if flag == EMERGENCY:
        return [{"what": "investigate and make safe", "due": (received + timedelta(hours=24)).isoformat(sep=" ", timespec="minutes"),
                 "basis": "within 24 hours of receipt"}]
    if flag != SIGNIFICANT:
        return []
    investigate = add_working_days(received.date(), 10, calendar=calendar)
    return [{"what": "investigate", "due": investigate.isoformat(), "basis": "within 10 working days of receipt"},
            {"what": "written summary to the resident", "due": add_working_days(investigate, 3, calendar=calendar).isoformat(),
             "basis": "within 3 working days of the investigation"},
            {"what": "start safety works", "due": add_working_days(investigate, 5, calendar=calendar).isoformat(),
             "basis": "within 5 working days of the investigation"}]


def urgent(text: str, *, received: datetime, calendar=None, extra: dict[str, list[str]] | None = None) -> list[dict]:
    """`flags` with each hazard's deadlines (none where the text names a private landlord: the law does not bind one)."""
    out = flags(text, received=received, extra=extra)
    for item in out:
        item["deadlines"] = [] if item.get("note") else deadlines(item["flag"], received, calendar=calendar)
    return out


def evaluate(records: list[dict], *, extra: dict[str, list[str]] | None = None) -> dict:
    """Precision and recall of each flag on hand-labelled records ({text, received, emergency_hazard,
    significant_hazard, safeguarding}), with the texts each flag missed or raised wrongly."""
    from rca.ingest.received import parse_received

    out = {}
    raised = [{f["flag"] for f in flags(r["text"], received=parse_received(r.get("received")), extra=extra)} for r in records]
    for flag in _ORDER:
        tp = sum(bool(r[flag]) and flag in got for r, got in zip(records, raised))
        fp = [r["text"] for r, got in zip(records, raised) if not r[flag] and flag in got]
        fn = [r["text"] for r, got in zip(records, raised) if r[flag] and flag not in got]
        out[flag] = {"n_labelled": sum(bool(r[flag]) for r in records), "n_raised": tp + len(fp),
                     "precision": round(tp / (tp + len(fp)), 4) if tp + len(fp) else None,
                     "recall": round(tp / (tp + len(fn)), 4) if tp + len(fn) else None,
                     "false_positives": fp, "missed": fn}
    return out
