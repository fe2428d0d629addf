"""The use cases both shells call (CLI and TUI): import and score surveys, scan repositories, read a team's
metrics, the stoppable scan, the demo organisation. They compose the store with the surveys and the evidence."""
