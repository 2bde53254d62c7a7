"""`rca.text.redact_memo.remembered`: inside it a text is redacted once however often a stage asks."""

from __future__ import annotations

from rca.text import redact as redact_module
from rca.text.redact import redact, redact_many
from rca.text.redact_memo import remembered

TEXTS = ["Mr Henderson at 14 Acacia Avenue promised to call", "ring 020 7946 0958", "no personal data"]


def _counting(monkeypatch) -> list[str]:
    seen: list[str] = []
    real = redact_module.find_pii

    def counted(text):
        seen.append(text)
        return real(text)

    monkeypatch.setattr(redact_module, "find_pii", counted)
    return seen


def test_inside_the_block_each_text_is_redacted_once_with_the_same_result(monkeypatch):
    plain = redact_many(TEXTS)
    seen = _counting(monkeypatch)
    with remembered():
        first = redact_many(TEXTS)
        again = [redact(t) for t in TEXTS] + redact_many(TEXTS)
    assert first == plain and again == plain + plain
    assert sorted(seen) == sorted(TEXTS)  # three texts, six more asks: three redactions


def test_outside_the_block_nothing_is_remembered(monkeypatch):
    with remembered():
        redact_many(TEXTS)
    seen = _counting(monkeypatch)
    redact_many(TEXTS)
    redact_many(TEXTS)
    assert len(seen) == 2 * len(TEXTS)


def test_nested_blocks_share_the_outer_memory_and_non_text_passes_through(monkeypatch):
    seen = _counting(monkeypatch)
    with remembered() as outer:
        with remembered() as inner:
            redact(TEXTS[1])
        assert inner is outer and TEXTS[1] in outer  # the inner block's end does not forget
        redact(TEXTS[1])
        assert redact(None) is None
    assert seen == [TEXTS[1], None]  # None is not remembered: find_pii answers it at once


def test_a_text_repeated_in_one_call_is_redacted_once(monkeypatch):
    texts = [TEXTS[0], TEXTS[1], TEXTS[0], None, TEXTS[0]]
    plain = [redact(t) for t in texts]
    seen = _counting(monkeypatch)
    assert redact_many(texts) == plain
    assert seen == [TEXTS[0], TEXTS[1], None]
