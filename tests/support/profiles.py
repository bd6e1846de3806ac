"""Example counts as a share of the Hypothesis profile (tests/conftest.py).

Tests never pin ``max_examples``: the profile (``dev``, ``ci``, ``deep``,
``mutation``) decides how deep a run goes.  A test whose examples are much dearer
or cheaper than most asks for a share of the profile's count with :func:`scaled`,
and says why in a comment, so that ``deep`` still goes deeper for it too.
"""

from __future__ import annotations

from typing import Any

from hypothesis import settings


def scaled(factor: float, parent: settings | None = None, **kwargs: Any) -> settings:
    """Settings with ``factor`` times the profile's ``max_examples`` (at least 1).

    ``parent`` (default: the loaded profile) supplies every other setting;
    ``kwargs`` override them, as with ``settings(parent, **kwargs)``.
    """
    base = settings.default if parent is None else parent
    count = max(1, round(base.max_examples * factor))
    return settings(base, max_examples=count, **kwargs)
