"""`rca score`, `rca triage`, `rca serve`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from rca.errors import RcaError
from rca.settings import ServeSection
from rca.cli.common import ConfigOpt, IdColumnOpt, JsonOpt, ReceivedColumnOpt, TextColumnOpt, build_config, cli_errors, echo_json

ModelDirOpt = Annotated[Path, typer.Option("--model-dir", "-m", help="Trained model folder (from `rca train`).")]
DEFAULT_MODEL_DIR = Path("models/current")


def _need_model(model_dir: Path) -> None:
    if not model_dir.is_dir():
        raise RcaError("E301", file=str(model_dir))


def score(
    data: Annotated[Path, typer.Argument(help="Case export to score: .csv, .xlsx or .parquet.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the scored cases (.csv, .xlsx or .parquet).")],
    model_dir: ModelDirOpt = DEFAULT_MODEL_DIR,
    resume: Annotated[bool, typer.Option("--resume", help="Carry on from where a killed run stopped.")] = False,
    chunksize: Annotated[
        Optional[int], typer.Option("--chunksize", min=1, help="Rows per chunk (config \\[score] chunksize, default 20,000).")
    ] = None,
    jobs: Annotated[
        Optional[int],
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Processes to spread each chunk over: forked helpers sharing the loaded model (config score n_jobs, default 2).",
        ),
    ] = None,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="Hide the progress bar.")] = False,
    config: ConfigOpt = None,
    text_column: TextColumnOpt = None,
    id_column: IdColumnOpt = None,
    received_column: ReceivedColumnOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Tag every case: predicted labels, confidence, review flag, evidence and near-duplicates."""
    from rca.scoring.score_files import score_file

    cfg = build_config(config, text_column=text_column, id_column=id_column, received_column=received_column)
    _need_model(model_dir)
    summary = score_file(
        data,
        out,
        model_dir=model_dir,
        config=cfg,
        chunksize=chunksize,
        resume=resume,
        progress=not no_progress and sys.stderr.isatty(),
        n_jobs=jobs,
    )
    if json_out:
        echo_json(summary.to_dict())
        return
    for line in summary_lines(summary):
        typer.echo(line)


def summary_lines(summary) -> list[str]:
    """What a scoring run did, in two lines for people."""
    review = ", ".join(f"{t} {n:,}" for t, n in summary.n_review.items())
    return [
        f"scored {summary.n_rows:,} rows into {summary.out} in {summary.seconds:.1f} s"
        + (f" ({summary.n_chunks_resumed} chunks resumed)" if summary.n_chunks_resumed else ""),
        f"for review: {review}; empty text: {summary.n_empty_text:,}; possible duplicates: {summary.n_duplicates:,}",
    ]


