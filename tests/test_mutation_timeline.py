"""Boundaries of b12course._timeline, pinned where mutation testing found them loose (docs/testing.md)."""
