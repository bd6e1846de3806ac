"""Helpers shared by the test modules (on the path through pytest's ``pythonpath``).

The suite imports test modules with ``--import-mode=importlib``, so test modules cannot
import each other; what several of them need lives here instead:

- :mod:`support.profiles`: a share of the Hypothesis profile's examples;
- :mod:`support.calendars`: courses, exports and events of the calendar tests;
- :mod:`support.schedules`: small regimens and times of the plan tests;
- :mod:`support.caldav_server`: a real Radicale server for the CalDAV tests;
- :mod:`support.cli`: running the command line in process.
"""
