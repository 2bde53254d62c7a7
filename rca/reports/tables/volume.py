"""Volume tables: accepted vs not accepted, volumes by service, stage counts,
channel mix, complaints per 1,000 residents by ward, compliments, equalities.

Each function takes the `Prepared` frame and returns a `Table` (skipped, with a
note naming the missing column, when the export lacks what it needs).
"""

from __future__ import annotations

import pandas as pd

from rca.reports.tables.common import NOT_RECORDED, Prepared, Table, count_by, missing, pct, sort_counts, unlock_note
from rca.reports.tables.per_period import count_table

STAGES = ("1", "2", "3")
STAGE_NAMES = {"1": "Stage 1", "2": "Stage 2", "3": "Stage 3", "ombudsman": "Ombudsman"}
EQUALITY_COLUMNS = (
    "ethnicity",
    "ethnic_group",
    "ethnic_origin",
    "gender",
    "sex",
    "age_band",
    "age_group",
    "age",
    "disability",
    "religion",
    "religion_or_belief",
    "sexual_orientation",
)
UNDISCLOSED = {"", "not disclosed", "prefer not to say", "not known", "unknown", "not stated", "declined", "n/a", "na"}


def acceptance(prep: Prepared) -> Table:
    """First contacts accepted as complaints and not accepted, by reason (CONTRACTS: contacts, accepted)."""
    key, title = "acceptance", "Complaints accepted and not accepted"
    if missing(prep.frame, "acceptability"):
        return Table.skip(key, title, unlock_note(["acceptability"]))
    contacts = prep.contacts()
    counts = count_by(contacts, "acceptability")
    accepted = int(counts.get("Complaint", 0))
    rows = [{"Decision": "Accepted", "Reason": "Complaint", "Count": accepted}]
    for reason, n in counts.items():
        if reason != "Complaint":
            rows.append({"Decision": "Not accepted", "Reason": reason, "Count": int(n)})
    df = pd.DataFrame(rows, columns=["Decision", "Reason", "Count"])
    df["% of contacts"] = pct(df["Count"], len(contacts))
    total = pd.DataFrame(
        [
            {
                "Decision": "Total",
                "Reason": "All first contacts",
                "Count": len(contacts),
                "% of contacts": 100.0 if len(contacts) else float("nan"),
            }
        ]
    )
    df = pd.concat([df, total], ignore_index=True)
    return Table(
        key,
        title,
        df,
        counts=("Count",),
        pct={"% of contacts": "Count"},
        bases={"% of contacts": len(contacts)},
        col_total=("Count",),
        note=f"{prep.n(len(contacts))} first contacts (stage 1 complaint records received in {prep.period.label}); "
        + (f"{accepted:,} accepted, {len(contacts) - accepted:,} not accepted. " if not prep.small else "")
        + "A contact that is not accepted still gets a letter with Ombudsman referral rights.",
        chart="acceptance",
    )


def volumes_by_service(prep: Prepared) -> Table:
    """Accepted stage 1 complaints by service, with % change on the comparison period."""
    key, title = "volumes_by_service", "Accepted stage 1 complaints by service"
    if missing(prep.frame, "service"):
        return Table.skip(key, title, unlock_note(["service"]))
    return count_table(
        prep,
        key,
        title,
        lambda period: count_by(prep.accepted(period), "service"),
        label="Service",
        total="Total",
        note="Accepted complaints at stage 1 (first contacts accepted into the procedure), by the service they were routed to.",
        chart="volumes_by_service",
    )


def stage_counts(prep: Prepared) -> Table:
    """Accepted complaint records by stage, plus Ombudsman records."""
    key, title = "stage_counts", "Complaints by stage"
    if "stage" not in prep.frame:  # every record read as stage 1: the later stages would be zeros that are not known
        return Table.skip(key, title, unlock_note(["stage"]))

    def counts(period):
        acc = prep.accepted(period, stage=None)
        out = {STAGE_NAMES[s]: int(acc["_stage"].eq(s).sum()) for s in STAGES}
        recs = prep.records(period)
        out[STAGE_NAMES["ombudsman"]] = int(recs["_stage"].eq("ombudsman").sum())
        return pd.Series(out)

    note = "Accepted complaint records received in the period at each stage of the procedure, and Ombudsman enquiries received."
    return count_table(prep, key, title, counts, label="Stage", note=note)


