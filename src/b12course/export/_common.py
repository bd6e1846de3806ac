"""What the CSV and the summaries share: how a number is written."""

from __future__ import annotations

__all__ = ["number_text"]


def number_text(value: float) -> str:
    """Show a number without a spurious ``.0`` and without rounding it."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)
