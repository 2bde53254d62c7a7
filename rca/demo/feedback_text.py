"""Ordinary feedback for the learnt intake flags' background: short answers, suggestions, compliments, remarks.

A council receives more than complaints and requests: the answers to its feedback forms ("How
did we do?", "What could we do better?", "Anything else?"), one-line thanks, and remarks about a
visit, most of them a few words long ("Nothing, the staff were lovely", "Keep me updated",
"I was nervous before the assessment but the social worker put me at ease"). None raises a
flag. A learnt model that never saw such texts takes any short text about care, feelings or
being seen for a risk, so `feedback_texts` writes them from the templates below (the demo's
``[a|b|]`` and ``{slot}`` syntax, `rca.demo.text.render`), drawn with a seed, in the demo's
writing styles (`rca.demo.text.stylise`: typos, lower case, no apostrophes).

>>> texts = feedback_texts(7, 200)
>>> texts == feedback_texts(7, 200) and len(texts) == len(set(texts)) and all(t.strip() for t in texts)
True
"""

from __future__ import annotations

import numpy as np

from rca.demo.text import NAMES_F, NAMES_M, STAFF, Draw, render, sentence, stylise

# the question a form asks is not part of the answer: these are what residents write back
NOTHING = [
    "[No|Nope|None|Nothing|N/A|n/a|Not really|No thanks|Nothing at all|Nothing really|No comment|No comments|Not sure|Don't know]",
    "[Nothing|No|Not really|None][,|.|] [I|i] [can't|cannot|cant] think of anything",
    "[I|i] [can't|cannot|cant] think of anything [else|at the moment|right now|]",
    "[I don't think so|i dont think so|Not that I can think of|None that I can think of|Nothing springs to mind|Nothing comes to mind]",
    "[Nothing|No|None][,|.|-] [it was|everything was|all was|it's all] [fine|great|good|ok|perfect|spot on]",
    "[Nothing|Not a thing|No][,|.|-] [keep up the good work|keep doing what you're doing|carry on as you are|you're doing a great job]",
    "[Honestly|To be honest|Really] [nothing|no|not much][!|.|]",
    "[I|i] [was|am] happy with [everything|the service|how it went|the help I got]",
    "[It|Everything] [couldn't|could not] have [been better|gone better]",
    "[I|i] [don't|do not] [know|think there is anything] [really|at all|]",
]
IMPROVE = [
    "[More|Better] [communication|updates|information|staff|opening hours|parking|signs|seating in reception]",
    "[Answer the phone|Reply to emails|Respond to messages|Get back to people|Call back] [quicker|faster|sooner|more quickly]",
    "[Keep|Keeping] [me|us|people|residents] [updated|informed|in the loop] [about what is happening|on progress|]",
    "[Being able to|To be able to|It would help to] [speak to|see|talk to|deal with] the same [person|officer|worker|social worker] [each time|every time|]",
    "[Shorter waiting times|Less waiting|Quicker appointments|Shorter queues|A shorter wait on the phone]",
    "[Listen more|Listen to us|Listen to residents|Explain things better|Explain things more clearly|Use plain English]",
    "[Evening|Weekend|Saturday] [appointments|opening|visits] would [help|be good|make it easier]",
    "Make the [form|website|online form|app|letter] [easier to use|simpler|shorter|clearer]",
    "[Tell|Let] [people|us|me] [know|] [when someone is coming|the time of the visit|who to contact|what happens next]",
    "[More time|Longer] [to talk|with the officer|at the appointment|for questions]",
    "[Stop|Don't keep] [sending|giving] [me|people] [different answers|letters that contradict each other|to different departments]",
    "[Staff|The officer|The receptionist|Some staff] could be [more patient|friendlier|more polite|more helpful|better trained]",
    "[Write|Put] [it|things|the decision] down [for me|so I can read it later|]",
    "[Have|A] [named contact|direct number|person to ring] [for my case|instead of the call centre]",
    "[Clean|Cleaner] [toilets|changing rooms|waiting area|play area] [at the leisure centre|in the park|at the library|]",
    "[More|Better] [support|help] [for carers|with the forms|for people who can't use computers|for older people online]",
]
PRAISE = [
    "[The|Your] [staff|team|officer|advisor|receptionist|caretaker] [was|were] [lovely|brilliant|very helpful|so kind|friendly|professional|really patient]",
    "{staff} [was|has been] [brilliant|amazing|so helpful|a star|really kind] [with us|to my {rel}|throughout|]",
    "[The|My {rel}'s] [carers|care workers|home care team] [are|were] [lovely|kind|always on time|very caring|like family] [with {him}|to {him}|]",
    "[Thank you|Thanks|Many thanks] to [the reablement team|the occupational therapist|the social worker|the carers|the family support worker|the SEND team] for [all their help|everything|the new handrails|the stair rail|the grab rails|helping my {rel} settle back home]",
    "[I|We] felt [listened to|supported|respected|involved in the decisions|well looked after|at ease]",
    "[I was|I felt] [a bit|quite|very|really] [nervous|anxious|worried|stressed] [before the visit|about the meeting|about the assessment|about calling] but [the staff|the officer|{staff}|she|he] put me at ease",
    "[It|This] has been a [difficult|stressful|hard|busy] [time|year|few months] [for us|for my family|for me] and [the team|you|{staff}] [made it easier|really helped|made a difference]",
    "[The|My] [visit|appointment|call|assessment|meeting] [went well|was quick|was very thorough|was on time]",
    "[The|Our] [library|leisure centre|park|recycling centre|community centre|swimming pool] [is|was] [clean|well run|a credit to the town|lovely|always busy]",
    "[My|Our] {kid} [loves|enjoys|really enjoyed] the [holiday club|swimming lessons|library reading challenge|play scheme|youth club]",
    "[Very|Really|Extremely] [happy|pleased|satisfied|impressed] with [the service|the help|how quickly it was done|the outcome]",
]
REMARK = [
    "[The|A] [wait|waiting] [was|is] [too long|long|a bit long|over an hour]",
    "[I|i] had to [wait|ring|chase] [a long time|three times|for weeks] [to get an answer|to be seen|before anyone called back]",
    "[The|Your] [website|phone line|online form] [kept crashing|was confusing|wouldn't load|is hard to use]",
    "[It|The process] [was|is] [confusing|slow|straightforward|easy|quicker than I expected]",
    "[I|i] [didn't|did not] [feel|get] [listened to|the information I needed|a clear answer|any updates]",
    "[Nobody|No one] [told|explained to] [me|us] [what was happening|why|how long it would take]",
    "[I|i] [was|got] [passed|put through] [from one department to another|to three different people|around]",
    "[Getting|Parking] [there|at the centre|near the office] [is|was] [difficult|a nightmare|easy|fine]",
    "[I|i] [prefer|would rather] [to talk to a person|a phone call|an email|a letter]",
    "[My|The] [appointment|visit|call back] was [cancelled|moved|late|rearranged] [twice|at short notice|]",
]
SERVICE_NOTE = [
    "[Please|Can you|Could you] [update|change] my [address|phone number|email address|direct debit|contact details]",
    "[I|i] [need|would like] [a copy of|another] [my council tax bill|the letter|the form|a parking permit]",
    "[Where|How] [do|can] I [pay|renew|apply for] [my parking permit|a garden waste bin|a bus pass|a blue badge]",
    "[What time|When] [does|is] the [library|recycling centre|leisure centre|office] [open|closing] [on Sunday|on bank holidays|today]?",
    "[Thank you|Thanks|Cheers|Thank you very much][,|.|] [that's|that is|all] [sorted|done|fine|great|perfect]",
    "[Yes|Yes please|OK|Ok thanks|That's fine|Fine|Great|Lovely][,|.|] [thank you|thanks|see you then|I'll wait for the letter|]",
    "[Received|Got] [the letter|your email|the new bin|the permit][,|.|] [thanks|thank you|all good]",
]
BANKS = (NOTHING, NOTHING, IMPROVE, IMPROVE, PRAISE, PRAISE, REMARK, SERVICE_NOTE)
RELS = ("mum", "dad", "nan", "grandad", "husband", "wife", "son", "daughter", "brother", "aunt")
KIDS = ("son", "daughter", "little boy", "little girl", "kids", "children", "grandson", "granddaughter")


def feedback_texts(seed: int, n: int) -> list[str]:
    """`n` draws of ordinary feedback (one to three sentences), the distinct ones in the order drawn."""
    d = Draw(np.random.default_rng([seed, 23]))
    out: dict[str, None] = {}
    for _ in range(n):
        ctx = {"staff": d.pick(STAFF + NAMES_F + NAMES_M), "rel": d.pick(RELS), "kid": d.pick(KIDS), "him": d.pick(("him", "her", "them"))}
        parts = [sentence(d.pick(BANKS), d, ctx) for _ in range(d.pick((1, 1, 1, 2, 2, 3)))]
        text = " ".join(parts) if d.chance(0.7) else render(d.pick(d.pick(BANKS)), d, ctx)
        out[stylise(text, d.pick(("formal", "plain", "plain", "informal")), d)] = None
    return [t for t in out if t.strip()]
