"""Short answers: texts that name no subject ("nothing", "all good", "n/a", "Nothing - they were great").

An answer is short when it holds no content word at all, or when it opens
with one of the data's own common short answers (a clause that is, word for
word, a whole answer given by at least `min_repeats` texts, e.g. "Nothing.",
"Can't think of anything,") and has at most `max_words` content words after
it. Which openings count is read from the texts themselves, never from a
fixed list, so a letter's "Dear Sir," never counts: nobody answers "Dear Sir"
and nothing else.

>>> from rca.reports.themes.text import stop_words
>>> texts = ["nothing", "Nothing.", "nothing", "Nothing - staff were great", "Nothing, but parking at the hospital is a nightmare at night",
...          "the bin was not collected"]
>>> short_answers(texts, stop_words()).tolist()
[True, True, True, True, False, False]
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from rca.reports.themes.text import clauses


def short_answers(texts: list[str], stop: frozenset[str], *, min_repeats: int = 3, max_words: int = 3) -> np.ndarray:
    """Boolean mask of the short answers among `texts` (already lower-cased model text or raw text)."""
    parts = [clauses(t) for t in texts]
    content = [[w for toks in p for w in toks if len(w) > 1 and w not in stop] for p in parts]
    empty = np.array([bool(p) and not c for p, c in zip(parts, content)], dtype=bool)
    whole = Counter(" ".join(w for toks in parts[i] for w in toks) for i in np.flatnonzero(empty))
    common = {t for t, n in whole.items() if n >= min_repeats}
    opens = np.array([bool(p) and " ".join(p[0]) in common and len(c) <= max_words for p, c in zip(parts, content)], dtype=bool)
    return empty | opens
