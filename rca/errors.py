"""Coded errors. Every message names where the problem is and says what to do.

Codes are stable: documentation and tests refer to them. Add new ones at the
end of their block; never reuse a number.
"""

from __future__ import annotations

from dataclasses import dataclass

# code -> (short title, what to do)
CATALOGUE: dict[str, tuple[str, str]] = {
    # E0xx: files and formats
    "E001": ("file not found", "Check the path; relative paths are read from the current folder."),
    "E002": ("unsupported file type", "Use .csv, .tsv, .txt, .xlsx, .xlsm or .parquet, or convert the export first."),
    "E003": ("file is empty", "Export the cases again; the file has no header row or no bytes at all."),
    "E004": (
        "cannot decode text",
        "Save the export as UTF-8 (Excel: 'CSV UTF-8'), or name its encoding with encoding = \"cp1252\" (for example) in the config file given with --config.",
    ),
    "E005": ("cannot parse file", "Open the file in a spreadsheet and save it again as CSV UTF-8 or .xlsx."),
    "E006": (
        "sheet not found",
        'Name an existing sheet with sheet = "..." in the config file given with --config, or leave it out to read the first sheet.',
    ),
    "E007": ("cannot write output", "Check the folder exists, is writable and has free space."),
    "E008": ("too many columns", "Export only the case columns you need (at most 10,000)."),
    "E010": ("output would overwrite the input", "Write the output to another file name: the input export is never overwritten."),
    "E009": (
        "text too long for an Excel cell",
        "An Excel cell holds at most 32,767 characters; write the output as .csv or .parquet to keep every character.",
    ),
    # E1xx: columns and rows
    "E101": (
        "required column missing",
        "Map your column to the canonical name in the config [columns] table or with --text-column / --id-column.",
    ),
    "E102": ("empty text", "Fill in the description, or remove the row from the export."),
    "E103": ("unparseable date", "Use a date such as 2024-03-28 or 28/03/2024 15:30."),
    "E104": ("duplicated case id", "Give each case its own reference."),
    "E105": ("blank row", "Remove empty lines from the export."),
    "E106": ("unknown label", "Add the spelling to [labels] in the config, or to the taxonomy file."),
    "E107": ("invalid number", "Use a plain number such as 150 or 150.00 (no currency words); the value was left blank."),
    "E108": ("invalid stage", "Use 1, 2, 3 or ombudsman for the stage (or map your spellings under [labels.stage])."),
    "E109": ("column mapped twice", "Map each canonical field to one column of the export."),
    "E110": ("text too long", "Cut the description to under 1,000,000 characters."),
    "E111": ("missing label", "A training target needs a label on at least some rows; check the column mapping."),
    "E112": ("column name already taken", "Rename one of the two columns in the export if the new name does not suit you; both are kept."),
    "E113": (
        "no usable rows",
        "Every row was set aside for the reasons given; fix them in the export (the set-aside rows are written with a `reason` column) and run again.",
    ),
    "E114": (
        "day and month order",
        'Check the dates were read as meant; export them year first (2024-03-25), or set date_format (e.g. "%m/%d/%Y") in the config to say which order the column uses.',
    ),
    # E2xx: configuration
    "E201": ("cannot read config", "Check the TOML syntax; see docs/config.md for an example."),
    "E202": ("invalid config value", "See docs/config.md for the allowed values."),
    "E203": ("cannot read taxonomy", "Check the taxonomy TOML; see rca/resources/taxonomy.toml for the format."),
    "E204": ("conflicting or missing arguments", "See the command's --help for which arguments go together."),
    "E205": ("invalid option value", "See the command's --help for the values it takes."),
    # E23x: the Python API (rca.ComplaintClassifier, docs/python.md)
    "E230": (
        "invalid ComplaintClassifier parameter",
        "Give the parameter one of the values named; help(rca.ComplaintClassifier) and docs/config.md ([model]) describe each.",
    ),
    "E231": (
        "texts and labels do not fit together",
        "Pass the texts as one list or column of strings (e.g. cases['text']) and the labels as a list or column of the same length, one label per text.",
    ),
    "E232": ("classifier not fitted", "Call fit(texts, labels) first, or load a trained model folder with rca.load_model(DIR)."),
    # E24x: the MLflow models rca registers (rca-<target>, docs/mlflow.md)
    "E240": (
        "MLflow model input has no text column",
        'Send a table with a "text" column, one complaint per row (optionally "stage" and "case_type"): in Python a pandas DataFrame, over HTTP {"dataframe_split": {"columns": ["text"], "data": [["..."]]}}.',
    ),
    "E241": (
        "MLflow model is not an rca model",
        "Load a version rca registered (rca-<target>, alias current), or train again with `rca train` to log a new one.",
    ),
    # E3xx: models
    "E301": ("model directory not found", "Train first with `rca train`, or point --model-dir at a trained model folder."),
    "E302": ("model artefact failed its integrity check", "Do not load it. Retrain, or restore the folder from a trusted copy."),
    "E303": ("model manifest missing or unreadable", "The folder is not a complete rca model; retrain with `rca train`."),
    "E304": ("not enough labelled rows", "Each target needs at least 2 classes with 2 or more examples each."),
    "E305": (
        "unknown target",
        "Name a target the model was trained on; the model card DIR/MODEL_CARD.md lists them (`rca model-card --model-dir DIR` writes it again).",
    ),
    "E306": ("model was trained by a different rca version", "Retrain with this version of rca."),
    "E307": (
        "sentence embeddings unavailable",
        'Install the extra with pip install -e ".[embeddings]" and build a static model with `rca embeddings build --out DIR`, then set [model] embeddings = "DIR".',
    ),
    "E308": ("unknown model version or alias", "Leave --alias out for the current version, or name one of the aliases or versions listed."),
    "E309": (
        "not a model folder",
        "Choose a new or empty folder for --model-dir, or an existing rca model folder to add a version to; rca does not write over other files.",
    ),
    "E310": (
        "model artefact refused: it holds types rca does not load",
        "Do not use this folder: it was damaged or tampered with. Retrain with `rca train`, or restore the folder from a trusted copy (docs/security.md).",
    ),
    "E311": (
        "model folder saved as pickles, which can run code when loaded",
        "Retrain with `rca train` (models are saved in the skops format, which loads only allowed types). Only if you made this folder and nobody else can write to it: set RCA_TRUST_PICKLED_MODEL to its path (docs/security.md).",
    ),
    "E312": (
        "learnt intake flag model missing or unreadable",
        "Reinstall rca, or rebuild it with `python -m rca.demo.flag_model_build` (docs/triage.md); [triage] learnt_flags = false turns it off.",
    ),
    "E313": (
        "invalid labelled intake flag texts",
        'Give one JSON object a line with "text" and true/false "emergency_hazard", "significant_hazard" and "safeguarding" (tests/data/intake_flags.dev.jsonl shows the format).',
    ),
    "E320": (
        "recipe search budget too small",
        "Give --budget at least the seconds named, or --recipe fast to train the fixed recipe without a search.",
    ),
    # E4xx: service / API
    "E401": ("request too large", "Send smaller batches (see the size limit in the error)."),
    "E402": ("missing or wrong API token", "Send the token in the Authorization: Bearer header."),
    "E410": (
        "invalid intake flag terms",
        "Give [triage] emergency_terms, significant_terms or safeguarding_terms as a list of quoted words or phrases (docs/triage.md).",
    ),
    # E5xx: case store
    "E501": ("case store error", "Check the database URL and that migrations have run (`rca store init`)."),
    "E502": ("case not leased to this officer", "Take the next case from the queue again; your lease may have expired."),
    "E503": ("invalid review decision", "Confirm, correct with a code from the taxonomy, or skip; give your name as the officer."),
    "E504": (
        "case store not found",
        "Run `rca store import FILE --db URL` first (it creates the store), then give the same URL to `rca serve --store`; relative paths are read from the current folder.",
    ),
    "E505": (
        "no case store given",
        "Start `rca serve --store URL` (or set [store] url in the config, or $RCA_STORE_URL) with a store made by `rca store import`.",
    ),
    "E506": (
        "invalid officer name",
        "Use letters of one script (e.g. Latin), digits, spaces and . ' - _ @; no control, invisible or look-alike characters; at most 100 characters.",
    ),
    "E507": (
        "officer already exists",
        "Revoke the officer first (`rca store officers revoke NAME`) to issue a new token, or choose another name.",
    ),
    "E508": ("unknown officer", "List the officers with `rca store officers list`; add one with `rca store officers add NAME`."),
    "E509": ("request body too slow", "Send the whole request within the server's time limit ([serve] body_timeout_seconds)."),
    # E70x: themes found in text (`rca themes`)
    "E700": ("text column not found", "Name the column holding the free text with --text-column (the error lists the file's columns)."),
    "E701": (
        "too little text to find themes",
        "Themes need at least 2 texts with words in them; check --text-column names the free-text column.",
    ),
    "E702": (
        "fewer different texts than themes",
        "Ask for fewer themes with --n-themes (at most the number of different texts), or add rows.",
    ),
    "E703": ("invalid number of themes", "Give --n-themes as a whole number from 2 to 50."),
    # E71x: the report's population table (`rca report --population`)
    "E710": (
        "population table has no ward or population column",
        "Give a table with a `ward` column and a `population` (or `residents`) column, one row per ward.",
    ),
    "E711": (
        "population is not a positive number",
        "Give each ward's population as a whole number of residents (no text, blanks or commas inside quotes).",
    ),
}


