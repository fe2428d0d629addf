"""The one exception family the command line turns into a one-line ``Error: ...`` and exit code 1."""


class ScorecardError(Exception):
    """A problem with the user's input or environment, explained in one line (no traceback needed)."""
