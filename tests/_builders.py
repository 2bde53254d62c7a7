"""Small labelled corpora the training tests share: a planted phrase carries each row's label, filler words the rest."""

from __future__ import annotations

import numpy as np
import pandas as pd

SIGNAL = {
    "Fees": ["charged a fee twice", "the charge on my bill is wrong", "refund the overcharge"],
    "Delay": ["waited six weeks for a reply", "still waiting, very slow", "no answer after a month"],
    "Conduct": ["the officer was rude", "staff shouted at me", "rude and dismissive manner"],
}
FILLER = ["about my flat", "this is the third time", "please sort it", "on the high street", "I am upset", "thank you"]


def planted_frame(n: int = 150, seed: int = 0, *, shuffle: bool = True, tags: bool = False) -> pd.DataFrame:
    """`n` cases, a day apart from 3 April 2023, labelled Fees, Delay, Conduct in turn; each text is the label's planted
    phrase and two filler phrases (in a random order when `shuffle`). `tags`: a multi-label column too, the label
    plus "Fees" where the phrase mentions a charge or on every fifth row, else "None".
    """
    rng = np.random.default_rng(seed)
    labels = list(SIGNAL)
    rows = []
    for i in range(n):
        lab = labels[i % 3]
        words = [rng.choice(SIGNAL[lab]), rng.choice(FILLER), rng.choice(FILLER)]
        extra = "Fees" if "charge" in words[0] or i % 5 == 0 else "None"
        if shuffle:
            rng.shuffle(words)
        row = {"case_id": f"C{i:04d}", "text": ". ".join(words), "label": lab}
        if tags:
            row["tags"] = f"{lab};{extra}"
        row["received"] = pd.Timestamp("2023-04-03") + pd.Timedelta(days=int(i))
        rows.append(row)
    return pd.DataFrame(rows)


def with_new_code(frame: pd.DataFrame, n: int = 20) -> pd.DataFrame:
    """`frame` and `n` cases of a code it does not have ("Portal"), received a day apart from 1 September 2023: a new
    kind of complaint that starts in the latest months, which a time split holds out."""
    new = [
        {
            "case_id": f"N{i:03d}",
            "text": f"the new permit portal took my money. {FILLER[i % 6]}",
            "label": "Portal",
            "received": pd.Timestamp("2023-09-01") + pd.Timedelta(days=i),
        }
        for i in range(n)
    ]
    return pd.concat([frame, pd.DataFrame(new)], ignore_index=True)
