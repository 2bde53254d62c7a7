"""Using a model: batch scoring, evidence, duplicates, similar cases, intake triage."""
