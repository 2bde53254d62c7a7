"""What kind of case a text reads as, where the file does not say: a compliment, or an escalation.

Used only where the export leaves `case_type` or `stage` out (or blank): a text that only
thanks or praises is a compliment; a text that escalates a complaint or answers the
council's first response is a stage-2 record. Both are rules on the words, so a population
chosen by them says so (`PRAISE_BASIS`, `ESCALATION_BASIS`). `dissatisfaction` counts the plain
signs of dissatisfaction the kind of contact at intake also reads, and `REQUEST` finds a text that
asks for something.
"""

from __future__ import annotations

import re

__all__ = [
    "REQUEST",
    "dissatisfaction",
    "ESCALATION_BASIS",
    "PRAISE_BASIS",
    "TEXT_BASES",
    "looks_like_escalation",
    "looks_like_praise",
    "normalised",
]


def normalised(col):
    """A case_type, stage or acceptability column as compared: text, trimmed, lower case (missing stays missing).

    >>> import pandas as pd
    >>> normalised(pd.Series([" Stage 2", None, "Complaint"])).tolist()
    ['stage 2', <NA>, 'complaint']
    """
    return col.astype("string").str.strip().str.lower()


PRAISE_BASIS = "thanks or praise in the text (no case_type recorded)"
# Thanks and praise addressed to someone: what a compliment says. An acceptability model
# learns from complaint records only, so it never saw a compliment and tags most as complaints.
_THANKS = r"(?:thanks|thank (?:you|u)|thankyou)"
_PRAISE = re.compile(
    rf"\b(?:(?:a )?(?:big|huge|special|massive|sincere|heartfelt) {_THANKS}|{_THANKS}(?: (?:so|very) much)? again|"
    r"(?:many thanks|thank (?:you|u)|thankyou)(?: (?:so|very) much)? to\b|"  # not a bare "thanks to": "thanks to you, my bin..."
    rf"pass on (?:my|our) (?:thanks|gratitude|appreciation)|(?:say|send|give|express) (?:a )?{_THANKS}|"
    r"(?:excellent|fantastic|brilliant|great|outstanding|superb|wonderful|amazing|exceptional) (?:service|job|work|help)|"
    r"(?:really|very|so|extremely|truly) (?:grateful|appreciated|appreciative|thankful)|"
    r"keep up the (?:good|great|excellent) work|(?:went|go|going) (?:above and beyond|the extra mile)|"
    r"(?:i|we) (?:would like|want|wanted|wish) to (?:compliment|praise))\b",
    re.IGNORECASE,
)
# The council's words, not the writer's: a team's name, and how a contact centre logs any
# contact ("Caller rang re complaint. Says: ..."); both say "complaint" of a compliment too.
_NOT_THE_WRITERS = re.compile(
    r"\bcomplaints? (?:team|department|dept|officer|unit|section|manager)\b|"
    r"^[^\n]{0,60}?\bcomplain\w*\b[^\n:]{0,40}?\b(?:says|states|said|advised|reports|from \w+(?: \w+)?)\s*:",
    re.IGNORECASE,
)


