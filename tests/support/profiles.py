"""Example counts as a share of the Hypothesis profile (tests/conftest.py).

Tests never pin ``max_examples``: the profile (``dev``, ``ci``, ``deep``,
``mutation``) decides how deep a run goes.  A test whose examples are much dearer
than most asks for a share of the profile's count with :func:`scaled`, and says
why in a comment, so that ``deep`` still goes deeper for it too.
"""

from __future__ import annotations

from typing import Any

from hypothesis import settings

#: The fewest examples a share gives (unless the profile itself asks for fewer):
#: the ``mutation`` profile's 10, so a mutant meets every property as often.
MINIMUM = 10


def scaled(
    factor: float,
    parent: settings | None = None,
    *,
    minimum: int = MINIMUM,
    **kwargs: Any,
) -> settings:
    """Settings with ``factor`` times the profile's ``max_examples``.

    The count is at least ``minimum``, or the profile's own count where that is
    smaller.  ``parent`` (default: the loaded profile) supplies every other
    setting; ``kwargs`` override them, as with ``settings(parent, **kwargs)``.
    """
    base = settings.default if parent is None else parent
    count = max(round(base.max_examples * factor), min(base.max_examples, minimum))
    return settings(base, max_examples=max(1, count), **kwargs)
