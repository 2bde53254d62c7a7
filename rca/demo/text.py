"""Phrase banks and text assembly for the demo year (see `rca.demo.data`).

Texts are built from templates: ``[a|b|]`` picks one alternative (``[x|]`` may
leave it out), ``{slot}`` fills a value from the case context. Banks overlap on
purpose ("nobody got back to me" turns up under several root causes, "bin"
under waste and estate services) so a classifier has real work to do.

>>> import numpy as np
>>> d = Draw(np.random.default_rng(0))
>>> render("the [bin|box] on {street}", d, {"street": "Acacia Road"}) in ("the bin on Acacia Road", "the box on Acacia Road")
True
"""

from __future__ import annotations

import re
from bisect import bisect_right
from datetime import datetime, timedelta
from itertools import accumulate

import numpy as np


class Draw:
    """Fast scalar draws from one numpy Generator (buffered, so still deterministic)."""

    def __init__(self, rng: np.random.Generator, block: int = 8192) -> None:
        self.rng, self._block, self._buf, self._i = rng, block, [], 0

    def random(self) -> float:
        if self._i >= len(self._buf):
            self._buf, self._i = self.rng.random(self._block).tolist(), 0
        self._i += 1
        return self._buf[self._i - 1]

    def idx(self, n: int) -> int:
        return min(int(self.random() * n), n - 1)

    def pick(self, seq):
        return seq[self.idx(len(seq))]

    def chance(self, p: float) -> bool:
        return self.random() < p

    def between(self, lo: int, hi: int) -> int:
        """Integer in [lo, hi]."""
        return lo + self.idx(hi - lo + 1)

    def choose(self, table: "Weighted"):
        return table.keys[min(bisect_right(table.cum, self.random() * table.total), len(table.keys) - 1)]

    def wpick(self, weights: dict):
        return self.choose(Weighted(weights))


class Weighted:
    """A fixed weighted table for `Draw.choose` (keys keep their given order)."""

    def __init__(self, weights: dict) -> None:
        self.keys = list(weights)
        self.cum = list(accumulate(float(weights[k]) for k in self.keys))
        self.total = self.cum[-1]


# ---------------------------------------------------------------- templates
_CACHE: dict[str, list] = {}


def _parse_seq(s: str, i: int, stops: str) -> tuple[list, int]:
    parts: list = []
    buf: list[str] = []
    while i < len(s) and s[i] not in stops:
        c = s[i]
        if c == "[" or c == "{":
            if buf:
                parts.append("".join(buf))
                buf = []
            if c == "[":
                options = []
                i += 1
                while True:
                    seq, i = _parse_seq(s, i, "|]")
                    options.append(seq)
                    i += 1
                    if s[i - 1] == "]":
                        break
                parts.append(("alt", options))
            else:
                j = s.index("}", i)
                parts.append(("slot", s[i + 1 : j]))
                i = j + 1
        else:
            buf.append(c)
            i += 1
    if buf:
        parts.append("".join(buf))
    return parts, i


def _emit(parts: list, d: Draw, ctx: dict, out: list[str]) -> None:
    for p in parts:
        if isinstance(p, str):
            out.append(p)
        elif p[0] == "alt":
            _emit(d.pick(p[1]), d, ctx, out)
        else:
            v = ctx[p[1]]
            if callable(v):
                v = v(d, ctx)
            elif isinstance(v, (list, tuple)):
                v = render(d.pick(v), d, ctx)
            out.append(v)


def render(template: str, d: Draw, ctx: dict) -> str:
    """Expand one template."""
    parts = _CACHE.get(template)
    if parts is None:
        parts = _CACHE[template] = _parse_seq(template, 0, "")[0]
    out: list[str] = []
    _emit(parts, d, ctx, out)
    return re.sub(r" {2,}", " ", "".join(out)).replace(" ,", ",").replace(" .", ".").replace(" '", "'").strip()


def sentence(template_or_list, d: Draw, ctx: dict) -> str:
    t = d.pick(template_or_list) if isinstance(template_or_list, (list, tuple)) else template_or_list
    s = render(t, d, ctx)
    if not s:
        return s
    s = s[0].upper() + s[1:]
    return s if s[-1] in ".!?:," else s + d.pick((".", ".", ".", ".", "!", ".."))


# ---------------------------------------------------------------- people, places
FIRST = (
    "Sarah John Mohammed Fatima Emma James Olivia David Aisha Daniel Grace Michael Chloe Adebayo Priya "
    "Thomas Amina Joseph Sophie Kwame Hannah Ali Maria Peter Zainab Paul Jessica Tunde Lucy Mark Rebecca "
    "Ahmed Joanne Stephen Yasmin Chris Karen Gary Nadia Robert Shanice Andrew Leanne Dariusz Agnieszka Samuel "
    "Bukola Kevin Nicola Ibrahim Claire Delroy Marcia Tariq Helen Luke Precious Raj Sandra Tom Elif"
).split()
SURNAMES = (
    "Smith Jones Patel Khan Williams Brown Taylor Okafor Ahmed Wilson Johnson Davies Begum Singh Evans Thomas "
    "Roberts Walker Wright Thompson White Hughes Edwards Green Hall Wood Harris Clarke Mensah Adeyemi Kowalski "
    "Nowak Hussain Ali Campbell Robinson Lewis Jackson Martin Lee Turner Cooper Hill Ward Morris Moore "
    "Baker Mitchell Murphy Kaur Osei Mahmood Scott Young Allen King O'Brien Rahman Ibrahim Yilmaz Francis "
    "Bennett Shah Gordon Reid Chowdhury Asante Grant Dixon"
).split()
STAFF = ("Dave", "Sharon", "Kelly", "Mohammed", "Steve", "Julie", "Tony", "Bola", "Lisa", "Gavin", "Amrit", "Denise")
CONTRACTORS = (
    "Apex Property Services",
    "Keystone Building Services",
    "Greenway Environmental",
    "Crestline Repairs",
    "Urban Roads Ltd",
    "Bridgeford Care",
    "Harbour Homecare",
    "Northgate Maintenance",
)
BAILIFFS = ("Castle Recovery Ltd", "Northgate Enforcement", "Redwood Enforcement Agents")
ESTATES = (
    "Elm Court",
    "Marlowe House",
    "Kestrel Estate",
    "Brookfield Estate",
    "Langley Tower",
    "Woodvale Estate",
    "St Anne's Court",
    "Holloway Gardens",
)
MONTHS = ("January February March April May June July August September October November December").split()


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 11 <= n % 100 <= 13 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _past(d: Draw, ctx: dict, lo: int = 3, hi: int = 70) -> datetime:
    return ctx["when"] - timedelta(days=d.between(lo, hi))


def fmt_date(day: datetime, d: Draw) -> str:
    k = d.idx(6)
    if k == 0:
        return f"{_ordinal(day.day)} {MONTHS[day.month - 1]}"
    if k == 1:
        return day.strftime("%d/%m/%Y")
    if k == 2:
        return f"{day.day} {MONTHS[day.month - 1]}"
    if k == 3:
        return f"the {_ordinal(day.day)}"
    if k == 4:
        return day.strftime("%d/%m/%y").lstrip("0")
    return f"{_ordinal(day.day)} {MONTHS[day.month - 1][:3]}"


def _money(lo: int, hi: int):
    def f(d: Draw, ctx: dict) -> str:
        v = d.between(lo, hi)
        k = d.idx(4)
        if k == 0:
            return f"£{v:,}.{d.between(0, 99):02d}"
        if k == 1:
            return f"{v} pounds"
        return f"£{v:,}"

    return f


KIN_M, KIN_F = ("son", "husband", "dad", "father", "brother", "grandson"), ("daughter", "wife", "mum", "mother", "sister", "nan")
NAMES_M = ("Jack", "Daniel", "Tom", "Ali", "Kwame", "Joseph", "Samuel", "Tariq", "Oliver", "Harry", "Dariusz", "Tunde")
NAMES_F = ("Grace", "Amina", "Sophie", "Lily", "Chloe", "Zainab", "Ella", "Maya", "Precious", "Ruby", "Agnieszka", "Bukola")


def _kin(d: Draw) -> str:
    """A relative, named or not ("my son Jack", "my mum")."""
    kin, names = (KIN_M, NAMES_M) if d.chance(0.5) else (KIN_F, NAMES_F)
    return d.pick(kin) + (" " + d.pick(names) if d.chance(0.6) else "")


def _since(d: Draw, ctx: dict) -> str:
    k = d.idx(4)
    if k == 0:
        return "since " + fmt_date(_past(d, ctx, 7, 120), d)
    if k == 1:
        return "since " + MONTHS[_past(d, ctx, 20, 150).month - 1]
    return "for " + render("{weeks}", d, ctx)


