"""Rendering a report: HTML, Word, Excel, charts, layout and number formats."""
