"""scorecard: how much hidden technical debt an ML system carries, and whether it goes up or down each quarter."""
