"""The demo year: a seeded, synthetic English council complaints export and its ground truth.

`generate_demo()` builds one or more council financial years (April to March) of
case records in the canonical frame (`rca.schema`), the way an iCasework-style
export holds them: one row per stage. It runs in two passes, each with its own
random stream so that changing the phrase banks never changes the structure:

1. **Structure** — who contacted the council, when (seasonality, weekends, the
   3 pm cut-off), through which channel, about which service and topic, the true
   root cause, whether it was accepted (DOMAIN.md's acceptance reasons), the
   outcome, the response date against `rca.ingest.working_days.due_date`, escalation
   to stage 2 (children's statutory route: stage 3) and the Ombudsman, corrective
   actions, compensation, delay reasons, near-duplicate resubmissions, and two
   emerging themes that start part-way through the last year.
2. **Text** — what the resident wrote (`rca.demo.text`), driven by the *true*
   labels. Between the two, a third stream miscodes a known ~4% of recorded labels
   (recorded ≠ true) the way officers do, so a label audit can be scored.

The export is cut at the end of the last financial year: later responses are
missing (open cases) and later escalations do not exist yet.

`DemoYear.miscoded` lists each corrupted label (case_id, target, recorded, true);
`DemoYear.hidden` has, per record, the true topic and labels, `duplicate_of` and an
`emerging` flag. `COMMITTED` holds the arguments of the files under data/ (two years, 2023-24 and 2024-25, so the
report compares the latest year with the one before).

Besides the canonical columns the export carries what councils record beside them (`MONITORING`): equalities
monitoring on first contacts (ethnicity, disability, age band; most left blank, as in real exports) and, on
Ombudsman records, which Ombudsman (`ombudsman`: LGSCO or Housing Ombudsman), how far it went
(`ombudsman_decision`: investigated, or closed after initial enquiries / referred back) and whether the council
complied with the remedy (`remedy_complied`). These come from a fourth random stream, so they never move the rest.

`truth` holds every report figure, computed here from the generator's own
records (recorded labels, as a report reads them) with the definitions in
docs/CONTRACTS.md. Periods filter on each record's own `received`.

truth["meta"]: seed, n_contacts, first_year, years, periods (["2023-24", ...]),
    export_end, taxonomy version, emerging themes (name, service, starts).
truth[FY] for each period FY ("2023-24" = received 2023-04-01 .. 2024-03-31):
  contacts              int: case_type Complaint and stage "1"
  accepted              int: contacts with acceptability "Complaint"
  not_accepted          {acceptability reason: int} over the other contacts
  volumes_by_service    {service: int} accepted stage-1 records
  stage_counts          {"1","2","3": accepted records of that stage, "ombudsman": records}
  on_time               {stage: {on_time, total, pct}}: records with `responded` (any
                        acceptability); on time when responded.date() <= due.date(); pct 1 dp
  on_time_by_service    {stage: {service: {on_time, total, pct}}}
  escalation_rate       {service: {escalated, total, pct}}: accepted stage-1 records in the
                        period with a stage-2 record pointing at them / accepted stage-1 records
  escalation_rate_all   {escalated, total, pct}: the same over all services
  outcomes              {stage: {outcome: int}} records of that stage with an outcome
  outcomes_by_service   {stage: {service: {outcome: int}}}
  uphold_rate           {stage: {upheld, total, pct}}: (Upheld + Partly upheld) / decided (Upheld, Partly upheld, Not upheld)
  uphold_rate_by_service {stage: {service: {upheld, total, pct}}}
  overturn              {overturned, total, pct}: stage-2 records whose parent's outcome is
                        Not upheld and own outcome Upheld/Partly upheld / stage-2 with an outcome
  root_causes           {root_cause: int} recorded, on accepted stage-1 records
  escalation_reasons    {reason: int} each label once per stage-2 record
  escalations           int: stage-2 records (the denominator beside escalation_reasons)
  delay_reasons         {reason: int} on late records (responded.date() > due.date())
  late                  int: late records (all stages)
  corrective_actions    {action: int} each label once per record, all records in the period
  compensation          {sum, count}: records (any stage) with compensation > 0; sum 2 dp
  channels              {channel: int} contacts by channel
  wards                 {ward: {count, per_1000}}: accepted stage-1 records by ward;
                        per_1000 = count / population * 1000, 2 dp (data/ward_population.csv)
  compliments           {service: int} case_type "Compliment"
  compliments_total     int
  ombudsman             {outcome: int} stage "ombudsman" records; plus "total"
  by_quarter            {"Q1".."Q4": {contacts, accepted, root_causes}} (Q1 = Apr-Jun)
  duplicates            {count, recorded_as_duplicate, pairs: [[case_id, original_case_id]]}
                        near-duplicate resubmissions received in the period
  emerging_theme        {name: {service, starts, by_quarter: {Q: int}, case_ids}} contacts whose
                        true topic is the emerging theme (none before `starts`)
  miscoded_count        {target: int} miscoded records received in the period
  escalation_received, overturn_kc, compensation_split, on_time_with_open, ombudsman_bodies, equalities:
                        the seed reports' own definitions (`rca.demo.figures`, data/README.md)
Percentages are rounded half up and None when the denominator is 0. Every number is a plain int/float.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from rca.demo import text as T
from rca.demo.figures import half_up, money, seed_figures
from rca.errors import RcaError
from rca.ingest.io import atomic_path, write_table
from rca.schema import CANONICAL, SOURCE_ROW
from rca.ingest.taxonomy import load_taxonomy
from rca.ingest.working_days import due_date, effective_received, is_working_day

DEFAULT_SEED = 20240401
# The committed data/ files: two financial years so year-on-year comparison works.
COMMITTED = {"seed": DEFAULT_SEED, "n_contacts": 10_000, "first_year": 2023, "years": 2}

# ward, population, postcode district, streets
WARDS: tuple[tuple[str, int, str, tuple[str, ...]], ...] = (
    ("Abbey Fields", 14820, "LB1", ("Abbey Road", "Priory Walk", "Monks Close", "Cloister Lane")),
    ("Ashdown", 16210, "LB2", ("Ashdown Avenue", "Beech Grove", "Hazel Road", "Rowan Way")),
    ("Brook Green", 13570, "LB3", ("Brook Street", "Mill Lane", "Water Lane", "Riverside Drive")),
    ("Castle Hill", 15990, "LB4", ("Castle Street", "Keep Road", "Tower Hill", "Gatehouse Lane")),
    ("Chapel End", 12440, "LB5", ("Chapel Road", "Church Walk", "Vicarage Lane", "Bell Street")),
    ("Deansgate", 17630, "LB6", ("Deansgate", "Canal Street", "Wharf Road", "Lock Lane")),
    ("Eastfield", 18950, "LB7", ("Eastfield Road", "Sunrise Avenue", "Orchard Way", "Meadow Close")),
    ("Fairmead", 14100, "LB8", ("Fairmead Road", "Market Street", "Fair Lane", "Stall Street")),
    ("Gorse Hill", 13210, "LB9", ("Gorse Road", "Heath Way", "Bracken Close", "Fern Drive")),
    ("Harbour", 16780, "LB10", ("Harbour Road", "Quay Street", "Anchor Lane", "Dock Road")),
    ("Kingsmead", 15320, "LB11", ("Kings Road", "Crown Street", "Regent Way", "Palace Gardens")),
    ("Langley Park", 19840, "LB12", ("Langley Road", "Park Avenue", "Lodge Lane", "Gardens Road")),
    ("Marsh Lane", 12980, "LB13", ("Marsh Lane", "Reed Close", "Heron Way", "Willow Walk")),
    ("Northgate", 17210, "LB14", ("North Street", "Gate Road", "Wall Street", "Bastion Way")),
    ("Oakwood", 14660, "LB15", ("Oak Avenue", "Acorn Close", "Woodland Road", "Forest Drive")),
    ("Queensbury", 15870, "LB16", ("Queens Road", "Princess Street", "Duchess Walk", "Albert Terrace")),
    ("Riverside", 16430, "LB17", ("River Road", "Bridge Street", "Ferry Lane", "Towpath Way")),
    ("St Mary's", 13890, "LB18", ("St Mary's Road", "Chantry Lane", "Abbots Way", "Cross Street")),
    ("Thornbury", 14290, "LB19", ("Thorn Road", "Hawthorn Avenue", "Bramble Way", "Holly Close")),
    ("Westbridge", 18120, "LB20", ("Westbridge Road", "Sunset Avenue", "Station Road", "High Street")),
)

# Shares of first contacts by service (accepted complaints; the seed reports' mix).
SERVICE_SHARE = {
    "Housing Management": 27,
    "Waste and Street Cleansing": 13,
    "Revenues and Benefits": 12,
    "Parking": 10,
    "Housing Needs": 9,
    "Highways": 6,
    "Planning": 4,
    "Adult Social Care": 6,
    "Children's Services": 6,
    "Concessionary Travel": 2,
    "Customer Services": 5,
}
CHANNELS = {"Web form": 60, "Email": 26, "Phone": 7, "Letter": 4, "In person": 3}
# What a first contact turns out to be (K&C 2023/24: 1,837 accepted, 851 not; reasons by count).
KINDS = {
    "Complaint": 680,
    "Service request or enquiry - not a complaint": 200,
    "Anonymous": 25,
    "Not for this organisation": 25,
    "Appeal - not a complaint": 12,
    "Subject to legal proceedings": 6,
}
TOPIC_KINDS = {"Complaint", "Anonymous", "Subject to legal proceedings"}  # their text is about the topic
DUPLICATE_SHARE = 0.04  # near-duplicate resubmissions among first contacts
DUPLICATE_CAUGHT = 0.75  # recorded as "Duplicate complaint"; the rest slip through as complaints
COMPLIMENT_SHARE = 0.12
MONTH_VOLUME = {4: 0.95, 5: 1.0, 6: 1.0, 7: 1.05, 8: 0.9, 9: 1.05, 10: 1.1, 11: 1.1, 12: 0.85, 1: 1.15, 2: 1.05, 3: 1.0}
SEASON = {  # topic -> month multiplier (damp and mould in winter, garden waste in summer ...)
    "damp and mould": {11: 2.6, 12: 2.8, 1: 3.0, 2: 2.4, 10: 1.6, 3: 1.5, 4: 0.9, 9: 0.9, 5: 0.6, 6: 0.45, 7: 0.4, 8: 0.45},
    "garden waste": {4: 1.5, 5: 2.0, 6: 2.2, 7: 2.2, 8: 2.0, 9: 1.5, 10: 0.6, 11: 0.3, 12: 0.2, 1: 0.2, 2: 0.3, 3: 0.8},
    "gritting and trees": {12: 2.5, 1: 3.0, 2: 2.5, 11: 1.5, 3: 0.8, 4: 0.5, 5: 0.4, 6: 0.4, 7: 0.4, 8: 0.4, 9: 0.5, 10: 0.8},
    "potholes": {1: 1.6, 2: 1.8, 3: 1.5, 12: 1.3},
    "school admissions": {3: 2.0, 4: 2.5, 5: 1.5, 9: 1.5, 6: 0.6, 7: 0.6, 8: 0.6, 10: 0.6, 11: 0.6, 12: 0.6, 1: 0.6, 2: 0.6},
    "street cleaning": {10: 1.5, 11: 1.6},
    "council tax bill": {3: 1.6, 4: 2.2, 5: 1.5},
}
# Emerging themes: (service, topic, months after the start of the LAST year, weight multiplier by month since start)
EMERGING = (
    ("Waste and Street Cleansing", "collection schedule change", 6, (1.5, 3.0, 4.0, 4.0, 3.5, 3.0)),
    ("Parking", "new permit system", 9, (3.0, 5.0, 6.0)),
)
OUTCOME_BASE = {"Upheld": 38, "Partly upheld": 16, "Not upheld": 38, "Resolved on receipt": 5, "Withdrawn": 3}
FAULT_CAUSES = {T.R_FAIL, T.R_DELAY, T.R_3P, T.R_RESP, T.R_QUAL, T.R_PRIV}
DECISION_CAUSES = {T.R_DIS, T.R_POL, T.R_CHARGE}
ESCALATE = {"Not upheld": 0.22, "Partly upheld": 0.15, "Upheld": 0.08, "Resolved on receipt": 0.03, "Withdrawn": 0.0}
ESCALATE_SERVICE = {"Housing Management": 1.4, "Housing Needs": 1.2, "Customer Services": 0.6, "Concessionary Travel": 0.7}
STAGE2_OUTCOME = {
    "Not upheld": {"Upheld": 6, "Partly upheld": 8, "Not upheld": 80, "Withdrawn": 6},
    "Resolved on receipt": {"Upheld": 6, "Partly upheld": 8, "Not upheld": 80, "Withdrawn": 6},
    "Partly upheld": {"Upheld": 20, "Partly upheld": 25, "Not upheld": 50, "Withdrawn": 5},
    "Upheld": {"Upheld": 30, "Partly upheld": 25, "Not upheld": 40, "Withdrawn": 5},
}
ESC_REASONS = {  # K&C 2023/24 counts
    "Disagree with decision": 279,
    "Failed to address all issues": 150,
    "Promised action not taken": 20,
    "Promised action insufficient": 11,
    "Delay in responding to complaint": 9,
    "Ignored relevant information": 9,
    "Inadequate explanation": 6,
    "Misleading or inaccurate response": 6,
    "Reason not clear": 5,
    "Inappropriate response": 4,
    "Promised action delayed": 4,
    "Inadequate compensation": 2,
    "Poorly written response": 1,
}
OMBUDSMAN_OUTCOME = {"Upheld": 50, "Partly upheld": 15, "Not upheld": 25, "Withdrawn": 10}
# Share of Ombudsman complaints taken to investigation, by the finding they would reach: K&C 27 of 89 (30%),
# Barnet 50 of 166 (30%) were investigated; 74% and 78% of investigations upheld.
OMBUDSMAN_INVESTIGATE = {"Upheld": 0.4, "Partly upheld": 0.4, "Not upheld": 0.35}
OMBUDSMAN_NOT_INVESTIGATED = {"Closed after initial enquiries": 80, "Referred back for local resolution": 20}
REMEDY_COMPLIED = 0.93  # Barnet 100%, similar authorities 99%: a late or missed remedy is the exception
# Equalities monitoring on first contacts: disclosed on about a third, as in real exports
MONITORING = ("ethnicity", "disability", "age_band", "ombudsman", "ombudsman_decision", "remedy_complied")
DISCLOSED = 0.35
ETHNICITY = {
    "White British": 36,
    "White other": 15,
    "Black African": 9,
    "Black Caribbean": 7,
    "Asian Indian": 7,
    "Asian Pakistani": 3,
    "Asian Bangladeshi": 3,
    "Asian other": 5,
    "Mixed": 6,
    "Arab": 2,
    "Other ethnic group": 4,
    "Prefer not to say": 3,
}
DISABILITY = {"No": 70, "Yes": 22, "Prefer not to say": 8}
AGE_BAND = {"18-24": 6, "25-34": 17, "35-44": 20, "45-54": 19, "55-64": 17, "65-74": 12, "75+": 9}
LATE_BASE = {
    "Housing Management": 0.30,
    "Adult Social Care": 0.30,
    "Children's Services": 0.35,
    "Housing Needs": 0.28,
    "Revenues and Benefits": 0.15,
    "Waste and Street Cleansing": 0.12,
    "Parking": 0.10,
    "Planning": 0.22,
    "Highways": 0.18,
    "Concessionary Travel": 0.12,
    "Customer Services": 0.12,
}
DELAY = {"Workload": 50, "Complex case": 30, "Staff absent or unavailable": 20}
ACTIONS = {
    "Arrange inspection": 20,
    "Staff training or guidance": 23,
    "Letter of apology": 30,
    "Service put right": 25,
    "Process or policy change": 8,
    "Information provided": 10,
}
ACTION_ORDER = [*ACTIONS, "Financial remedy"]
INSPECT_SERVICES = {"Housing Management", "Highways", "Waste and Street Cleansing", "Planning"}
# Services an officer may confuse when routing (corporate route only).
SERVICE_CONFUSION = {
    "Waste and Street Cleansing": "Housing Management",
    "Housing Management": "Housing Needs",
    "Housing Needs": "Housing Management",
    "Parking": "Highways",
    "Highways": "Planning",
    "Planning": "Highways",
    "Revenues and Benefits": "Customer Services",
    "Customer Services": "Revenues and Benefits",
    "Concessionary Travel": "Customer Services",
}
MISCODE_RATE = {"root_cause": 0.05, "acceptability": 0.025, "service": 0.015, "escalation_reason": 0.04}
COMPLIMENT_SERVICE = {
    "Waste and Street Cleansing": 25,
    "Housing Management": 25,
    "Customer Services": 20,
    "Adult Social Care": 10,
    "Children's Services": 8,
    "Highways": 5,
    "Parking": 4,
    "Revenues and Benefits": 3,
}
STYLES = {"formal": 25, "plain": 45, "informal": 30}
_HOURS = T.Weighted(
    {7: 3, 8: 6, 9: 9, 10: 10, 11: 10, 12: 9, 13: 9, 14: 9, 15: 8, 16: 8, 17: 7, 18: 6, 19: 6, 20: 6, 21: 5, 22: 4, 23: 2, 0: 1, 6: 1}
)  # web forms and emails: any hour, mostly daytime
_KINDS, _CHANNELS = T.Weighted(KINDS), T.Weighted(CHANNELS)
TITLES_F, TITLES_M = ("Mrs", "Ms", "Miss", "Ms", "Mrs", "Dr"), ("Mr", "Mr", "Mr", "Dr")
FEMALE = set(
    "Sarah Fatima Emma Olivia Aisha Grace Chloe Priya Amina Sophie Hannah Maria Zainab Jessica Lucy Rebecca "
    "Joanne Yasmin Karen Nadia Shanice Leanne Agnieszka Bukola Nicola Claire Marcia Helen Precious Sandra Elif".split()
)
MAILHOSTS = ("gmail.com", "hotmail.co.uk", "yahoo.co.uk", "outlook.com", "btinternet.com", "icloud.com", "live.co.uk")


@dataclass
class DemoYear:
    """Case records (canonical frame), report ground truth, and the deliberately miscoded labels.

    `hidden` holds per-record facts an export would not: the true topic and labels,
    which submission duplicates which, and whether it belongs to an emerging theme.
    """

    cases: pd.DataFrame
    truth: dict
    miscoded: pd.DataFrame
    hidden: pd.DataFrame = field(default_factory=pd.DataFrame)


def fy_label(year: int) -> str:
    """2023 -> "2023-24"."""
    return f"{year}-{str(year + 1)[-2:]}"


def fy_of(when: datetime) -> str:
    return fy_label(when.year if when.month >= 4 else when.year - 1)


def quarter_of(when: datetime) -> str:
    """Financial-year quarter: Q1 = April-June ... Q4 = January-March."""
    return f"Q{(when.month - 4) % 12 // 3 + 1}"


def ward_population() -> pd.DataFrame:
    return pd.DataFrame({"ward": [w[0] for w in WARDS], "population": [w[1] for w in WARDS]})


class _Calendar:
    """Working days over the generated span, indexed, so response dates are cheap to draw."""

    def __init__(self, start: date, end: date) -> None:
        self.days: list[date] = []
        self.index: dict[date, int] = {}
        d = start
        while d <= end:
            if is_working_day(d):
                self.index[d] = len(self.days)
                self.days.append(d)
            d += timedelta(days=1)
        self._due: dict[tuple, date] = {}

    def after(self, start: date, n: int) -> date:
        return self.days[self.index[start] + n]

    def due(self, received: datetime, stage: str, route: str, ext: int) -> date:
        """`rca.ingest.working_days.due_date`, memoised on the effective receipt day (all it depends on)."""
        key = (effective_received(received), stage, route, ext)
        hit = self._due.get(key)
        if hit is None:
            hit = self._due[key] = due_date(received, stage=stage, route=route, extension_days=ext)
        return hit


class _Generator:
    def __init__(self, seed: int, n_contacts: int, first_year: int, years: int) -> None:
        if n_contacts < 50:
            raise RcaError(
                "E202",
                f"n_contacts must be at least 50, got {n_contacts}",
                column="n_contacts",
                value=n_contacts,
                hint="Ask for 50 or more first contacts a year (--n-contacts).",
            )
        if not 1 <= years <= 10:
            raise RcaError("E202", f"years must be 1 to 10, got {years}", column="years", value=years, hint="Use --years 1 to 10.")
        if not 2000 <= first_year <= 2050:
            raise RcaError(
                "E202",
                f"first_year must be 2000 to 2050, got {first_year}",
                column="first_year",
                value=first_year,
                hint="Give the calendar year a financial year starts in (2023 = 2023-24).",
            )
        self.seed, self.n, self.first_year, self.years = seed, n_contacts, first_year, years
        root = np.random.SeedSequence(seed)
        s_struct, s_text, s_mis, s_extra = root.spawn(4)
        self.rng = np.random.default_rng(s_struct)
        self.d = T.Draw(self.rng)
        self.td = T.Draw(np.random.default_rng(s_text))
        self.md = T.Draw(np.random.default_rng(s_mis))
        self.xd = T.Draw(np.random.default_rng(s_extra))
        self.start = datetime(first_year, 4, 1)
        self.end = datetime(first_year + years, 3, 31, 23, 59, 59)  # the export is taken here
        self.cal = _Calendar(date(first_year, 3, 1), date(first_year + years + 1, 12, 31))
        self.recs: list[dict] = []
        self.people: list[dict] = []
        self.frequent: list[dict] = []
        self._tables: dict[tuple, T.Weighted] = {}
        self.emerging_start = {topic: _add_months(datetime(first_year + years - 1, 4, 1), months) for _, topic, months, _ in EMERGING}

    # ------------------------------------------------------------ people
    def _person(self) -> dict:
        d = self.d
        first, last = d.pick(T.FIRST), d.pick(T.SURNAMES)
        ward = d.pick(WARDS)
        street = d.pick(ward[3])
        flat = d.chance(0.3)
        addr = (
            f"Flat {d.between(1, 60)}, {d.pick(T.ESTATES)}"
            if flat and d.chance(0.5)
            else f"{'Flat ' + str(d.between(1, 9)) + ', ' if flat else ''}{d.between(1, 180)} {street}"
        )
        pc = f"{ward[2]} {d.between(1, 9)}{d.pick('ABDEFGHJLNPQRSTUWXYZ')}{d.pick('ABDEFGHJLNPQRSTUWXYZ')}"
        user = (
            d.pick(
                (
                    f"{first}.{last}",
                    f"{first}{last}{d.between(1, 99)}",
                    f"{first[0]}{last}",
                    f"{first}_{last[:3]}{d.between(70, 99)}",
                    f"{last}{first[0]}",
                )
            )
            .lower()
            .replace("'", "")
        )
        phone = (
            f"07{d.between(100, 999)} {d.between(100000, 999999)}"
            if d.chance(0.75)
            else f"020 {d.between(7000, 8999)} {d.between(1000, 9999)}"
        )
        title = d.pick(TITLES_F if first in FEMALE else TITLES_M)
        p = {
            "id": f"P{len(self.people) + 1:06d}",
            "first": first,
            "last": last,
            "title": title,
            "ward": ward[0],
            "street": street,
            "addr": addr,
            "pc": pc,
            "email": f"{user}@{d.pick(MAILHOSTS)}",
            "phone": phone,
            "style": d.wpick(STYLES),
        }
        self.people.append(p)
        return p

    def _someone(self) -> dict:
        if self.frequent and self.d.chance(0.08):
            return self.d.pick(self.frequent)
        return self._person()

    # ------------------------------------------------------------ when and what
    def _days(self, fy_start: datetime, n: int, weekday_only: bool = False) -> list[date]:
        days, w = [], []
        d = fy_start.date()
        while d < date(fy_start.year + 1, 4, 1):
            wt = MONTH_VOLUME[d.month] * (1.15 if d.weekday() == 0 else 1.0)
            if not is_working_day(d):
                wt *= 0.0 if weekday_only else (0.3 if d.weekday() < 5 else 0.4)
            days.append(d)
            w.append(wt)
            d += timedelta(days=1)
        p = np.asarray(w) / np.sum(w)
        picks = self.rng.choice(len(days), size=n, p=p)
        return [days[i] for i in np.sort(picks)]

    def _time(self, day: date, channel: str) -> datetime:
        d = self.d
        if channel in ("Phone", "In person", "Letter"):
            minute = d.between(9 * 60, 17 * 60 - 1)
        else:
            hour = d.choose(_HOURS)
            minute = hour * 60 + d.between(0, 59)
        return datetime.combine(day, time(minute // 60, minute % 60))

    def _topic_table(self, when: datetime, emerging: bool = True) -> T.Weighted:
        key = (when.year, when.month, emerging)
        table = self._tables.get(key)
        if table is None:
            weights = {}
            for service, topics in T.TOPICS.items():
                total = sum(t[0] for name, t in topics.items() if name not in {e[1] for e in EMERGING})
                for name, t in topics.items():
                    w = SERVICE_SHARE[service] * t[0] / total * SEASON.get(name, {}).get(when.month, 1.0)
                    for svc, topic, _, ramp in EMERGING:
                        if topic == name:
                            since = _months_between(self.emerging_start[topic], when)
                            w = 0.0 if since < 0 or not emerging else w * ramp[min(since, len(ramp) - 1)]
                    if w > 0:
                        weights[(service, name)] = w
            table = self._tables[key] = T.Weighted(weights)
        return table

    def _root_cause(self, leans: tuple[str, ...]) -> str:
        d = self.d
        if d.chance(0.1):
            return d.pick(list(T.CAUSES))
        return d.wpick(dict(zip(leans, (45, 25, 15, 10)[: len(leans)])))

    # ------------------------------------------------------------ records
    def _new(self, **kw) -> dict:
        rec = {c: None for c in (*CANONICAL, *MONITORING)}
        rec.update(
            key=len(self.recs),
            topic=None,
            true={},
            dup_of=None,
            parent=None,
            children=[],
            person=None,
            verbosity=0,
            text_kind=None,
            late=False,
        )
        rec.update(kw)
        self.recs.append(rec)
        return rec

    def _place(self, rec: dict, person: dict | None) -> None:
        rec["person"] = person
        if person is not None:
            rec.update(ward=person["ward"], postcode=person["pc"], complainant_id=person["id"])

    def _first_contact(self, when: datetime, channel: str) -> dict:
        d = self.d
        kind = d.choose(_KINDS)
        # only complaints speak of their topic; requests and the like never belong to an emerging theme
        service, topic = d.choose(self._topic_table(when, emerging=kind in TOPIC_KINDS))
        _, team, route, leans, _ = T.TOPICS[service][topic]
        rec = self._new(
            received=when,
            case_type="Complaint",
            channel=channel,
            stage="1",
            topic=topic,
            verbosity=d.wpick({0: 40, 1: 33, 2: 19, 3: 8}) if channel not in ("Phone", "In person") else d.wpick({0: 70, 1: 30}),
        )
        person = None if kind == "Anonymous" else self._someone()
        self._place(rec, person)
        rec["acceptability"] = kind
        rec["true"]["acceptability"] = kind
        if kind == "Not for this organisation":
            rec["text_kind"] = "not_for_us"
            return rec
        rec.update(service=service, team=team, route=route)
        rec["true"]["service"] = service
        if kind == "Service request or enquiry - not a complaint":
            rec["text_kind"] = "request"
        elif kind == "Complaint":
            rec["true"]["root_cause"] = self._root_cause(leans)
            rec["text_kind"] = "complaint"
            if d.chance(0.03):  # several issues, several services: the text names a second one
                other = d.pick([s for s in T.TOPICS if s != service])
                rec["cross"] = (other, d.pick(list(T.TOPICS[other])))
            self._accepted_stage1(rec)
        elif kind == "Anonymous":
            rec["true"]["root_cause"] = self._root_cause(leans)
            rec["text_kind"] = "complaint"
        else:
            rec["text_kind"] = "other"
        return rec

    def _respond(self, rec: dict, *, late_p: float, quick: bool = False) -> None:
        """Due date (extensions included), response date, lateness and its recorded reason."""
        d = self.d
        stage, route = rec["stage"], rec["route"]
        ext = 0
        if route == "childrens_social_care" and stage == "2" and d.chance(0.3):
            ext = 40  # statutory stage 2: 25 working days, extendable to 65
        elif d.chance(0.06):
            ext = d.pick((5, 10))
        if ext:
            rec["extension_days"] = ext
            late_p *= 0.5
        due = self.cal.due(rec["received"], stage, route, ext)
        rec["due"] = datetime.combine(due, time())
        start = effective_received(rec["received"])
        allowed = self.cal.index[due] - self.cal.index[start]
        if quick:
            n = d.between(0, 2)
        elif d.chance(late_p):
            n = allowed + min(1 + int(self.rng.geometric(0.18)), 40)
            rec["late"] = True
        else:
            n = max(d.between(1, allowed), d.between(1, allowed))
        day = self.cal.after(start, n)
        responded = datetime.combine(day, time(d.between(9, 17), d.between(0, 59)))
        if responded <= rec["received"]:
            responded = rec["received"] + timedelta(hours=d.between(1, 5))
        if responded > self.end:  # still open when the export was taken
            rec["late"] = False
            return
        rec["responded"] = responded
        if rec["late"] and d.chance(0.85):
            rec["delay_reason"] = d.wpick(DELAY)

    def _remedy(self, rec: dict, comp_p: float, comp_range: tuple[int, int]) -> None:
        d = self.d
        if rec["outcome"] in ("Upheld", "Partly upheld"):
            weights = dict(ACTIONS)
            if rec["service"] in INSPECT_SERVICES:
                weights["Arrange inspection"] = 60
            k = d.wpick({1: 60, 2: 32, 3: 8})
            actions = []
            while len(actions) < k:
                a = d.wpick(weights)
                weights.pop(a)
                actions.append(a)
            if d.chance(comp_p):
                lo, hi = comp_range
                rec["compensation"] = float(round(d.between(lo, hi) / 5) * 5)
                actions.append("Financial remedy")
            rec["corrective_action"] = ";".join(sorted(actions, key=ACTION_ORDER.index))
        elif rec["outcome"] == "Not upheld" and d.chance(0.1):
            rec["corrective_action"] = "Information provided"

    def _close(self, rec: dict, outcome: str, *, late_p: float, comp_p: float, comp_range: tuple[int, int]) -> None:
        self._respond(rec, late_p=late_p, quick=outcome == "Resolved on receipt")
        if rec["responded"] is None:
            return
        rec["outcome"] = outcome
        self._remedy(rec, comp_p, comp_range)

    def _accepted_stage1(self, rec: dict) -> None:
        d = self.d
        cause = rec["true"]["root_cause"]
        rec["root_cause"] = cause
        weights = dict(OUTCOME_BASE)
        if cause in FAULT_CAUSES:
            weights["Upheld"] *= 1.3
        elif cause in DECISION_CAUSES:
            weights["Upheld"] *= 0.5
            weights["Not upheld"] *= 1.5
        winter = 1.15 if rec["received"].month in (12, 1, 2) else 1.0
        self._close(rec, d.wpick(weights), late_p=LATE_BASE[rec["service"]] * winter, comp_p=0.07, comp_range=(25, 250))
        if rec["responded"] is None:
            return
        if rec["route"] == "adult_social_care":  # single statutory stage, then the Ombudsman
            if rec["outcome"] == "Not upheld" and d.chance(0.06):
                self._ombudsman(rec)
            return
        p = ESCALATE[rec["outcome"]] * ESCALATE_SERVICE.get(rec["service"], 1.0)
        if d.chance(p):
            self._escalate(rec, "2")

    def _follow_on(self, parent: dict, stage: str, lo: int, hi: int) -> dict | None:
        when = parent["responded"] + timedelta(days=self.d.between(lo, hi), minutes=self.d.between(-300, 300))
        if when > self.end:
            return None
        rec = self._new(
            received=when,
            case_type="Complaint",
            stage=stage,
            service=parent["service"],
            team=parent["team"],
            route=parent["route"],
            parent=parent["key"],
            topic=parent["topic"],
            channel=self.d.wpick({"Email": 50, "Web form": 40, "Letter": 6, "Phone": 4}),
        )
        self._place(rec, parent["person"])
        rec["true"]["service"] = parent["true"].get("service")
        parent["children"].append(rec["key"])
        return rec

    def _escalate(self, parent: dict, stage: str) -> None:
        d = self.d
        rec = self._follow_on(parent, stage, 2, 40)
        if rec is None:
            return
        rec["acceptability"] = "Complaint"
        rec["true"]["acceptability"] = "Complaint"
        rec["text_kind"] = "escalation"
        base = parent if stage == "2" else self.recs[parent["parent"]]
        if stage == "2":
            weights = dict(ESC_REASONS)
            if parent["late"]:
                weights["Delay in responding to complaint"] *= 25
            if parent["outcome"] in ("Upheld", "Partly upheld"):
                for r in (
                    "Promised action not taken",
                    "Promised action insufficient",
                    "Promised action delayed",
                    "Inadequate compensation",
                ):
                    weights[r] *= 6
                weights["Disagree with decision"] *= 0.3
            reasons = []
            for _ in range(d.wpick({1: 78, 2: 18, 3: 4})):
                r = d.wpick(weights)
                weights.pop(r)
                reasons.append(r)
            rec["true"]["escalation_reason"] = reasons
            rec["escalation_reason"] = ";".join(reasons)
        else:
            rec["true"]["escalation_reason"] = [d.wpick(ESC_REASONS)]
        outcome = d.wpick(STAGE2_OUTCOME[base["outcome"] if stage == "2" else "Not upheld"])
        late_p = 0.28 if stage == "2" else 0.2
        self._close(rec, outcome, late_p=late_p, comp_p=0.3 if stage == "2" else 0.4, comp_range=(50, 750))
        if rec["responded"] is None or rec["outcome"] == "Withdrawn":
            return
        if stage == "2" and rec["route"] == "childrens_social_care" and rec["outcome"] == "Not upheld" and d.chance(0.3):
            self._escalate(rec, "3")
        elif d.chance(0.15 if rec["outcome"] == "Not upheld" else 0.07):
            self._ombudsman(rec)

    def _ombudsman(self, parent: dict) -> None:
        rec = self._follow_on(parent, "ombudsman", 30, 150)
        if rec is None:
            return
        rec["channel"] = "Email"
        rec["text_kind"] = "ombudsman"
        rec["outcome"] = self.d.wpick(OMBUDSMAN_OUTCOME)
        if rec["outcome"] in ("Upheld", "Partly upheld") and self.d.chance(0.55):
            rec["compensation"] = float(round(self.d.between(100, 2000) / 50) * 50)
            rec["corrective_action"] = "Financial remedy"
        x = self.xd
        rec["ombudsman"] = "Housing Ombudsman" if rec["service"] == "Housing Management" else "LGSCO"
        if rec["outcome"] != "Withdrawn" and x.chance(OMBUDSMAN_INVESTIGATE[rec["outcome"]]):
            rec["ombudsman_decision"] = "Investigated"
            if rec["outcome"] in ("Upheld", "Partly upheld"):
                rec["remedy_complied"] = "Yes" if x.chance(REMEDY_COMPLIED) else "No"
        else:  # no finding: nothing upheld, nothing paid
            rec["ombudsman_decision"] = (
                "Closed after initial enquiries" if rec["outcome"] == "Withdrawn" else x.wpick(OMBUDSMAN_NOT_INVESTIGATED)
            )
            if rec["outcome"] != "Withdrawn":
                rec["outcome"] = None
            rec["compensation"] = rec["corrective_action"] = None

    def _duplicates(self, originals: list[dict], n_dup: int, fy_end: datetime) -> None:
        d = self.d
        pool = [
            r
            for r in originals
            if r["person"] is not None and r["acceptability"] == "Complaint" and r["received"] <= fy_end - timedelta(days=15)
        ]
        picks = self.rng.choice(len(pool), size=min(n_dup, len(pool)), replace=False)
        for i in sorted(picks.tolist()):
            orig = pool[i]
            when = datetime.combine(orig["received"].date() + timedelta(days=d.between(1, 10)), time()) + timedelta(
                minutes=d.between(7 * 60, 23 * 60)
            )
            caught = d.chance(DUPLICATE_CAUGHT)
            rec = self._new(
                received=when,
                case_type="Complaint",
                channel=orig["channel"] if d.chance(0.7) else "Email",
                stage="1",
                topic=orig["topic"],
                dup_of=orig["key"],
                text_kind="duplicate",
                service=orig["service"],
                team=orig["team"],
                route=orig["route"],
            )
            self._place(rec, orig["person"])
            rec["true"].update(service=orig["true"]["service"], acceptability="Duplicate complaint")
            if caught:
                rec["acceptability"] = "Duplicate complaint"
            else:
                rec["acceptability"] = "Complaint"
                rec["true"]["root_cause"] = orig["true"]["root_cause"]
                self._accepted_stage1(rec)

    def _compliments(self, fy_start: datetime, n: int) -> None:
        d = self.d
        for day in self._days(fy_start, n):
            channel = d.wpick({"Web form": 45, "Email": 40, "Letter": 8, "Phone": 7})
            service = d.wpick(COMPLIMENT_SERVICE)
            rec = self._new(
                received=self._time(day, channel), case_type="Compliment", channel=channel, service=service, text_kind="compliment"
            )
            rec["team"] = d.pick([t[1] for t in T.TOPICS[service].values()])
            rec["route"] = "corporate" if service not in ("Adult Social Care",) else "adult_social_care"
            self._place(rec, self._person() if d.chance(0.85) else None)

    def build_structure(self) -> None:
        n_people = max(20, self.n * self.years // 50)
        self.frequent = [self._person() for _ in range(n_people)]
        for y in range(self.years):
            fy_start = datetime(self.first_year + y, 4, 1)
            fy_end = datetime(self.first_year + y + 1, 3, 31, 23, 59, 59)
            n_dup = round(self.n * DUPLICATE_SHARE)
            firsts = []
            for day in self._days(fy_start, self.n - n_dup):
                channel = self.d.choose(_CHANNELS)
                if channel in ("Phone", "In person") and not is_working_day(day):
                    channel = "Web form"
                firsts.append(self._first_contact(self._time(day, channel), channel))
            self._duplicates(firsts, n_dup, fy_end)
            self._compliments(fy_start, round(self.n * COMPLIMENT_SHARE))

    # ------------------------------------------------------------ ids, miscoding, text
    def assign_ids(self) -> None:
        order = sorted(self.recs, key=lambda r: (r["received"], r["key"]))
        seq: Counter = Counter()
        for r in order:
            fy = int(fy_of(r["received"])[:4])
            seq[fy] += 1
            r["case_id"] = f"CMP-{fy}-{seq[fy]:06d}"
        for r in self.recs:
            if r["parent"] is not None:
                r["parent_case_id"] = self.recs[r["parent"]]["case_id"]
        self.order = order

    def miscode(self) -> list[dict]:
        """Corrupt a known share of recorded labels the way officers do; return what was changed."""
        d, out = self.md, []
        causes = list(T.CAUSES)
        reasons = list(ESC_REASONS)
        for r in self.recs:
            if (
                r["stage"] == "1"
                and r["acceptability"] == "Complaint"
                and r["dup_of"] is None
                and not r["children"]
                and r["outcome"] not in (None, "Resolved on receipt")
                and d.chance(MISCODE_RATE["acceptability"])
            ):
                # a complaint logged as a service request: no complaint response, no outcome
                out.append(_mis(r, "acceptability", "Service request or enquiry - not a complaint"))
                r.update(
                    acceptability="Service request or enquiry - not a complaint",
                    outcome=None,
                    root_cause=None,
                    responded=None,
                    due=None,
                    extension_days=None,
                    delay_reason=None,
                    corrective_action=None,
                    compensation=None,
                    late=False,
                )
                continue
            if r["stage"] == "1" and r["root_cause"] is not None and d.chance(MISCODE_RATE["root_cause"]):
                leans = T.TOPICS[r["true"]["service"]][r["topic"]][3]
                pool = [c for c in leans if c != r["root_cause"]] if d.chance(0.6) else []
                new = d.pick(pool or [c for c in causes if c != r["root_cause"]])
                out.append(_mis(r, "root_cause", new))
                r["root_cause"] = new
            if (
                r["stage"] == "1"
                and r["route"] == "corporate"
                and r["service"] in SERVICE_CONFUSION
                and r["case_type"] == "Complaint"
                and d.chance(MISCODE_RATE["service"])
            ):
                new = SERVICE_CONFUSION[r["service"]]
                out.append(_mis(r, "service", new))
                r["service"] = new
                r["team"] = d.pick([t[1] for t in T.TOPICS[new].values()])
            if r["stage"] == "2" and r["escalation_reason"] and d.chance(MISCODE_RATE["escalation_reason"]):
                labels = r["escalation_reason"].split(";")
                i = d.idx(len(labels))
                labels[i] = d.pick([x for x in reasons[:4] if x not in labels] or [x for x in reasons if x not in labels])
                new = ";".join(labels)
                out.append(_mis(r, "escalation_reason", new))
                r["escalation_reason"] = new
        return out

    def monitor(self) -> None:
        """Equalities monitoring on first contacts, disclosed on about a third (the rest blank, as exports hold it)."""
        x = self.xd
        for r in self.order:
            if r["case_type"] == "Complaint" and r["stage"] == "1" and r["person"] is not None and x.chance(DISCLOSED):
                r["ethnicity"], r["disability"] = x.wpick(ETHNICITY), x.wpick(DISABILITY)
                r["age_band"] = x.wpick(AGE_BAND) if x.chance(0.9) else None

    def write_texts(self) -> None:
        d = self.td
        streets = [s for w in WARDS for s in w[3]]
        for r in self.recs:
            person = r["person"]
            street = person["street"] if person and d.chance(0.75) else d.pick(streets)
            ward_pc = person["pc"] if person else f"{d.pick(WARDS)[2]} {d.between(1, 9)}{d.pick('ABDEFGHJ')}{d.pick('LNPQRSTU')}"
            ctx = T.make_ctx(d, r["received"], person, street, ward_pc)
            kind, service, channel = r["text_kind"], r["true"].get("service") or r["service"], r["channel"]
            if kind == "complaint":
                leans = T.TOPICS[service][r["topic"]][3]
                true_rc = r["true"]["root_cause"]
                other = d.pick([c for c in (*leans, *T.CAUSES) if c != true_rc])
                text = T.complaint_text(
                    d,
                    ctx,
                    person,
                    service=service,
                    topic=r["topic"],
                    root_cause=true_rc,
                    other_rc=other,
                    channel=channel,
                    verbosity=r["verbosity"],
                    cross=r.get("cross"),
                )
            elif kind == "request":
                text = T.request_text(d, ctx, person, service=service, channel=channel)
            elif kind in ("other", "not_for_us"):
                text = T.other_text(
                    d, ctx, person, kind=r["true"]["acceptability"], service=service or "Parking", topic=r["topic"], channel=channel
                )
            elif kind == "duplicate":
                text = T.duplicate_text(d, ctx, self.recs[r["dup_of"]]["text"])
            elif kind == "escalation":
                parent = self.recs[r["parent"]]
                text = T.escalation_text(
                    d,
                    ctx,
                    person,
                    reasons=r["true"]["escalation_reason"],
                    service=service,
                    topic=r["topic"],
                    parent_ref=parent["case_id"],
                    stage=r["stage"],
                    channel=channel,
                )
            elif kind == "ombudsman":
                text = T.ombudsman_text(
                    d,
                    ctx,
                    outcome=r["outcome"] or r["ombudsman_decision"],
                    body=r["ombudsman"],
                    parent_ref=r["parent_case_id"],
                    comp=r["compensation"],
                )
            else:
                text = T.compliment_text(d, ctx, person, service=service, channel=channel)
            r["text"] = text.strip() or "(no description)"


def _mis(r: dict, target: str, new: str) -> dict:
    true = r["true"].get(target, r[target])
    if isinstance(true, list):
        true = ";".join(true)
    return {"key": r["key"], "target": target, "recorded": new, "true": true}


def _add_months(d: datetime, months: int) -> datetime:
    m = d.month - 1 + months
    return d.replace(year=d.year + m // 12, month=m % 12 + 1)


def _months_between(a: datetime, b: datetime) -> int:
    return (b.year - a.year) * 12 + (b.month - a.month)


# ---------------------------------------------------------------- ground truth
def _pct(num: int, den: int) -> float | None:
    return half_up(num, den)  # rounded half up, as councils round (2,685 of 10,000 is 26.9%)


def _rate(num: int, den: int, name: str) -> dict:
    return {name: int(num), "total": int(den), "pct": _pct(num, den)}


def _is_late(r: dict) -> bool:
    return r["responded"] is not None and r["due"] is not None and r["responded"].date() > r["due"].date()


def compute_truth(recs: list[dict], periods: list[str], miscoded: list[dict], meta: dict, emerging_start: dict[str, datetime]) -> dict:
    """Every report figure per financial year, from the generator's records (recorded labels)."""
    by_key = {r["key"]: r for r in recs}
    escalated = {r["parent"] for r in recs if r["stage"] == "2"}
    pop = {w[0]: w[1] for w in WARDS}
    truth: dict = {"meta": meta}
    meta_as_at = max(r["received"] for r in recs)  # open cases are judged against the export's latest date received
    meta["as_at"] = meta_as_at.date().isoformat()
    for fy in periods:
        rs = [r for r in recs if fy_of(r["received"]) == fy]
        contacts = [r for r in rs if r["case_type"] == "Complaint" and r["stage"] == "1"]
        acc1 = [r for r in contacts if r["acceptability"] == "Complaint"]
        accepted = [r for r in rs if r["case_type"] == "Complaint" and r["acceptability"] == "Complaint"]
        t: dict = {"contacts": len(contacts), "accepted": len(acc1)}
        t["not_accepted"] = dict(Counter(r["acceptability"] for r in contacts if r["acceptability"] != "Complaint"))
        t["volumes_by_service"] = dict(Counter(r["service"] for r in acc1))
        t["stage_counts"] = {s: sum(r["stage"] == s for r in accepted) for s in ("1", "2", "3")}
        t["stage_counts"]["ombudsman"] = sum(r["stage"] == "ombudsman" for r in rs)
        on_time, by_service = {}, {}
        for s in ("1", "2", "3"):
            done = [r for r in rs if r["stage"] == s and r["responded"] is not None]
            ok = [r for r in done if not _is_late(r)]
            on_time[s] = _rate(len(ok), len(done), "on_time")
            by_service[s] = {}
            for svc in sorted({r["service"] for r in done}):
                sd = [r for r in done if r["service"] == svc]
                by_service[s][svc] = _rate(sum(not _is_late(r) for r in sd), len(sd), "on_time")
        t["on_time"], t["on_time_by_service"] = on_time, by_service
        t["escalation_rate"] = {}
        for svc in sorted({r["service"] for r in acc1}):
            sd = [r for r in acc1 if r["service"] == svc]
            t["escalation_rate"][svc] = _rate(sum(r["key"] in escalated for r in sd), len(sd), "escalated")
        t["escalation_rate_all"] = _rate(sum(r["key"] in escalated for r in acc1), len(acc1), "escalated")
        t["outcomes"], t["outcomes_by_service"], t["uphold_rate"], t["uphold_rate_by_service"] = {}, {}, {}, {}
        for s in ("1", "2", "3", "ombudsman"):
            with_out = [r for r in rs if r["stage"] == s and r["outcome"] is not None]
            up = lambda rows: sum(r["outcome"] in ("Upheld", "Partly upheld") for r in rows)  # noqa: E731
            # withdrawn and resolved-on-receipt cases are counted, but are not decisions (docs/CONTRACTS.md)
            decided = lambda rows: sum(r["outcome"] in ("Upheld", "Partly upheld", "Not upheld") for r in rows)  # noqa: E731
            t["outcomes"][s] = dict(Counter(r["outcome"] for r in with_out))
            t["uphold_rate"][s] = _rate(up(with_out), decided(with_out), "upheld")
            t["outcomes_by_service"][s], t["uphold_rate_by_service"][s] = {}, {}
            for svc in sorted({r["service"] for r in with_out}):
                sd = [r for r in with_out if r["service"] == svc]
                t["outcomes_by_service"][s][svc] = dict(Counter(r["outcome"] for r in sd))
                t["uphold_rate_by_service"][s][svc] = _rate(up(sd), decided(sd), "upheld")
        s2 = [r for r in rs if r["stage"] == "2" and r["outcome"] is not None]
        over = sum(by_key[r["parent"]]["outcome"] == "Not upheld" and r["outcome"] in ("Upheld", "Partly upheld") for r in s2)
        t["overturn"] = _rate(over, len(s2), "overturned")
        t["root_causes"] = dict(Counter(r["root_cause"] for r in acc1 if r["root_cause"] is not None))
        stage2 = [r for r in rs if r["stage"] == "2"]
        t["escalations"] = len(stage2)
        t["escalation_reasons"] = dict(
            Counter(x for r in stage2 if r["escalation_reason"] for x in dict.fromkeys(r["escalation_reason"].split(";")))
        )
        late = [r for r in rs if _is_late(r)]
        t["late"] = len(late)
        t["delay_reasons"] = dict(Counter(r["delay_reason"] for r in late if r["delay_reason"] is not None))
        t["corrective_actions"] = dict(
            Counter(x for r in rs if r["corrective_action"] for x in dict.fromkeys(r["corrective_action"].split(";")))
        )
        paid = [r["compensation"] for r in rs if r["compensation"] is not None and r["compensation"] > 0]
        t["compensation"] = {"sum": money(float(sum(paid))), "count": len(paid)}
        t["channels"] = dict(Counter(r["channel"] for r in contacts if r["channel"] is not None))
        wards = Counter(r["ward"] for r in acc1 if r["ward"] is not None)
        t["wards"] = {w: {"count": wards.get(w, 0), "per_1000": half_up(wards.get(w, 0), pop[w], dp=2, scale=1000)} for w in pop}
        compl = [r for r in rs if r["case_type"] == "Compliment"]
        t["compliments"] = dict(Counter(r["service"] for r in compl))
        t["compliments_total"] = len(compl)
        omb = [r for r in rs if r["stage"] == "ombudsman"]
        t["ombudsman"] = dict(Counter(r["outcome"] for r in omb if r["outcome"] is not None))
        t["ombudsman"]["total"] = len(omb)
        t["by_quarter"] = {}
        for q in ("Q1", "Q2", "Q3", "Q4"):
            qc = [r for r in contacts if quarter_of(r["received"]) == q]
            qa = [r for r in qc if r["acceptability"] == "Complaint"]
            t["by_quarter"][q] = {
                "contacts": len(qc),
                "accepted": len(qa),
                "root_causes": dict(Counter(r["root_cause"] for r in qa if r["root_cause"] is not None)),
            }
        dups = [r for r in contacts if r["dup_of"] is not None]
        t["duplicates"] = {
            "count": len(dups),
            "recorded_as_duplicate": sum(r["acceptability"] == "Duplicate complaint" for r in dups),
            "pairs": [[r["case_id"], by_key[r["dup_of"]]["case_id"]] for r in sorted(dups, key=lambda r: r["case_id"])],
        }
        t["emerging_theme"] = {}
        for svc, topic, _, _ in EMERGING:
            ec = sorted((r for r in contacts if r["topic"] == topic), key=lambda r: r["case_id"])
            t["emerging_theme"][topic] = {
                "service": svc,
                "starts": emerging_start[topic].date().isoformat(),
                "by_quarter": {q: sum(quarter_of(r["received"]) == q for r in ec) for q in ("Q1", "Q2", "Q3", "Q4")},
                "case_ids": [r["case_id"] for r in ec],
            }
        t.update(seed_figures(rs, by_key, as_at=meta_as_at, population=sum(pop.values())))
        keys = {r["key"] for r in rs}
        t["miscoded_count"] = dict(Counter(m["target"] for m in miscoded if m["key"] in keys))
        truth[fy] = t
    return truth


