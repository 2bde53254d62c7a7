"""General forms of the hazards and risks: described by their signs and effects rather than named.

A resident rarely names the hazard ("carbon monoxide", "subsidence", "grooming"); they say what
they see: a headache every evening by the boiler, doors sticking and cracks opening up, a coach
texting their son late at night and telling him not to tell. These rules add such forms beside
the phrase rules (`rca.scoring.hazard_patterns`) and word-pair rules (`rca.scoring.hazard_cues`);
`rca.scoring.hazards` applies them the same way (negated, fixed, hypothetical or public-place
matches do not count). A question about a policy or a hypothetical case ("if the boiler ever
breaks down in winter, what is your response time?") raises nothing (`hypothetical`).

>>> bool(RULES[0].pattern.search("a sort of sweet chemical smell round the boiler"))
True
"""

from __future__ import annotations

import re

from rca.scoring.hazard_patterns import Rule, p
from rca.scoring.hazard_words import CRACKS, EMERGENCY, LEAK, SAFEGUARDING, SIGNIFICANT, TOILET_RULE, kind

_APPLIANCE = r"(?:boiler|gas fire|gas heater|flue|pilot light|cooker|hob|gas meter|water heater|back boiler)"
_SYMPTOM = (
    r"(?:headaches?|head (?:is |keeps )?(?:pounding|banging|thumping)|dizz(?:y|iness)|drows(?:y|iness)|nause(?:a|ous)|"
    r"feel(?:ing|s)? (?:sick|faint|sleepy)|pass(?:ed|ing)? out|fainted)"
)
_OLD = (
    r"(?:elderly|older|frail|nan|nana|gran|granny|grandma|grandad|grandfather|grandmother|old (?:lady|man|woman|gentleman|couple)|vulnerable|pensioner|dementia|alzheimer'?s|\b(?:[6-9]\d|1[01]\d)[- ](?:year|yr)s?[- ]old|"
    r"in (?:her|his|their) (?:7|8|9)0s|aged (?:[7-9]\d)|\((?:aged )?[6-9]\d\)|(?:is|turned) [7-9]\d\b)"
)
# money handed to strangers: "paid them thousands", "gave those men £4,000", "moved his savings"
_HANDED = (
    r"(?:(?:paid|pay|paying|handed over|given|gave|giving) (?:to )?(?:them|him|those men|the men|some men|a man|strangers?|cold callers?|"
    r"builders?|workmen|traders?)\b(?: \w+){0,2}? (?:£\s?\d{1,3},?\d{3}|thousands|(?:all )?(?:his|her|their) (?:life )?savings)|"
    r"(?:moved|transferred|handed over|withdrew|withdrawn) (?:all )?(?:of )?(?:his|her|their) (?:life )?savings|"
    r"(?:sent|send|sending|paid|pay|paying) (?:them|him|the callers?|these people) (?:money|cash|£)|fake lottery|lottery scam|"
    r"(?:given|gave|give|giving) (?:them|him|the callers?) (?:her|his|their) (?:bank |card |bank card )?(?:details|pin|card)|borrow\w* money (?:off|from) (?:her|him|them)|(?:has|got|taken|took) (?:her|his|their) bank (?:details|card)|"
    r"(?:took|taken|taking|conned|scammed|had) (?:£\s?[\d,]+|thousands|hundreds|cash|money|savings)(?: \w+){0,2}? (?:off|from|out of) "
    r"(?:her|him|them)\b)"
)
_GROWN = r"(?:man|men|woman) in (?:his|their|her) (?:twenties|thirties|forties|fifties|sixties|[2-6]0s)"
_CHILD_AGE = r"(?:(?:no older than|under|aged?|about|around|only|maybe|probably) 1[0-7]\b|year (?:[5-9]|1[01])\b)"

