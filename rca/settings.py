"""Every key of `rca.toml` in one typed schema: its type, default, allowed range and meaning.

Each table is a dataclass here (`ModelSection` is ``[model]``, `ScoreSection` ``[score]``...);
`Settings` is the whole file. pydantic validates a table against its dataclass, so a value
of the wrong type or out of range, or a key rca does not know, is E202 naming the table,
the key, the value and the file. The objects the rest of rca reads (`rca.config.Config`,
`ModelSettings`, `ScoreSettings`, `ReportSettings`, the drift thresholds) are these
dataclasses or subclasses of them, so every default is written once, here.
`docs/config.md` is generated from this module: ``python -m rca.settings_doc > docs/config.md``.

>>> section_settings(ScoreSection, {"chunksize": 500}, section="score").chunksize
500
>>> try:
...     section_settings(ScoreSection, {"chunksize": "many"}, section="score", source="rca.toml")
... except RcaError as e:
...     print(e.detail)
[score] chunksize must be a whole number, got 'many'
"""
from __future__ import annotations

import dataclasses
import difflib
import functools
import re
import typing
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any, Literal, Mapping, TypeVar

from pydantic import BeforeValidator, ConfigDict, Field, StrictBool, StrictFloat, StrictInt, StrictStr, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from rca.errors import RcaError

__all__ = ["CalendarSettings", "DriftSection", "FileSettings", "ModelCardSection", "ModelSection", "ReportSection",
           "ScoreSection", "ServeSection", "Settings", "StoreSection", "ThemesSection", "TrackingSection", "TriageSection",
           "DEFAULT_STAGE_TARGETS", "SECTIONS", "TOP_KEYS", "defaults", "section_settings", "validate_settings"]

T = TypeVar("T")
_FORBID = ConfigDict(extra="forbid")  # a key rca does not know is an error, never silently ignored
Number = StrictInt | StrictFloat  # TOML's 2 and 2.0 both; never true/false or "2"


def key(description: str, *, must: str | None = None, **limits: Any) -> Any:
    """A key's one-line meaning, its limits (ge, gt, le, lt) and, optionally, how an error says what it must be."""
    return Field(description=description, json_schema_extra={"must": must} if must else None, **limits)


# ------------------------------------------------------------------ checks with their own wording
def _cutoff(value: Any) -> str:
    m = re.fullmatch(r"\s*(\d{1,2}):(\d{2})(?::\d{2})?\s*", str(value))
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError(f"must be a 24-hour time such as \"15:00\", got {value!r}")
    return f"{int(m.group(1)):02d}:{m.group(2)}"


_NATIONS = {"ENG": "ENG", "WLS": "WLS", "SCT": "SCT", "NIR": "NIR", "ENGLAND": "ENG", "WALES": "WLS",
            "SCOTLAND": "SCT", "NORTHERN IRELAND": "NIR"}


def _subdivision(value: Any) -> str:
    code = _NATIONS.get(" ".join(str(value).split()).upper())
    if code is None:
        raise ValueError(f"must be ENG, WLS, SCT or NIR (whose bank holidays count), got {value!r}")
    return code


def _closures(value: Any) -> list[str]:
    if isinstance(value, str) or not isinstance(value, list):
        raise ValueError(f"must be a list of dates such as [\"2024-12-27\"], got {value!r}")
    out = []
    for d in value:
        try:
            out.append(date.fromisoformat(str(d)).isoformat())
        except ValueError:
            raise ValueError(f"holds {d!r}, which is not a date written as 2024-12-27") from None
    return out


def _ngrams(value: Any) -> Any:
    if value is None or value == []:
        return value
    if (not isinstance(value, (list, tuple)) or len(value) != 2 or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
            or not 1 <= value[0] <= value[1]):
        raise ValueError(f"must be [low, high] with 1 <= low <= high, or [] for off, got {value!r}")
    return list(value)


DEFAULT_STAGE_TARGETS = {
    # working days to respond, by route then stage (DOMAIN.md)
    "corporate": {"1": 10, "2": 20},
    "adult_social_care": {"1": 20},
    "childrens_social_care": {"1": 10, "2": 25, "3": 30},
}
Days = Annotated[StrictInt, Field(ge=1, le=260)]