DYNAMIC = {
    "date": lambda d, c: fmt_date(_past(d, c), d),
    "month": lambda d, c: MONTHS[_past(d, c, 20, 120).month - 1],
    "since": _since,
    "weeks": [
        "two weeks",
        "2 weeks",
        "3 weeks",
        "three weeks",
        "a month",
        "over a month",
        "6 weeks",
        "nearly two months",
        "10 days",
        "a fortnight",
        "four weeks",
        "months",
        "over 3 months",
    ],
    "n": ["2", "3", "three", "4", "four", "5", "several", "numerous", "so many"],
    "hn": lambda d, c: str(d.between(1, 140)),
    "amount": _money(40, 2900),
    "costs": _money(60, 120),
    "comp": _money(50, 400),
    "tow": _money(150, 300),
    "fpn": ["80", "100", "150"],
    "gw": ["60", "75", "85"],
    "ref": lambda d, c: d.pick(("", "SR-", "REF ", "CRM")) + str(d.between(1000000, 9999999)),
    "planref": lambda d, c: f"{c['when'].year % 100:02d}/{d.between(100, 4999):05d}/{d.pick(('FUL', 'HSE', 'LBC', 'OUT'))}",
    "pcn": lambda d, c: f"LW{d.between(10000000, 99999999)}",
    "staffname": STAFF,
    "contractor": CONTRACTORS,
    "bailiff": BAILIFFS,
    "estate": lambda d, c: d.pick(ESTATES) + d.pick(("", " estate", "")),
    "bin": [
        "bin",
        "black bin",
        "recycling",
        "recycling bin",
        "food waste bin",
        "food caddy",
        "green bin",
        "general waste",
        "rubbish",
        "blue bin",
        "bins",
    ],
    "kid": ["son", "daughter", "child", "little boy", "little girl"],
    "rel": ["mum", "mother", "dad", "father", "husband", "wife", "nan", "grandmother", "uncle"],
    "kin": lambda d, c: _kin(d),
    "item": ["carpet", "laminate floor", "kitchen tiles", "wallpaper", "bathroom floor", "front door frame"],
    "other_issue": [
        "the missed appointments",
        "the compensation",
        "the damage to my floor",
        "the rude officer",
        "the delays",
        "the mould in the bedroom",
        "my second point",
        "the costs",
        "the lack of updates",
    ],
}


# ---------------------------------------------------------------- complaint topics
# service -> topic -> (weight, team, route, root causes it leans to, templates)
R_FAIL, R_DELAY, R_CHARGE, R_DIS = (
    "Failure to do something",
    "Delay in doing something",
    "Charges and enforcement action",
    "Disagreement with decision",
)
R_STAFF, R_RESP, R_QUAL, R_3P = (
    "Staff conduct and attitude",
    "Insufficient response or update",
    "Quality of service not as expected",
    "Third-party contractor or provider",
)
R_INFO, R_POL, R_PRIV = ("Inaccurate or unclear information", "Policy objection", "Breach of privacy or confidentiality")
CSC, CORP = "childrens_social_care", "corporate"