# ---------------------------------------------------------------- frames and files
def _frame(recs: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame([{c: r[c] for c in (*CANONICAL, *MONITORING)} for r in recs], columns=[*CANONICAL, *MONITORING])
    for c in ("received", "responded", "due"):
        df[c] = pd.to_datetime(df[c]).astype("datetime64[ns]")
    df["compensation"] = df["compensation"].astype(float)
    df["extension_days"] = df["extension_days"].astype("Int64")
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = df[c].where(df[c].notna(), None)
    # the line each record starts on in the written CSV (header = 1; texts hold newlines)
    lines = df["text"].str.count("\n").to_numpy() + 1
    df.insert(len(CANONICAL), SOURCE_ROW, 2 + np.concatenate(([0], np.cumsum(lines)[:-1])))
    return df


def generate_demo(*, seed: int = DEFAULT_SEED, n_contacts: int = 10_000, first_year: int = 2023, years: int = 1) -> DemoYear:
    """A seeded demo export: `n_contacts` first contacts per financial year from `first_year`, with ground truth.

    The same arguments always give the same frame, truth and miscoded list.
    """
    g = _Generator(seed, n_contacts, first_year, years)
    g.build_structure()
    g.assign_ids()
    mis = g.miscode()
    g.monitor()
    g.write_texts()
    recs = g.order
    periods = [fy_label(first_year + y) for y in range(years)]
    meta = {
        "seed": seed,
        "n_contacts": n_contacts,
        "first_year": first_year,
        "years": years,
        "periods": periods,
        "export_end": g.end.isoformat(sep=" "),
        "taxonomy": load_taxonomy().version,
        "emerging_themes": [{"name": t, "service": s, "starts": g.emerging_start[t].date().isoformat()} for s, t, _, _ in EMERGING],
    }
    truth = compute_truth(recs, periods, mis, meta, g.emerging_start)
    by_key = {r["key"]: r for r in g.recs}
    miscoded = pd.DataFrame(
        [{"case_id": by_key[m["key"]]["case_id"], "target": m["target"], "recorded": m["recorded"], "true": m["true"]} for m in mis],
        columns=["case_id", "target", "recorded", "true"],
    )
    miscoded = miscoded.sort_values(["case_id", "target"], kind="stable").reset_index(drop=True)
    hidden = pd.DataFrame(
        [
            {
                "case_id": r["case_id"],
                "topic": r["topic"],
                "true_root_cause": r["true"].get("root_cause"),
                "true_service": r["true"].get("service"),
                "true_acceptability": r["true"].get("acceptability"),
                "true_escalation_reason": ";".join(r["true"]["escalation_reason"]) if r["true"].get("escalation_reason") else None,
                "duplicate_of": by_key[r["dup_of"]]["case_id"] if r["dup_of"] is not None else None,
                "emerging": r["topic"] in {e[1] for e in EMERGING},
            }
            for r in recs
        ]
    )
    return DemoYear(cases=_frame(recs), truth=truth, miscoded=miscoded, hidden=hidden)


def _csv_frame(cases: pd.DataFrame) -> pd.DataFrame:
    """The export as written: canonical columns, then the monitoring ones, ISO dates (to the minute; `due` as a day)."""
    out = cases[[*CANONICAL, *MONITORING]].copy()
    for c in ("received", "responded"):
        out[c] = out[c].dt.strftime("%Y-%m-%d %H:%M").where(out[c].notna(), None)
    out["due"] = out["due"].dt.strftime("%Y-%m-%d").where(out["due"].notna(), None)
    return out


def write_demo(demo: DemoYear, folder: str | Path) -> dict[str, Path]:
    """Write demo_cases.csv, demo_truth.json and ward_population.csv into `folder` (atomically)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"cases": folder / "demo_cases.csv", "truth": folder / "demo_truth.json", "population": folder / "ward_population.csv"}
    write_table(_csv_frame(demo.cases), paths["cases"])
    with atomic_path(paths["truth"]) as tmp:
        tmp.write_text(json.dumps(demo.truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    write_table(ward_population(), paths["population"])
    return paths
