"""Which text encoding a file's bytes are in: UTF-8 (with or without BOM), UTF-16 with a
byte-order mark, else a detected single-byte encoding such as cp1252, always reported."""

from __future__ import annotations

from rca.errors import RcaError


def detect_encoding(raw: bytes, *, path: str, partial: bool = False) -> tuple[str, str | None]:
    """Return (encoding, note). UTF-8 is tried strictly first; anything else is reported.

    `partial=True` means `raw` is only the head of the file, so a multi-byte
    character cut off at its end does not count against UTF-8.
    """
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            _strict_decode(raw, "utf-8-sig", partial)
            return "utf-8-sig", None
        except UnicodeDecodeError as exc:
            raise RcaError("E004", f"starts with a UTF-8 BOM but byte {exc.start} is not UTF-8", file=path) from exc
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            _strict_decode(raw, "utf-16", partial)
        except UnicodeDecodeError as exc:
            raise RcaError("E004", f"starts with a UTF-16 byte-order mark but bytes from {exc.start} are not UTF-16", file=path) from exc
        return "utf-16", f"{path}: decoded as UTF-16 (byte-order mark found)"
    try:
        _strict_decode(raw, "utf-8", partial)
        return "utf-8", None
    except UnicodeDecodeError as exc:
        bad_at = exc.start
    # Not UTF-8. Council exports from Excel are almost always Windows-1252; accept
    # it when it decodes cleanly, else ask charset-normalizer, else refuse.
    try:
        raw.decode("cp1252")
        enc = "cp1252"
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(raw[:2_000_000]).best()
        if best is None:
            raise RcaError("E004", f"byte {bad_at} is not UTF-8 and no encoding fits", file=path)
        enc = best.encoding
    line = raw[:bad_at].count(b"\n") + 1
    return enc, (
        f"{path}: not UTF-8 (first non-UTF-8 byte on line {line}); decoded as {enc}. If the text looks wrong, "
        f'set encoding = "..." (e.g. "cp1252") in the config file given with --config.'
    )


def _strict_decode(raw: bytes, encoding: str, partial: bool) -> str:
    """Decode strictly; with `partial`, an incomplete character at the very end is allowed."""
    import codecs

    return codecs.getincrementaldecoder(encoding)("strict").decode(raw, final=not partial)