TOPICS: dict[str, dict[str, tuple]] = {
    "Waste and Street Cleansing": {
        "missed collection": (
            30,
            "Waste Collections",
            CORP,
            (R_FAIL, R_3P, R_DELAY),
            [
                "[my|our] {bin} [wasn't|was not|hasnt been|has not been] [collected|emptied|picked up] [again|this week|on {date}|for the [second|third|3rd|2nd] week [running|in a row]|]",
                "the [bin men|crew|collection crew|binmen|lorry] [missed|skipped|drove past] [our road|{street}|my house|the whole street] [again|on {date}|]",
                "[missed collection|missed bin collection|bins not collected] [at|on] [{addr}|{street}] [again|]",
                "[rubbish|bags|the recycling|the bins] [piling up|has been piling up|left out] [outside|in front of] [my house|the flats|number {hn}] {since}",
            ],
        ),
        "bin damaged or left out": (
            8,
            "Waste Collections",
            CORP,
            (R_QUAL, R_3P, R_STAFF),
            [
                "[after|when] the crew [empty|emptied] the bins they [leave|left|just leave] them [in the middle of the pavement|blocking my drive|in the road|across the dropped kerb]",
                "[my|the] {bin} [was|got] [damaged|broken|cracked|the lid snapped] [by the crew|when they emptied it|during collection]",
            ],
        ),
        "new bin": (
            10,
            "Waste Collections",
            CORP,
            (R_DELAY, R_FAIL, R_INFO),
            [
                "[I|we] [ordered|requested|asked for|paid for] a [new|replacement] {bin} [on {date}|{weeks} ago|back in {month}] [and it [has not|hasn't|never] arrived|but [it never came|still no bin]]",
                "[we|I] moved [in|into {addr}] [and|but] there [were|was] no bins [at the property|]",
            ],
        ),
        "fly-tipping": (
            12,
            "Street Cleansing",
            CORP,
            (R_FAIL, R_DELAY, R_RESP),
            [
                "[someone|people] [keep|keeps|have been] [dumping rubbish|fly tipping|flytipping] [on|at|in] [{street}|the alley behind {street}|the corner of {street}|by the garages]",
                "[a mattress|an old sofa|builders rubble|black bags|a fridge] [has been|was] [dumped|left] [on|by] [the pavement|{street}|the estate] {since}",
                "[I|we] reported the fly[ |-]tipping [via the app|online|on the website] [on {date}|{weeks} ago|]",
            ],
        ),
        "street cleaning": (
            10,
            "Street Cleansing",
            CORP,
            (R_QUAL, R_FAIL, R_POL),
            [
                "[the street|{street}|our road] [is filthy|has not been swept in months|is covered in litter|is never swept]",
                "[leaves|broken glass|dog mess|litter] [all over|everywhere on] [the pavement|{street}]",
                "the [litter bin|street bin] [on|by] [{street}|the bus stop] [is always overflowing|is never emptied]",
            ],
        ),
        "littering fine": (
            6,
            "Waste Enforcement",
            CORP,
            (R_CHARGE, R_STAFF, R_DIS, R_3P),
            [
                "[I was|i got|I have been] [given|issued] a [£{fpn} |]fixed penalty [notice|] for [dropping a cigarette|littering|dropping a receipt|putting my bag out on the wrong day]",
                "the enforcement officer[s|] [followed me|were aggressive|wouldnt listen|filmed me] [and gave me a fine|]",
            ],
        ),
        "bulky waste": (
            5,
            "Waste Collections",
            CORP,
            (R_FAIL, R_QUAL, R_CHARGE),
            [
                "[I|we] [booked|paid for] a bulky [waste|item] collection [for|on] {date} [and|but] [nobody came|they only took half|they didn't take the sofa]"
            ],
        ),
        "garden waste": (
            5,
            "Waste Collections",
            CORP,
            (R_FAIL, R_CHARGE, R_POL),
            [
                "[I|we] [pay|paid] [£{gw}|for] [the|a] garden waste [subscription|service] [and|but] [it has been missed|it hasn't been collected|nobody collects it] [{n} times|again|all summer]"
            ],
        ),
        "collection schedule change": (
            9,
            "Waste Collections",
            CORP,
            (R_FAIL, R_INFO, R_POL, R_DELAY),
            [
                "[since|ever since] the [new|changed] collection [schedule|days|timetable|rounds] [started|came in|were introduced] [in October|last month|], [my|our] {bin} [has been|keeps being|was] [missed|not collected|forgotten]",
                "[nobody told us|we were not told|there was no letter about] [the|our] new collection day",
                "the new [bin|collection] [calendar|schedule] [is a shambles|doesnt work|is chaos|is wrong for our road]",
                "[we|I] [were|was] told [our|my] new collection day [is|was] [Tuesday|Wednesday|Thursday|Friday] [but|and yet] [nobody came|they came on a different day]",
            ],
        ),
    },
    "Revenues and Benefits": {
        "council tax bill": (
            18,
            "Council Tax",
            CORP,
            (R_CHARGE, R_INFO, R_DIS),
            [
                "[my|our] council tax [bill|account] [is wrong|has gone up|shows {amount} owing|has been calculated wrong]",
                "[I was|we were] [charged|billed] council tax for [a property|the flat] [I|we] [moved out of|left] [in {month}|months ago]",
                "[my|the] single person discount [was removed|has been taken off|was cancelled] [without warning|for no reason|]",
            ],
        ),
        "summons costs": (
            14,
            "Recovery",
            CORP,
            (R_CHARGE, R_DIS, R_INFO),
            [
                "[I|we] [received|got] a summons [for|over] [{amount}|arrears] [and|with] [£{costs} costs|costs added]",
                "[a liability order|court costs] [was|were] [added|granted] [even though|although] [I had|i'd] [paid|set up a payment plan|agreed an arrangement]",
            ],
        ),
        "enforcement agents": (
            9,
            "Recovery",
            CORP,
            (R_CHARGE, R_STAFF, R_3P),
            [
                "[enforcement agents|bailiffs|the enforcement agent] [came to|turned up at] [my house|{addr}] [at 7am|and frightened my children|demanding {amount}]",
                "[my account was passed|you passed my account] to [the bailiffs|enforcement agents|{bailiff}] [without|with no] [warning|letter]",
            ],
        ),
        "historic debt": (
            5,
            "Recovery",
            CORP,
            (R_CHARGE, R_INFO, R_DIS),
            [
                "[you are|the council is] [chasing|trying to recover] [a debt|council tax] from [2015|2016|2017|2018|years ago] [that I|which I] [never knew about|already paid]"
            ],
        ),
        "housing benefit": (
            14,
            "Benefits",
            CORP,
            (R_DELAY, R_DIS, R_RESP),
            [
                "[my|our] [housing benefit|council tax reduction|council tax support] [claim|application] [was|has been] [stopped|suspended|refused|not processed] [since {month}|in {month}|]",
                "[I|we] [sent|uploaded|provided] [my payslips|all the evidence|the documents] [{n} times|twice|again] [for my housing benefit claim|for the council tax reduction|]",
                "[an overpayment|a housing benefit overpayment] of {amount} [that|which] [is not my fault|I don't understand]",
            ],
        ),
        "direct debit or refund": (
            8,
            "Council Tax",
            CORP,
            (R_FAIL, R_DELAY, R_CHARGE),
            [
                "[my|the] direct debit [was taken twice|was cancelled by you|took the wrong amount]",
                "[I am|im] [owed|due] a [council tax|] refund of {amount} [and|but] [it still hasn't been paid|no one will pay it]",
            ],
        ),
    },
    "Parking": {
        "penalty charge notice": (
            30,
            "PCN Processing",
            CORP,
            (R_CHARGE, R_DIS, R_POL, R_INFO),
            [
                "[I|i] [got|received|was given] a [PCN|parking ticket|penalty charge notice] [on {street}|outside my own house|while loading|while i was unloading shopping|on {date}]",
                "the [parking attendant|warden|civil enforcement officer|CEO] [gave me|issued] a ticket [within|after] [2|five|a few] minutes",
                "the [signs|markings] [on {street}|] [are|were] [faded|missing|not clear]",
                "[my|the] [pay by phone|parking app] [session|payment] [didn't work|failed|was still running] [but|and] I [still|] got a [PCN|ticket]",
            ],
        ),
        "permits": (
            20,
            "Parking Permits",
            CORP,
            (R_DELAY, R_FAIL, R_INFO, R_CHARGE),
            [
                "[I|we] [applied for|renewed|paid for] [a|my|our] [resident|visitor|business] permit [on {date}|{weeks} ago] [and|but] [it hasn't arrived|never got it|was refused]",
                "[visitor vouchers|visitor permits] [never arrived|were not sent|ran out and I cant get more]",
            ],
        ),
        "new permit system": (
            7,
            "Parking Permits",
            CORP,
            (R_FAIL, R_CHARGE, R_INFO, R_QUAL),
            [
                "the new [online|digital|virtual] permit system [doesn't work|keeps crashing|charged me twice|wont let me log in]",
                "[since|after] [the switch to|you moved to|the launch of] [virtual permits|the new permit portal|the new parking system] [my|our] permit [is not showing|disappeared|was not linked to my car] [and|so] [I got|i received] a [PCN|ticket]",
                "the permit [website|portal|app] [says|shows] [error|my account doesnt exist|payment failed] [but|and] [took the money|I was charged]",
            ],
        ),
        "bay suspension": (
            6,
            "Parking Enforcement",
            CORP,
            (R_CHARGE, R_INFO, R_FAIL),
            [
                "[a|the] [parking bay|bay] [was|got] suspended [without notice|with no signs] [and|so] [my car was moved|i got a ticket|I was towed]"
            ],
        ),
        "vehicle removal": (
            5,
            "Parking Enforcement",
            CORP,
            (R_CHARGE, R_DIS, R_3P),
            ["[my car was|I was] [towed|removed|clamped] [from {street}|outside my house] [and|] [charged|fees of] {tow}"],
        ),
        "enforcement officer": (
            8,
            "Parking Enforcement",
            CORP,
            (R_STAFF, R_3P, R_CHARGE),
            [
                "[the|a] [traffic warden|parking warden|enforcement officer] [was rude|was aggressive|laughed at me|photographed my kids] [on {street}|]"
            ],
        ),
    },
    "Housing Management": {
        "repairs": (
            26,
            "Repairs",
            CORP,
            (R_FAIL, R_DELAY, R_QUAL, R_3P),
            [
                "[there is|I have|we have had] a leak [from|in|coming through] [the ceiling|the bathroom|the kitchen|the flat above|the roof] {since}",
                "[my|the] [boiler|heating|hot water] [has|] [broken down|not been working|been off|stopped working] {since}",
                "[the|my] [toilet|sink|bath] [is blocked|keeps leaking|is backing up]",
                "[the|my] [front door|windows|window frame|fence|back gate] [is|are] [broken|rotten|not secure|falling apart]",
            ],
        ),
        "damp and mould": (
            12,
            "Repairs",
            CORP,
            (R_FAIL, R_DELAY, R_QUAL),
            [
                "[there is|we have|my flat has] [black mould|damp and mould|mould|damp] [in|on|all over] [the bedroom|the bathroom|my childrens room|the walls|the ceiling]",
                "the [mould|damp] is [making my {kid} [ill|poorly|cough]|affecting my asthma|getting worse]",
                "[condensation|water] [runs down|is pouring down] the [walls|windows] [every morning|all the time]",
                "[they|the surveyor|someone] [came and|just] [painted over the mould|wiped it|said to open the windows]",
            ],
        ),
        "repair appointments": (
            9,
            "Repairs",
            CORP,
            (R_FAIL, R_RESP, R_3P),
            [
                "[I|we] [waited in|took a day off work|stayed in] [all day|from 8 till 6|for the appointment] [and|but] [nobody came|no one turned up|the operative never came]",
                "[the|my] repair appointment [was|has been] [cancelled|rescheduled] [{n} times|again|without telling me]",
            ],
        ),
        "estate services": (
            11,
            "Estate Services",
            CORP,
            (R_QUAL, R_FAIL, R_3P),
            [
                "the [communal areas|stairwell|bin store|bin chute] [on|at] [the estate|{estate}] [is|are] [filthy|never cleaned|overflowing with rubbish]",
                "the [lift|lifts|entry phone|communal lights|door entry system] [has been|have been] [broken|out of order|not working] {since}",
                "the [grass|bushes|communal garden] [is|are] [overgrown|never cut]",
                "the bins [on|at] [the estate|{estate}] are [overflowing|full of rats|never emptied]",
            ],
        ),
        "antisocial behaviour": (
            9,
            "Tenancy Management",
            CORP,
            (R_FAIL, R_RESP, R_STAFF),
            [
                "[my|our] neighbour [at number {hn}|upstairs|next door] [plays loud music|is making noise|is dealing drugs|keeps threatening me] [every night|all hours|]",
                "[I have|we've] reported [the|this] [antisocial behaviour|ASB|noise] [{n} times|many times] [and|but] [nothing is done|you do nothing]",
            ],
        ),
        "rent and service charges": (
            6,
            "Home Ownership",
            CORP,
            (R_CHARGE, R_INFO, R_DIS),
            [
                "[my|our] [rent account|service charge bill|rent statement] [shows|says] [arrears of {amount}|I owe {amount}] [which is wrong|that I don't owe]",
                "[the|my] service charge [went up|has gone up|is] [by {amount}|massively] [for|with] [services we don't get|no explanation]",
            ],
        ),
        "contractor work": (
            5,
            "Repairs",
            CORP,
            (R_3P, R_QUAL, R_STAFF),
            [
                "the [contractors|operatives|workmen|{contractor} workmen] [left|made] [a mess|rubble|dust everywhere]",
                "the [contractor|{contractor}] [did a terrible job|botched the repair|broke my {item}]",
            ],
        ),
    },
    "Housing Needs": {
        "homelessness": (
            18,
            "Housing Options",
            CORP,
            (R_DELAY, R_RESP, R_FAIL, R_STAFF),
            [
                "[I|we] [made|submitted] a homeless[ness|] application [on {date}|{weeks} ago|in {month}] [and|but] [nothing has happened|no one has contacted me|i still dont have a decision]",
                "[I am|we are|me and my kids are] [sofa surfing|being evicted|sleeping at my friends|street homeless] [and|] [you|the council] [won't|wont|will not] help",
            ],
        ),
        "temporary accommodation": (
            14,
            "Temporary Accommodation",
            CORP,
            (R_QUAL, R_DIS, R_3P),
            [
                "[the|our] temporary accommodation [is unsuitable|is damp|is infested with mice|has cockroaches|is too small|is miles away from my kids school]",
                "[we have been|I've been] in [a B&B|bed and breakfast|one room|a hostel] [for|over] [8 weeks|three months|more than six weeks] [with|and] [my|] [two|3|four] children",
            ],
        ),
        "housing plan": (
            5,
            "Housing Options",
            CORP,
            (R_FAIL, R_RESP, R_DELAY),
            [
                "[I|i] [never received|still haven't got|was not given] [my|a] personalised housing plan",
                "[my|the] housing officer [hasn't|has not] [returned my calls|been in touch|updated my plan]",
            ],
        ),
        "housing register": (
            14,
            "Allocations",
            CORP,
            (R_DIS, R_POL, R_DELAY),
            [
                "[I|we] [have been|was] [placed|put] in band [C|D|3|4] [which is wrong|even though|but] [my medical needs|we are overcrowded|my son is disabled]",
                "[I|we] [have been|been] on the housing [register|waiting list] for [5|7|10|12] years",
                "[my|our] [housing register|medical priority] [application|form] [was|has been] [lost|ignored|not assessed]",
            ],
        ),
        "allocations": (
            6,
            "Allocations",
            CORP,
            (R_DIS, R_INFO, R_POL),
            [
                "[I|we] bid on [a property|properties] [and was|and were|] [top of the list|shortlisted] [but|and] [it went to someone else|the offer was withdrawn]"
            ],
        ),
    },
    "Planning": {
        "planning application": (
            14,
            "Development Management",
            CORP,
            (R_DELAY, R_DIS, R_RESP),
            [
                "[my|our] planning application [ref {planref}|] [has been|was] [delayed|sitting there|refused|not determined] [for {weeks}|for months|]",
                "the [planning officer|case officer] [refused|rejected] [my|our] [extension|loft conversion|application] [without|for no] [reason|proper explanation]",
            ],
        ),
        "neighbour notification": (
            12,
            "Development Management",
            CORP,
            (R_FAIL, R_POL, R_DIS),
            [
                "[I|we|none of the neighbours] [were not|was never|weren't] [notified|consulted|told] about [the|a] [planning application|development|extension] [next door|at number {hn}|on {street}]",
                "[a huge|a] [extension|block of flats|building] [is being built|went up] [next to my house|behind my garden] [and|] [it blocks|blocking] [all my light|my view]",
            ],
        ),
        "planning enforcement": (
            10,
            "Planning Enforcement",
            CORP,
            (R_FAIL, R_DELAY, R_RESP),
            [
                "[my|our] neighbour [built|is building|has built] [an extension|a wall|an outbuilding] without [planning permission|permission] [and|but] [planning enforcement|you] [have done nothing|won't act]",
                "[I|we] [reported|raised] [a|the] [breach of planning|planning breach] [in {month}|{weeks} ago]",
            ],
        ),
        "planning portal and trees": (
            5,
            "Development Management",
            CORP,
            (R_PRIV, R_INFO, R_FAIL),
            [
                "the planning portal [is down|doesn't show the documents|has my personal details on it|published my phone number]",
                "[a|the] tree [with a|under a] [TPO|preservation order] [was|has been] [cut down|felled] [on {street}|]",
            ],
        ),
    },
    "Highways": {
        "potholes": (
            18,
            "Highways Maintenance",
            CORP,
            (R_FAIL, R_DELAY, R_QUAL),
            [
                "[there is|theres] a [huge|massive|deep|dangerous] pothole [on|in] [{street}|the road outside my house|the junction of {street}]",
                "[I|i] [damaged|burst] [my tyre|my wheel|my car] [on|in] a pothole [on|in] {street}",
            ],
        ),
        "pavements": (
            12,
            "Highways Maintenance",
            CORP,
            (R_FAIL, R_QUAL, R_DELAY),
            [
                "the [pavement|footway|paving slabs] [on|along] {street} [is|are] [broken|uneven|a trip hazard|lifted by tree roots]",
                "my [elderly|] [mum|neighbour|dad] [tripped|fell] on [a broken paving slab|the pavement] [on|in] {street}",
            ],
        ),
        "street lights": (
            8,
            "Street Lighting",
            CORP,
            (R_FAIL, R_DELAY, R_3P),
            ["the street light[s|] [on|outside] [{street}|my house] [has|have] been [out|not working|flickering] {since}"],
        ),
        "roadworks": (
            8,
            "Network Management",
            CORP,
            (R_3P, R_FAIL, R_INFO),
            [
                "the [utility|gas|] [road works|roadworks] [on|at] {street} have [gone on|been there] for [months|weeks] [with nobody working|with no one on site]",
                "the [contractors|workmen] [left|have left] [the road|the pavement] [dug up|in a mess|with barriers everywhere]",
            ],
        ),
        "drainage": (
            6,
            "Highways Maintenance",
            CORP,
            (R_FAIL, R_DELAY),
            ["[the|a] [drain|gully|drains] [on|in] {street} [is|are] blocked [and|so] [the road floods|water pours onto my property]"],
        ),
        "gritting and trees": (
            5,
            "Highways Maintenance",
            CORP,
            (R_FAIL, R_POL, R_QUAL),
            [
                "[our|the] road [wasn't|was not|was never] gritted [when it snowed|in the ice|]",
                "the [street tree|council tree] [outside|in front of] [my house|{addr}] [needs pruning|is blocking the light|is damaging my wall]",
            ],
        ),
    },
    "Adult Social Care": {
        "charging for care": (
            16,
            "Financial Assessments",
            "adult_social_care",
            (R_CHARGE, R_INFO, R_DELAY),
            [
                "[my|my mum's|my father's|our] [care|homecare|care home] [bill|invoice|charges] [is|are] [wrong|far too high|backdated {amount}]",
                "the financial assessment [was done wrong|took months|didn't include her disability costs]",
            ],
        ),
        "care provider": (
            18,
            "Commissioning",
            "adult_social_care",
            (R_3P, R_QUAL, R_STAFF),
            [
                "[the|my mum's|dad's] [carers|care workers|care agency] [are|keep] [late|not turning up|rushing visits|missing calls] [and|] [she|he] [is left|was left] [without food|in wet pads|alone]",
                "the care home [is|was] [not looking after|neglecting] my [mother|father|aunt]",
            ],
        ),
        "hospital discharge": (
            8,
            "Assessment and Care Management",
            "adult_social_care",
            (R_FAIL, R_RESP, R_QUAL),
            [
                "my [mum|dad|husband|wife] was discharged from [hospital|the hospital] [with no care in place|without a care package|too early]"
            ],
        ),
        "assessment": (
            14,
            "Assessment and Care Management",
            "adult_social_care",
            (R_DELAY, R_DIS, R_RESP),
            [
                "[we|I] [have been waiting|waited|asked] [for|] [an assessment|a care act assessment|a review|an occupational therapy assessment] {since}",
                "the social worker [reduced|cut] [my|her|his] care [hours|package] [without|with no] [proper assessment|explanation]",
            ],
        ),
        "direct payments": (
            6,
            "Financial Assessments",
            "adult_social_care",
            (R_DELAY, R_FAIL, R_INFO),
            [
                "[my|our] direct payments [were stopped|have not been paid|are late] [and|so] [I cannot pay|we can't pay] [my|the] [PA|carer]"
            ],
        ),
    },
    "Children's Services": {
        "SEND and EHC plans": (
            20,
            "SEND",
            CORP,
            (R_DELAY, R_FAIL, R_DIS, R_RESP),
            [
                "[my|our] {kid}'s EHC[ plan| needs assessment|P] [is|was|has been] [late|overdue|delayed] [past|beyond] the [20 week|] [deadline|timescale]",
                "the SEND [team|caseworker|officer] [has|have] [not responded|ignored my emails|refused to assess]",
                "[my|our] {kid} [is|has been] [out of school|without a school place|without support] {since}",
            ],
        ),
        "social work": (
            22,
            "Children's Social Care",
            CSC,
            (R_DIS, R_STAFF, R_INFO, R_RESP),
            [
                "the social worker [wrote|said|put] [things|lies|incorrect information] [in|about] [the|my|our] [assessment|report|child protection plan]",
                "the social worker [is|was] [rude|judgmental|biased|never returns calls]",
                "[my|our] family [has been|was] [treated unfairly|judged] by children's services",
            ],
        ),
        "care leavers": (
            8,
            "Leaving Care",
            CSC,
            (R_FAIL, R_RESP, R_DIS),
            [
                "[I am|im] a care leaver [and|but] [my personal advisor|my PA|the leaving care team] [has|have] [not helped|stopped my allowance|not helped with housing]"
            ],
        ),
        "school admissions": (
            10,
            "School Admissions",
            CORP,
            (R_INFO, R_DIS, R_POL),
            [
                "[my|our] {kid} [didn't|did not|didnt] get [a place|any of our preferences] [at|for] [the local school|primary school|secondary school]",
                "the admissions [team|office] [gave me|told me] [the wrong|incorrect] [deadline|information]",
            ],
        ),
        "child protection": (
            12,
            "Children's Social Care",
            CSC,
            (R_DIS, R_PRIV, R_STAFF),
            [
                "[a|the] [child protection|section 47] [investigation|enquiry|assessment] [into|about] [my|our] family [was|has been] [handled badly|unfair|based on a false referral]",
                "[information|my details|the report] [about|on] my [children|family] [was|were] [shared with|sent to] [my ex|the wrong person|the school] [without my consent|]",
            ],
        ),
        "school transport": (
            6,
            "SEND",
            CORP,
            (R_FAIL, R_DIS, R_3P),
            ["[my|our] {kid}'s [school transport|travel assistance|school bus] [was|has been] [withdrawn|late|not arranged]"],
        ),
    },
    "Concessionary Travel": {
        "blue badge": (
            55,
            "Blue Badge",
            CORP,
            (R_DIS, R_DELAY, R_POL),
            [
                "[my|my mum's|my husband's] blue badge [application|renewal] [was|has been] [refused|rejected|delayed|lost]",
                "[I|we] [applied for the blue badge|sent the blue badge application] [in {month}|{weeks} ago] [and|] [still no badge|have heard nothing]",
            ],
        ),
        "freedom pass": (
            45,
            "Freedom Pass",
            CORP,
            (R_DIS, R_DELAY, R_INFO),
            [
                "[my|my dad's] freedom pass [renewal|application|replacement] [has not arrived|was refused|was cancelled]",
                "[I was|im|i am] told [I|i] [am not|wasn't] eligible for a [disabled persons|] freedom pass",
            ],
        ),
    },
    "Customer Services": {
        "contact centre": (
            40,
            "Contact Centre",
            CORP,
            (R_RESP, R_STAFF, R_QUAL),
            [
                "[I|i] [rang|called|phoned] [the council|the contact centre|your call centre] [{n} times|every day this week|today] [and|but] [was|was kept|] [on hold|waiting] for [40 minutes|over an hour|ages]",
                "[your|the] [phone line|switchboard] [keeps cutting off|cuts me off|just goes dead]",
            ],
        ),
        "call back": (
            25,
            "Contact Centre",
            CORP,
            (R_RESP, R_FAIL, R_STAFF),
            ["[I was|i was] promised a call back [on {date}|within 48 hours|{n} times] [and|but] [never got one|no one rang]"],
        ),
        "website": (
            20,
            "Digital Services",
            CORP,
            (R_INFO, R_QUAL, R_PRIV),
            [
                "[your|the] [website|online form|MyAccount|online portal] [doesn't work|keeps crashing|wont let me submit|lost my form]",
                "[I|i] [could not|cant] [find|get] [the information|the right page|a phone number] [on|anywhere on] [your website|the website]",
            ],
        ),
        "reception": (
            15,
            "Contact Centre",
            CORP,
            (R_STAFF, R_QUAL, R_RESP),
            [
                "[at|in] the [customer service centre|town hall reception|civic centre] [the staff|the receptionist|the security guard] [was|were] [rude|unhelpful|turned me away]"
            ],
        ),
    },
}

