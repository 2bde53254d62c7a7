"""Benchmark: the report's emerging themes and yearly trends on real text (NHS patient feedback).

Issue 5 asks that on ``../shared/data/nhs-feedback`` (52k comments, 2009-2019) the emerging themes
are ones a reader recognises, with their yearly trends. This maps the set into a case frame
(text, received from ``date``, service from ``division``; the human-coded ``theme`` is kept only to
judge the result, never given to the finder), runs the report's own functions on it:

* ``rca.reports.themes.emerging.find_emerging`` — latest financial year against every earlier one;
* ``rca.reports.themes.trends.theme_counts`` / ``share_changes`` (``by="year"``) — each emerging theme's count
  per financial year and the share test of the latest year, and the same for the human themes;

and writes the excerpt ``docs/nhs_emerging_themes.md``. Run from the repo root:

    .venv/bin/python benchmarks/bench_report_nhs.py [--latest 2018-19] [--out docs/nhs_emerging_themes.md]
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from real_data import DataMissing, _path  # noqa: E402

NO_COMPLAINT = "Couldn't be improved"
NONE = "(no emerging theme)"
# A reader's judgement of the default run (2018-19, min_count 20), kept beside the numbers it judges.
READING = (
    "Reading (default run, judged by hand): four of the seven are themes a patient-experience lead recognises — "
    "*mental health* services and teams, *crisis team* access, *psychiatrist* continuity and contact, and *courses* "
    "(access to and content of the trust's courses, two thirds of mentions in mental-health services); the trust's own coders file them mostly "
    "under Access to Services and Care/Treatment. Each rose steadily over several years rather than jumping in one, which "
    "the yearly counts show. Three are single words with no theme of their own (*best*, *nhs*, *offer*): they pass the "
    "test because 2018-19 comments are longer (median 65 characters against 47-60 in the earlier full years), so "
    "common words turn up in more of them; an officer would merge or drop them. Quotes are redacted for names, phones, "
    "emails and postcodes; place and organisation names (a children's centre, a council) are not personal data and stay."
)


def load_cases(root: Path | None = None) -> tuple[pd.DataFrame, dict[str, int]]:
    """The NHS feedback as a case frame, every row accounted for: rows without text and rows the
    coders marked "Couldn't be improved" (praise, not a complaint) are counted and set aside."""
    raw = pd.read_csv(_path("nhs-feedback", "nhs_feedback_2009_2019.csv", root=root))
    cases = pd.DataFrame(
        {
            "case_id": [f"NHS{i:05d}" for i in range(len(raw))],
            "received": pd.to_datetime(raw["date"], errors="coerce"),
            "text": raw["text"],
            "service": raw["division"],
            "human_theme": raw["theme"],
        }
    )
    blank = cases["text"].isna() | cases["text"].astype(str).str.strip().eq("")
    undated = cases["received"].isna()
    praise = cases["human_theme"].eq(NO_COMPLAINT)
    keep = ~blank & ~undated & ~praise
    counts = {
        "rows": len(cases),
        "no_text": int(blank.sum()),
        "no_date": int((undated & ~blank).sum()),
        "couldnt_be_improved": int((praise & ~blank & ~undated).sum()),
        "analysed": int(keep.sum()),
    }
    assert sum(v for k, v in counts.items() if k != "rows") == counts["rows"]
    return cases[keep].reset_index(drop=True), counts


def analyse(cases: pd.DataFrame, latest: str, *, min_count: int, min_ratio: float):
    """Emerging themes (latest financial year vs all earlier ones) and their yearly trends."""
    from rca.reports.themes.emerging import find_emerging
    from rca.reports.periods import bin_labels
    from rca.reports.themes.section import prepare_texts
    from rca.reports.themes.trends import share_changes, theme_counts

    year = bin_labels(cases["received"], "year")
    is_latest = year.eq(latest).to_numpy()
    baseline = (year < latest).to_numpy()
    redacted, _ = prepare_texts(cases["text"].tolist())
    em = find_emerging(
        cases["text"], latest=is_latest, baseline=baseline, min_count=min_count, min_ratio=min_ratio, redacted=redacted, n_quotes=2
    )
    labels = pd.Series(em.labels, index=cases.index).replace("", NONE)
    upto = year <= latest
    counts = theme_counts(labels[upto], cases.loc[upto, "received"], by="year")
    tests = share_changes(counts, latest=latest)
    human = theme_counts(cases.loc[upto, "human_theme"], cases.loc[upto, "received"], by="year")
    human_tests = share_changes(human, latest=latest)
    return em, labels, counts, tests, human_tests


def _recognised(cases: pd.DataFrame, labels: pd.Series, name: str) -> str:
    """The human-coded themes of the comments in an emerging theme (how a reader would file them)."""
    share = cases.loc[labels.eq(name), "human_theme"].value_counts(normalize=True).head(2)
    return "; ".join(f"{t} {p:.0%}" for t, p in share.items())


def _md_table(df: pd.DataFrame) -> list[str]:
    cols = [str(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "|".join("---" for _ in cols) + "|"]
    for _, r in df.iterrows():
        lines.append("| " + " | ".join(str(v).replace("|", "/") for v in r.to_numpy()) + " |")
    return lines


def render(
    cases,
    counts_in,
    em,
    labels,
    counts,
    tests,
    human_tests,
    *,
    latest: str,
    top: int,
    seconds: float,
    command: str,
    min_count: int,
    min_ratio: float,
) -> str:
    bins = list(dict.fromkeys(counts["bin"]))
    per_year = counts.pivot(index="theme", columns="bin", values="count").reindex(columns=bins)
    totals = counts.drop_duplicates("bin").set_index("bin")["total"].reindex(bins)
    top_clusters = em.clusters.head(top)
    out = [
        "# Emerging themes in NHS patient feedback, 2009–2019",
        "",
        f"What `rca`'s report finds, unlabelled, in the comments of financial year {latest} against every earlier year, "
        "and how each emerging theme moved year by year. Issue 5 excerpt; produced by `benchmarks/bench_report_nhs.py`.",
        "",
        "## Data",
        "",
        f'`../shared/data/nhs-feedback/nhs_feedback_2009_2019.csv`: {counts_in["rows"]:,} answers to "what could be improved?" '
        "from an NHS mental-health and community trust (NHS England, MIT licence). Its `date` column runs from 2009-04-01 to "
        "2019-02-11; many rows carry the first day of a quarter rather than the day of the comment, so the analysis bins by "
        "financial year (April–March), as the council reports do. Years are uneven: 2009-10 has a few hundred comments, "
        "2014-15 onwards several thousand, and 2018-19 stops in February (about ten and a half months).",
        "",
        f"Every row is accounted for: {counts_in['no_text']:,} have no text, {counts_in['no_date']:,} no readable date and "
        f'{counts_in["couldnt_be_improved"]:,} were coded "Couldn\'t be improved" by the trust (praise or "nothing", not a '
        f"complaint); the remaining **{counts_in['analysed']:,}** comments are analysed. Caveats from the data README: comments "
        "are short (median 35 characters) and carry one human theme each; a few `criticality` values are junk (not used here). "
        "The human `theme` is used only below, to say how the trust's own coders filed each emerging theme — the finder never sees it.",
        "",
        f"## Emerging themes, {latest} against 2009-10 to the year before",
        "",
        f"{em.n_latest:,} comments in {latest} against {em.n_baseline:,} earlier; {em.n_tested:,} words and phrases tested. "
        f"Test: {em.describe_test()}. {len(em.clusters)} emerging themes found; the top {len(top_clusters)} by size:",
        "",
    ]
    summary = pd.DataFrame(
        {
            "Emerging theme": top_clusters["name"],
            "Terms": top_clusters["terms"],
            f"{latest} (share)": [f"{c:,} ({s}%)" for c, s in zip(top_clusters["latest_count"], top_clusters["latest_share_pct"])],
            "Earlier (share)": [f"{c:,} ({s}%)" for c, s in zip(top_clusters["baseline_count"], top_clusters["baseline_share_pct"])],
            "Ratio": top_clusters["ratio"],
            "Trust's own coding": [_recognised(cases, labels, n) for n in top_clusters["name"]],
        }
    )
    out += _md_table(summary)
    out += [
        "",
        READING if (latest, min_count, min_ratio) == ("2018-19", 20, 2.0) else "",
        "",
        "## Counts per financial year",
        "",
        "Comments in each emerging theme per year (the terms' use before they emerged shows in the earlier years; "
        "a comment in two themes counts under the larger, so a year can read a little below the headline count), "
        f"and all analysed comments. Share test of {latest} against earlier years: "
        "two-sided Fisher's exact, Benjamini–Hochberg corrected.",
        "",
    ]
    yr = per_year.reindex(list(top_clusters["name"])).astype(int)
    yr.loc["All analysed comments"] = totals.astype(int)
    yr = yr.reset_index().rename(columns={"theme": "Theme"})
    t = tests.set_index("theme")
    yr[f"{latest} vs earlier"] = [f"{t.loc[n, 'direction']} (q={t.loc[n, 'q_value']:.1g})" if n in t.index else "" for n in yr["Theme"]]
    out += _md_table(yr)
    out += ["", "## Quotes (personal data redacted)", ""]
    for _, c in top_clusters.iterrows():
        out.append(f"**{c['name']}**")
        out.append("")
        for q in em.quotes.loc[em.quotes["cluster"].eq(c["cluster"]), "quote"].head(2):
            out.append(f"> {q}")
            out.append("")
    moved = human_tests[human_tests["significant"]].head(8)
    out += [
        "## For comparison: the trust's own themes in the same years",
        "",
        f"Human-coded themes whose share of analysed comments changed in {latest} beyond chance (same share test):",
        "",
    ]
    out += _md_table(
        pd.DataFrame(
            {
                "Human theme": moved["theme"],
                "Direction": moved["direction"],
                f"{latest} share %": moved["latest_share_pct"],
                "Earlier share %": moved["earlier_share_pct"],
            }
        )
    )
    out += [
        "",
        "## How this was produced",
        "",
        f"`{command}` on {date.today().isoformat()} ({seconds:.0f} s on one CPU core). Functions: "
        "`rca.reports.themes.section.prepare_texts` (redaction), `rca.reports.themes.emerging.find_emerging` "
        f"(min_count={min_count}, min_ratio={min_ratio:g}, alpha={em.settings['alpha']:g}), "
        '`rca.reports.themes.trends.theme_counts` and `share_changes` with `by="year"`. The data set is public and not '
        "copied into the project; rerunning gives the same result (no randomness in the emerging-theme finder).",
        "",
    ]
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--latest", default="2018-19", help="financial year tested against every earlier one")
    ap.add_argument("--top", type=int, default=8)
    ap.add_argument("--min-count", type=int, default=20)
    ap.add_argument("--min-ratio", type=float, default=2.0)
    ap.add_argument("--out", type=Path, default=Path("docs/nhs_emerging_themes.md"))
    args = ap.parse_args()
    from rca.ingest.io import atomic_path

    try:
        cases, counts_in = load_cases()
    except DataMissing as exc:
        sys.exit(f"skipped: {exc} is absent")
    t0 = time.perf_counter()
    em, labels, counts, tests, human_tests = analyse(cases, args.latest, min_count=args.min_count, min_ratio=args.min_ratio)
    seconds = time.perf_counter() - t0
    command = ".venv/bin/python benchmarks/bench_report_nhs.py " + " ".join(
        f"--{k.replace('_', '-')} {v}" for k, v in (("latest", args.latest), ("min_count", args.min_count), ("min_ratio", args.min_ratio))
    )
    text = render(
        cases,
        counts_in,
        em,
        labels,
        counts,
        tests,
        human_tests,
        latest=args.latest,
        top=args.top,
        seconds=seconds,
        command=command,
        min_count=args.min_count,
        min_ratio=args.min_ratio,
    )
    with atomic_path(args.out) as tmp:
        tmp.write_text(text, encoding="utf-8")
    print(f"{len(em.clusters)} emerging themes in {seconds:.1f} s -> {args.out}")
    print(em.clusters[["name", "terms", "latest_count", "baseline_count", "ratio"]].head(args.top).to_string())


if __name__ == "__main__":
    main()
