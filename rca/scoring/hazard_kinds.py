"""The kinds of words the intake flags' word-pair rules look for (`rca.scoring.hazard_cues`).

Each kind is a list of comma-separated phrases, compared as lemmas ("dripping" matches "drip").
A resident would write any of them: synonyms, British idiom ("packed up", "a belt off the
switch"), and the common ways to say a person is at risk.

>>> ("water",) in WATER.phrases
True
"""

from __future__ import annotations

from rca.scoring.hazard_words import kind
from rca.text.prepare import lemmatise

WATER = kind(
    "water, leak, drip, pour, flood, rain, rainwater, wet, soak, soaking, sodden, seep, gush, trickle, damp patch, overflow",
)
ELECTRICS = kind(
    "light fitting, ceiling light, ceiling rose, light, lights, lighting, bulb, lamp, spotlight, downlight, socket, fan, "
    "plug socket, plug, switch, light switch, wiring, wire, cable, electrics, electric, electrical, electricity, "
    "fuse box, fusebox, fuse, consumer unit, trip switch, electric meter, meter cupboard, extractor fan, extractor, "
    "electric shower, immersion, immersion heater, storage heater, electric heater, pull cord",
    not_followed_by="rain drizzle shower switch on off bill colour grey brown blue green",
)
BURNING = kind(
    "burn, burning, scorch, scorch mark, scorch marks, smoke, smoking, melt, melted, spark, sparking, fizz, "
    "crackle, char, blackened, too hot to touch, fizzing, crackling, bang, flash, black and melted, smell hot, smells hot, "
    "hot to touch, smell of burning",
)
STRUCTURE = kind(
    "ceiling, roof, plaster, plasterboard, lath, beam, joist, lintel, chimney, balcony, wall",
    not_followed_by="dust",
)
FAILING = kind(
    "sag, sagging, bow, bowing, bulge, bulging, collapse, cave, cave in, crumble, droop, buckle, give way, come "
    "down, fall down, fall in, fall off, fall through, come away, coming away, about to fall, about to go, hang "
    "down, dip, blow off, blew off, blown off, torn off, ripped off, spongy, go through, going to go through, dropped, bounce, bouncy, "
    "could fall, might fall, could collapse, sink through, sinking through",
)
FALLING_BITS = kind(
    "fall, falling, drop, flake off, lump, lumps, chunk, chunks, bits, pieces",
)
HEATING = kind(
    "heating, central heating, heat, hot water, boiler, radiator, radiators, heater, storage heater",
    negated=None,
)
HOME_ROOM = kind(
    "flat, house, home, room, bedroom, lounge, living room, bungalow, maisonette, property",
)
TOO_COLD = kind(
    "freezing, so cold, very cold, bitterly cold, ice cold, like a fridge, can see my breath",
)
SMOKE_ALARM = kind(
    "smoke alarm, smoke alarms, smoke detector, smoke detectors, heat alarm, heat detector, fire alarm, fire alarms",
)
ALARM_GONE = kind(
    "taken down, take down, removed, remove, missing, disconnected, ripped out, not fitted, never fitted, stop working, "
    "stopped working, broken, dead, no battery, battery removed, battery taken out, take out, taken out, not put back, "
    "never put back, take the battery out, take the batteries out, battery out, batteries out, stopped completely, stop completely, gone dead, go dead, went dead, take off, off the ceiling, off the wall, never put it back, not put it back, disconnect",
)
NO_ALARM = kind(
    "smoke alarm, smoke alarms, smoke detector, alarm at all, heat detector, heat alarm, fire alarm",
    negated=True,
)
PIPE = kind(
    "pipe, pipes, water pipe, water main, tank, water tank, cylinder, hot water cylinder",
)
BURST = kind(
    "burst, bust, split, snapped",
)
NO_HEATING = kind(
    "heating, central heating, heat, hot water",
    negated=True,
    not_followed_by="detector alarm sensor",
)
HEAT_FAILED = kind(
    "break, broken, broke, condemn, condemned, fail, failed, pack up, cut off, give up, stone cold, freezing, cold, "
    "stop working, stopped working, out of order, be off, been off, turn off, switch off, cut out, cuts out, "
    "cutting out, trip, tripping, conk out, die, died, dead, kaput",
)
HEAT_WORKS = kind(
    "work, working, come on, fire, fire up, heat up, warm up, turn on, switch on, on, have, had, get, got, any, hot, warm",
    negated=True,
    not_followed_by="water",
)
TOILET = kind(
    "toilet, loo, wc, only toilet",
)
TOILET_BROKEN = kind(
    "block, blocked, broken, break, out of order, unusable, leak",
)
TOILET_WORKS = kind(
    "flush, work, working, use",
    negated=True,
)
DOOR = kind(
    "front door, back door, main door, flat door, external door, entrance door, my door, our door, door to my flat, "
    "door to the flat, door to the house, patio door, door frame, rear door, side door",
)
INSECURE = kind(
    "kick in, kicked in, smash, smashed, force, forced, forced open, hang off, hanging off, snap, snapped, broken "
    "lock, lock broken, lock is broken, jammed open, bust, busted, break in, broke in, broken into, kick, kicked, "
    "rotten",
)
LOCKS = kind(
    "lock, locked, secure, shut, close, closed",
    negated=True,
)

