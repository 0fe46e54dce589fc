"""Models of the reports app (filled in by its issue)."""