# ---------------------------------------------------------------- root causes
# Shared phrases sit under several causes on purpose; officers code from the same words differently.
_NOBODY = "[nobody got back to me|no one got back to me|nobody has got back to me]"
CAUSES: dict[str, list[str]] = {
    R_FAIL: [
        "[nobody|no one] [came|turned up|showed up] [as promised|like you said|]",
        "[it|the job|the work] has [never|still not] been [done|sorted|dealt with]",
        "you [said|promised|told me] you would [sort it|fix it|send someone|deal with it] [and|but] [nothing happened|you never did]",
        "the council [has|have] [failed|completely failed] to [do anything|act|deal with this|do what it is supposed to]",
        "[absolutely|] nothing has been done",
        _NOBODY,
        "[this|it] [keeps happening|happens every week|has happened again]",
        "you [just|] [ignored|ignore] [it|my reports|the problem]",
    ],
    R_DELAY: [
        "[it has been|its been|it's been] {weeks} [and|] [I am|im|we are] still waiting",
        "[this is|its|it is] taking [far too long|ages|forever|way too long]",
        "[I|i] [reported|raised] [it|this] [back in|in] {month} [and|but] it [still hasn't|has still not|still hasnt] been [done|fixed|completed]",
        "the delay is [unacceptable|ridiculous|not good enough]",
        "[I have|ive|we've] [been waiting|waited] {weeks} for [a decision|an appointment|the work to be done|anything to happen]",
        "still no [date|timescale|idea] [for the work|when it will be done|]",
        _NOBODY,
        "how [long|much longer] [do I|do we|am I supposed to] [have to|] wait",
    ],
    R_CHARGE: [
        "[I was|I've been|we were] [charged|fined|billed] {amount} [for nothing|unfairly|]",
        "[the|this] [charge|fine|penalty|bill] is [unfair|wrong|not right|extortionate]",
        "[why|how] [am I|are we] being [charged|fined|chased for money]",
        "[the|these] [costs|fees|charges] [were|have been] added [without warning|for no reason|even though I paid]",
        "[I want|please give me] [the fine cancelled|a refund|the charge removed]",
    ],
    R_DIS: [
        "[I|i] [disagree with|do not agree with|dont accept] [the|your] decision",
        "[the|your] decision [is wrong|is unfair|makes no sense|was made without looking at the facts]",
        "[I was|we were|it was] [refused|rejected|turned down] [for no good reason|without explanation|]",
        "[I want|please] [the decision|this] [reviewed|looked at again|overturned]",
        "[you|the officer] [got it wrong|made the wrong call]",
    ],
    R_STAFF: [
        "the [officer|man on the phone|lady at reception|staff member|crew|person I spoke to] was [rude|dismissive|aggressive|unprofessional|patronising]",
        "[he|she|they] [shouted at me|hung up on me|laughed at me|swore at me|spoke to me like dirt]",
        "[your|the] staff [attitude|behaviour] [is|was] [disgusting|appalling|unacceptable]",
        "[I was|i was] [treated|spoken to] [like a criminal|with no respect|very rudely]",
    ],
    R_RESP: [
        _NOBODY,
        "[I have had|ive had|we've had] [no reply|no response|no update|nothing back]",
        "[I|i] [emailed|called|rang|chased] {n} times [and|but] [heard nothing|no one replied|got nowhere]",
        "the call back [never came|never happened]",
        "[I am|im|we are] [left|being left] in the dark",
        "[nobody|no one] [answers|replies to] [emails|the phone|my messages]",
        "[no one|nobody] has [kept me updated|told me what is happening]",
    ],
    R_QUAL: [
        "[it was|the job was|the work was] [a poor|a shoddy|a terrible|a substandard] [job|service|standard]",
        "[it|the job|the work] was [not done properly|done badly|only half done]",
        "[they|the crew|the workmen] left [a mess|rubbish everywhere|it worse than before]",
        "the [standard|quality] [of service|of the work|] is [not acceptable|really poor|nowhere near good enough]",
        "[this|it] [keeps happening|happens every week|has happened again]",
    ],
    R_3P: [
        "[the|your] [contractor|contractors|subcontractor|agency|care agency|carers] [didn't turn up|were late|did a poor job|were rude]",
        "[{contractor}|the contractor] [who you use|you sent|] [is|are] [useless|a disgrace|not fit for purpose]",
        "the [contractor|agency|company] [you pay|working for you] [keeps|keep] [letting us down|making excuses|blaming the council]",
        "[you|the council] [need to|should] [check|monitor|sort out] [your contractors|the agency|the firm you use]",
    ],
    R_INFO: [
        "[I was|we were|i was] [told|given] [the wrong|incorrect|conflicting] [information|advice]",
        "[your website|the letter|the officer] [said|says] [one thing|something different] [but|and] [then|] [another person said the opposite|it turned out to be wrong]",
        "[I|i] [got|keep getting] [different|conflicting] answers [every time I call|from different people]",
        "[nobody|no one] [could|can] [explain|tell me] [what is going on|why|what I need to do]",
        "the [letter|information|guidance] [is|was] [confusing|misleading|wrong]",
    ],
    R_POL: [
        "[the|your|this] [policy|rule|rules] [is|are] [unfair|ridiculous|discriminatory|nonsense]",
        "[why should|it is not right that|it's not fair that] [residents|people like me|we] [have to|should] [pay for this|put up with this|follow this rule]",
        "[I|we] [strongly|] object to [the new|the council's|this] [policy|rule|scheme]",
        "[the council|you] [should|need to] [change|scrap|review] [this policy|the rules]",
    ],
    R_PRIV: [
        "[my|our] [personal details|address|information|data|phone number] [were|was] [shared|given out|disclosed|sent to someone else]",
        "[a|your] [letter|email] [about me|with my details|] was sent to [the wrong address|my neighbour|my ex|someone else]",
        "[this is|that is] a [breach of|] [data protection|GDPR|my privacy] [breach|]",
        "[you|the officer] [copied in|told] [other people|my landlord|my neighbour] [about my case|without my consent]",
    ],
}