RULES: tuple[Rule, ...] = (
    Rule(
        EMERGENCY,
        "gas smell or leak",
        p(
            rf"\b(?:(?:hob|cooker|gas pipe|gas meter|gas fire)[^.!?]{{0,20}}\bhiss\w*|gas (?:hob|cooker|fire|heater)[^.!?]{{0,60}}\bsmell|hiss\w*[^.!?]{{0,40}}\b(?:gas pipe|meter|hob|cooker|"
            rf"gas fire)|{_SYMPTOM}[^.!?]{{0,100}}\b(?:gas boiler|gas fire|carbon monoxide)|(?:rotten cabbage|sulph\w+|sulf\w+) smell|"
            rf"smell(?:s)? (?:\w+ )?(?:of |like )(?:rotten cabbage|sulph\w+|sulf\w+)|(?:smell|odour|stink|whiff)[^.!?]{{0,40}}\b(?:near|by|"
            rf"round|around|from|at) (?:the |my |our )?(?:gas )?meter\b|egg(?:y)? smell|smell(?:s|ing)? (?:\w+ )?(?:of |like )eggs|(?:funny|strange|weird|chemical|sweet|odd|eggy|burning) "
            rf"(?:\w+ )?(?:smell|odour|fumes)[^.!?]{{0,40}}\b{_APPLIANCE}|{_APPLIANCE}[^.!?]{{0,40}}\b(?:funny|strange|weird|chemical|"
            rf"sweet|odd|eggy) (?:\w+ )?(?:smell|odour|fumes)|pilot light (?:keeps |has )?(?:going|gone|goes|went) out[^.!?]{{0,80}}"
            rf"\b(?:smell|{_SYMPTOM})|{_APPLIANCE}[^.!?]{{0,80}}\b{_SYMPTOM}|{_SYMPTOM}[^.!?]{{0,60}}\b(?:when|whenever|every time|if) "
            rf"(?:the |my |our |i |we )?(?:\w+ )?(?:boiler|gas fire|heating|cooker|hob)\b)"
        ),
        unless=p(r"\b(?:gas bill|bill|tariff|noise|noisy|stress\w*)\b"),
    ),
    Rule(
        EMERGENCY,
        "exposed or dangerous electrics",
        p(
            r"\b(?:(?:thrown|knocked|jolted) back (?:when|as|after) (?:i|he|she|we|they|my \w+) touch\w*|touch(?:ed|es|ing)?\b(?! base)[^.!?]{0,80}\b(?:tingl\w+|"
            r"shock(?:ed)?))\b"
        ),
    ),
    Rule(
        EMERGENCY,
        "water in the electrics",
        p(
            r"\b(?:(?:water|rain|rainwater)[^.!?,]{0,60}\b(?:into|in|behind|onto|on|through|round|around) (?:the )?(?:back of )?"
            r"(?:the |a |my |our )?(?:plug )?(?:sockets?|light fittings?|light switch(?:es)?|switch(?:es)?|fuse ?box|consumer unit|electrics|"
            r"electric meter)|(?:electrics|fuses?|lights?|power) (?:\w+ )?trips? (?:out )?(?:every time|whenever|when) (?:it|the rain) rains?)\b"
        ),
        unless=p(r"\b(?:no water|not water|dry)\b"),
        covers=(LEAK,),
    ),
    Rule(
        EMERGENCY,
        "possible carbon monoxide: a flue, fumes or smoke from a gas appliance",
        p(
            r"\b(?:flues?[^.!?]{0,40}\b(?:come loose|loose|come apart|disconnected|detached|cracked|hanging|black|sooty|soot|gap|"
            r"not sealed|isn'?t sealed|unsealed|fumes|leak\w*)|"
            r"(?:smoke|smoking)[^.!?]{0,40}\b(?:boiler|gas fire|gas heater|back boiler)|(?:boiler|gas fire|gas heater) (?:is |keeps )?smoking)\b"
        ),
        unless=p(r"\b(?:smoke alarm|smoke detector|cigarette|smokers?|vape)\b"),
    ),
    Rule(
        EMERGENCY,
        "no water supply",
        p(
            r"\b(?:not a drop (?:of water )?(?:from|out of|coming out of)|(?<!hot )(?<!warm )no (?:running |mains |cold )?water"
            r"(?: supply)?(?: at all)? (?:since|for (?:\d+|a|two|three|four|over|several|the)|to the (?:property|flat|house|block))|"
            r"(?:had|have|got|been) no (?:running |mains |cold )?water|(?<!hot )no (?:running |cold )?water (?:to|in) (?:the )?(?:kitchen|bathroom|"
            r"flat|house|property|taps))\b"
        ),
        covers=(LEAK,),
    ),
    Rule(
        EMERGENCY,
        "sewage in the home",
        p(
            r"\b(?:(?:toilet|human) waste[^.!?]{0,40}\b(?:leak\w*|coming|dripping|pouring|through|into|on the floor)|flush\w*[^.!?]{0,40}\b(?:comes?|coming|came|bubbl\w+|back\w*) (?:back )?up (?:in|into|through) (?:the |our |my )?"
            r"(?:bath|shower|sink|toilet|kitchen)|(?:toilet (?:paper|roll|tissue)|poo|faeces|excrement)[^.!?]{0,40}\bin (?:the |our |my )?"
            r"(?:bath|shower|sink|kitchen))\b"
        ),
        covers=(LEAK, TOILET_RULE),
    ),
    Rule(
        EMERGENCY,
        "asbestos disturbed",
        p(
            r"\b(?:(?:drill\w*|sand\w*|scrap\w*|smash\w*|snapp\w*|broke|broken|cut|cutting) (?:into |through |off |up )?(?:the |an |some |my )?"
            r"(?:old )?(?:artex|textured (?:ceiling|coating|panel|board)s?)|(?:drill\w*|sand\w*|disturb\w*|cut|cutting|broke|smash\w*)"
            r"[^.!?]{0,60}\b(?:might|may|could|which|that) (?:be|contains?|is|are|have) (?:been )?asbestos|"
            r"(?:register|survey)[^.!?]{0,30}\b(?:as )?asbestos[^.!?]{0,40}\bdust)\b"
        ),
    ),
    Rule(
        EMERGENCY,
        "no working smoke alarm or fire door",
        p(
            r"\b(?:fire doors?[^.!?]{0,60}\b(?:wedged|propped|tied|held|jammed) open|fire doors?[^.!?]{0,60}\boff (?:its|the) hinges|fire doors?[^.!?]{0,40}\bholes? "
            r"(?:kicked|punched|smashed|burnt) (?:in|through)|(?:self[- ]?closers?|door closers?)[^.!?]{0,20}\b(?:broken|missing|"
            r"removed|not working|doesn'?t work)|fire alarms?(?: system)?[^.!?]{0,40}\b(?:disconnected|not working|broken|switched off|"
            r"turned off|doesn'?t work|out of action))\b"
        ),
    ),
    Rule(
        EMERGENCY,
        "home cannot be secured",
        p(
            r"\b(?:(?:front|back|rear|side|main|entrance|patio|flat) door[^.!?]{0,30}\b(?:not locking|won'?t lock|can'?t lock|"
            r"doesn'?t lock|not lock|no longer locks)|(?:bolt|latch|lock) (?:doesn'?t|does not|won'?t|will not) (?:line up|catch|turn|engage)|"
            r"(?:can'?t|cannot|unable to) secure (?:the |my |our )?(?:property|flat|house|home)|locks? (?:[\w']+ ){0,4}?(?:was |were |has been |"
            r"have been )?(?:drilled out|ripped out|taken out|removed)(?! and replaced)|(?:wedge|prop|jam) (?:a |the )?(?:chair|something) "
            r"(?:against|under) (?:it|the door))\b"
        ),
    ),
    Rule(
        SIGNIFICANT,
        CRACKS,
        p(
            r"\b(?:subsid(?:ence|ing|ed|e|es)|(?:house|flat|bungalow|extension|building|property|back of the house|floor) (?:is |has )?(?:been )?"
            r"(?:sinking|dropping|moving|shifting|tilting|leaning)|(?:doors?|windows?) (?:are |is |have )?(?:started )?sticking[^.!?]{0,60}"
            r"\bcracks?|cracks?[^.!?]{0,60}\b(?:doors?|windows?) (?:are |is |have )?(?:started )?(?:sticking|won'?t (?:shut|close))|"
            r"(?:patio|path|extension|porch|bay|garage|conservatory|render|garden wall) (?:has |is )?(?:\w+ )?(?:pulled|pulling|come|coming) "
            r"away from the (?:house|wall|building)|cracks?[^.!?]{0,40}\b(?:wide enough|big enough|you can see through|see (?:day)?light "
            r"through|fit (?:a|my) (?:finger|hand|coin|pound)))\b"
        ),
    ),
    Rule(
        SIGNIFICANT,
        LEAK,
        p(
            r"\b(?:(?:tank|cistern|overflow pipe|overflow|gutters?|guttering)s?(?: [\w']+){0,4}? (?:is |are |keeps )?"
            r"(?:overflowing|pouring|leaking))\b"
        ),
    ),
    Rule(
        SAFEGUARDING,
        "possible harm or neglect of a child",
        p(
            rf"\b(?:(?:used|paid|made|forced|told|groomed|recruited|asked|getting|got|being) (?:\w+ ){{0,2}}?to (?:run|carry|deliver|sell|"
            rf"hold|drop|move|stash|deal) (?:\w+ ){{0,2}}?(?:drugs|packages?|parcels?|bags?|stuff|gear|weed)|(?:taking|collecting|dropping "
            rf"off|picking up|delivering) (?:\w+ ){{0,2}}?(?:packages|parcels|bags)[^.!?]{{0,30}}\b(?:car|cars|men|older|bikes?)|"
            rf"(?:picked up|collected) by (?:older |different |strange |grown )?men|(?:messag|text|snapchat|dm|whatsapp)\w* (?:him|her|them) "
            rf"(?:\w+ ){{0,3}}?(?:late at night|at night|in the night|at 2am|at 3am)|(?:telling|told|tells|asked|asking) (?:him|her|them) "
            rf"(?:to )?(?:keep (?:it|this|them) (?:a )?(?:secret|quiet|between)|not to tell)|(?:lock\w*|shut\w*) (?:him|her|them|the "
            rf"(?:kids|children|little ones|baby)) in (?:\w+ ){{0,2}}?(?:bedroom|room|flat|house|cupboard|shed)|make\w* (?:him|her|them) "
            rf"sleep (?:in the shed|outside|in the garden|in the car|on the floor)|hands? (?:round|around) (?:his|her|their) (?:neck|throat)|"
            rf"grabb?\w* (?:him|her|them) by the (?:arm|neck|throat|hair)|came home with (?:a mark|marks|bruises|a bruise|a black eye|a cut|injuries|a burn)|"
            rf"{_CHILD_AGE}[^.!?]{{0,60}}\b(?:drugs|packages|parcels|older men|men in cars|2am|3am|at night|{_GROWN})|"
            rf"(?:drugs|packages|parcels|older men|men in cars|{_GROWN})[^.!?]{{0,60}}\b{_CHILD_AGE}|"
            rf"(?:go(?:ing|ne)? missing|went missing|missing overnight)[^.!?]{{0,60}}\b(?:new (?:trainers|phone|clothes)|cash|money|gifts)|"
            rf"(?:\d{{1,2}}[- ]year[- ]old|daughter|son|child|girl|boy)[^.!?]{{0,40}}\b(?:go(?:ing|ne)? missing|went missing|missing overnight))"
        ),
        unless=p(r"\b(?:training|course|policy|e-?learning|workshop|amazon|delivery driver|post(?:man|woman)|courier)\b"),
        home=False,
    ),
    Rule(
        SAFEGUARDING,
        "possible risk to a vulnerable adult",
        p(
            rf"\b(?:found (?:him|her|them|(?:my |our |the |a )?(?:mum|mother|dad|father|nan|gran|grandma|grandad|husband|wife|neighbour|"
            rf"resident|tenant|lady|man|brother|sister|aunt|uncle))\b(?: [\w']+){{0,4}}? on the floor|(?:is|was|been|being|were|are|gets?|got) "
            rf"found on the (?:\w+ )?floor|(?:resident|tenant|neighbour|lady|man|mum|dad|mother|father|nan|gran|he|she)\b[^.!?]{{0,40}}\bfound "
            rf"on the (?:\w+ )?floor|found on the (?:\w+ )?floor[^.!?]{{0,40}}\b(?:fall|fallen)|(?:on|lying on|lay on|left on) the floor (?:for (?:\d+|hours|several|two|three|four|five|six|ages)|all night|"
            rf"overnight|until|till)|(?:lay|lying|lain) there (?:for (?:hours|\d+|ages|several|two|three|most)|all night|overnight|"
            rf"until|till)|(?:dementia|confused|alzheimer\w*|memory)[^.!?]{{0,60}}\b(?:turn\w* (?:the )?(?:gas|hob|cooker|oven) on|leav\w* "
            rf"(?:the )?(?:gas|hob|cooker|oven) on|forget\w* (?:to turn off|about) (?:the )?(?:gas|hob|cooker|oven))|(?:fell|fall|fallen)[^.!?]{{0,60}}\bstuck there (?:till|until|all night|for hours|overnight)|stuck (?:on the floor|in the bath|in the bathroom|on the bathroom floor)[^.!?]{{0,30}}\b(?:till|"
            rf"until|all night|for hours|overnight)|(?:couldn'?t|could not|unable to|can'?t) get (?:herself |himself )?(?:up|off the floor)[^.!?]{{0,50}}"
            rf"\b(?:all night|for hours|hours|overnight|until|till)|(?:care|nursing|residential) home[^.!?]{{0,120}}\b(?:pads|soiled|sores|"
            rf"same clothes|lost (?:a lot of )?weight|not (?:been )?(?:fed|washed|changed|eating|drinking)|dehydrated|buzzer|call bell|"
            rf"out of reach|left (?:in|on|alone|sitting|lying)|bruis\w+|rough with|shout\w* at|neglect\w*)|(?:pads|sores|same clothes|"
            rf"buzzer|call bell)[^.!?]{{0,120}}\b(?:care|nursing|residential) home|(?:bed|pressure) sores|"
            rf"pretend\w* to be (?:from )?(?:the |his |her |their )?(?:bank|police|council|gas board|water board)|rogue traders?|"
            rf"doorstep (?:crime|fraud|scam|trader)s?|talk\w* (?:him|her|them|(?:my|an?|the|our) (?:[\w']+ ){{0,4}}?(?:neighbour|mum|dad|mother|father|nan|gran|"
            rf"grandad|grandma|aunt|uncle|lady|man|woman|gentleman|resident|tenant)) into (?:paying|handing|giving|signing)|"
            rf"(?:has|got|taken|took|have|keeps?|holding|holds) (?:her|his|their) (?:bank )?cards? and (?:pin|pin number)|"
            rf"{_OLD}[^.!?]{{0,120}}\b{_HANDED}|{_HANDED}[^.!?]{{0,80}}{_OLD}|(?:he|she|they|mum|dad|nan|gran)(?:'s| has| have)? "
            rf"(?:not|hasn'?t|haven'?t|has not) been eating|fridge (?:was |is )?(?:empty|bare)|no food in the (?:flat|house|home|fridge)|{_OLD}[^.!?]{{0,60}}\b(?:on the floor|had a fall|"
            rf"another fall|third fall|keeps falling|fallen|fell (?:over|down|out of bed|in the (?:bath|bathroom|kitchen|hall|garden))|(?:not|hasn'?t|has not|haven'?t) (?:been )?seen)|(?:had a fall|another fall|on the floor)[^.!?]{{0,60}}{_OLD})"
        ),
        unless=p(r"\b(?:training|course|policy|e-?learning|workshop|blue badge|parking)\b"),
        home=False,
    ),
    Rule(
        SAFEGUARDING,
        "domestic abuse",
        p(
            r"\b(?:(?:black eye|bruises?|bruised)[^.!?]{0,60}\b(?:he|she) (?:doesn'?t|won'?t|does not|will not) let (?:her|me|him)|"
            r"(?:he|she) (?:doesn'?t|won'?t|does not|will not) let (?:her|me) (?:leave|go out)|(?:heard|hear|hearing) (?:her|him|them|a woman|the woman|a man|the man|a child|the kids?|the children)[^.!?]{0,30}"
            r"\b(?:begging|pleading|screaming for help|crying for help|asking him to stop|telling him to stop)|begging (?:him|her) to stop)\b"
        ),
        home=False,
    ),
    Rule(
        SAFEGUARDING,
        "self-harm or suicide",
        p(
            r"\b(?:(?:everyone|everybody|they|my family|the family|his family|her family|the kids|people|you all) (?:would|'d) be "
            r"better off (?:if (?:i|he|she)\b|without (?:me|him|her)\b)|"
            r"better off if (?:i|she|he) (?:was|were|wasn'?t|weren'?t) (?:not )?(?:here|around|gone|dead|alive)|"
            r"giv\w* (?:all |away )?(?:of )?(?:his|her|my|their) (?:things|stuff|belongings|possessions)(?: away)?|"
            r"(?:thought|thinking|think|thinks) (?:about|of) (?:jumping|ending (?:it|my life|her life|his life)|not waking up|killing|"
            r"taking (?:my|his|her) (?:own )?life)|(?:he'?d|she'?d|i'?d|he would|she would|i would|he will|she will|he'?ll|she'?ll) be gone by|"
            r"won'?t be (?:here|around) (?:much longer|for (?:much )?longer|by)|(?:written|wrote|left|writing) (?:a |my )?(?:suicide )?"
            r"notes? (?:for|to) (?:my|the|his|her)|(?:taken|took|swallowed) (?:some|a lot of|loads of|all (?:my|the|her|his)|too many|a load "
            r"of|a handful of) (?:pills|tablets|paracetamol)|saying goodbye to (?:everyone|everybody|us all|all of us)|"
            r"(?:go to sleep|fall asleep) and (?:never|not) wake up|(?:cut|cutting|burn(?:t|ed|ing)?|harm(?:ed|ing)?|hurt(?:ing)?) (?:herself|himself|themselves|"
            r"myself)\b(?! (?:on|with|while|when|shaving|cooking|by accident|accidentally|badly on)))\b"
        ),
        unless=p(r"\b(?:training|course|policy|e-?learning|workshop|prevention|leaflet|poster|campaign|awareness|charity|donat\w+)\b"),
        home=False,
    ),
)