def channels(prep: Prepared) -> Table:
    """First contacts by channel."""
    key, title = "channels", "How complaints were made (channel mix)"
    if missing(prep.frame, "channel"):
        return Table.skip(key, title, unlock_note(["channel"]))
    return count_table(
        prep,
        key,
        title,
        lambda period: count_by(prep.contacts(period), "channel"),
        label="Channel",
        share="% of contacts",
        base=lambda period: len(prep.contacts(period)),
        note="First contacts (all stage 1 complaint records, accepted or not) by the channel they arrived through.",
        chart="channels",
    )


def _population(population: pd.DataFrame | None) -> pd.DataFrame | None:
    if population is None:
        return None
    cols = {c.lower().strip(): c for c in population.columns}
    ward = next((cols[c] for c in ("ward", "ward_name", "name") if c in cols), None)
    pop = next((cols[c] for c in ("population", "residents", "pop", "usual_residents") if c in cols), None)
    if ward is None or pop is None:
        return None
    out = pd.DataFrame({"ward": population[ward].astype(str).str.strip(), "population": pd.to_numeric(population[pop], errors="coerce")})
    return out.dropna()


def wards(prep: Prepared, population: pd.DataFrame | None = None) -> Table:
    """Accepted stage 1 complaints by ward, and per 1,000 residents when a population table is given."""
    key, title = "wards", "Complaints per 1,000 residents by ward"
    if missing(prep.frame, "ward"):
        return Table.skip(key, title, unlock_note(["ward"]))
    counts = count_by(prep.accepted(), "ward")
    df = pd.DataFrame({"Ward": counts.index, "Complaints": counts.to_numpy()})
    pop = _population(population)
    note = "Accepted stage 1 complaints by the ward recorded on the case."
    if pop is None:
        note += (
            " No population table was given (--population FILE with columns ward, population), so rates per 1,000 residents are not shown."
        )
        return Table(key, "Complaints by ward", df, counts=("Complaints",), note=note, known_totals={"Complaints": int(counts.sum())})
    popmap = dict(zip(pop["ward"].str.lower(), pop["population"]))
    seen = set(df["Ward"].astype(str).str.lower())
    quiet = [w for w in pop["ward"] if w.lower() not in seen]  # wards with no complaints still get a row (rate 0)
    if quiet:
        df = pd.concat([df, pd.DataFrame({"Ward": quiet, "Complaints": 0})], ignore_index=True)
    df["Residents"] = [popmap.get(str(w).lower()) for w in df["Ward"]]
    df["Residents"] = pd.to_numeric(df["Residents"], errors="coerce").astype("Int64")
    df["Per 1,000 residents"] = [
        pct(c, p, 2, scale=1000) if pd.notna(p) and p > 0 else float("nan") for c, p in zip(df["Complaints"], df["Residents"])
    ]
    df = df.sort_values(["Per 1,000 residents", "Ward"], ascending=[False, True], na_position="last").reset_index(drop=True)
    unmatched = [w for w, p in zip(df["Ward"], df["Residents"]) if pd.isna(p) and w != NOT_RECORDED]
    note += " Rate = complaints ÷ ward population × 1,000."
    if unmatched:
        note += f" {len(unmatched)} ward name(s) have no population figure: {', '.join(map(str, unmatched[:5]))}."
    return Table(
        key,
        title,
        df,
        counts=("Complaints",),
        pct={"Per 1,000 residents": "Complaints"},
        note=note,
        chart="wards",
        known_totals={"Complaints": int(counts.sum())},
    )


def compliments(prep: Prepared) -> Table:
    """Compliments received in the period, by service."""
    key, title = "compliments", "Compliments received"
    if missing(prep.frame, "case_type"):
        return Table.skip(key, title, unlock_note(["case_type"]) + " (with Compliment rows)")
    f = prep.frame

    def received(period) -> pd.DataFrame:
        return f[f["case_type"].eq("Compliment") & prep.in_period(period)]

    if received(prep.period).empty:
        return Table.skip(key, title, f"No records with case_type 'Compliment' were received in {prep.period.label}.")

    def by_service(period) -> pd.Series:
        comp = received(period)
        return count_by(comp, "service") if "service" in comp else pd.Series({"All services": len(comp)})

    note = "Records with case type Compliment received in the period, by service."
    return count_table(prep, key, title, by_service, label="Service", total="Total", note=note)