# ---------------------------------------------------------------- other kinds of contact
REQUESTS: dict[str, list[str]] = {
    "Waste and Street Cleansing": [
        "[can|could] [you|someone] [please|pls|] [deliver|send] [a new|a replacement|an extra] {bin} [to {addr}|]",
        "[please|] [book|arrange] a bulky waste collection for [a sofa|a fridge|a mattress]",
        "[when is|what day is] [my|our] [bin|recycling] collection [now|day]?",
        "[there is|theres] [fly tipping|rubbish dumped] [on|at] {street}[, please remove it|. please can it be cleared|]",
        "[please|can you] [empty|collect] the [street bin|litter bin] [on|by] {street}",
        "[how do I|can I] [sign up|subscribe] for garden waste [collections|]",
    ],
    "Revenues and Benefits": [
        "[please|can you] [send me|email me] a [copy of my|] council tax bill",
        "[I am|im] moving [out|house] on {date}, please [close|update] my council tax account",
        "[how do I|can I] apply for [single person discount|council tax reduction|housing benefit]",
        "[can i|please can I] [set up|change] [my|a] direct debit [for council tax|]",
    ],
    "Parking": [
        "[how do I|can I] [apply for|renew] a [visitor|resident] permit",
        "[please|can you] [add|change] the [car|vehicle] on my permit",
        "[I need|can i get] a [parking|bay] suspension for [a removal|a skip] on {date}",
    ],
    "Housing Management": [
        "[please|can you] [send someone|arrange a repair] [to fix|for] [my|the] [boiler|sink|front door|window|leak]",
        "[I|i] [want to|need to] report a repair [at {addr}|]",
        "the [communal light|lift|entry phone] [is out|isnt working], please [fix|repair] it",
        "[can i|how do I] [apply for|request] a [transfer|mutual exchange]",
        "[please|can someone] [come and|] [look at|check] the [damp|mould|condensation] in [my|the] [bathroom|bedroom]",
    ],
    "Housing Needs": [
        "[how do I|can I] [join|apply to] the housing register",
        "[I|i] [need|want] [advice|help] [about|with] [being evicted|a section 21 notice|finding somewhere to live]",
        "[please|can you] [update|change] [my|our] [housing application|address on the register]",
    ],
    "Planning": [
        "[do I need|does my] [planning permission|extension need planning] for [a loft conversion|a rear extension|a fence]",
        "[please|can you] [send|tell] me [the status of|an update on] [my|our] application {planref}",
    ],
    "Highways": [
        "[please|can you] [fix|repair|fill] the pothole [on|outside] {street}",
        "[the|a] street light [is out|isn't working] [on|outside] {street}[, please repair|]",
        "[can I|how do I] [apply for|get] a dropped kerb",
    ],
    "Adult Social Care": [
        "[I|i] [would like|want] [to request|to ask for] [an assessment|a care assessment|help at home] for [my|] [mum|dad|myself]",
        "[can you|please] [send me|tell me] [information about|how much] [care charges|the cost of care]",
    ],
    "Children's Services": [
        "[how do I|can I] apply for a school place for my {kid}",
        "[please|can you] [send me|tell me] [information about|how to get] [an EHC assessment|SEND support]",
    ],
    "Concessionary Travel": [
        "[how do I|can I] [apply for|renew] a [blue badge|freedom pass]",
        "[my|] [blue badge|freedom pass] [is|was] [lost|stolen|damaged], [please send|can i get] a replacement",
    ],
    "Customer Services": [
        "[what are|can you tell me] [your|the] opening hours [at the civic centre|]",
        "[please|can you] [update|change] my [address|contact details|email] [on my account|]",
        "[I|i] [need|want] [to speak to|a number for] [someone in|the] [housing|council tax|parking] [team|department]",
    ],
}
REQUEST_LEAD = [
    "[just wondering|I wanted to ask|quick question] -",
    "[please|] [can you help|could you help]?",
    "[sorry to bother you|hope you can help|not a complaint but].",
]
NOT_FOR_US = [
    "[my|the] GP [surgery|practice] [won't|refuse to] [give me an appointment|register me]",
    "[the|] hospital [lost|cancelled] my [appointment|operation] [again|]",
    "the police [did nothing|never came|didnt respond] when [my car was broken into|I reported a burglary]",
    "the water company [has|have] [a burst main on {street}|been digging up {street}|overcharged me]",
    "my [electricity|gas|energy] [supplier|company] [overcharged me|cut me off]",
    "the [bus driver was rude|bus never turns up|bus drove past me] [on {street}|at the stop]",
    "[my|the] housing association [Riverside Homes|Greenway Housing Trust] [won't|will not] fix [my boiler|the leak]",
    "[my|the] universal credit [payment|claim] [was stopped|is wrong] [by the DWP|]",
    "[Royal Mail|the postman] [keeps losing|lost] my [post|parcel]",
    "[the|my] [ambulance|NHS 111 call] [took hours|never came]",
]
APPEALS = {
    "Parking": [
        "[I wish to|I want to|I would like to] appeal [against|] [the|this] [PCN|parking ticket|penalty charge] [number|ref|] {pcn}",
        "[please treat this as|this is] [an|my] appeal [against PCN {pcn}|against the parking ticket]",
    ],
    "Children's Services": ["[I|we] [want to|wish to] appeal [the|our] [school place|school admission] [decision|refusal] for my {kid}"],
    "Revenues and Benefits": [
        "[I|i] [disagree with|want to appeal] the [housing benefit|council tax reduction] decision [and|] [want it reconsidered|want a tribunal]"
    ],
}
LEGAL = [
    "[my|our] solicitor[s|] [has|have] [written to you|sent a letter before action|issued a claim]",
    "[I have|we have|im] [started|taken|issued] [legal action|a disrepair claim|county court proceedings|a claim in the county court] [against the council|]",
    "[this matter|the case] [is|is now] [with my solicitor|going to court|before the tribunal|subject to a judicial review]",
    "[I|we] [have|] instructed [solicitors|a solicitor|lawyers] [about this|regarding this matter]",
]
ANON = [
    "[I|i] [don't want to|do not wish to|wont] give my name",
    "[from|] [a concerned|an angry|a fed up] [resident|local resident|neighbour]",
    "[I'd|I would] rather [stay|remain] anonymous",
]
DUP_LEAD = [
    "[I|i] [sent|submitted|made] this [complaint|] [already|before|last week|on {date}] [but|and] [heard nothing|nobody replied|have had no acknowledgement]",
    "[resubmitting|re-sending|sending again|chasing] [my complaint|this] [as|because] [I|i] [have|'ve] [had no reply|not heard back]",
    "[copy of|FW:|fwd -] my [previous|earlier|original] complaint",
]

