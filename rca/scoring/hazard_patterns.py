"""The phrase rules of the intake flags: fixed wordings ("smell of gas", "exposed wires") as
regular expressions, with the words around a match that make it something else, and the
words that say where the hazard is (a home, a public place, a private landlord) and who
lives there (a child, an older or ill resident). `rca.scoring.hazards` applies them.

>>> bool(RULES[0].pattern.search("I can smell gas in the kitchen"))
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rca.scoring.hazard_words import CRACKS, EMERGENCY, FALL_HAZARD, LEAK, SAFEGUARDING, SIGNIFICANT, TOILET_RULE

_I = re.IGNORECASE
# who lives there: a resident for whom no heating, or damp and mould, is an emergency
VULNERABLE = re.compile(
    r"\b(bab(?:y|ies)|new ?born|infant|toddler|twins|childrens?|child(?:ren)?|kids?|little (?:girl|boy|one|ones)|eczema|grandchild(?:ren)?|"
    r"pregnan\w*|expecting a baby|elderly|older (?:person|people|resident)|pensioner|\d{2}[- ]year[- ]old (?:mum|mother|dad|father|man|woman|lady)|"
    r"(?:mum|mother|dad|father|nan|gran|grandma|grandad) is (?:7|8|9)\d|aged (?:7|8|9)\d|disab\w*|wheelchair|"
    r"asthma\w*|copd|bronchi\w*|lung|chest infection|breathing (?:problems|difficulties)|respiratory|heart (?:condition|problems?|failure)|"
    r"cancer|chemo\w*|dementia|sickle cell|diabet\w*|immun\w*|epilep\w*|oxygen|medical condition|health condition|health problems?|"
    r"terminally ill|seriously ill|frail|vulnerable|multiple sclerosis|(?:have|has|with|got) (?-i:MS)|parkinson'?s|motor neurone|"
    r"cerebral palsy|dialysis|kidney (?:failure|disease)|cystic fibrosis|long covid|mobility (?:problems|issues)|arthritis|"
    r"inhaler|nebuli[sz]er|wheez\w*|bad chest|weak chest|heart bypass|pacemaker|angina|transplant|leuka?emia|lymphoma|"
    r"(?:just had|recovering from) (?:an? |his |her )?(?:operation|surgery)|(?:hip|knee) replacement|(?:who is|who's|is|aged) \d{1,2} (?:months?|weeks?)|(?:his|her|their) chest|stroke|heart attack|premature|sheltered (?:housing|flat|scheme))\b",
    re.IGNORECASE,
)
COLD_WORDS = re.compile(
    r"\b(freezing|bitterly cold|so cold|very cold|winter|snow\w*|frost\w*|ice cold|sub-?zero|"
    r"(?:below )?zero degrees|can see (?:my|our) breath)\b",
    re.IGNORECASE,
)
HOME = re.compile(
    r"\b(my|our|his|her|their|mum'?s|dad'?s) (?:council )?(?:flat|house|home|maisonette|bungalow|property|bedroom|kitchen|"
    r"bathroom|living room|lounge|hallway|loft|ceiling|walls?|windows?|boiler|toilet|stairs?|front door|back door|garden|balcony)\b|"
    r"\bthe (?:council )?(?:flat|house|home|maisonette|bungalow|property|bedroom|living room|lounge|hallway|loft)\b|\b(?:boiler|hot water|radiators?|airing cupboard|stopcock)\b|\b(?:council|housing association) "
    r"(?:flat|house|home|property|tenant)|\btenan(?:t|ts|cy)\b|\bi live\b|\bwe live\b|\brepairs?\b|\blandlord\b",
    re.IGNORECASE,
)
PUBLIC = re.compile(
    r"\b(?:library|canteen|caf[eé]|restaurant|shop|supermarket|park|playground|car park|high street|pavement|road ?works|"
    r"the street|in the road|on the road|the road|leisure centre|swimming pool|gym|offices?|reception|town hall|civic centre|(?<!to )(?<!from )(?<!at )(?<!'s )(?<!their )(?<!his )(?<!her )(?<!my )(?<!our )school|community centre|"
    r"church|(?:church|village|community|sports|school|town) hall|playgroup|"
    r"bus stop|market|allotment|play area)\b",
    re.IGNORECASE,
)
PRIVATE = re.compile(
    r"\b(private landlord|privately rent\w*|private(?:ly)? rented|letting agent|(?:i|we) own (?:my|our|the) "
    r"(?:home|house|flat)|owner[- ]occupier|my own house)\b",
    re.IGNORECASE,
)
# said just before a match: "there is no", "not", "never", "without any" (and not part of the rule's own words)
NEGATED = re.compile(
    r"(?:\b(?:no|not|never|nor|without|isn'?t|aren'?t|wasn'?t|weren'?t|hasn'?t|haven'?t|don'?t|doesn'?t|"
    r"didn'?t|has never|have never)\s+(?:(?:any|a|the|more|real|actual|visible|longer|signs? of|evidence of|"
    r"trace of|(?:problems?|issues?) with|\w+ (?:or|and))\s+){0,3}|\b(?:ruled out|nothing to do with|no sign of|no signs of)"
    r"\s+(?:any\s+|the\s+)?|\bused to (?:have|get)\s+(?:\w+\s+){0,2}?|\b(?:fixed|repaired|sorted(?: out)?|resolved|cleared|treated|got rid of|removed|fixing|repairing|"
    r"sorting(?: out)?|treating|clearing|removing|getting rid of)\s+"
    r"(?:the\s+|my\s+|our\s+|a\s+|all\s+the\s+)?)$",
    re.IGNORECASE,
)
# said just after a match: the hazard has been dealt with
RESOLVED = re.compile(
    r"^[^.!?]{0,30}?\b(?:has|have|was|were|got|is|are)\s+(?:now\s+|since\s+|already\s+|all\s+)?(?:been\s+)?"
    r"(?:fixed|repaired|resolved|sorted|made safe|cleared|treated|removed|capped|isolated|gone(?!\s+(?:through|in|into|down|off|up|out|mouldy|black|soft|rotten|again|worse|bad|cold|back))|back on|"
    r"safe now|all safe)\b|^[^.!?]{0,90}?\b(?:no (?:more )?(?:issues|problems?|trouble) since|been fine (?:ever )?since)\b|^,? (?:which|that) ?(?:is|'s) (?:fine|ok|okay)\b|^[^.!?]{0,90}?\bnothing to worry about\b",
    re.IGNORECASE,
)


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


def p(text: str) -> re.Pattern:
    return re.compile(text, re.IGNORECASE)


_DAMP = (
    r"\b(damp(?! patch)|mou?ld(?:y|s)?|black (?:spots|mould|mold|stuff|fuzz)|condensation|mildew|fungus|fungi|spores|"
    r"mushrooms? (?:are |is )?(?:growing|sprouting|coming)|(?:black|green|grey|white) (?:fur|fuzz|furry stuff)|"
    r"walls? (?:[\w']+ ){0,5}?(?:are|is) (?:\w+ )?(?:black and wet|wet and black|soaking wet|wringing wet|running with water|always wet))\b"
)
_NOT_DAMP = p(
    r"\b(?:bread|food|fruit|cheese|sandwich\w*|canteen|cake|jelly|clay|plaster cast|(?:garden )?fences?|shed|decking|garden furniture|damp[- ]proof course (?:survey|quote)|"
    r"dampen\w*|damper|freedom of information|foi|statistics|figures|damp (?:and mould )?(?:policy|strategy|statistics|figures|complaints)|(?:meeting|talk|event|workshop|seminar|drop-?in|campaign) (?:about|on) damp|"
    r"(?:number|numbers) of (?:damp|mould)|damp (?:and mould )?(?:compensation|claim|payment|offer|report))\b"
)
_NO_HEAT = (
    r"\b(?:no (?:heating|heat|hot water|gas supply)(?! detector| alarm| sensor)|(?:not|haven'?t|hasn'?t|have not|has not) (?:had|got) (?:any )?(?:heating|heat|hot water)|"
    r"(?:heating|hot water|radiators?|boiler)(?: [\w']+){0,3}? (?:is |are |has |have |was |keeps )?(?:been |kept )?"
    r"(?:not working|isn'?t working|aren'?t working|broken|broke down|broken down|stopped working|gone off|off for|failed|"
    r"packed up|packed in|given up|gave up|conked out|died|kaput|knackered|bust|condemned|capped off|cutting out|on and off|"
    r"playing up|on the blink|out of action|coming and going|lukewarm|losing pressure|lost pressure|(?:stone |ice |freezing )?cold)|"
    r"boil(?:ing)? (?:the )?kettles? to (?:wash|bath|get washed|have a wash)|cold showers|"
    r"(?:heating|hot water|radiators?|boiler)(?: [\w']+){0,2}? (?:is|are|was|were|has been|have been|keeps going|keeps turning|"
    r"went|goes|turned|switched) off|"
    r"without (?:any )?(?:heating|heat|hot water)|(?:heating|boiler|hot water) off (?:again|since|for|all)|(?:heating|boiler|radiators?) (?:doesn'?t|does not|don'?t|won'?t|will not) "
    r"(?:work|come on|fire|heat up))\b"
)
_NOT_GAS = p(
    r"\b(?:gas (?:bill|meter reading|account|supplier|tariff|safety certificate renewal|cooker (?:removal|disposal))|"
    r"gas(?:es)? from (?:the )?(?:bins?|lorr(?:y|ies)|traffic|cars?)|traffic fumes|exhaust)\b"
)
_NOT_LEAK = p(r"\b(?:data|information|details|personal|email|documents?|press|media|story|bin lorry|lorry|bins?|car|oil from|gas)\b")
_ELECTRIC_PARTS = r"(?:sockets?|plug sockets?|switch(?:es)?|light switch(?:es)?|fuse ?box|consumer unit|light fittings?|wiring|wires|cables?|electrics|plugs?|(?:extractor )?fan)"
_CHILD = (
    r"(?:child(?:ren)?|kids?|bab(?:y|ies)|toddlers?|infants?|little (?:boy|girl)|(?:the|a|my|her|his|their|our) (?:son|daughter|boy|girl|"
    r"step(?:son|daughter))|teenage(?:r|rs| son| daughter| girl| boy)|young (?:girls?|boys?|lads|kids|teens?)|"
    r"(?:looks?|looked|aged|about|around) (?:about |around )?1[0-7]\b|\d{1,2}[- ]year[- ]old|(?:foster|looked after) (?:child|son|daughter))"
)
_CHILD_HARM = (
    r"(?:abus\w+|neglect\w*|hit(?:s|ting)? (?:him|her|them|one of|the (?:child|kid|boy|girl|baby))|(?:being|been|was|were|got|getting) hit|beat(?:s|ing|en)?|slap\w*|punch\w*|kick(?:s|ed|ing)?|hurt(?:s|ing)?|starv\w*|smack\w*|"
    r"bruis\w*|locked (?:in|up|out)|left (?:on (?:their|his|her) own|home alone|alone)|scream(?:s|ing)? at|shout(?:s|ing)? at|"
    r"threaten\w*|groom\w*|exploit\w*|not (?:being )?fed|isn'?t (?:being )?fed|unfed|underfed|cr(?:y|ies|ying) for hours|"
    r"out at all hours|getting into cars|older men|older (?:boys|lads)|scared to go home|afraid to go home|sleeping rough|sexual\w*|"
    r"(?:giv\w*|gave|buy\w*|bought|offer\w*|suppl\w*|sell\w*|sold)\s+(?:[\w']+\s+){0,4}?(?:alcohol|booze|vodka|drugs|weed|cannabis|vapes?|lifts)|"
    r"(?:made|making|make|forced|forcing|used) (?:him|her|them) (?:to )?(?:carry|deliver|sell|hold|run)|"
    r"expos(?:ing|ed|es) (?:himself|herself|themselves)|flash(?:ing|ed|es) (?:at )?|at midnight|in the middle of the night|"
    r"in (?:his|her|their) pyjamas|wandering (?:the streets|about|around)|"
    r"(?:bring\w*|brought|tak\w*|took|invit\w*) (?:[\w']+ ){0,3}?(?:back )?(?:to|into) (?:his|their) (?:flat|house|place|car|room))"
)
_ADULT = (
    r"(?:(?:elderly|vulnerable|disabled|frail|confused|blind|deaf|housebound|bedbound|old|older) (?:man|woman|lady|gentleman|neighbour|"
    r"mother|father|mum|dad|resident|person|people|tenant|aunt|uncle|brother|sister|brother'?s|sister'?s|man'?s|woman'?s)|"
    r"(?:mum|dad|mother|father|brother|sister|he|she) (?:has|with) (?:dementia|learning disabilit\w+|alzheimer\w*)|"
    r"(?:mum|dad|mother|father) is (?:bedbound|housebound|bed-bound))"
)
_ADULT_HARM = (
    r"(?:neglect\w*|not (?:been )?eating|no food|without food|starving|lying on the floor|fallen|fell|left (?:alone|in bed|in soiled|"
    r"in dirty)|soiled|wandering|wanders|taking (?:his|her|their) (?:money|pension)|taking money|takes (?:his|her|their|my) (?:money|pension)|"
    r"financial(?:ly)? abus\w*|scammed|exploit\w*|cuckoo\w*|bruis\w*|hit|abus\w*|threaten\w*|hoard\w*|no carer|"
    r"not (?:been )?(?:seen|heard from)|hasn'?t been seen|using (?:his|her|their) flat|taking over)"
)

TOILET = TOILET_RULE
RULES: tuple[Rule, ...] = (
    Rule(
        EMERGENCY,
        "gas smell or leak",
        p(
            r"\b(?:(?:smell|whiff|stink|reek|stench|pong|odour|odor)(?:s|ing|t|ed|y)? (?:of |like )?gas|gas(?:sy)? (?:smell|leak|escape|fumes)s?|"
            r"(?:fumes|soot|sooty|black marks) (?:\w+ ){0,3}?(?:from|round|around|above|on|coming out of) (?:the |my |our )?(?:boiler|gas fire|flue|cooker)|"
            r"(?:boiler|gas fire|flue) (?:\w+ ){0,2}?(?:giving off|letting out|leaking|puffing out|blowing out) (?:\w+ )?fumes|"
            r"(?:boiler|gas fire|gas|hob) flames? (?:is |are |has |have )?(?:gone |turned |burning )?(?:orange|yellow)|"
            r"leak(?:ing|s)? gas|gas (?:is |was )?(?:leaking|escaping)|"
            r"carbon monoxide|co (?:alarm|detector)|gas alarm|smell(?:s|ing)? (?:like|of) (?:rotten )?eggs?|rotten[- ]eggs? smell|(?:left|leaving|leaves|leave) the gas on)\b"
        ),
        unless=_NOT_GAS,
        covers=(LEAK,),
    ),
    Rule(
        EMERGENCY,
        "exposed or dangerous electrics",
        p(
            r"\b(?:(?:exposed|bare|live|hanging|dangling|sparking|burnt|burned|melted|melting|scorched|smoking) (?:electric(?:al)? )?"
            r"(?:wires?|wiring|cables?|sockets?|electrics|fuse ?box|consumer unit|switch(?:es)?)|"
            rf"{_ELECTRIC_PARTS}(?: [\w']+){{0,4}}? (?:is |are |keeps? |kept |was |were |has |have )?(?:been |started |all )?"
            r"(?:sparking|sparks?|smoking|burning|buzzing|melting|melted|scorched|exposed|hanging (?:out|down|off)|dangling|live|showing|sticking out|"
            r"poking out)|(?:belt|tingle|zap|jolt|shock)s? (?:off|from) (?:the |a |my )?(?:[\w']+ ){0,2}(?:switch|socket|plug|light|taps?|(?:towel )?rails?|pipes?|bath|sink|door handle|"
            r"cooker|oven|shower|radiator|kettle|fridge|fuse ?box|electrics)|"
            r"electric(?:al)? shocks?|(?:got|get|getting|gave (?:me|him|her|us)) (?:an? )?electric shocks?|"
            rf"water (?:is )?(?:coming|pouring|dripping|leaking|running|getting) (?:in)?to (?:the )?{_ELECTRIC_PARTS}|"
            rf"{_ELECTRIC_PARTS} (?:full of|filling with|dripping with) water)\b"
        ),
        unless=p(
            r"\b(?:(?:tv|aerial|satellite|broadband|internet|xbox|playstation|phone|laptop|charger) (?:\w+ )?(?:wires?|cables?|box|leads?)|"
            r"(?:wires?|cables?|leads?) (?:from|for|of) (?:the |my )?(?:tv|aerial|satellite|broadband|internet|xbox|phone))\b"
        ),
        covers=(LEAK,),
    ),
    Rule(EMERGENCY, "no heating or hot water with a vulnerable resident in the cold months", p(_NO_HEAT), needs="vulnerable_cold"),
    Rule(
        EMERGENCY,
        "damp or mould with a child, a pregnancy or a health condition",
        p(_DAMP),
        unless=_NOT_DAMP,
        needs="vulnerable",
        covers=(LEAK,),
    ),
    Rule(
        EMERGENCY,
        "ceiling or structure collapsing",
        p(
            r"\b(?:(?:ceiling|roof|wall|floor|floorboards|stairs?|staircase|steps?|balcony|chimney|joists?)(?: [\w']+){0,3}? (?:has |have |is |are |was |were )?"
            r"(?:collapsed|collapsing|caved in|caving in|fallen in|fell in|falling in|coming down|came down|falling down|fell down|giving way|"
            r"gave way|given way|crumbling|about to (?:collapse|fall|come down|give way))|about to collapse|caved in|"
            r"(?:collapsed|collapsing) (?:ceiling|roof|wall|floor|stairs|balcony)|structural(?:ly)? (?:unsafe|unsound|collapse)|"
            r"(?:chunk|part|piece|section) of (?:the |my |our )?(?:\w+ )?(?:ceiling|roof|wall) (?:has )?(?:fell|fallen|came|come) (?:in|down|off))\b"
        ),
        covers=(LEAK, CRACKS),
    ),
    Rule(
        EMERGENCY,
        "sewage in the home",
        p(
            r"\b(?:(?:raw )?sewage|sewer (?:is )?(?:flooding|overflowing|backing up|coming up)|toilet (?:is |keeps )?(?:overflowing|backing up|flooding)|"
            r"(?:sewer|sewage|foul|waste) water|effluent|(?:faeces|poo|excrement|human waste|toilet water)[^.!?]{0,30}?(?:coming up|coming out|"
            r"coming back|backing up|everywhere|on the floor|in the (?:bath|shower|sink))|"
            r"drains? (?:are |is |keeps? )?(?:backing up|overflowing|coming up) (?:in|into|through) (?:the |my |our )?"
            r"(?:kitchen|bath|shower|sink|house|flat|home|garden|toilet))\b"
        ),
        unless=p(r"\b(?:sewage works|treatment works|sewage plant|sewage treatment|water company'?s? works)\b"),
        covers=(LEAK, TOILET),
    ),
    Rule(
        EMERGENCY,
        "water pouring into the home",
        p(
            r"\b(?:(?:water|rain|rainwater) (?:is |has been |keeps )?(?:pouring|gushing|flooding|cascading|streaming|spurting|spraying|shooting|jetting|squirting) "
            r"(?:in|through|down|from|into|out|everywhere|all over|across)|burst (?:water )?pipe|"
            r"(?:flat|house|home|kitchen|bathroom|bedroom|hallway|property|basement) (?:is |was |has )?(?:been )?(?:flooding|flooded|under water)|"
            r"ceiling (?:is |keeps )?(?:pouring|gushing) (?:with )?water|like a waterfall|"
            r"flood(?:ing|ed|s)? (?:the |my |our )?(?:flat|house|home|kitchen|bathroom|bedroom|hallway|property|downstairs|flat below|"
            r"kitchen below|bathroom below|neighbour'?s? (?:flat|kitchen|bathroom))|like a river|"
            r"(?:pipe|tank|cylinder|water main)s? (?:\w+ ){0,4}?(?:has |have |had |is |was )?(?:burst|split|bust)|"
            r"(?:flat|house|home|kitchen|bathroom|bedroom|hallway|floor) (?:is |was )?under (?:\w+ ){0,3}?water)\b"
        ),
        unless=p(r"\b(?:road|street|park|drain on the|gully|pavement)\b"),
        covers=(LEAK,),
    ),
    Rule(
        EMERGENCY,
        "home cannot be secured",
        covers=("broken window",),
        pattern=p(
            r"\b(?:(?:front|back|main|entrance|external|flat) door(?: [\w']+){0,3}? (?:won'?t|will not|doesn'?t|does not|can'?t|cannot|no longer) "
            r"(?:lock|close|shut|be locked)|(?:can'?t|cannot|unable to|no way to) (?:lock|secure) (?:my|the|our) (?:front |back )?(?:door|home|flat|house)|"
            r"(?:front|back) door (?:was |has been |is )?(?:kicked in|smashed|broken in|hanging off)|"
            r"(?:broken|smashed) (?:front|back|entrance) door|(?:front|back) door (?:lock )?(?:is )?broken|lock (?:is |has )?broken)\b"
        ),
    ),
    Rule(
        EMERGENCY,
        "no working smoke alarm or fire door",
        p(
            r"\b(?:no (?:working )?smoke (?:alarm|detector)s?|smoke (?:alarm|detector)s?(?: [\w']+){0,3}? (?:is |are |has |have |was |were )?(?:not working|"
            r"broken|missing|been removed|removed|taken down|never (?:been )?fitted|do(?:es)?n'?t work)|fire doors?(?: [\w']+){0,4}? (?:is |are )?(?:broken|"
            r"missing|removed|won'?t close|propped open|doesn'?t close|wedged open|held open|tied open|kept open|jammed open|"
            r"won'?t shut|doesn'?t shut|don'?t (?:close|shut)|(?:has|have) no closers?))\b"
        ),
    ),
    Rule(
        EMERGENCY,
        "asbestos disturbed",
        p(
            r"\b(?:asbestos(?: [\w']+){0,4}? (?:is |are |was |were )?(?:exposed|disturbed|damaged|broken|crumbling|dust|cracked)|"
            r"(?:drilled|drilling|sanded|sanding|smashed|broke|broken|cut|cutting) (?:into |through )?(?:the |an |some )?(?:\w+ )?asbestos)\b"
        ),
    ),
    Rule(
        EMERGENCY,
        "no water supply",
        p(
            r"\b(?:no (?:running |cold )?water (?:at all|in the (?:flat|house|property|block)|coming (?:out|from|through)|from (?:the|any|my) taps?)|"
            r"(?<!hot )(?:water|water supply)(?:'s| has| is| was| got)?(?: been)? (?:cut off|off)(?: [\w']+){0,4}? (?:for|since)|"
            r"without (?:any )?(?:running )?water|nothing (?:is )?(?:coming|comes) out of (?:the |any |my )?(?:\w+ )?taps?|"
            r"taps? (?:are |is )?(?:bone )?dry)\b"
        ),
    ),
    Rule(SIGNIFICANT, "damp or mould", p(_DAMP), unless=_NOT_DAMP),
    Rule(SIGNIFICANT, "no heating or hot water", p(_NO_HEAT)),
    Rule(
        SIGNIFICANT,
        LEAK,
        p(
            r"\b(?:leak(?:s|ing|ed|y)?|(?:water|rain|rainwater) (?:is |keeps )?(?:com(?:es|ing)|drip\w*|get(?:s|ting)|seep\w*|runs?|running) "
            r"(?:in|through|into|down the (?:inside|walls?))|drips? (?:from|through) the ceiling|"
            r"damp patch(?:es)?|rainwater coming in|drip(?:s|ping)? (?:\w+ )?(?:from|under|through|out of) (?:the |a )?(?:\w+ )?"
            r"(?:pipe|ceiling|sink|valve|roof|cistern|tank|boiler|cylinder|bath)|(?:pipe|valve|cistern|tank|ceiling|roof|boiler)s? "
            r"(?:is |are |keeps )?dripping)\b"
        ),
        unless=_NOT_LEAK,
    ),
    Rule(
        SIGNIFICANT,
        "pests in the home",
        p(
            r"\b(?:rats?|mice|(?:a|the|one|another) mouse|mouse droppings|rodents?|cockroach(?:es)?|bed ?bugs|vermin|infest(?:ed|ation)|squirrels in the loft|"
            r"pigeons (?:are )?(?:nesting|in the loft|in the roof)|ants\b(?! nest)|squirrels[^.!?]{0,30}\b(?:loft|roof|attic|walls?)|wasps?'? nests?|hornets|fleas|maggots|silverfish|ants'? nests?)\b"
        ),
        unless=p(
            r"\b(?:park|bins? (?:area|store) on the street|fly[- ]?tip\w*|high street|smell(?:s|ed|t)? a rat|rat race|rat run\b(?! across| over| under| behind| into| up the| down the)|love rat)\b"
        ),
    ),
    Rule(
        SIGNIFICANT,
        FALL_HAZARD,
        p(
            r"\b(?:(?:broken|loose|missing|rotten|rotting|collapsed|uneven|wobbly) (?:stairs?|steps?|staircase|handrails?|banisters?|"
            r"stair ?rails?|stair carpet|floorboards?|floor)|(?:handrails?|banisters?|stair ?rails?|stair carpet|floorboards?|steps?|stairs)"
            r"(?: [\w']+){0,5}? (?:is |are |has |have )?(?:come )?(?:loose|broken|missing|rotten|wobbly|come away|came away|crumbled|crumbling)|"
            r"trip hazard|trip(?:ped|s)? (?:up )?(?:on|over) (?:the |a |that )?(?:\w+ )?(?:step|steps|stair|stairs|paving|slab|floor|carpet|hole|"
            r"floorboard|threshold|path))\b"
        ),
    ),
    Rule(
        SIGNIFICANT,
        "broken window",
        p(
            r"\b(?:(?:broken|smashed|cracked|rotten|rotting|shattered) (?:window|pane|glass|window frame)s?|windows?(?: [\w']+){0,4}? "
            r"(?:won'?t|will not|doesn'?t|does not|can'?t|cannot) (?:close|shut|lock)|windows?(?: [\w']+){0,4}? (?:is |are )(?:smashed|broken|"
            r"cracked|rotten|rotting|shattered|falling out)|window (?:frame )?(?:is )?(?:falling out|fell out|hanging off))\b"
        ),
    ),
    Rule(
        SIGNIFICANT,
        CRACKS,
        p(
            r"\b(?:(?:large|big|huge|deep|wide|growing|spreading) cracks? (?:in|across|along|up|down) (?:the |my |our )?(?:[\w']+ ){0,2}(?:walls?|ceilings?|"
            r"floor|chimney|render|house|building|brickwork|bungalow|side of the house|gable)|subsidence|"
            r"cracks? (?:[\w']+ ){0,8}?(?:getting|got|growing|gets) (?:wider|bigger|longer|worse))\b"
        ),
    ),
    Rule(
        SIGNIFICANT,
        TOILET,
        p(
            r"\b(?:(?:only )?toilet (?:is |has been )?(?:broken|not working|blocked|won'?t flush|doesn'?t flush|out of order|unusable)|"
            r"(?:shower|bath) (?:is |has been )?(?:broken|not working|unusable) (?:for|since))\b"
        ),
    ),
    # safeguarding: harm words beside a child or an adult at risk (either order, in one sentence), abuse, self-harm
    Rule(
        SAFEGUARDING,
        "possible harm or neglect of a child",
        p(
            rf"\b(?:child (?:protection|abuse|neglect|sexual exploitation|criminal exploitation)|{_CHILD_HARM}[^.!?]{{0,50}}\b{_CHILD}|"
            rf"{_CHILD}[^.!?]{{0,50}}\b{_CHILD_HARM}|(?:giv\w*|gave|buy\w*|bought|offer\w*|suppl\w*|sell\w*|sold) (?:the |them |those |some )?"
            rf"(?:\w+ )?{_CHILD}s? (?:alcohol|booze|vodka|drugs|weed|cannabis|vapes?|lifts|cigarettes)|county lines|fgm|female genital mutilation|forced marriage)\b"
        ),
        unless=p(
            r"\b(?:training|course|policy|e-?learning|workshop|barrier|ball|football|allegation|decision|swing|playground|trampoline|"
            r"(?:could|might|will|would|going to|gonna) get hurt|"
            r"(?:lorry|van|car|bus|bike|cyclist|driver)s? (?:\w+ ){0,2}(?:hit|knocked|ran|nearly|almost|reversed|kicked|smashed)|"
            r"(?:hit|knocked (?:down|over)) by (?:a |the )?(?:lorry|van|car|bus|bike|cyclist))\b"
        ),
        home=False,
    ),
    Rule(
        SAFEGUARDING,
        "possible risk to a vulnerable adult",
        p(
            rf"\b(?:{_ADULT}[^.!?]{{0,60}}\b{_ADULT_HARM}|{_ADULT_HARM}[^.!?]{{0,60}}\b{_ADULT}|self[- ]neglect\w*|cuckooing|financial abuse|"
            r"(?:carers?|care workers?) (?:didn'?t|did not|never|haven'?t|have not) (?:come|turn(?:ed)? up|arrive\w*|visit\w*)[^.!?]{0,60}\b"
            r"(?:no food|not eaten|without (?:food|medication|meds)|medication|soiled|on the floor|in bed all day|could have died)|"
            r"(?:missed|no) (?:care )?visits?[^.!?]{0,40}\b(?:no food|medication|soiled|on the floor)|"
            r"(?:sent home|discharged|came home|come home|home) from hospital[^.!?]{0,60}\b(?:no|without (?:any |a )?)(?:care|support|carers?|package)|"
            r"no care package|living in (?:filth|squalor)|going through (?:the )?bins for food|(?:is|he'?s|she'?s|been|keeps) hoarding|"
            r"compulsive hoard\w*|a hoarder|(?:carers?|care workers?|care agency|support worker)[^.!?]{0,80}\b(?:nobody|no one|no-one) "
            r"(?:came|turned up|showed up|arrived|has been|visited))\b"
        ),
        unless=p(r"\b(?:training|course|policy|e-?learning|workshop|blue badge|parking)\b"),
        home=False,
    ),
    Rule(
        SAFEGUARDING,
        "domestic abuse",
        p(
            r"\b(?:domestic (?:abuse|violence)|(?:my|her|his) (?:partner|ex|ex-partner|husband|wife|boyfriend|girlfriend|stepdad|stepfather) "
            r"(?:hits|hit|beats|beat|punched|strangled|choked|threatens|threatened|assaulted|attacks|attacked|hurts|hurt|is violent|controls)|"
            r"coercive control|fleeing (?:violence|abuse|my (?:partner|ex|husband))|women'?s refuge|non[- ]molestation order|"
            r"restraining order|occupation order|marac|idva|(?:women'?s |a |about |into |to |in )refuges?|put (?:me|her) in hospital|"
            r"scream\w*[^.!?]{0,40}?(?:help(?: me)?|get off (?:me|her)|let me go|stop hurting me|(?:he'?s|he is) (?:going to )?kill(?:ing)? me|"
            r"don'?t hurt me|leave me alone)\b|(?:heard|hear|hearing) (?:him|a man|her partner|the man) (?:hitting|beating|attacking|strangling)|"
            r"(?:heard|hear|hearing) (?:the |a |my |his |her )?(?:woman|man|girl|boy|lady|child|children|kids?|her|him|mum|wife|partner)\b[^.!?]{0,30}\bbeing (?:beaten|hit|battered|strangled|attacked)|"
            r"(?:he|she|partner|husband|wife|boyfriend|girlfriend) controls (?:all )?(?:the|my|our) money)\b"
        ),
        unless=p(r"\b(?:training|course|policy|e-?learning|workshop)\b"),
        home=False,
    ),
    Rule(
        SAFEGUARDING,
        "self-harm or suicide",
        p(
            r"\b(?:suicid\w*|kill (?:myself|himself|herself|themselves)|end (?:it|my) all|end(?:ing)? it all|"
            r"end(?:s|ed|ing)? (?:my|his|her|their|your) (?:own )?life|"
            r"(?:tablets|pills|meds|medication) (?:\w+ ){0,2}saved up|"
            r"take (?:my|his|her|their) own life|self[- ]harm\w*|harming (?:myself|himself|herself)|want(?:s|ed)? to die|"
            r"don'?t want to (?:live|be here)|overdose\w*|(?:can'?t|cannot) go on (?:like this|any ?more|living)|"
            r"(?:take|taking|took) (?:my|his|her|their) (?:own )?life|(?:i'?ll|she'?ll|he'?ll|(?:i|she|he) will|going to|gonna) ['‘\"]?end it|"
            r"(?:no ?one|nobody) would (?:notice|care) if (?:i|she|he)\b|(?:no ?one|nobody) would miss (?:me|her|him)|saving up (?:my|his|her|their) (?:tablets|pills|meds|medication)|"
            r"stockpil\w* (?:my |his |her |their )?(?:tablets|pills|meds|medication)|hang (?:myself|himself|herself)|"
            r"(?:can'?t|cannot) carry on|(?:see|is) no way out|rather be dead|better off (?:dead|without me))\b"
        ),
        unless=p(r"\b(?:training|course|policy|e-?learning|workshop|prevention|leaflet|poster|campaign|awareness)\b"),
        home=False,
    ),
)