# plain dissatisfaction: one of these (not negated: "I am not unhappy") makes a contact a complaint
_DISSATISFIED = re.compile(
    r"\b(complain\w*|unhappy|dissatisf\w*|disappoint\w*|unacceptable|not good enough|appall\w*|disgrac\w*|fed up|"
    r"frustrat\w*|angry|upset|rude|ignored|useless|terrible|awful|worst|let down|still (?:not|no|hasn|haven|waiting)|"
    r"failed|failure|never (?:came|arrived|turned|called))\b",
    re.IGNORECASE,
)
# words that often go with dissatisfaction but also with plain requests ("collect it again next week",
# "nobody is home on Mondays"): they count when there are two, or when the text does not ask for something
_WEAK_DISSATISFIED = re.compile(r"\b(again|repeatedly|third time|several times|no one|nobody|missed)\b", re.IGNORECASE)
# "not unhappy", "not at all unhappy", "hardly upset", "nobody is angry", "never unhappy" (but "never complained
# before" is still a complaint: `dissatisfaction` does not let "never" cancel a complaint word)
# "thank you again": thanks, not a repeated failure
_THANKS_BEFORE = re.compile(r"\b(?:thanks|thank (?:you|u)|thankyou)(?: (?:so|very) much)?\s+$", re.IGNORECASE)
_NEGATED = re.compile(r"\b(not|no longer|hardly|never|isn't|aren't|wasn't|weren't|nobody is|no one is)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
REQUEST = re.compile(  # the text asks for something
    r"(^\s*(please|can you|could you|can i|could i|i would like|i'd like|i need|how do i|when will|is it possible)\b|"
    r"\b(request(?:ing)? a|report(?:ing)? a|new bin|replacement (?:bin|box|container)|apply for|book (?:a|an)|order a|"
    r"i (?:just )?need a)\b)",
    re.IGNORECASE,
)


def dissatisfaction(text: str) -> int:
    """How many plain signs of dissatisfaction the text shows (negated ones, "not unhappy", do not count).

    Words that go with requests as often as with complaints ("again", "nobody") count
    when there are two of them, or when the text does not ask for something."""

    def negated(m) -> bool:
        neg = _NEGATED.search(text[max(0, m.start() - 32) : m.start()])
        return bool(neg) and not (neg.group(1).lower() == "never" and m.group(0).lower().startswith("complain"))

    def live(matches) -> list:
        return [m for m in matches if not negated(m)]

    strong = live(_DISSATISFIED.finditer(text))
    weak = [m for m in live(_WEAK_DISSATISFIED.finditer(text)) if not _THANKS_BEFORE.search(text[max(0, m.start() - 30) : m.start()])]
    if len(weak) < 2 and REQUEST.search(text):
        weak = []
    return len(strong) + len(weak)


def looks_like_praise(text: str) -> bool:
    """True when a contact thanks or praises someone and, apart from that, shows no dissatisfaction.

    >>> looks_like_praise("Please pass on my thanks to the bin crew. Really appreciated.")
    True
    >>> looks_like_praise("Thank you for your stage 1 response but I am still unhappy.")
    False
    >>> looks_like_praise("Can you fix the pothole on Brook Street? Many thanks.")
    False
    >>> looks_like_praise("Caller rang re complaint. Says: fantastic service from the crew.")
    True
    """

    if not isinstance(text, str) or not _PRAISE.search(text):
        return False
    return dissatisfaction(_PRAISE.sub(" ", _NOT_THE_WRITERS.sub(" ", text))) == 0


ESCALATION_BASIS = "escalation words in the text (no stage recorded)"
TEXT_BASES = (PRAISE_BASIS, ESCALATION_BASIS)  # rules on the words, not what the file records
# How a stage-2 request reads: it escalates, names stage 2, or answers the first response. On the
# demo year it finds 862 of 958 stage-2/3 records and none of 10,000 stage-1 complaints; it matches
# 2 of 51,843 NHS feedback comments. "Escalate this to my MP" and "de-escalate" are not escalations
# of the complaint, and "I don't accept the decision" at stage 1 is about a service decision.
_ESCALATION = re.compile(
    r"(?:(?<![-\w])escalat(?:e|ed|ing|ion)\b(?! into)"
    r"(?! (?:this|it|the matter|my complaint) to (?:my|the local|our|an?) (?:mp|councillor|press|media|solicitor))|"
    r"\bstage (?:2|two|ii)\b|\b(?:stage (?:1|one)|first stage) (?:response|reply|decision|findings|outcome|letter|answer)|"
    r"\b(?:not (?:happy|satisfied|content)|unhappy|dissatisfied|disappointed) with (?:the|your) "
    r"(?:response|reply|outcome|findings|answer)|"
    r"\b(?:do not|don'?t|cannot|can'?t) accept (?:the|your) (?:response|reply|findings)|"
    r"\b(?:disagree|do not agree|don'?t agree) with (?:the|your) (?:response|reply|findings|stage)|"
    r"\byour (?:response|reply|letter)(?: dated [^.,]{1,20})?,? (?:but|however) (?:i'?m|i am|we are|we'?re) (?:still )?"
    r"(?:not (?:happy|satisfied)|unhappy|dissatisfied)|"
    r"\btake (?:this|it|my complaint|the matter) (?:further|to the next stage)|\bnext stage of (?:the|your) complaints?)",
    re.IGNORECASE,
)


def looks_like_escalation(text: str) -> bool:
    """True when a text asks to escalate a complaint or answers the council's first response.

    >>> looks_like_escalation("I am writing to escalate my complaint to stage 2.")
    True
    >>> looks_like_escalation("Thank you for your response dated 17 March but I'm still unhappy.")
    True
    >>> looks_like_escalation("The bin was missed again. If not fixed I will escalate this to my MP.")
    False
    >>> looks_like_escalation("Staff should de-escalate situations. I don't accept the decision on my housing bid.")
    False
    """
    return isinstance(text, str) and bool(_ESCALATION.search(text))