# ------------------------------------------------------------------------------------ the tables
@dataclass
class CalendarSettings:
    """[calendar]: working days, bank holidays and response targets."""

    __pydantic_config__ = _FORBID
    cutoff: Annotated[str, BeforeValidator(_cutoff), key("contacts received at or after this time (24-hour) count as "
                                                         "received the next working day")] = "15:00"
    subdivision: Annotated[str, BeforeValidator(_subdivision), key(
        "whose bank holidays count (the `holidays` package): ENG, WLS, SCT or NIR")] = "ENG"
    targets: Annotated[dict[str, dict[str, Days]], key(
        "working days to respond, per route and stage, as `[calendar.targets.ROUTE]` stage = days (1 to 260); "
        "routes you leave out keep theirs: corporate 10/20, adult social care 20, children's 10/25/30",
        must="tables of stage = working days from 1 to 260, such as [calendar.targets.corporate] 1 = 10")] = field(
        default_factory=lambda: {k: dict(v) for k, v in DEFAULT_STAGE_TARGETS.items()})
    extra_closures: Annotated[list[str], BeforeValidator(_closures), key(
        "council closure days as ISO dates, e.g. [\"2024-12-27\"]")] = field(default_factory=list)


@dataclass
class FileSettings:
    """The top-level keys of rca.toml (the tables follow in `Settings`)."""

    __pydantic_config__ = _FORBID
    seed: Annotated[StrictInt, key("every random choice (splits, models, themes, sampling) follows it",
                                   must="a whole number")] = 42
    taxonomy: Annotated[StrictStr | None, key("path to your own taxonomy TOML (format: `rca/resources/taxonomy.toml`), "
                                              "relative to the config file; none: the bundled one",
                                              must="a quoted text")] = None
    columns: Annotated[dict[str, StrictStr | StrictInt], key(
        "`canonical = \"Export column\"`; canonical names are in `rca/schema.py`. Unmapped columns that already use a "
        "canonical name or a common spelling (\"Description\", \"Date Received\", \"Case Reference\", ...) are recognised. "
        "A mapping naming a missing column is an error for required fields and a warning otherwise",
        must="a table of canonical = \"Export column\"")] = field(default_factory=dict)
    labels: Annotated[dict[str, dict[str, StrictStr | StrictInt | StrictFloat]], key(
        "`[labels.FIELD]` \"your spelling\" = \"canonical label\", on top of the taxonomy's own aliases",
        must="tables of \"your spelling\" = \"canonical label\"")] = field(default_factory=dict)
    multi_label: Annotated[list[StrictStr], key("extra target columns whose cells hold several `;`-separated labels",
                                                must="a list of column names")] = field(default_factory=list)
    date_format: Annotated[StrictStr | None, key("a `strptime` format when every date shares one; none: detect",
                                                 must="a quoted text")] = None
    dayfirst: Annotated[StrictBool, key(
        "`03/04/2024` is 3 April, for a column whose dates could be read either way; a column with a date like "
        "`03/25/2024` is read month-first throughout, `2024/03/04` is always year-month-day, and a column with dates in "
        "both orders gets warning E114 (dates impossible in the order chosen are flagged E103, never read the other way)",
        must="true or false (no quotes)")] = True
    encoding: Annotated[StrictStr | None, key("the export's text encoding; none: UTF-8 (with or without BOM) is tried "
                                              "strictly first, otherwise the encoding chosen is reported",
                                              must="a quoted text")] = None
    sheet: Annotated[StrictStr | StrictInt | None, key("Excel sheet name (or number from 0); none: the first sheet",
                                                       must="a quoted text")] = None
    calendar: CalendarSettings = field(default_factory=CalendarSettings)


Classifier = Literal["svm", "logreg", "sgd"]
Decision = Literal["macro_f1", "scores", "calibrated"]  # rca.model.decision.DECISIONS (a test keeps them equal)


