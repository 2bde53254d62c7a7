"""What kind of case a text reads as, where the file does not say: a compliment, or an escalation.

Used only where the export leaves `case_type` or `stage` out (or blank): a text that only
thanks or praises is a compliment; a text that escalates a complaint or answers the
council's first response is a stage-2 record. Both are rules on the words, so a population
chosen by them says so (`PRAISE_BASIS`, `ESCALATION_BASIS`).
"""
from __future__ import annotations

import re

__all__ = ["ESCALATION_BASIS", "PRAISE_BASIS", "TEXT_BASES", "looks_like_escalation", "looks_like_praise", "normalised"]


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
    re.IGNORECASE)
# The council's words, not the writer's: a team's name, and how a contact centre logs any
# contact ("Caller rang re complaint. Says: ..."); both say "complaint" of a compliment too.
_NOT_THE_WRITERS = re.compile(r"\bcomplaints? (?:team|department|dept|officer|unit|section|manager)\b|"
                              r"^[^\n]{0,60}?\bcomplain\w*\b[^\n:]{0,40}?\b(?:says|states|said|advised|reports|from \w+(?: \w+)?)\s*:",
                              re.IGNORECASE)


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
    from rca.scoring.triage import dissatisfaction

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
    re.IGNORECASE)


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