def equality_columns(frame: pd.DataFrame) -> list[str]:
    """Equalities monitoring columns the export carries (extra, non-canonical columns)."""
    return [c for c in frame.columns if str(c).lower().strip() in EQUALITY_COLUMNS]


def equalities(prep: Prepared) -> list[Table]:
    """Disclosure and breakdown of each equalities monitoring column on first contacts."""
    cols = equality_columns(prep.frame)
    if not cols:
        return [
            Table.skip(
                "equalities",
                "Equalities monitoring",
                unlock_note(["ethnicity"]) + " Any of: " + ", ".join(EQUALITY_COLUMNS[:6]) + " and similar.",
            )
        ]
    contacts = prep.contacts()
    tables = []
    for col in cols:
        vals = contacts[col].astype(object)
        undisclosed = vals.isna() | vals.astype(str).str.strip().str.lower().isin(UNDISCLOSED)
        counts = (
            sort_counts(vals[~undisclosed].astype(str).str.strip().value_counts()) if (~undisclosed).any() else pd.Series(dtype="int64")
        )
        df = pd.DataFrame({"Group": counts.index, "Complaints": counts.to_numpy()})
        df = pd.concat([df, pd.DataFrame([{"Group": "Not disclosed", "Complaints": int(undisclosed.sum())}])], ignore_index=True)
        df["% of contacts"] = pct(df["Complaints"], len(contacts))
        disclosed = pct(int((~undisclosed).sum()), len(contacts))
        name = str(col).replace("_", " ")
        tables.append(
            Table(
                f"equalities_{col}",
                f"Equalities monitoring: {name}",
                df,
                counts=("Complaints",),
                pct={"% of contacts": "Complaints"},
                bases={"% of contacts": len(contacts)},
                known_totals={"Complaints": len(contacts)},
                note=f"{name.capitalize()} was disclosed on {prep.rate(disclosed, len(contacts)) or 'some'} of first contacts; most complainants do not disclose, so read the breakdown with care.",
            )
        )
    return tables


def quarterly(prep: Prepared) -> Table:
    """First contacts and accepted stage 1 complaints in each quarter of the period (Q1 = April to June)."""
    from rca.reports.periods import bin_labels

    key, title = "quarterly", "Complaints by quarter" + (f" in {prep.period.label}" if not prep.undated else "")
    if prep.undated:
        return Table.skip(key, title, unlock_note(["received"]))
    contacts = prep.contacts()
    q = bin_labels(contacts["received"], "quarter")
    quarters = sorted(set(q.dropna()))
    acc = contacts["_accepted"].to_numpy()
    df = pd.DataFrame(
        {
            "Quarter": quarters,
            "First contacts": [int((q == x).sum()) for x in quarters],
            "Accepted": [int(((q == x).to_numpy() & acc).sum()) for x in quarters],
        }
    )
    df["% accepted"] = pct(df["Accepted"], df["First contacts"])
    return Table(
        key,
        title,
        df,
        counts=("First contacts", "Accepted"),
        pct={"% accepted": ("First contacts", "Accepted")},
        known_totals={"First contacts": int(df["First contacts"].sum()), "Accepted": int(df["Accepted"].sum())},
        note="First contacts (stage 1 complaint records) and those accepted, by the quarter they were received in." + gap_note(prep),
    )


def gap_note(prep: Prepared) -> str:
    """Said under a table by quarter when the export is missing a stretch of the period."""
    from rca.reports.coverage import day

    cov = prep.coverage.get("cur")
    if cov is None or not cov.missing:
        return ""
    holes = " and ".join(f"{day(a)} to {day(b)}" for a, b in cov.missing)
    return (
        f" The data holds no record at all from {holes}, read as missing from the export (see the note on coverage): "
        "a quarter in it is left out, and one partly in it counts part of the quarter."
    )