GAS = kind("gas, gas pipe, gas cooker, gas fire, gas meter, gas hob, gas boiler", not_followed_by="bill tariff supplier account price")
GAS_SIGN = kind("smell, smelt, stink, reek, whiff, stench, odour, odor, pong, hiss, hissing, leak, escape, fume, fumes")
NOT_GAS = frozenset(
    lemmatise(w) for w in "bill bills tariff supplier account reading price prices payment certificate traffic exhaust lorry".split()
)
NOT_STAIRS = frozenset(lemmatise(w) for w in "handrail handrails banister banisters bannister rail carpet stairgate".split())
SHOCK = kind("shock, shocks, belt, tingle, zap, zapped, jolt, electrocute, electrocuted")
BALCONY = kind("balcony, balcony railing, balcony rail, railing, railings, balustrade, balcony wall, balcony door")
LOOSE = kind(
    "loose, come loose, coming loose, wobble, wobbly, sway, swaying, pull away, pulling away, come away, coming away, give way, "
    "move, moving, rotten, rusted through, hanging off, detach, detached"
)
FLOOR = kind("floor, floors, floorboards, kitchen floor, bathroom floor")
STAIRCASE = kind("staircase, stairs, flight of stairs", not_followed_by="carpet rod gate lift light")
STAIRS_AWAY = kind(
    "pull away, pulling away, come away, coming away, move when, moves when, sway, swaying, give way, detach, detached, collapse, "
    "sink, sinking, drop, dropped"
)
MASONRY = kind("brick, bricks, slate, slates, roof tile, roof tiles, masonry, chimney pot, coping stone, coping stones, render")
MASONRY_FALLS = kind(
    "fall, falling, fall off, come off, coming off, drop, dropping, loose, come loose, blow off, come down, hang, slide, sliding, "
    "slip, slipping"
)
GAS_APPLIANCE = kind("boiler, gas fire, fire, flue, gas cooker, cooker, gas heater, water heater, back boiler")
CO_SIGN = kind("soot, sooty, black marks, black mark, black staining, fumes, orange flame, yellow flame, lazy flame, floppy flame")
ASBESTOS = kind("asbestos, asbestos board, asbestos boarding, asbestos tiles, asbestos sheet, asbestos sheets")
DISTURBED = kind(
    "drill, drilled, drilling, sand, sanded, sanding, smash, smashed, break, broken, crack, cracked, cut, dust, crumble, "
    "crumbling, damage, damaged, disturb, disturbed, rip out, ripped out, knock, knocked, scrape, scraped, exposed"
)
NOT_DISTURBED = frozenset(lemmatise(w) for w in "survey register check test before if whether certificate report".split())

