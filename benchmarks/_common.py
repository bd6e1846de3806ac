"""What every benchmark script shares: CPU timing, formatting and a results row.

The scripts run as ``python benchmarks/bench_*.py``, so this folder is first on
``sys.path`` and ``from _common import ...`` finds this module.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import attrs

ROOT = Path(__file__).resolve().parent.parent


def best_of(
    function: Callable[[], object], *, number: int = 1, repeat: int = 7
) -> float:
    """Return the best CPU time of one call, in seconds, over ``repeat`` batches.

    Each batch calls ``function`` ``number`` times.  CPU time
    (``time.process_time``) is what one core spends on the call; on a shared
    machine it is far steadier than wall-clock time.
    """
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        for _ in range(number):
            function()
        best = min(best, (time.process_time() - start) / number)
    return best


def fmt(seconds: float) -> str:
    """Format a duration with a unit that suits it."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.2f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


@attrs.frozen
class Row:
    """One line of a results table: ours against a peer measured side by side."""

    what: str
    ours: float
    theirs: float
    peer: str
    target: str
    met: bool | None  # None: reported, no target
    note: str = ""
    unit: str = "s"  # "s" for CPU seconds, "B" for bytes
    same: bool = True  # both sides gave the same answer

    @property
    def ratio(self) -> float:
        """Ours over theirs."""
        return self.ours / self.theirs

    @property
    def ratio_text(self) -> str:
        """The ratio, with as many digits as a small one needs."""
        if self.ratio >= 0.1:
            return f"{self.ratio:.2f}x"
        if self.ratio >= 0.01:
            return f"{self.ratio:.3f}x"
        return f"1/{1 / self.ratio:,.0f}"

    @property
    def met_text(self) -> str:
        """``yes``, ``NO`` or ``n/a`` (no target)."""
        return "n/a" if self.met is None else "yes" if self.met else "NO"

    def show(self, value: float) -> str:
        """Format a measurement of this row (seconds, or bytes)."""
        return fmt(value) if self.unit == "s" else f"{value / 1e6:,.2f} MB"


def caldav_server() -> ModuleType:
    """The tests' Radicale helper (``tests/support/caldav_server.py``)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from support import caldav_server as module  # noqa: PLC0415 - needs the path first

    return module