@dataclass
class ModelSection:
    """[model]: what `rca train` fits. A key left out is chosen by the recipe search unless `--recipe fast`."""

    __pydantic_config__ = _FORBID
    classifier: Annotated[Classifier, key("`svm` (LinearSVC), `logreg` (LogisticRegression; try C = 10) or `sgd` "
                                          "(SGDClassifier, modified Huber); scores are calibrated either way")] = "svm"
    C: Annotated[Number, key("inverse regularisation strength (svm, logreg); sgd uses alpha = 1 / (C x rows)", gt=0)] = 0.5
    class_weight: Annotated[Literal["balanced", "none"], key("`balanced` or `none`")] = "balanced"
    max_iter: Annotated[StrictInt, key("solver iterations", ge=1)] = 2000
    word_ngrams: Annotated[list[int] | None, BeforeValidator(_ngrams), key(
        "TF-IDF word n-gram range [low, high]; [] turns words off")] = field(default_factory=lambda: [1, 2])
    char_ngrams: Annotated[list[int] | None, BeforeValidator(_ngrams), key(
        "character n-gram range within words, e.g. [2, 5]; off by default (on the demo year: same macro-F1, "
        "7x slower training, 2x slower scoring)")] = field(default_factory=list)
    min_df: Annotated[Number, key("a term must be in this many texts (a whole number) or this share of them "
                                  "(below 1); 1 for corpora under 100 texts", ge=0)] = 2
    max_df: Annotated[Number, key("a term in more than this share of texts (or this many) is dropped", gt=0)] = 1.0
    max_features: Annotated[StrictInt | None, key("most word n-grams kept; none: all", ge=1)] = None
    char_max_features: Annotated[StrictInt | None, key("most character n-grams kept; none: all", ge=1)] = None
    sublinear_tf: Annotated[StrictBool, key("term frequency as 1 + log(tf)")] = True
    lemmatise: Annotated[StrictBool, key("spaCy lookup lemmas (bundled tables, nothing downloaded)")] = False
    stop_words: Annotated[StrictBool, key("drop spaCy stop words (negations kept)")] = False
    redact: Annotated[StrictBool, key("redact personal data before features are built (leave on)")] = True
    cv_folds: Annotated[StrictInt, key("folds for the out-of-fold scores calibration and thresholds are fitted on",
                                       ge=2)] = 5
    n_jobs: Annotated[StrictInt, key("out-of-fold fits run at once, on threads, for logreg and sgd (same model whatever "
                                     "the value); svm folds run one at a time (liblinear shares one random generator)",
                                     ge=1)] = 2
    target_precision: Annotated[Number, key("per-target abstention threshold: tags less sure than this go to review",
                                            gt=0, le=1)] = 0.9
    test_size: Annotated[Number, key("share of cases held out for evaluation", gt=0, lt=1)] = 0.2
    split: Annotated[Literal["auto", "time", "grouped"], key(
        "`time` (latest cases held out), `grouped` (linked cases on one side) or `auto` (time when dates exist)")] = "auto"
    refit: Annotated[StrictBool, key("after evaluation the saved model learns from every labelled case")] = True
    baselines: Annotated[StrictBool, key("score majority / keyword / TF-IDF + LR baselines on the same split")] = True
    targets: Annotated[list[StrictStr], key("label columns to train besides the defaults",
                                            must="a list of column names")] = field(default_factory=list)
    embeddings: Annotated[StrictStr | None, key(
        "sentence embeddings beside TF-IDF: a static model folder (`rca embeddings build`) or \"minilm\"; none: off",
        must="a quoted text")] = None
    embeddings_weight: Annotated[Number, key("scale of the L2-normalised embedding against the TF-IDF parts",
                                             ge=0)] = 2.0
    decision: Annotated[Decision, key(
        "which label a single-label target tags: `macro_f1` (calibrated log-probability plus per-class offsets fitted "
        "out-of-fold for macro-F1), `scores` (the classifier's top score) or `calibrated` (most probable label)")] = "macro_f1"
    word_view_C: Annotated[Number | None, key(
        "svm with character n-grams: each classifier is the average of an SVM on the word n-grams alone (this C) and "
        "one on every feature (`C`); none: one SVM", gt=0)] = None


@dataclass
class TrackingSection:
    """[tracking]: the MLflow run each training writes (offline)."""

    __pydantic_config__ = _FORBID
    enabled: Annotated[StrictBool, key("log each training as an MLflow run")] = True
    uri: Annotated[StrictStr | None, key("tracking store; none: `sqlite:///<model_dir>/mlflow.db`",
                                         must="a quoted text")] = None
    experiment: Annotated[StrictStr, key("MLflow experiment name")] = "rca"
    register: Annotated[StrictBool, key("register each target as the model `rca-<target>` with alias `current`")] = True


@dataclass
class ScoreSection:
    """[score]: tagging a file of cases (`rca score`)."""

    __pydantic_config__ = _FORBID
    duplicate_window_days: Annotated[StrictInt, key("how far back a case counts as a duplicate", ge=0)] = 30
    duplicate_threshold: Annotated[Number, key(
        "how alike (share of word shingles in common) a case must be to count as a duplicate",
        must="a share of words in common, from above 0 to 1 (0.7: seven in ten)", gt=0, le=1)] = 0.7
    evidence_terms: Annotated[StrictInt, key("words shown per tag", ge=0)] = 5
    chunksize: Annotated[StrictInt, key("rows per chunk (each finished chunk is checkpointed)", ge=1)] = 20_000
    n_jobs: Annotated[StrictInt, key("scoring processes", ge=0)] = 2
    max_text_chars: Annotated[StrictInt, key("text is cut to this many characters before scoring", ge=0)] = 100_000


