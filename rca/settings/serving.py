"""The tables of the running service: `[serve]` (the intake server) and `[store]` (the review store)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import StrictBool, StrictInt, StrictStr

from rca.settings.fields import FORBID, Number, key


@dataclass
class ServeSection:
    """[serve]: the intake server (`rca serve`)."""

    __pydantic_config__ = FORBID
    host: Annotated[StrictStr, key("interface to bind; keep 127.0.0.1 unless a proxy fronts it")] = "127.0.0.1"
    port: Annotated[StrictInt, key("port", must="a whole number from 1 to 65535", ge=1, le=65535)] = 8000
    token: Annotated[StrictStr | None, key("API token; none: `$RCA_API_TOKEN`, else a random one", must="a quoted text")] = None
    max_body_bytes: Annotated[StrictInt, key("largest request body accepted", ge=1)] = 1_000_000
    max_triage_batch: Annotated[
        StrictInt, key("most triage requests that queued while the server was busy served in one pass (1: one at a time)", ge=1)
    ] = 32
    session_hours: Annotated[
        Number, key("how long an officer's review sign-in lasts (docs/review.md)", must="a number of hours above 0", gt=0, le=24 * 366)
    ] = 8
    trusted_user_header: Annotated[
        StrictStr | Literal[False] | None,
        key(
            'header a single-sign-on proxy puts the officer\'s name in, e.g. "X-Remote-User"; only safe behind a proxy that '
            "removes it from clients' requests (docs/review.md); none: off",
            must='a header name such as "X-Remote-User"',
        ),
    ] = None
    header_timeout_seconds: Annotated[
        Number, key("a connection whose request headers are not complete after this long is closed", gt=0, le=3600)
    ] = 10
    body_timeout_seconds: Annotated[Number, key("a request whose body is not complete after this long gets 408 (E509)", gt=0, le=3600)] = 30
    keep_alive_seconds: Annotated[Number, key("an idle keep-alive connection is closed after this long", gt=0, le=3600)] = 5


@dataclass
class StoreSection:
    """[store]: the case store of the review loop."""

    __pydantic_config__ = FORBID
    url: Annotated[
        StrictStr | None,
        key(
            "case store (PostgreSQL URLs work too); none: `sqlite:///rca_store.db` for `rca store` commands (or "
            "`$RCA_STORE_URL`), and `rca serve` needs one that exists (E504)",
            must="a quoted text",
        ),
    ] = None
    lease_seconds: Annotated[StrictInt, key("how long an officer holds a case", must="a positive whole number", ge=1)] = 600
    queue_order: Annotated[Literal["useful", "confidence"], key("review queue order")] = "useful"
    queue_disagreements: Annotated[StrictBool, key("queue cases where the model disagrees with the recorded code")] = True
    show_personal_data: Annotated[StrictBool, key("show unredacted text in the review queue")] = False
    not_complaint_label: Annotated[StrictStr, key("the code an officer gives a contact that is not a complaint")] = (
        "Service request or enquiry - not a complaint"
    )
    targets: Annotated[list[StrictStr], key("codes to import and review besides the model's targets", must="a list of column names")] = (
        field(default_factory=list)
    )