# people and harms (safeguarding)
CHILD = kind(
    "child, children, kid, baby, toddler, infant, newborn, son, daughter, boy, girl, teenager, teen, grandchild, "
    "grandson, granddaughter, stepson, stepdaughter, little one, little ones, pupil, schoolgirl, schoolboy, "
    "youngster, nephew, niece, little girl, little boy",
)
CHILD_HARM = kind(
    "hit him, hit her, hit them, hit one of, hit the child, hit the kid, hit the boy, hit the girl, being hit, been "
    "hit, was hit, were hit, got hit, beat, slap, punch, abuse, neglect, starve, bruise, bruised, bruises, groom, "
    "grooming, exploit, exploitation, smack, shake, strangle, assault, molest, left alone, leave alone, home alone, "
    "on their own, on his own, on her own, unsupervised, locked in, hungry, unfed, no adult, without an adult, till "
    "midnight, until midnight, all hours, out all night, filthy, dirty nappy, no food, not fed, threaten, touch "
    "inappropriately, touched inappropriately, touching inappropriately, older man, older men, sexual, sexually, "
    "adult men, grown men, men coming and going, ran away from home, missing from home, scared to go home, afraid "
    "to go home, county lines, older boys, older lads, older kids, carry drugs, carry packages, carry parcels, "
    "make him carry, made to carry, run drugs, expose himself, exposing himself, flash, flashing, at midnight, middle of the "
    "night, in his pyjamas, in her pyjamas, wandering the streets, marks on his, marks on her, mark on his, mark on her, flinch",
)
ADULT = kind(
    "elderly, old lady, old man, old woman, old gentleman, alzheimer's, older lady, older man, older woman, "
    "pensioner, lady downstairs, lady upstairs, lady next door, man next door, vulnerable, disabled, dementia, "
    "alzheimer, alzheimers, learning disability, learning disabilities, learning difficulty, learning difficulties, "
    "mental health, frail, housebound, bedbound, bed bound, wheelchair, confused, carers, nan, nana, gran, granny, "
    "grandma, grandad, grandfather, grandmother, aunt, aunty, uncle, carer",
)
ADULT_HARM = kind(
    "financially abuse, financial abuse, abuse, neglect, exploit, take her pension, take his pension, take their "
    "pension, take her money, take his money, steal, stealing, stole, scam, scammed, cuckoo, cuckooing, take over, "
    "taken over, moved into her flat, moved into his flat, dealing from, dealing drugs, using her flat, using his "
    "flat, no food, starve, lie on the floor, lying on the floor, soil, soiled, wander, wandering, bruise, bruises, "
    "hit, threaten, lock in, locked in, left alone, leave the gas on, leaving the gas on, no one looks after, "
    "nobody looks after, anyone looks after, no carer, carer not, not see, not seen, hoard, living in filth, "
    "live in filth, squalor, empty fridge, post piling up, curtains drawn, curtains closed, new friends, "
    "moved in with her, moved in with him, frightened of, scared of, hand over his benefits, hand over her benefits, "
    "hand over his money, hand over her money, made to hand over, forced to hand over, get out of the flat, get out at night, "
    "found in the road, found in the street, found wandering, go missing, went missing, gone missing, given them thousands, "
    "given them money, give them money, pretend to be, pretending to be, say they're the bank, saying they're the bank",
)
VULNERABLE = kind(
    "baby, babies, newborn, new born, infant, toddler, twins, child, children, kid, grandchild, pregnant, "
    "pregnancy, expecting, elderly, pensioner, old man, old lady, old woman, old gentleman, disabled, disability, "
    "wheelchair, ill, sick, poorly, unwell, illness, asthma, asthmatic, copd, bronchitis, bronchiolitis, chest "
    "infection, pneumonia, lung, lungs, breathing problems, respiratory, heart condition, heart problem, heart "
    "problems, cancer, chemo, chemotherapy, dementia, sickle cell, diabetes, diabetic, immune, immunocompromised, "
    "epilepsy, oxygen, medical condition, health condition, health problems, frail, vulnerable, housebound, "
    "bedbound, arthritis, carer, mobility, stroke, terminal, terminally, end of life, palliative, sheltered "
    "housing, sheltered flat, little girl, little boy, little one, little ones, eczema",
)
UNSEEN = kind(
    "see, seen, answer, answered, open the door",
    negated=True,
)
PARTNER = kind(
    "partner, husband, wife, boyfriend, girlfriend, ex, ex partner, ex husband, ex wife, ex boyfriend, stepdad, stepfather, fiance",
)
_VIOLENCE = (
    "hit hits hurt hurts beat beats punch punched kick kicked strangle strangled choke choked threaten threatened threatening "
    "attack attacked assault assaulted slap slapped push pushed grab grabbed"
)
UNSAFE = kind("feel safe, safe at home, safe in my home, safe in the house", negated=True)
PARTNER_HARM = kind(
    ", ".join(f"{verb} {who}" for verb in _VIOLENCE.split() for who in ("me", "her", "him", "us", "them", "my")),
    "rape, raped, scared of, afraid of, frightened of, terrified of, violent, controlling, stalk, stalking, "
    "put me in hospital, put her in hospital, scared to, frightened to, terrified to, found out where i live, waiting outside, "
    "follow me, followed me, lock me in, locked me in, smash my phone, smashed my phone, take my phone, won't leave me alone, "
    "won't let me have any money, won't let me have money, won't let me out, won't let me see, check my phone, checks my phone, "
    "control my money, controls my money, take my money, takes my money, keep me locked, won't let me, will not let me, "
    "check where i, checks where i, track my phone, tracks my phone, break her arm, break my arm, break his arm, break her nose, "
    "break my nose, break her jaw, break my jaw, break her ribs, break my ribs",
)
THREAT_TO_LIFE = kind(
    "threaten to kill, threatened to kill, threatening to kill, said he will kill, said he would kill, said she "
    "would kill, stab me, threatened to stab, threatening to stab, burn the house down, burn my flat",
)
SELF_HARM = kind(
    "cut myself, cutting myself, hurt myself, hurting myself, harm myself, harming myself, take my life, taking my "
    "life, take my own life, about ending it, of ending it, end it all, ending it all, end my life, better off "
    "dead, better off without me, no point in living, no point living, no reason to live, want to die, wish i was "
    "dead, wish i were dead, can't go on, cannot go on, kill myself, jump off, overdose, not to wake up, not wake "
    "up, too many tablets, too many pills, take her own life, take his own life, take their own life, take her life, "
    "take his life, i'll end it, she'll end it, he'll end it, i will end it, going to end it, want to end it, "
    "no one would notice if i, nobody would notice if i, no one would miss me, nobody would miss me, "
    "no one would care if i, nobody would care if i, save up my tablets, save up her tablets, save up his tablets, stockpile, hang myself, "
    "can't carry on, cannot carry on, no way out, rather be dead, give up on life, want it all to stop, want everything to "
    "stop, want it to be over, want it all to be over, take all my tablets, take all my pills, nothing to live for, "
    "nothing left to live for, never wake up, go to sleep and not wake up, wanted it to stop, want it to stop, wanted it all to stop",
    not_followed_by="waiting paying chasing ringing phoning calling",
)
NO_POINT = kind(
    "see the point in anything, see the point in living, see the point in life, see the point of living, see the point of "
    "anything, see the point, see any point, see a way out",
    negated=True,
    not_followed_by="in of",
)