@dataclass
class Location:
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: object | None = None

    def describe(self) -> str:
        parts = []
        if self.file:
            parts.append(f"file {self.file}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        if self.value is not None:
            shown = str(self.value)
            if len(shown) > 60:
                shown = shown[:57] + "..."
            parts.append(f"value {shown!r}")
        return ", ".join(parts)


class RcaError(Exception):
    """An error a user can act on: code, where, what, and what to do.

    >>> str(RcaError("E001", "no such file", file="cases.csv")).startswith("E001")
    True
    """

    def __init__(
        self,
        code: str,
        detail: str = "",
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: object | None = None,
        hint: str | None = None,
    ) -> None:
        if code not in CATALOGUE:
            raise ValueError(f"unknown error code {code!r}")
        self.code = code
        self.title, default_hint = CATALOGUE[code]
        self.detail = detail
        self.location = Location(file, row, column, value)
        self.hint = hint or default_hint
        super().__init__(self.render())

    def public(self) -> str:
        """The message without the offending value: what an HTTP API answers (it never echoes input back).

        >>> RcaError("E103", "not a date and time", column="received", value="31/02/2024").public()
        "E103 unparseable date (column 'received'): not a date and time. Use a date such as 2024-03-28 or 28/03/2024 15:30."
        """
        loc = self.location
        return self.render(Location(loc.file, loc.row, loc.column, None))

    def render(self, location: Location | None = None) -> str:
        where = (location or self.location).describe()
        text = f"{self.code} {self.title}"
        if where:
            text += f" ({where})"
        if self.detail:
            text += f": {self.detail}"
        return f"{text}. {self.hint}"

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "title": self.title,
            "detail": self.detail,
            "file": self.location.file,
            "row": self.location.row,
            "column": self.location.column,
            "hint": self.hint,
        }


def message(code: str, detail: str = "", **where) -> str:
    """The rendered text of an error, for quarantine `reason` cells and warnings."""
    return RcaError(code, detail, **where).render()
