"""`rca store init | import | queue | next | decide | audit | export | retrain | officers`:
the case store behind the review loop."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from rca.cli.common import ConfigOpt, IdColumnOpt, JsonOpt, SeedOpt, TextColumnOpt, build_config, cli_errors, echo_json

DbOpt = Annotated[
    Optional[str],
    typer.Option(
        "--db",
        envvar="RCA_STORE_URL",
        help="Store URL: sqlite:///file.db (default sqlite:///rca_store.db, or \\[store] url in the config) or postgresql://user@host/db.",
    ),
]

OfficerOpt = Annotated[str, typer.Option("--officer", envvar="RCA_OFFICER", help="Your name or login (recorded with every decision).")]
TargetOpt = Annotated[Optional[str], typer.Option("--target", help="Only this target, e.g. root_cause.")]
ServiceOpt = Annotated[Optional[str], typer.Option("--service", help="Only cases of this service.")]


class Action(str, Enum):
    accepted = "accepted"
    corrected = "corrected"
    not_complaint = "not_complaint"


store_app = typer.Typer(name="store", help="The case store: cases, model suggestions and officers' review decisions.", no_args_is_help=True)


@store_app.command("init")
@cli_errors
def init(db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Create the store (or bring its schema up to date) and say where it is."""
    from rca.store.db import current_revision, open_store

    s = open_store(db, config=build_config(config))
    typer.echo(f"store ready at {s.display_url} (schema revision {current_revision(s)})")
    s.dispose()


