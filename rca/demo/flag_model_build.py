"""The one command that builds the shipped learnt intake flag model (docs/triage.md):

    .venv/bin/python -m rca.demo.flag_model_build            # writes rca/resources/flag_model/
    .venv/bin/python -m rca.demo.flag_model_build --exclude intake_flags.holdout4.jsonl --out /tmp/m

`rca.scoring.flag_model_build` does the work; this module gives it the background of ordinary
contacts: the texts of a seeded demo year (`rca.demo.data.generate_demo`, seed from the config) on
which the rules raise no flag, labelled no flag.
"""

from __future__ import annotations

import logging

N_CONTACTS = 3000  # first contacts of the demo year: about 3,700 texts with their follow-ups


def background(seed: int) -> tuple[list[str], dict]:
    """Ordinary contacts: the demo year's texts the rules raise no flag on, and where they came from."""
    from rca.demo.data import generate_demo
    from rca.scoring.hazards import flags

    cases = generate_demo(seed=seed, n_contacts=N_CONTACTS).cases
    texts = [t for t in cases["text"].dropna().astype(str) if t.strip() and not flags(t, learnt=False)]
    return texts, {
        "source": "rca.demo.data.generate_demo",
        "seed": seed,
        "n_contacts": N_CONTACTS,
        "kept": "texts the rules raise no flag on",
    }


if __name__ == "__main__":
    from rca.scoring.flag_model_build import main

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    main(None, background=background)
