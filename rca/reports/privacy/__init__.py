"""Small-number suppression, within and across tables."""