_HYPOTHETICAL = re.compile(
    r"\b(?:like to know|want to know|wondering|can you (?:tell|explain|let me know)|could you (?:tell|explain|let me know)|"
    r"please (?:tell|explain|let me know))\b[^.!?]*\b(?:policy|policies|procedure|response times?|timescales?|how (?:long|quickly))\b|"
    r"\b(?:whether|would|'d|should)\b[^.!?]*\bif\b (?:[\w']+ ){0,4}?(?:had|were|ever)\b[^.!]*\?\W*$|"
    r"^\W*(?:and |but |so |also )?(?:if|in case|what if|what happens if|what would happen if|should (?:the|my|our|a))\b[^?]*\?\W*$|"
    r"\b(?:policy|policies|procedure|guidance|strategy|response times?|how (?:long|quickly) (?:do|does|would|will|should) "
    r"(?:you|the council|it))\b[^.!]*\?\W*$",
    re.IGNORECASE,
)


def hypothetical(sentence: str) -> bool:
    """The sentence asks about a policy or a case that has not happened ("if the boiler ever breaks, who do I call?")."""
    return bool(_HYPOTHETICAL.search(sentence.strip()))


# word kinds for the pair rules (`rca.scoring.hazard_cues`)
CRACK = kind("crack, cracks, cracked, cracking, split, gap, gaps, hairline crack, hairline cracks, fissure")
BUILDING = kind(
    "wall, walls, ceiling, ceilings, brickwork, brick, bricks, plaster, render, gable, foundation, foundations, extension, "
    "chimney, door frame, window frame, bay window, outside wall, external wall, party wall, lintel, corner of the room",
    not_followed_by="paper tile tiles calendar",
)
NOT_CRACK = frozenset("phone screen joke code whip egg windscreen tile mirror pot mug plate".split())
FALL_PART = kind(
    "stair, stairs, step, steps, stair tread, tread, treads, handrail, hand rail, banister, bannister, floorboard, floorboards, "
    "stair rail, stair carpet, landing floor, kitchen floor, bathroom floor, bedroom floor, paving slab, slab, slabs"
)
FALL_BROKEN = kind(
    "loose, rock, rocking, rocks, wobble, wobbly, hang off, hang by, hanging off, hanging by, come away, coming away, come off, "
    "rot, rotten, rotted, rot through, crack, cracked, split, snap, snapped, hole, missing, uneven, lift, lifting, "
    "give way, sink, sinking, collapse, one screw, fall apart, falling apart, rip, ripped, torn, threadbare, frayed, come out, "
    "came out"
)
WINDOW = kind(
    "window, windows, pane, panes, glass, window frame, double glazing, glazing, window pane, skylight, velux, double glazed unit, "
    "glazed unit, double glazed window",
    not_followed_by="cleaner cleaning cleaners envelope",
)
WINDOW_BROKEN = kind(
    "crack, cracked, smash, smashed, break, broken, shatter, shattered, blown, rotten, rot, fall out, falling out, boarded up, "
    "board up, off its hinge, off its hinges, come off its hinge"
)
NOT_FALL = frozenset("process procedure plan programme action".split())
NOT_WINDOW = frozenset("car windscreen bus shop phone screen taxi van train".split())
CARE_SETTING = kind("care home, nursing home, residential home, care staff, carer, carers, care worker, care workers, home care")
CARE_NEGLECT = kind(
    "pad, pads, wet pad, wet pads, soiled, sore, sores, bed sore, bed sores, pressure sore, pressure sores, same clothes, lose weight, "
    "lost weight, lost a lot of weight, not fed, dehydrated, buzzer, call bell, out of reach, unwashed, rough with, neglect, "
    "in bed all day, leave her in bed, leave him in bed, left in bed, leaving her in bed, leaving him in bed, urine, soaked in urine, "
    "put him to bed at, put her to bed at, put to bed at"
)
GROOM_CHILD = kind(
    "child, children, kid, kids, son, daughter, boy, girl, teenager, teen, nephew, niece, grandson, granddaughter, stepson, "
    "stepdaughter, pupil, lad, lads, young lad, young lads, young people, youngster, youngsters, little ones"
)
GROOM_SIGN = kind(
    "keep it secret, keep it a secret, keep it quiet, not to tell, don't tell anyone, ask her to meet, ask him to meet, "
    "ask them to meet, meet up with him, meet up with her, buy him thing, buy her thing, buy him present, buy her present, "
    "buying him thing, buying her thing, give him money, give her money, send photo, send picture, send pic, send nude, "
    "pick up by men, picked up by men, run drug, run drugs, carry drug, carry drugs, drop bag, drop off bag, package from a car, "
    "packages from a car, bag off, private message, private messages, ask for photo, ask for photos, ask for picture, "
    "ask for pictures, ask her for photo, ask him for photo, new trainers, unexplained money, unexplained cash, befriend online, "
    "befriended online, delete the messages, delete messages, send him money, send her money, older man, much older man, "
    "get into a car with, get in a car with, getting into a car with, collect money for, sent out at night, send out at night, "
    "doesn't want to go home, don't want to go home, won't go home, come into her room at night, come into his room at night, "
    "other town, other towns, come back with money, drive off to, not allowed to tell, isn't allowed to tell, photograph the kid, "
    "photograph kid, photograph child, photograph the child, photograph the girl, photograph the boy, take photo of the kid, "
    "take picture of the kid, skip school, meet him at the, meet her at the, an adult telling"
)
NOT_GROOM = frozenset("training course policy workshop amazon courier postman delivery".split())