def print_triage(res: dict) -> None:
    def sug(name: str, s: dict | None) -> None:
        if not s or not s.get("label"):
            typer.echo(f"{name:<14} -")
            return
        flag = "  (review: below threshold)" if s.get("review") else ""
        typer.echo(f"{name:<14} {s['label']}  confidence {s['confidence']:.2f}{flag}")
        if s.get("evidence"):
            typer.echo(f"{'':<14} evidence: {', '.join(s['evidence'])}")

    for u in res.get("urgent") or []:  # hazards and safeguarding first: they need action today
        typer.echo(f"{u['flag'].replace('_', ' ').upper():<14} {u['title']}: {u['action']}")
        for r in u["rules"]:
            typer.echo(f"{'':<14} rule: {r['rule']}; words: {', '.join(repr(w) for w in r['words'])}")
        for d in u.get("deadlines") or []:
            typer.echo(f"{'':<14} {d['what']}: by {d['due']} ({d['basis']})")
        if u.get("note"):
            typer.echo(f"{'':<14} {u['note']}")
    conf = f", confidence {res['kind_confidence']:.2f}" if res.get("kind_confidence") is not None else ""
    detail = f" ({res['contact_kind']})" if res.get("contact_kind") and res["contact_kind"] != res["kind"] else ""
    check = "  PLEASE CHECK" if res.get("kind_check") else ""
    typer.echo(f"{'kind':<14} {res['kind'] or '-'}{detail}{conf}{check}  ({res['kind_reason']})")
    if res.get("service_level"):
        typer.echo(f"{'service level':<14} {res['service_level']}")
    sug("service", res.get("service"))
    typer.echo(f"{'team':<14} {res.get('team') or '-'}")
    typer.echo(f"{'route':<14} {res['route'] or '-'}  ({res['route_reason']})")
    if res.get("ombudsman"):
        typer.echo(f"{'ombudsman':<14} {res['ombudsman']['name']}  ({res['ombudsman']['reason']})")
    sug("root cause", res.get("root_cause"))
    from rca.scoring.triage import other_suggestions

    for target, s in other_suggestions(res).items():  # a council's own targets (theme, category, ...)
        sug(target.replace("_", " ")[:14], s)
    typer.echo(f"{'received':<14} {res['received']}  (counts as {res['effective_received']})")
    if res.get("due"):
        typer.echo(
            f"{'response due':<14} {res['due']}  ({res['working_days']} working days"
            + (", if logged as a stage 1 complaint)" if res.get("kind") == "service request" else ")")
        )
    else:
        typer.echo(f"{'response due':<14} none ({res.get('kind') or 'no text'})")
    for u in res.get("urgent") or []:  # the hazard deadlines beside the complaint's
        for d in u.get("deadlines") or []:
            typer.echo(f"{'hazard due':<14} {d['due']}  ({d['what']}, {u['flag'].replace('_', ' ')})")
    if res.get("duplicate"):
        d = res["duplicate"]
        typer.echo(f"{'DUPLICATE?':<14} {d['reason']}: case {d['case_id']} received {d.get('received')}")
    for i, h in enumerate(res.get("similar", []), 1):
        typer.echo(
            f"similar {i}: {h.get('case_id')} ({h['similarity']:.2f}) {h.get('service') or ''} | outcome: "
            f"{h.get('outcome') or '-'} | actions: {h.get('corrective_action') or '-'}"
        )
    for note in res.get("issues", []):
        typer.echo(f"note: {note}")


def _read_text_file(file: Path) -> str:
    """The complaint text from a file or stdin ('-'), as UTF-8 (undecodable bytes replaced, never a crash)."""
    if str(file) == "-":
        return sys.stdin.buffer.read().decode("utf-8", errors="replace")
    try:
        return file.read_text("utf-8", errors="replace")
    except FileNotFoundError as exc:
        raise RcaError("E001", file=str(file)) from exc
    except IsADirectoryError as exc:
        raise RcaError(
            "E001",
            "this is a folder, not a text file",
            file=str(file),
            hint="Give the path of a text file holding the complaint, or - to read it from stdin.",
        ) from exc
    except OSError as exc:
        raise RcaError(
            "E001", f"cannot read it: {exc.strerror or exc}", file=str(file), hint="Check the file's permissions, or pass the text itself."
        ) from exc


def triage_cmd(
    text: Annotated[Optional[str], typer.Argument(help="The complaint text (or use --file).")] = None,
    file: Annotated[Optional[Path], typer.Option("--file", "-f", help="Read the text from this file ('-' = stdin).")] = None,
    received: Annotated[Optional[str], typer.Option("--received", help="When it arrived, e.g. '2024-03-28 15:30' (default: now).")] = None,
    complainant_id: Annotated[Optional[str], typer.Option("--complainant-id", help="Complainant id, for the duplicate check.")] = None,
    model_dir: ModelDirOpt = DEFAULT_MODEL_DIR,
    config: ConfigOpt = None,
    json_out: JsonOpt = False,
) -> None:
    """Suggest complaint or service request, service, route, root cause, due date and similar cases."""
    from rca.model.store import load_model
    from rca.scoring.similar import SimilarIndex
    from rca.scoring.triage import triage

    if file is not None:
        text = _read_text_file(file)
    if text is None:
        raise typer.BadParameter("give the complaint text, or --file PATH")
    cfg = build_config(config)
    _need_model(model_dir)
    bundle = load_model(model_dir)
    res = triage(
        text, bundle=bundle, received=received, config=cfg, similar=SimilarIndex.from_model_dir(model_dir), complainant_id=complainant_id
    )
    if json_out:
        echo_json(res)
    else:
        print_triage(res)


def _serve_address(cfg, host: str | None, port: int | None) -> tuple[str, int]:
    """Host and port: the flags, else the config's [serve] host / port (their defaults: rca.settings.ServeSection)."""
    serve = cfg.section_as(ServeSection, "serve")
    return host or serve.host or ServeSection().host, serve.port if port is None else port  # a blank host is the default one


