"""Boundaries of b12course._schedule, pinned where mutation testing found them loose (docs/testing.md)."""
