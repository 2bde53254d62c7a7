"""Personal-data redaction: one function used everywhere text leaves the model.

First cut (emails, UK phone numbers, postcodes); the governance work extends it
with names, addresses, NI numbers, bank details and dates of birth.

>>> redact("Call me on 07700 900123 or mail a.b@example.com, SW1A 1AA")
'Call me on [PHONE] or mail [EMAIL], [POSTCODE]'
"""
from __future__ import annotations

import re
from collections.abc import Iterable

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\w)(?:\+44\s?\(?0?\)?\s?|0)(?:\d[\s-]?){9,10}(?!\w)")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)

_RULES = ((_EMAIL, "[EMAIL]"), (_PHONE, "[PHONE]"), (_POSTCODE, "[POSTCODE]"))


def redact(text: str) -> str:
    """Replace personal data in `text` with typed placeholders."""
    if not text:
        return text
    for pattern, placeholder in _RULES:
        text = pattern.sub(placeholder, text)
    return text


def redact_many(texts: Iterable[str]) -> list[str]:
    return [redact(t) for t in texts]
