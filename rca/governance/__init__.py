"""Keeping a model honest: audit trail, review queue, drift."""