@dataclass
class ServeSection:
    """[serve]: the intake server (`rca serve`)."""

    __pydantic_config__ = _FORBID
    host: Annotated[StrictStr, key("interface to bind; keep 127.0.0.1 unless a proxy fronts it")] = "127.0.0.1"
    port: Annotated[StrictInt, key("port", must="a whole number from 1 to 65535", ge=1, le=65535)] = 8000
    token: Annotated[StrictStr | None, key("API token; none: `$RCA_API_TOKEN`, else a random one",
                                           must="a quoted text")] = None
    max_body_bytes: Annotated[StrictInt, key("largest request body accepted", ge=1)] = 1_000_000
    max_triage_batch: Annotated[StrictInt, key("most triage requests that queued while the server was busy served in one "
                                               "pass (1: one at a time)", ge=1)] = 32
    session_hours: Annotated[Number, key("how long an officer's review sign-in lasts (docs/review.md)",
                                         must="a number of hours above 0", gt=0, le=24 * 366)] = 8
    trusted_user_header: Annotated[StrictStr | Literal[False] | None, key(
        "header a single-sign-on proxy puts the officer's name in, e.g. \"X-Remote-User\"; only safe behind a proxy that "
        "removes it from clients' requests (docs/review.md); none: off",
        must="a header name such as \"X-Remote-User\"")] = None
    header_timeout_seconds: Annotated[Number, key("a connection whose request headers are not complete after this long "
                                                  "is closed", gt=0, le=3600)] = 10
    body_timeout_seconds: Annotated[Number, key("a request whose body is not complete after this long gets 408 (E509)",
                                                gt=0, le=3600)] = 30
    keep_alive_seconds: Annotated[Number, key("an idle keep-alive connection is closed after this long",
                                              gt=0, le=3600)] = 5


@dataclass
class StoreSection:
    """[store]: the case store of the review loop."""

    __pydantic_config__ = _FORBID
    url: Annotated[StrictStr | None, key(
        "case store (PostgreSQL URLs work too); none: `sqlite:///rca_store.db` for `rca store` commands (or "
        "`$RCA_STORE_URL`), and `rca serve` needs one that exists (E504)", must="a quoted text")] = None
    lease_seconds: Annotated[StrictInt, key("how long an officer holds a case", must="a positive whole number", ge=1)] = 600
    queue_order: Annotated[Literal["useful", "confidence"], key("review queue order")] = "useful"
    queue_disagreements: Annotated[StrictBool, key("queue cases where the model disagrees with the recorded code")] = True
    show_personal_data: Annotated[StrictBool, key("show unredacted text in the review queue")] = False
    not_complaint_label: Annotated[StrictStr, key("the code an officer gives a contact that is not a complaint")] = \
        "Service request or enquiry - not a complaint"
    targets: Annotated[list[StrictStr], key("codes to import and review besides the model's targets",
                                            must="a list of column names")] = field(default_factory=list)


@dataclass
class ReportSection:
    """[report]: what `rca report` shows: small-number suppression, themes, emerging terms."""

    __pydantic_config__ = _FORBID
    suppress_below: Annotated[StrictInt, key("members' version: counts 1 to this minus 1 shown as \"<5\" (0: none)",
                                             ge=0)] = 5
    suppress_officers: Annotated[StrictBool, key("suppress small numbers in the officers' version too")] = False
    n_themes: Annotated[StrictInt, key("themes found in the text", ge=1)] = 10
    emerging_min_count: Annotated[StrictInt, key("an emerging term needs this many complaints in the latest period",
                                                 ge=1)] = 10
    emerging_min_ratio: Annotated[Number, key("... and this many times its baseline share", ge=1)] = 2.0
    emerging_alpha: Annotated[Number, key("... and to pass a one-sided Fisher test at this false discovery rate",
                                          gt=0, lt=1)] = 0.01
    emerging_latest: Annotated[Literal["bin", "period"], key(
        "`bin`: latest quarter vs earlier ones; `period`: period vs comparison period")] = "bin"
    watch_min_count: Annotated[StrictInt, key("a watch-list theme needs this many complaints in the latest bin",
                                              ge=0)] = 5
    quotes: Annotated[StrictInt, key("redacted quotes per theme (officers' version only)", ge=0)] = 3