def serve(
    host: Annotated[
        Optional[str],
        typer.Option(
            "--host", help="Interface to bind; keep 127.0.0.1 unless a proxy fronts it (default: config \\[serve] host, else 127.0.0.1)."
        ),
    ] = None,
    port: Annotated[
        Optional[int], typer.Option("--port", min=1, max=65535, help="Port (default: config \\[serve] port, else 8000).")
    ] = None,
    model_dir: ModelDirOpt = DEFAULT_MODEL_DIR,
    token: Annotated[
        Optional[str], typer.Option("--token", help="API token (default: $RCA_API_TOKEN, config \\[serve] token, else a random one).")
    ] = None,
    workers: Annotated[
        Optional[int],
        typer.Option(
            "--workers",
            min=1,
            help="Worker processes, each loading the model once (default: 2 where there are 2 or more cores; one worker tops out near 850 triage requests/s here).",
        ),
    ] = None,
    store: Annotated[
        Optional[str],
        typer.Option(
            "--store",
            envvar="RCA_STORE_URL",
            help="Case store for the review queue at /review, made by `rca store import` (default: the url in the config file's store table); a relative path is read from the current folder.",
        ),
    ] = None,
    config: ConfigOpt = None,
) -> None:
    """Run the intake web page, the review queue and the JSON API (token from --token, RCA_API_TOKEN or the config file's serve token)."""
    import uvicorn

    from rca.model.store import verify_folder
    from rca.store.db import absolute_url, configured_url
    from rca.web.auth import ENV_VAR, resolve_token, session_seconds, trusted_user_header
    from rca.web.review_store import open_review_store
    from rca.web.slow_clients import uvicorn_settings

    cfg = build_config(config)
    _need_model(model_dir)
    verify_folder(model_dir)  # before any worker starts: a changed model is one clear error, not crashing workers
    host, port = _serve_address(cfg, host, port)
    if store:  # the review pages open it on first use, in every worker; a relative path is from this folder
        os.environ["RCA_STORE_URL"] = absolute_url(store)
    session_seconds(cfg)  # a bad [serve] session_hours or trusted_user_header is E202 now, not on the first sign-in
    if trusted_user_header(cfg):
        typer.echo(
            f"warning: the review page takes the officer's name from the {trusted_user_header(cfg)!r} header; "
            "only safe behind a proxy that removes that header from clients' requests",
            err=True,
        )
    if configured_url(None, config=cfg) is None:
        typer.echo("review queue: off (no --store given); /review says how to start it", err=True)
    else:  # an existing store or a coded error now: never a new empty store that looks like finished work
        opened = open_review_store(cfg)
        typer.echo(f"review queue: http://{host}:{port}/review over {opened.display_url}", err=True)
        opened.dispose()
    chosen, generated = resolve_token(token, cfg)
    if generated:
        typer.echo(f"API token for this session (set RCA_API_TOKEN to choose one): {chosen}", err=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(f"warning: listening on {host}, reachable from other machines", err=True)
    typer.echo(f"intake page: http://{host}:{port}/  API docs: http://{host}:{port}/docs", err=True)
    log_level = os.environ.get("RCA_LOG_LEVEL", "warning")
    workers = workers or min(2, os.cpu_count() or 1)
    limits = uvicorn_settings(cfg)  # slow clients are timed out: headers, body, idle keep-alive ([serve] *_seconds)
    if workers == 1:
        from rca.web.app import create_app

        uvicorn.run(create_app(model_dir, config=cfg, token=chosen), host=host, port=port, log_level=log_level, **limits)
        return
    # each worker process builds its own app from the environment (one model load per worker)
    os.environ.update({ENV_VAR: chosen, "RCA_MODEL_DIR": str(model_dir.resolve())})
    if config is not None:
        os.environ["RCA_CONFIG"] = str(Path(config).resolve())
    uvicorn.run("rca.web.app:app_from_env", factory=True, host=host, port=port, workers=workers, log_level=log_level, **limits)


def register(app: typer.Typer) -> None:
    app.command("score")(cli_errors(score))
    app.command("triage")(cli_errors(triage_cmd))
    app.command("serve")(cli_errors(serve))
