"""Models of the awards app (filled in by its issue)."""
