"""Themes found in free text without labels: `ThemeFinder` (grouping, names, quotes).

Example::

    from rca.reports.themes import ThemeFinder
    ThemeFinder(n_themes=10, random_state=42).fit(texts).themes_
"""

from rca.reports.themes.finder import NO_TEXT, SHORT, NoThemes, ThemeFinder

__all__ = ["NO_TEXT", "SHORT", "NoThemes", "ThemeFinder"]