@dataclass
class DriftSection:
    """[drift]: `rca drift` warns / alerts when the excess over chance passes these."""

    __pydantic_config__ = _FORBID
    words_js_warn: Annotated[Number, key("word-mix divergence (Jensen-Shannon) that warns", ge=0)] = 0.02
    words_js_alert: Annotated[Number, key("word-mix divergence that alerts", ge=0)] = 0.05
    new_words_warn: Annotated[Number, key("share of words the model never saw that warns", ge=0)] = 0.02
    new_words_alert: Annotated[Number, key("share of new words that alerts", ge=0)] = 0.05
    psi_warn: Annotated[Number, key("population stability index of predicted codes that warns", ge=0)] = 0.10
    psi_alert: Annotated[Number, key("PSI that alerts (0.1 / 0.25: the usual credit-risk bands)", ge=0)] = 0.25
    coverage_drop_warn: Annotated[Number, key("fall in the share tagged without review that warns", ge=0)] = 0.05
    coverage_drop_alert: Annotated[Number, key("fall in coverage that alerts", ge=0)] = 0.10
    min_rows: Annotated[Number, key("fewest new cases compared", ge=0)] = 30


@dataclass
class ModelCardSection:
    """[model_card]: who is accountable, printed on every model card ("not recorded" when left out)."""

    __pydantic_config__ = _FORBID
    organisation: Annotated[StrictStr | None, key("the council", must="a quoted text")] = None
    team: Annotated[StrictStr | None, key("the team that runs the model", must="a quoted text")] = None
    contact: Annotated[StrictStr | None, key("where to ask or contest a tag", must="a quoted text")] = None
    senior_owner: Annotated[StrictStr | None, key("senior responsible owner", must="a quoted text")] = None
    website: Annotated[StrictStr | None, key("where the council publishes about the model", must="a quoted text")] = None


_TERMS = "a list of words or phrases, such as [\"boiler flue hanging off\"]"


@dataclass
class TriageSection:
    """[triage]: a council's own words added to the built-in intake rules (docs/triage.md)."""

    __pydantic_config__ = _FORBID
    emergency_terms: Annotated[list[StrictStr] | None, key("words or phrases that raise the emergency-hazard flag",
                                                           must=_TERMS)] = None
    significant_terms: Annotated[list[StrictStr] | None, key("words or phrases that raise the significant-hazard flag",
                                                             must=_TERMS)] = None
    safeguarding_terms: Annotated[list[StrictStr] | None, key("words or phrases that raise the safeguarding flag",
                                                              must=_TERMS)] = None


@dataclass
class ThemesSection:
    """[themes]: names for the themes found in the text."""

    __pydantic_config__ = _FORBID
    names: Annotated[dict[str, StrictStr], key(
        "your own names for themes found in the text, as found name = your name (any case), e.g. "
        "`names = { \"Parking and ticket\" = \"Parking enforcement\" }`; used by `rca report` and `rca themes`, so a "
        "theme keeps its name across years (docs/themes.md)",
        must="a table of \"found name\" = \"your name\" (both quoted)")] = field(default_factory=dict)


@dataclass
class Settings(FileSettings):
    """The whole of rca.toml: the top-level keys and every table."""

    model: ModelSection = field(default_factory=ModelSection)
    tracking: TrackingSection = field(default_factory=TrackingSection)
    score: ScoreSection = field(default_factory=ScoreSection)
    serve: ServeSection = field(default_factory=ServeSection)
    store: StoreSection = field(default_factory=StoreSection)
    report: ReportSection = field(default_factory=ReportSection)
    drift: DriftSection = field(default_factory=DriftSection)
    model_card: ModelCardSection = field(default_factory=ModelCardSection)
    triage: TriageSection = field(default_factory=TriageSection)
    themes: ThemesSection = field(default_factory=ThemesSection)


TOP_KEYS = tuple(f.name for f in dataclasses.fields(FileSettings))
SECTIONS = tuple(f.name for f in dataclasses.fields(Settings) if f.name not in TOP_KEYS)  # the tool tables
TABLES = ("calendar", *SECTIONS)


# ------------------------------------------------------------------------------------ validation
@functools.lru_cache(maxsize=None)
def _adapter(cls: type) -> TypeAdapter:
    return TypeAdapter(cls)