# ---------------------------------------------------------------- escalation, ombudsman, compliments
REASONS: dict[str, list[str]] = {
    "Disagree with decision": [
        "[I|i] [do not|don't|dont] [agree with|accept] [your|the] [stage 1|] [decision|response|findings]",
        "[your|the] [response|decision] [is|was] [wrong|unfair|not acceptable]",
        "you [decided|concluded] [that|] [you were not at fault|there was no fault|it was my fault] [which is|and that is] [not true|wrong|rubbish]",
    ],
    "Failed to address all issues": [
        "[your|the] [response|reply|letter] [did not|didn't|failed to] [address|deal with|mention] [all|half|most] of [my|the] [points|issues|concerns]",
        "[you|the response] [ignored|missed out|completely ignored] [my|the] [second|other|main] [issue|point] [about|regarding] {other_issue}",
        "only [one|part] of my complaint [was|has been] [answered|looked at]",
    ],
    "Promised action not taken": [
        "[you|the council|the officer] [promised|said you would|agreed to] [send someone|fix it|do the repair|call me|refund me] [and|but] [it never happened|nothing has happened|still nothing]"
    ],
    "Promised action insufficient": [
        "[what|the action] [you|the council] [offered|promised|propose] [is not enough|is nowhere near enough|is a joke|is inadequate]",
        "[a|the] [temporary|quick] [fix|patch up] [is not|isn't] good enough",
    ],
    "Delay in responding to complaint": [
        "[it took|you took] [{weeks}|weeks|over a month] to [respond|reply|get back to me] [to my complaint|at stage 1|]",
        "[your|the] response was [late|overdue|well past the 10 working days]",
    ],
    "Ignored relevant information": [
        "[you|the investigating officer] [ignored|did not look at|didn't consider] the [photos|evidence|medical letters|emails] [I sent|I provided]"
    ],
    "Inadequate explanation": [
        "[the|your] response [doesn't|does not|didn't] explain [why|how] [the decision was made|this happened|it took so long]",
        "there was no [proper|real] explanation [given|] [for|of] [the decision|what went wrong]",
    ],
    "Misleading or inaccurate response": [
        "[your|the] [response|letter] [contains|says] [things that are untrue|wrong information|factual errors|incorrect dates]",
        "[the|your] [response|officer] [said|claims] [the work was done|someone visited] [which is|but that is] [not true|a lie|false]",
    ],
    "Reason not clear": [
        "[I am|i'm|im] still not [happy|satisfied]",
        "[I|i] want [this|my complaint] [escalated|taken to stage 2|looked at again]",
    ],
    "Inappropriate response": [
        "[the|your] [response|letter|tone] [was|is] [rude|patronising|dismissive|condescending]",
        "[it|the letter] [was|read like] a [copy and paste|template] [response|job]",
    ],
    "Promised action delayed": [
        "the [work|repair|action] [you|] promised [at stage 1|in your response] [still hasn't|has not] [happened|been done] [yet|] [and|] [it's been|its been] {weeks}",
        "you said [it|the work] would be done by [{date}|the end of the month] [and|but] [it wasn't|im still waiting]",
    ],
    "Inadequate compensation": [
        "[the|your] [offer|compensation|goodwill payment] of {comp} [is|was] [insulting|not enough|a joke|derisory]",
        "[I|i] [expect|want] [proper|fair|more] compensation [for|] [the distress|what we have been through|my losses]",
    ],
    "Poorly written response": [
        "[your|the] [response|letter] [was|is] [badly written|full of spelling mistakes|confusing|impossible to understand]",
        "[the|your] [letter|response] [had|has] [the wrong name|someone else's name|my name spelt wrong] [on it|]",
    ],
}
ESC_LEAD = [
    "[I am|i am|Im] [writing|] [to escalate|escalating] my complaint [{pref}|ref {pref}|] [to stage 2|]",
    "[Thank you for|Thanks for|I received] your [stage 1|] response [dated {date}|] [but|however] [I am|im] [not satisfied|not happy|still unhappy]",
    "Re: [complaint|] {pref}[ - stage 2|]",
    "[I am|im] [not happy|unhappy|disappointed] with [the|your] response to my complaint",
]
ESC_END = [
    "[please|] [escalate|take] this to stage 2",
    "[if this is not resolved|otherwise] I will [go|take this] to the [Ombudsman|Housing Ombudsman|LGSCO]",
    "[I want|I expect] a [proper|full] [investigation|review] [by|from] a [senior manager|director]",
]
STAGE3_LEAD = [
    "[I|we] [remain dissatisfied|are still unhappy] [after|with] the stage 2 [investigation|investigating officer's report] [and|] [request|ask for] [a stage 3|a review panel]"
]
OMBUDSMAN = {
    "Upheld": "[fault found|the Ombudsman found fault] causing injustice. [Remedy:|Recommended:] [apology and payment of {comp}|apology and review of procedures|payment of {comp} for distress]",
    "Partly upheld": "[fault found in part|some fault found]. [Recommended an apology|Remedy: apology] [and|plus] [a service review|{comp} for time and trouble]",
    "Not upheld": "[no fault found|the Ombudsman found no fault|closed - no fault] [in how the council handled the complaint|]",
    "Withdrawn": "[complaint withdrawn by the complainant|the complainant withdrew their complaint]",
    "Closed after initial enquiries": "[closed after initial enquiries|will not investigate] - [no worthwhile outcome achievable|not enough injustice to warrant investigation|out of jurisdiction]",
    "Referred back for local resolution": "[premature - referred back to the council|referred back for local resolution] [to complete its complaints procedure|]",
}
OMBUDSMAN_NO_PAYMENT = {
    "Upheld": "[fault found|the Ombudsman found fault] causing injustice. [Remedy:|Recommended:] [apology and review of procedures|an apology and a reminder to staff|apology and a service review]",
    "Partly upheld": "[fault found in part|some fault found]. [Recommended an apology|Remedy: apology] [and|plus] a service review",
}
COMPLIMENTS: dict[str, str] = {
    "Waste and Street Cleansing": "the [bin crew|crew on {street}|street cleaner] [who|] [always|] [put the bins back neatly|helped my elderly mum|cleared the fly tipping so quickly]",
    "Housing Management": "[the repairs operative|the plumber|your surveyor|the caretaker on {estate}] [who|] [fixed my boiler in no time|was so polite and tidy|sorted the leak straight away]",
    "Customer Services": "[the lady on the phone|the advisor|{staffname} at the contact centre] [who|] [was so patient|sorted everything in one call|went above and beyond]",
    "Adult Social Care": "[the social worker|the carers|the occupational therapist] [who|] [supported my {rel}|were so kind|made such a difference]",
    "Children's Services": "[our social worker|the SEND officer|the family support worker] [who|] [really listened|helped my {kid}|kept us informed]",
}
COMPLIMENT_ANY = "[the team|the officer|{staffname}] [who|] [dealt with my query|helped me|was brilliant]"
COMPLIMENT_LEAD = [
    "[I|i] [just|] [wanted|want] to say [a big|] thank you to",
    "[Please pass on my thanks|many thanks] to",
    "[Excellent|Brilliant|Fantastic] service from",
]

