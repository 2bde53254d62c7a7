"""The top-level keys of rca.toml (how the export is read) and its `[calendar]` table."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from pydantic import (
    BeforeValidator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
)

from rca.settings.fields import (
    FORBID,
    closure_dates,
    cutoff_time,
    key,
    subdivision_code,
)

DEFAULT_STAGE_TARGETS = {
    # working days to respond, by route then stage (DOMAIN.md)
    "corporate": {"1": 10, "2": 20},
    "adult_social_care": {"1": 20},
    "childrens_social_care": {"1": 10, "2": 25, "3": 30},
}

Days = Annotated[StrictInt, Field(ge=1, le=260)]


@dataclass
class CalendarSettings:
    """[calendar]: working days, bank holidays and response targets."""

    __pydantic_config__ = FORBID
    cutoff: Annotated[
        str, BeforeValidator(cutoff_time), key("contacts received at or after this time (24-hour) count as received the next working day")
    ] = "15:00"
    subdivision: Annotated[
        str, BeforeValidator(subdivision_code), key("whose bank holidays count (the `holidays` package): ENG, WLS, SCT or NIR")
    ] = "ENG"
    targets: Annotated[
        dict[str, dict[str, Days]],
        key(
            "working days to respond, per route and stage, as `[calendar.targets.ROUTE]` stage = days (1 to 260); "
            "routes you leave out keep theirs: corporate 10/20, adult social care 20, children's 10/25/30",
            must="tables of stage = working days from 1 to 260, such as [calendar.targets.corporate] 1 = 10",
        ),
    ] = field(default_factory=lambda: {k: dict(v) for k, v in DEFAULT_STAGE_TARGETS.items()})
    extra_closures: Annotated[list[str], BeforeValidator(closure_dates), key('council closure days as ISO dates, e.g. ["2024-12-27"]')] = (
        field(default_factory=list)
    )


@dataclass
class FileSettings:
    """The top-level keys of rca.toml (the tables follow in `Settings`)."""

    __pydantic_config__ = FORBID
    seed: Annotated[StrictInt, key("every random choice (splits, models, themes, sampling) follows it", must="a whole number")] = 42
    taxonomy: Annotated[
        StrictStr | None,
        key(
            "path to your own taxonomy TOML (format: `rca/resources/taxonomy.toml`), relative to the config file; none: the bundled one",
            must="a quoted text",
        ),
    ] = None
    columns: Annotated[
        dict[str, StrictStr | StrictInt],
        key(
            '`canonical = "Export column"`; canonical names are in `rca/schema.py`. Unmapped columns that already use a '
            'canonical name or a common spelling ("Description", "Date Received", "Case Reference", ...) are recognised. '
            "A mapping naming a missing column is an error for required fields and a warning otherwise",
            must='a table of canonical = "Export column"',
        ),
    ] = field(default_factory=dict)
    labels: Annotated[
        dict[str, dict[str, StrictStr | StrictInt | StrictFloat]],
        key(
            '`[labels.FIELD]` "your spelling" = "canonical label", on top of the taxonomy\'s own aliases',
            must='tables of "your spelling" = "canonical label"',
        ),
    ] = field(default_factory=dict)
    multi_label: Annotated[
        list[StrictStr], key("extra target columns whose cells hold several `;`-separated labels", must="a list of column names")
    ] = field(default_factory=list)
    date_format: Annotated[StrictStr | None, key("a `strptime` format when every date shares one; none: detect", must="a quoted text")] = (
        None
    )
    dayfirst: Annotated[
        StrictBool,
        key(
            "`03/04/2024` is 3 April, for a column whose dates could be read either way; a column with a date like "
            "`03/25/2024` is read month-first throughout, `2024/03/04` is always year-month-day, and a column with dates in "
            "both orders gets warning E114 (dates impossible in the order chosen are flagged E103, never read the other way)",
            must="true or false (no quotes)",
        ),
    ] = True
    encoding: Annotated[
        StrictStr | None,
        key(
            "the export's text encoding; none: UTF-8 (with or without BOM) is tried "
            "strictly first, otherwise the encoding chosen is reported",
            must="a quoted text",
        ),
    ] = None
    sheet: Annotated[
        StrictStr | StrictInt | None, key("Excel sheet name (or number from 0); none: the first sheet", must="a quoted text")
    ] = None
    calendar: CalendarSettings = field(default_factory=CalendarSettings)