def validate_settings(data: Mapping[str, Any], *, source: str | None = None) -> Settings:
    """The whole file, validated: E202 naming the first wrong key, its value and the file."""
    try:
        return _adapter(Settings).validate_python(dict(data))
    except ValidationError as exc:
        raise config_error(exc, data, source=source) from None


def section_settings(cls: type[T], table: Mapping[str, Any] | None, *, section: str, source: str | None = None) -> T:
    """One table validated as `cls` (a section dataclass here or a subclass of one), e.g.
    ``section_settings(ScoreSettings, config.section("score"), section="score", source=config.source)``."""
    table = dict(table or {})
    try:
        return _adapter(cls).validate_python(table)
    except ValidationError as exc:
        raise config_error(exc, {section: table}, source=source, prefix=(section,)) from None


def defaults(cls: type) -> dict[str, Any]:
    """{key: default} of a table."""
    return dataclasses.asdict(cls())


def field_info(loc: tuple) -> tuple[tuple[str, ...], FieldInfo | None]:
    """(the path of settings `loc` names, down to its key, the key's FieldInfo) from the root `Settings`."""
    cls: Any = Settings
    path: list[str] = []
    info = None
    for part in loc:
        if not (isinstance(part, str) and dataclasses.is_dataclass(cls)):
            break
        hints = typing.get_type_hints(cls, include_extras=True)
        if part not in hints:
            break
        path.append(part)
        hint = hints[part]
        meta = getattr(hint, "__metadata__", ())
        info = next((m for m in meta if isinstance(m, FieldInfo)), None)
        cls = typing.get_args(hint)[0] if meta else hint
    return tuple(path), info


def _where(path: tuple[str, ...]) -> str:
    if len(path) > 1 and path[0] in TABLES:
        return f"[{path[0]}] {'.'.join(path[1:])}"
    return ".".join(path)


def _value_at(data: Any, path: tuple) -> Any:
    for part in path:
        if not isinstance(data, Mapping) or part not in data:
            return None
        data = data[part]
    return data


def config_error(exc: ValidationError, data: Mapping[str, Any], *, source: str | None, prefix: tuple = ()) -> RcaError:
    """The first problem pydantic found, as E202 in rca's words: which table and key, what it must be, the value."""
    err = exc.errors()[0]
    loc = prefix + tuple(err["loc"])
    kind = err["type"]
    if kind in ("unexpected_keyword_argument", "extra_forbidden"):
        path, _ = field_info(loc[:-1])
        known = sorted(_known_keys(path))
        unknown = str(loc[-1])
        near = difflib.get_close_matches(unknown, known, n=1)
        table = f"[{'.'.join(path)}] has " if path else ""
        detail = f"{table}unknown setting {unknown!r}" + (f"; did you mean {near[0]!r}?" if near else f"; known: {', '.join(known)}")
        return RcaError("E202", detail, file=source, column=".".join([*path, unknown]))
    path, info = field_info(loc)
    value = _value_at(data, path) if path else err.get("input")
    extra = info.json_schema_extra if info is not None and isinstance(info.json_schema_extra, dict) else {}
    if kind in ("dataclass_type", "dict_type", "model_type") and len(path) == len(loc) and (len(path) == 1 and path[0] in TABLES):
        detail = f"{path[0]} must be a table ([{path[0]}]), got {value!r}"
    elif kind == "value_error":
        detail = f"{_where(path)} {err['ctx']['error']}"
    elif extra.get("must"):
        detail = f"{_where(path)} must be {extra['must']}, got {value!r}"
    else:
        detail = f"{_where(path)} {_must(err)}, got {value!r}"
    return RcaError("E202", detail, file=source, column=".".join(path) or None)


def _known_keys(path: tuple[str, ...]) -> list[str]:
    cls: Any = Settings
    for part in path:
        hint = typing.get_type_hints(cls, include_extras=True)[part]
        cls = typing.get_args(hint)[0] if getattr(hint, "__metadata__", ()) else hint
    return [f.name for f in dataclasses.fields(cls)] if dataclasses.is_dataclass(cls) else []


_PHRASES = {"int_type": "must be a whole number", "int_from_float": "must be a whole number",
            "float_type": "must be a number", "bool_type": "must be true or false (no quotes)",
            "string_type": "must be a quoted text", "list_type": "must be a list", "dict_type": "must be a table"}


def _must(err: dict) -> str:
    if err["type"] in _PHRASES:
        return _PHRASES[err["type"]]
    msg = str(err["msg"])
    return "must be " + msg[len("Input should be "):] if msg.startswith("Input should be ") else msg[:1].lower() + msg[1:]