# ---------------------------------------------------------------- the rest of a letter
IMPACT = [
    "[I have|we have|i've got] [a newborn|a new baby|young children|a toddler] [at home|]",
    "[I am|im|i'm] [disabled|a pensioner|85 years old|a carer for my mum|pregnant]",
    "[this|it] [is|has been] [affecting|really affecting] my [mental health|anxiety|depression|sleep]",
    "my {kid} has [asthma|autism|sickle cell]",
    "my {kin} [has asthma|is disabled|is autistic|is 89]",
    "[I|we] work [nights|full time] and [cannot|can't|cant] keep [taking time off|chasing this]",
    "[this|it] is [really|so] [stressful|upsetting|frustrating]",
    "[I|we] pay [my|our] council tax [like everyone else|every month|on time]",
]
HISTORY = [
    "[I|i] [reported|raised] [this|it] [on {date}|{weeks} ago|in {month}][ (ref {ref})|, ref {ref}|]",
    "[I have|ive|we have] [called|rang|phoned|emailed] {n} times",
    "[this is|its] the [third|3rd|fourth|second] time [I|i] [have|'ve] [complained|reported this|contacted you]",
    "[I|i] [spoke to|was told by] [someone|an officer|a lady|a man called {staffname}] [who said|and they said] [it would be sorted|someone would call me|to wait]",
]
DEMAND = [
    "[I want|I expect|i would like] [this|it] [sorted|fixed|dealt with] [asap|immediately|this week|now]",
    "[I|i] [want|expect] [an apology|compensation|a refund|someone to call me]",
    "[please|pls|can you please|could someone] [call|ring|contact] me [back|]",
    "[what are you going to do about it|when will this be sorted|can someone explain]?",
    "[if this isn't|if this is not] [sorted|resolved] [I will|i'll] [go to my councillor|contact my MP|go to the Ombudsman|go to the papers]",
]
OPEN_FORMAL = ["Dear Sir/Madam,", "Dear Sir or Madam,", "To whom it may concern,", "Dear Complaints Team,", "Good morning,"]
OPEN_CASUAL = ["Hi,", "Hello,", "Hi there,", "hi", "hello"]
INTRO = [
    "My name is {first} {last} [and I live at {addr}|of {addr}|]",
    "I am writing [to complain|to make a formal complaint|to make a complaint] [about|regarding] [this|the following]",
    "I am writing on behalf of my {kin}",
    "I live at {addr}[ {pc}|]",
    "[I|i] am [a tenant|a resident|a leaseholder] at {addr}",
]
SIGN = ["[Regards|Kind regards|Thanks|Many thanks|Yours faithfully|Thank you|Best wishes][,|]\n{signame}", "{signame}", "Thanks, {signame}"]
CONTACT = [
    "[You can [contact|reach|call] me on|My number is|Tel:|Mob:|call me on] {phone}",
    "[my email is|email me at|email:] {email}",
    "[my|our] address is {addr}, {pc}",
]
CALLER = [
    "[Resident|Customer|Caller|Cust|Tenant|{tname}] [called|phoned|rang|came in|attended reception] [to complain|re complaint|about this]. [States|Says|Advised]:",
    "[Telephone|Phone] complaint [from|taken from] [resident|{tname}|customer]:",
    "[Caller|Cust] [states|says]",
]
SERVICE_WORDS = {
    "Housing Management": "my [repairs|housing|tenancy]",
    "Waste and Street Cleansing": "[my bins|the bin collection|rubbish]",
    "Parking": "[parking|a parking ticket]",
    "Revenues and Benefits": "[my council tax|my benefits]",
}

# ---------------------------------------------------------------- assembly
MISSPELL = {
    "received": "recieved",
    "definitely": "definately",
    "separate": "seperate",
    "council": "counsil",
    "collected": "collcted",
    "appointment": "appointmant",
    "because": "becuase",
    "disgusting": "discusting",
    "until": "untill",
    "which": "wich",
    "neighbour": "neighbor",
    "accommodation": "accomodation",
    "necessary": "neccessary",
    "responsible": "responsable",
    "environment": "enviroment",
    "their": "there",
    "complaint": "complant",
    "weeks": "weks",
    "really": "realy",
    "finally": "finaly",
    "business": "buisness",
}
_WORD = re.compile(r"[A-Za-z']+")


def _typo(word: str, d: Draw) -> str:
    low = word.lower()
    if low in MISSPELL and d.chance(0.6):
        return MISSPELL[low]
    if len(word) < 4:
        return word
    i = d.between(1, len(word) - 2)
    k = d.idx(3)
    if k == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if k == 1:
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def stylise(text: str, style: str, d: Draw) -> str:
    """Typos and informal spelling, at a rate set by the writer's style."""
    rate = {"formal": 0.004, "plain": 0.012, "informal": 0.03}[style]
    text = _WORD.sub(lambda m: _typo(m.group(0), d) if d.chance(rate) else m.group(0), text)
    if style == "informal":
        if d.chance(0.5):
            text = re.sub(r"\bI\b", "i", text)
        if d.chance(0.5):
            text = text.replace("n't", "nt").replace("I'm", "im").replace("it's", "its").replace("I've", "ive")
        if d.chance(0.15):
            text = re.sub(r"\byou\b", "u", text)
        if d.chance(0.2):
            text = text.replace("please", "pls")
        if d.chance(0.5):
            text = re.sub(r"([.!?] )([A-Z])", lambda m: m.group(1) + m.group(2).lower(), text)
            text = text[:1].lower() + text[1:]
        if d.chance(0.25):
            text = text.rstrip(".") + d.pick(("!!", "!!!", "??", " !!"))
        if d.chance(0.08):
            text = text.upper()
    return text


