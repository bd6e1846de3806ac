"""Run the ``b12course`` command: ``python -m b12course --help``."""

import sys

from b12course.cli import main

if __name__ == "__main__":  # pragma: no branch - imported only to be run
    sys.exit(main())
