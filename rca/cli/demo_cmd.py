"""`rca demo`: the main job end to end on the bundled demo year.

generate (if missing) → validate → train → score → triage one example and report (side by side, in two
processes), each step printing what it wrote, so a newcomer sees the whole product in one command.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from rca.cli.common import cli_errors

DEMO_DIR = Path("data")
DEMO_CASES = DEMO_DIR / "demo_cases.csv"


@cli_errors
def demo(
    data: Annotated[Path, typer.Option("--data", help="Demo export (generated here if missing).")] = DEMO_CASES,
    model_dir: Annotated[Path, typer.Option("--model-dir", help="Where to write the trained models.")] = Path("models/demo"),
    out: Annotated[Path, typer.Option("--out", help="Folder for the scored file and the report.")] = Path("out/demo"),
    seed: Annotated[int, typer.Option("--seed", help="Seed for generation and training.")] = 20240401,
) -> None:
    """Run the whole job on the bundled demo year: train, score, triage one case, report."""
    from rca.text.redact_memo import remembered

    with remembered():  # training, scoring and the report read the same texts: each is redacted once
        _demo(data, model_dir, out, seed)


def _demo(data: Path, model_dir: Path, out: Path, seed: int) -> None:
    from rca.config import Config
    from rca.ingest.validate import load_cases

    t0 = step = time.perf_counter()
    if not data.exists():
        from rca.demo.data import COMMITTED, generate_demo, write_demo

        typer.echo(f"[1/5] generating the demo year into {data.parent}/ ...")
        write_demo(generate_demo(**{**COMMITTED, "seed": seed}), data.parent)
        step = _took(step)
    else:
        typer.echo(f"[1/5] using the demo year in {data}")
    cfg = Config(seed=seed)
    res = load_cases(data, config=cfg, require=("text", "received"))
    typer.echo(f"[2/5] validated {data}: {res.n_read:,} rows read, {res.n_valid:,} valid, {res.n_quarantined:,} quarantined")
    step = _took(step)

    from rca.model.train import train_models

    typer.echo(f"[3/5] training root cause, escalation reason, acceptability and service into {model_dir} ...")
    # the fixed word n-gram recipe keeps the demo to seconds; `rca train` on a council's own export chooses one
    # by cross-validation (rca.model.recipe)
    result = train_models(res.cases, targets=None, model_dir=model_dir, config=cfg, recipe="fast")
    for line in _train_lines(result):
        typer.echo(f"      {line}")
    step = _took(step)

    from rca.scoring.score_files import score_file
    from rca.cli.score_cmd import print_triage, summary_lines

    out.mkdir(parents=True, exist_ok=True)
    scored = out / "scored.csv"
    typer.echo(f"[4/5] scoring every case into {scored} ...")
    summary = score_file(data, scored, model_dir=model_dir, config=cfg, progress=False)
    for line in summary_lines(summary):
        typer.echo(f"      {line}")

    step = _took(step)

    from rca.model.store import load_model

    bundle = load_model(model_dir)
    report_dir = out / "report"
    typer.echo(f"[5/5] triaging an example and, alongside it, writing the annual report into {report_dir} ...")
    # the triage (past-case index, intake rules) runs in a second process while this one builds the report
    triaged = _aside(_triage_example, bundle, model_dir, cfg)

    from rca.reports.build import build_report, write_report
    from rca.cli.report_cmd import say_alerts, say_skipped

    period, compare = _periods_of(res.cases["received"])
    population = data.parent / "ward_population.csv"
    report = build_report(
        _with_scores(res.cases, scored),
        period=period,
        compare=compare,
        bundle=bundle,
        config=cfg,
        population=population if population.exists() else None,
    )
    paths = write_report(report, report_dir)
    typer.echo(f"      triaging an example: {EXAMPLE!r}")
    print_triage(triaged())
    say_alerts(report, data.name)
    main = [p for p in paths.values() if Path(p).parent == report_dir]
    for p in main:
        typer.echo(f"      wrote {p}")
    typer.echo(f"      and {len(paths) - len(main)} table CSVs and charts under {report_dir}/")
    say_skipped(report, indent="      ")
    _took(step)
    typer.echo(
        f"done in {time.perf_counter() - t0:.1f} s. Open {report_dir / 'report.html'} in a browser; "
        f"{report_dir / 'briefing.html'} is the two-page version for a QA meeting or members."
    )


EXAMPLE = "I have reported the damp and mould in my daughter's bedroom three times and nobody has come out."


def _triage_example(bundle, model_dir: Path, cfg) -> dict:
    """What `rca triage` says of `EXAMPLE` with the loaded model `bundle` and the past cases in `model_dir`."""
    from rca.scoring.similar import SimilarIndex
    from rca.scoring.triage import triage

    return triage(EXAMPLE, bundle=bundle, config=cfg, similar=SimilarIndex.from_model_dir(model_dir))


def _aside(fn, *args):
    """Start `fn(*args)` in a forked process while this one goes on (`rca.forking`); returns a function that gives its result.

    Where the platform cannot fork, or the process fails, `fn(*args)` runs in this process when the result is
    asked for, so a failure is reported (or happens) as it would without the second process."""
    from rca.forking import can_fork, start_forked

    if not can_fork():
        return lambda: fn(*args)
    pending = start_forked([(fn, args, {})], 1)

    def result():
        try:
            return pending.results()[0]
        except Exception:  # noqa: BLE001 - run it here, where its error (if any) is raised as usual
            return fn(*args)

    return result


def _took(since: float) -> float:
    """Say how long the step that began at `since` took; the time now, when the next step begins."""
    now = time.perf_counter()
    typer.echo(f"      ({now - since:.1f} s)")
    return now


def _with_scores(cases, scored: Path):
    """The cases with the root causes step 4 predicted (`root_cause_predicted`, by case id), so the report shows those
    and does not predict them a second time; the cases as they are when the scored file lacks them."""
    import pandas as pd

    try:
        pred = pd.read_csv(scored, usecols=["case_id", "root_cause_predicted"], dtype=str, keep_default_na=False)
    except (OSError, ValueError):
        return cases
    by_id = dict(zip(pred["case_id"], pred["root_cause_predicted"]))
    out = cases.copy()
    out["root_cause_predicted"] = out["case_id"].astype(str).map(lambda c: by_id.get(c) or None)
    return out


def _financial_year(ts) -> int:
    return ts.year if ts.month >= 4 else ts.year - 1


def _fy_name(year: int) -> str:
    return f"{year}-{str(year + 1)[-2:]}"


def _periods_of(received) -> tuple[str, str | None]:
    """The latest financial year in the data, and the one before it when the data has it."""
    dates = received.dropna()
    first, last = _financial_year(dates.min()), _financial_year(dates.max())
    return _fy_name(last), (_fy_name(last - 1) if last > first else None)


def _train_lines(result) -> list[str]:
    metrics = getattr(result, "metrics", None) or {}
    lines = []
    for target, m in metrics.items():
        if isinstance(m, dict):
            f1 = m.get("macro_f1") or m.get("cv_macro_f1")
            cov = m.get("coverage")
            text = f"{target}: macro-F1 {f1:.3f}" if isinstance(f1, float) else f"{target}"
            if isinstance(cov, float):
                text += f", {cov:.0%} of cases confident enough to skip review"
            lines.append(text)
    return lines or [str(result)]


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
