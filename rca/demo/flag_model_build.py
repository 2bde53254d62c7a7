"""The one command that builds the shipped learnt intake flag model (docs/triage.md):

    .venv/bin/python -m rca.demo.flag_model_build            # writes rca/resources/flag_model/
    .venv/bin/python -m rca.demo.flag_model_build --exclude intake_flags.holdout4.jsonl --out /tmp/m

`rca.scoring.flag_model_build` does the work; this module gives it the background of ordinary
contacts: the texts of a seeded demo year (`rca.demo.data.generate_demo`, seed from the config) on
which the rules raise no flag, as many single sentences of them, and the short answers, thanks and
remarks of feedback forms (`rca.demo.feedback_text`, same seed), all labelled no flag.
"""

from __future__ import annotations

import logging
import re

import numpy as np

N_CONTACTS = 3000  # first contacts of the demo year: about 3,700 texts with their follow-ups
N_FEEDBACK = 1000  # draws of feedback-form answers (rca.demo.feedback_text): about 950 distinct texts


def background(seed: int) -> tuple[list[str], dict]:
    """Ordinary contacts: the demo year's texts the rules raise no flag on, and where they came from."""
    from rca.demo.data import generate_demo
    from rca.demo.feedback_text import feedback_texts
    from rca.scoring.hazards import flags

    cases = generate_demo(seed=seed, n_contacts=N_CONTACTS).cases
    texts = [t for t in cases["text"].dropna().astype(str) if t.strip() and not flags(t, learnt=False)]
    rng = np.random.default_rng(seed)
    pieces = sorted({p for t in texts for p in _sentences(t)} - set(texts))
    short = [pieces[i] for i in sorted(rng.choice(len(pieces), size=min(len(texts), len(pieces)), replace=False))]
    short = [t for t in short if not flags(t, learnt=False)]
    contacts = [*texts, *short]
    seen = set(contacts)
    feedback = [t for t in feedback_texts(seed, N_FEEDBACK) if t not in seen and not flags(t, learnt=False)]
    return [*contacts, *feedback], {
        "source": "rca.demo.data.generate_demo",
        "seed": seed,
        "n_contacts": N_CONTACTS,
        "kept": "texts the rules raise no flag on, and as many single sentences of them (drawn with the seed)",
        "n_sentences": len(short),
        "feedback": "rca.demo.feedback_text.feedback_texts: short answers, suggestions, thanks and remarks of feedback forms",
        "n_feedback": len(feedback),
    }


def _sentences(text: str) -> list[str]:
    """The sentences and lines of an ordinary contact: short texts with no flag, as short answers and
    one-line messages are (a model that saw only whole letters learns that any short text is a risk)."""
    return [p.strip() for p in re.split(r"(?<=[.!?])\s+|\n+", text) if len(p.strip().split()) >= 2]


if __name__ == "__main__":
    from rca.scoring.flag_model_build import main

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    main(None, background=background)
