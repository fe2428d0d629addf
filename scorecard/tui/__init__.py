"""The terminal interface. The only package in scorecard that imports Textual."""

from scorecard.tui.app import ScorecardApp, make_app

__all__ = ["ScorecardApp", "make_app"]