CARE_VISIT = kind(
    "carer, carers, care worker, care workers, care agency, care company, home carer, support worker, district nurse, home help, "
    "care package, care staff"
)
NO_SHOW = kind(
    "turn up, turned up, come, came, arrive, show, show up, visit, been in, been round, been for, been near, been to see, attend, "
    "call, call in, send, sent, send anyone, sent anyone",
    negated=True,
)
CARE_MISSED = kind("missed visit, missed visits, missed call, missed calls, no show, no shows, stopped coming, stop coming, cancel")
NOT_CARED = kind(
    "eat, eaten, eating, wash, washed, had a wash, had his tablets, had her tablets, had his medication, had her medication, "
    "take his medication, take her medication, take his tablets, take her tablets, get out of bed, get to the toilet",
    negated=True,
)
MONEY_TAKEN = kind(
    "take my pension, take her pension, take his pension, take their pension, steal my pension, take my bank card, "
    "use my bank card, take my card, take my benefits, take her benefits, take his benefits",
    not_followed_by="into",
)

NOT_PERSONAL = frozenset(lemmatise(w) for w in "training course policy workshop prevention leaflet poster campaign awareness".split())
OTHER_HARM = frozenset(
    lemmatise(w)
    for w in (
        "car van lorry bus bike bicycle scooter ball football gate branch swing playground trampoline verbal training course policy workshop "
        "elearning allegation allegations false untrue parking badge"
    ).split()
)
FROM = frozenset({"from", "off", "of", "onto", "on", "into", "against"})  # "fell off the wall": the wall is where it fell from