def phone_text(number: str, d: Draw) -> str:
    digits = number.replace(" ", "")
    k = d.idx(4)
    if k == 0:
        return digits
    if k == 1 and digits.startswith("07"):
        return "+44 " + digits[1:5] + " " + digits[5:]
    if k == 2 and digits.startswith("020"):
        return "0207 " + digits[4:7] + " " + digits[7:]
    return number


def make_ctx(d: Draw, when: datetime, person: dict | None, street: str, ward_pc: str) -> dict:
    """Slots for one text: the writer's details and the place it is about."""
    ctx = dict(DYNAMIC)
    ctx.update(when=when, street=street, pc=ward_pc, addr=f"{d.between(1, 140)} {street}")
    if person:
        ctx.update(
            first=person["first"],
            last=person["last"],
            tname=f"{person['title']} {person['last']}",
            addr=person["addr"],
            pc=person["pc"] or ward_pc,
            email=person["email"],
            phone=lambda d, c: phone_text(person["phone"], d),
            signame=lambda d, c: render(
                d.pick(("{first} {last}", "{tname}", "{first}", "{first} {last}\n{phone}", "{first} {last}\n{addr}\n{pc}")), d, c
            ),
        )
    return ctx


def _topic_sentence(d: Draw, ctx: dict, service: str, topic: str) -> str:
    return sentence(TOPICS[service][topic][4], d, ctx)


def _wrap(d: Draw, ctx: dict, body: list[str], person: dict | None, channel: str, verbosity: int, extra: list[str] | None = None) -> str:
    """Put greeting, name, contact details and sign-off round the body, by channel and style."""
    style = person["style"] if person else d.pick(("plain", "informal"))
    text = stylise(" ".join(s for s in body if s), style, d)
    if channel in ("Phone", "In person"):
        lead = render(d.pick(CALLER), d, ctx if person else {**ctx, "tname": "resident"})
        return f"{lead} {text}".strip()
    paras = [text]
    if verbosity >= 2 and len(body) > 3:  # long letters come in paragraphs
        cut = max(2, len(body) // 2)
        paras = [stylise(" ".join(body[:cut]), style, d), stylise(" ".join(body[cut:]), style, d)]
    if extra:
        paras.append(" ".join(extra))
    greeting, head, tail = "", [], []
    formal = style == "formal" or channel == "Letter"
    if person:
        if d.chance(0.15 + 0.25 * verbosity + 0.3 * formal):
            greeting = d.pick(OPEN_FORMAL if formal else OPEN_CASUAL)
        if d.chance(0.1 + 0.2 * verbosity):
            head.append(sentence(INTRO, d, ctx))
        if d.chance(0.1 + 0.15 * verbosity):
            tail.append(sentence(CONTACT, d, ctx))
        if d.chance(0.15 + 0.25 * verbosity + 0.3 * formal):
            tail.append(render(d.pick(SIGN), d, ctx))
        if channel == "Letter" and d.chance(0.5):
            w = ctx["when"]
            greeting = f"{person['addr']}\n{ctx['pc']}\n\n{w.day} {MONTHS[w.month - 1]} {w.year}\n\n{greeting}"
    sep = "\n\n" if (verbosity >= 2 or channel in ("Letter", "Email")) else " "
    body_text = sep.join(head + paras + tail)
    if greeting:
        body_text = greeting + ("\n" if greeting.endswith(",") else " ") + body_text
    return body_text.strip()


def complaint_text(
    d: Draw,
    ctx: dict,
    person: dict | None,
    *,
    service: str,
    topic: str,
    root_cause: str,
    other_rc: str,
    channel: str,
    verbosity: int,
    cross: tuple[str, str] | None = None,
) -> str:
    """A resident's complaint: what happened (topic), what went wrong (cause), and the rest."""
    vague = d.chance(0.04)  # some say only what went wrong, not what it was about
    body = [] if vague else [_topic_sentence(d, ctx, service, topic)]
    if service == "Customer Services" and d.chance(0.5):  # the call was about another service
        body.append(
            sentence("[I was calling|i rang|I was trying to get through|I called] about " + d.pick(list(SERVICE_WORDS.values())), d, ctx)
        )
    if verbosity >= 2 and d.chance(0.5):
        body.append(_topic_sentence(d, ctx, service, topic))
    if vague or d.chance(0.72 + 0.06 * verbosity):
        body.append(sentence(CAUSES[root_cause], d, ctx))
    if verbosity >= 1 and d.chance(0.2 + 0.15 * verbosity):
        body.append(sentence(CAUSES[root_cause], d, ctx))
    if d.chance(0.12 + 0.1 * verbosity):
        body.insert(d.between(1, len(body)), sentence(CAUSES[other_rc], d, ctx))
    if cross:
        body.append(
            sentence(d.pick(("also", "and another thing,", "while im at it", "Also")) + " " + d.pick(TOPICS[cross[0]][cross[1]][4]), d, ctx)
        )
    pools = (HISTORY, IMPACT, DEMAND)
    for _ in range(max(0, verbosity * 2 - 1 + d.idx(2))):
        body.append(sentence(d.pick(pools), d, ctx))
    if verbosity == 0 and d.chance(0.3):
        body = [" ".join(s.rstrip(".") for s in body).lower().capitalize()]
    if person is None and d.chance(0.5):
        body.append(sentence(ANON, d, ctx))
    return _wrap(d, ctx, body, person, channel, verbosity)


def request_text(d: Draw, ctx: dict, person: dict | None, *, service: str, channel: str) -> str:
    body = [sentence(REQUESTS[service], d, ctx)]
    if d.chance(0.3):
        body.insert(0, render(d.pick(REQUEST_LEAD), d, ctx))
    if d.chance(0.2):
        body.append(sentence(d.pick((HISTORY, IMPACT)), d, ctx))
    if d.chance(0.25):
        body.append(d.pick(("Thanks", "thank you", "Many thanks.", "cheers")))
    return _wrap(d, ctx, body, person, channel, 0)


def other_text(d: Draw, ctx: dict, person: dict | None, *, kind: str, service: str, topic: str, channel: str) -> str:
    """Not-for-us, appeal and legal-proceedings contacts."""
    if kind == "Not for this organisation":
        body = [sentence(NOT_FOR_US, d, ctx)]
    elif kind == "Appeal - not a complaint":
        body = [sentence(APPEALS.get(service, APPEALS["Parking"]), d, ctx)]
        if d.chance(0.5) and service in TOPICS:
            body.append(_topic_sentence(d, ctx, service, topic))
    else:
        body = [_topic_sentence(d, ctx, service, topic), sentence(LEGAL, d, ctx)]
    if d.chance(0.4):
        body.append(sentence(d.pick((DEMAND, IMPACT, HISTORY)), d, ctx))
    return _wrap(d, ctx, body, person, channel, 1 if d.chance(0.4) else 0)


def duplicate_text(d: Draw, ctx: dict, original: str) -> str:
    """A near-repeat of an earlier contact by the same person."""
    parts = re.split(r"(?<=[.!?])\s+", original)
    if len(parts) > 2 and d.chance(0.4):
        del parts[d.between(1, len(parts) - 1)]
    text = " ".join(parts)
    if d.chance(0.6):
        text = sentence(DUP_LEAD, d, ctx) + d.pick((" ", "\n\n", " - ")) + text
    return stylise(text, "plain", d)


def escalation_text(
    d: Draw, ctx: dict, person: dict | None, *, reasons: list[str], service: str, topic: str, parent_ref: str, stage: str, channel: str
) -> str:
    """The resident's reply after a response: why they are still unhappy."""
    c = {**ctx, "pref": parent_ref}
    body = [sentence(ESC_LEAD if stage == "2" else STAGE3_LEAD, d, c)]
    for r in reasons:
        body.append(sentence(REASONS[r], d, c))
        if d.chance(0.25):
            body.append(sentence(REASONS[r], d, c))
    if d.chance(0.5):
        body.insert(1, _topic_sentence(d, c, service, topic))
    if d.chance(0.4):
        body.append(sentence(d.pick((IMPACT, DEMAND)), d, c))
    if d.chance(0.6):
        body.append(sentence(ESC_END, d, c))
    return _wrap(d, c, body, person, channel, d.pick((0, 1, 1, 2)))


def ombudsman_text(d: Draw, ctx: dict, *, outcome: str, body: str, parent_ref: str, comp: float | None) -> str:
    """The Ombudsman's decision as logged; a payment is named only when compensation was recorded."""
    finding = OMBUDSMAN[outcome] if comp else OMBUDSMAN_NO_PAYMENT.get(outcome, OMBUDSMAN[outcome])
    c = {**ctx, "comp": f"£{comp:,.0f}" if comp else ""}
    return render(f"{body} [final decision|decision|decision received] [re|regarding|for] [complaint|case|] {parent_ref}: {finding}", d, c)


def compliment_text(d: Draw, ctx: dict, person: dict | None, *, service: str, channel: str) -> str:
    tail = COMPLIMENTS.get(service, COMPLIMENT_ANY)
    body = [sentence(f"{d.pick(COMPLIMENT_LEAD)} {tail}", d, ctx)]
    if d.chance(0.4):
        body.append(sentence("[really|very] [appreciated|grateful]. [keep up the good work|thank you again|]", d, ctx))
    return _wrap(d, ctx, body, person, channel, 0)
