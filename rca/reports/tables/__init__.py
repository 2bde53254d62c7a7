"""The annual-report tables, in the order the seed reports print them."""
