"""Training and keeping models: classifiers, calibration, decision rules, recipes, bundles, cards, tracking."""