@store_app.command("import")
@cli_errors
def import_(
    data: Annotated[Path, typer.Argument(help="A labelled export or the output of `rca score` (.csv, .xlsx, .parquet).")],
    db: DbOpt = None,
    config: ConfigOpt = None,
    text_column: TextColumnOpt = None,
    id_column: IdColumnOpt = None,
    model_version: Annotated[
        Optional[str], typer.Option("--model-version", help="Model version to record with the suggestions when the file does not say.")
    ] = None,
    imported_by: Annotated[Optional[str], typer.Option("--by", help="Who is importing (kept in the import log).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Import a file again even though the same bytes were imported before.")] = False,
    quarantine: Annotated[
        Optional[Path], typer.Option("--quarantine", help="Write rows that could not be imported (with the reason) here.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Add cases, recorded codes and model suggestions; queue the suggestions a person should check.

    Nothing already in the store is overwritten.
    """
    from rca.store import import_export, open_store

    cfg = build_config(config, text_column=text_column, id_column=id_column)
    s = open_store(db, config=cfg)
    res = import_export(s, data, config=cfg, model_version=model_version, imported_by=imported_by, force=force, quarantine_path=quarantine)
    s.dispose()
    if as_json:
        echo_json(res.to_dict())
        return
    if res.skipped:
        typer.echo(res.warnings[0])
        return
    typer.echo(
        f"{data}: {res.n_rows:,} rows ({res.n_quarantined:,} quarantined): {res.n_new_cases:,} new cases, "
        f"{res.n_existing_cases:,} already in the store, {res.n_labels:,} recorded codes, "
        f"{res.n_suggestions:,} suggestions, {res.n_review_items:,} queued for review"
        + (f", {res.n_items_updated:,} waiting cases now show the newer suggestion" if res.n_items_updated else "")
    )
    if res.n_quarantined and quarantine is None:
        typer.echo(f"warning: {res.n_quarantined:,} rows were not imported; pass --quarantine FILE to see which and why")
    for w in res.warnings[:10]:
        typer.echo(f"warning: {w}")


@store_app.command("export")
@cli_errors
def export(
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write: .csv or .xlsx (or .parquet).")],
    db: DbOpt = None,
    config: ConfigOpt = None,
    reviewed_only: Annotated[bool, typer.Option("--reviewed-only", help="Only cases with at least one reviewed code.")] = False,
) -> None:
    """Write the cases with their codes in force (reviews beat the originals), in the council's own column names."""
    from rca.store import export_frame, open_store
    from rca.ingest.io import write_table

    cfg = build_config(config)
    s = open_store(db, config=cfg)
    frame = export_frame(s, config=cfg, reviewed_only=reviewed_only)
    s.dispose()
    write_table(frame, out)
    n_rev = int((frame["rca_label_source"] == "review").sum()) if "rca_label_source" in frame else 0
    typer.echo(f"wrote {len(frame):,} cases ({n_rev:,} with reviewed codes) to {out}")


@store_app.command("queue")
@cli_errors
def queue(
    db: DbOpt = None,
    config: ConfigOpt = None,
    target: TargetOpt = None,
    service: ServiceOpt = None,
    limit: Annotated[int, typer.Option("--limit", help="Items to list (most useful first).")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """Show what is waiting for review: totals per target and service, then the next items."""
    from rca.store import open_store, queue_frame, queue_summary

    s = open_store(db, config=build_config(config))
    summary = queue_summary(s)
    items = queue_frame(s, target=target, service=service, limit=limit)
    s.dispose()
    if as_json:
        echo_json({"summary": summary.to_dict("records"), "items": items.to_dict("records")})
        return
    if summary.empty:
        typer.echo("the review queue is empty (import a scored export with `rca store import`)")
        return
    typer.echo(
        f"{int(summary['open'].sum()):,} open, {int(summary['leased'].sum()):,} being reviewed now, "
        f"{int(summary['decided'].sum()):,} decided"
    )
    for r in summary.itertuples():
        typer.echo(f"  {r.target:<20} {str(r.service or '-'):<32} open {r.open:>5}  decided {r.decided:>5}")
    if len(items):
        typer.echo("next:")
        for r in items.itertuples():
            conf = "-" if r.confidence is None or r.confidence != r.confidence else f"{r.confidence:.2f}"
            who = f"  [with {r.leased_to}]" if r.leased_to else ""
            typer.echo(f"  #{r.item_id:<6} {r.case_id:<14} {r.target:<18} {str(r.suggested):<36} conf {conf}  {r.reason}{who}")


@store_app.command("next")
@cli_errors
def next_(
    officer: OfficerOpt,
    db: DbOpt = None,
    config: ConfigOpt = None,
    target: TargetOpt = None,
    service: ServiceOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Take the next case to review (it is yours until the lease runs out) and show it."""
    from rca.store import next_item, open_store

    cfg = build_config(config)
    s = open_store(db, config=cfg)
    item = next_item(s, officer=officer, target=target, service=service, config=cfg)
    s.dispose()
    if as_json:
        echo_json({"item": item.to_dict() if item else None})
        return
    if item is None:
        typer.echo("nothing to review for this filter")
        return
    conf = "-" if item.confidence is None else f"{item.confidence:.2f}"
    typer.echo(
        f"item {item.item_id}: case {item.case_id} ({item.service or 'no service'}), {item.target}\n"
        f"  recorded: {item.recorded or 'none'}\n  suggested: {item.suggested or 'none'} (confidence {conf})\n"
        f"  text: {item.text[:500]}\n"
        f'decide with: rca store decide {item.item_id} --officer "{officer}" --action accepted|corrected [--label CODE]'
    )


@store_app.command("decide")
@cli_errors
def decide_(
    item: Annotated[Optional[int], typer.Argument(help="Review item number (from `rca store next` or the queue).")] = None,
    officer: OfficerOpt = "",
    action: Annotated[
        Optional[Action],
        typer.Option("--action", help="accepted, corrected or not_complaint (default for a queue item: accepted; required with --case)."),
    ] = None,
    label: Annotated[
        Optional[str], typer.Option("--label", help="The code to correct to (';' between codes for multi-label targets).")
    ] = None,
    comment: Annotated[Optional[str], typer.Option("--comment", help="Why (kept in the audit trail).")] = None,
    case_id: Annotated[Optional[str], typer.Option("--case", help="Decide on a case directly instead of a queue item.")] = None,
    target: TargetOpt = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Confirm or correct a code. Appends to the audit trail; nothing is overwritten."""
    from rca.errors import RcaError
    from rca.store import decide, open_store, record_decision

    cfg = build_config(config)
    if (item is None) == (case_id is None):
        raise RcaError("E501", "give a review item number, or --case with --target", column="item")
    if case_id is not None and not target:
        raise RcaError("E501", "--case needs --target (e.g. --target root_cause)", column="target")
    if case_id is not None and action is None:
        # "accepted" on a case means the model's latest suggestion, which may undo an officer's correction
        raise RcaError(
            "E501",
            "--case needs --action: accepted (the model's latest suggestion), corrected --label CODE, or not_complaint",
            column="action",
            hint="`rca store audit --case CASE` shows the case's codes and decisions so far.",
        )
    if item is not None and not 1 <= item <= 2**63 - 1:
        raise RcaError(
            "E502",
            f"there is no review item {item}",
            value=item,
            hint="Check the item number with `rca store queue`, or take the next case with `rca store next`.",
        )
    action = action or Action.accepted
    s = open_store(db, config=cfg)
    try:
        if item is not None:
            rec = decide(s, item, officer=officer, action=action.value, label=label, comment=comment, config=cfg)
        else:
            rec = record_decision(s, case_id, target, officer=officer, action=action.value, label=label, comment=comment, config=cfg)
    finally:
        s.dispose()
    if as_json:
        echo_json(rec.to_dict())
        return
    typer.echo(
        f"recorded decision {rec.decision_id}: case {rec.case_id} {rec.target} {rec.action} "
        f"{rec.previous_label or 'none'} -> {rec.label or 'none'} by {rec.officer}"
    )


@store_app.command("audit")
@cli_errors
def audit(
    db: DbOpt = None,
    config: ConfigOpt = None,
    out: Annotated[
        Optional[Path], typer.Option("--out", "-o", help="Write the whole trail to .csv/.xlsx instead of printing the latest.")
    ] = None,
    officer: Annotated[Optional[str], typer.Option("--officer", help="Only this officer's decisions.")] = None,
    case_id: Annotated[Optional[str], typer.Option("--case", help="Only this case.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="Decisions to print (newest first).")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """The audit trail: every decision with who, when, before and after, and the model's suggestion."""
    import pandas as pd

    from rca.ingest.io import write_table
    from rca.store import decisions_frame, open_store

    s = open_store(db, config=build_config(config))
    trail = decisions_frame(s, officer=officer, case_id=case_id)
    s.dispose()
    if out is not None:
        write_table(trail, out)
    if as_json:
        shown = trail if out is not None else trail.iloc[::-1].head(limit)
        records = [
            {k: (None if v is None or (not isinstance(v, str) and pd.isna(v)) else v) for k, v in r.items()}
            for r in shown.astype(object).to_dict("records")
        ]
        echo_json({"decisions": len(trail), "out": str(out) if out is not None else None, "trail": records})
        return
    if out is not None:
        typer.echo(f"wrote {len(trail):,} decisions to {out}")
        return
    typer.echo(f"{len(trail):,} decisions")
    for r in trail.iloc[::-1].head(limit).itertuples():
        typer.echo(
            f"  {r.decided_at:%Y-%m-%d %H:%M} {r.officer:<20} {r.case_id:<12} {r.target:<18} {r.action:<13} "
            f"{r.previous_label or 'none'} -> {r.label or 'none'}"
        )


@store_app.command("retrain")
@cli_errors
def retrain(
    model_dir: Annotated[Path, typer.Option("--model-dir", help="Folder for the new model.")],
    db: DbOpt = None,
    config: ConfigOpt = None,
    target: Annotated[Optional[list[str]], typer.Option("--target", help="Train only these targets (repeat the option).")] = None,
    seed: SeedOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Train a model on the store's codes in force: officers' corrections beat the original labels."""
    from rca.model.card import not_evaluated
    from rca.store import open_store
    from rca.store.training_data import retrain_from_store

    cfg = build_config(config, seed=seed)
    s = open_store(db, config=cfg)
    try:
        result, counts = retrain_from_store(s, model_dir=model_dir, config=cfg, targets=target or None, seed=seed)
    finally:
        s.dispose()
    unevaluated = not_evaluated(getattr(result, "metrics", None))
    if as_json:
        echo_json(counts | {"not_evaluated": unevaluated})
        return
    # a target with no held-out cases is warned about as it trains (rca.store.training_data)
    typer.echo(f"trained on {counts['rows']:,} cases ({counts['rows_with_reviewed_labels']:,} with codes from review) into {model_dir}")


officers_app = typer.Typer(
    name="officers", no_args_is_help=True, help="Officers who sign in to the review page, each with a personal token (only a hash is kept)."
)
NameArg = Annotated[
    str, typer.Argument(help="The officer's name as the audit trail should record it (letters of one script, digits, spaces, . ' - _ @).")
]


@officers_app.command("add")
@cli_errors
def officers_add(name: NameArg, db: DbOpt = None, config: ConfigOpt = None) -> None:
    """Add an officer (or give a revoked one a new token) and print their token once: it is not kept, only its hash."""
    from rca.store.db import open_store
    from rca.store.officer_names import officer_name
    from rca.store.officers import add_officer

    s = open_store(db, config=build_config(config), must_exist=True)
    try:
        token = add_officer(s, name)
    finally:
        s.dispose()
    typer.echo(f"officer {officer_name(name)!r} added. Their personal token, shown only now (hand it to them privately):")
    typer.echo(token)


@officers_app.command("list")
@cli_errors
def officers_list(db: DbOpt = None, config: ConfigOpt = None, as_json: JsonOpt = False) -> None:
    """Every officer: when added and whether their token is revoked (tokens are never shown again)."""
    from rca.store.db import open_store
    from rca.store.officers import officers_frame

    s = open_store(db, config=build_config(config), must_exist=True)
    try:
        df = officers_frame(s)
    finally:
        s.dispose()
    rows = [
        {
            "name": r.name,
            "added": str(r.created_at)[:19],
            "revoked": None if r.revoked_at is None or str(r.revoked_at) == "NaT" else str(r.revoked_at)[:19],
        }
        for r in df.itertuples()
    ]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        typer.echo("no officers yet: add one with `rca store officers add NAME`")
    for r in rows:
        typer.echo(f"{r['name']}\tadded {r['added']}\t" + (f"revoked {r['revoked']}" if r["revoked"] else "active"))


@officers_app.command("revoke")
@cli_errors
def officers_revoke(name: NameArg, db: DbOpt = None, config: ConfigOpt = None) -> None:
    """End an officer's token: their sign-in and any open session stop working at once."""
    from rca.store.db import open_store
    from rca.store.officers import revoke_officer

    s = open_store(db, config=build_config(config), must_exist=True)
    try:
        recorded = revoke_officer(s, name)
    finally:
        s.dispose()
    typer.echo(f"officer {recorded!r} revoked; `rca store officers add` gives them a new token")


store_app.add_typer(officers_app, name="officers")


def register(app: typer.Typer) -> None:
    app.add_typer(store_app, name="store")
