"""Shared test configuration: Hypothesis profiles, test tiers and common hooks.

Example counts come from the profile, never from a test (docs/testing.md):

- ``dev`` (the default on a workstation): few examples, a quick inner loop;
- ``ci`` (the default where ``CI`` is set): the depth CI has always run;
- ``deep`` (nightly-style): many examples, for a run that may take an hour;
- ``mutation``: few, derandomized examples, for mutmut.

A test that needs a share of the profile's examples other than one says so with
``support.profiles.scaled(factor)`` and a comment giving the reason.
"""

import importlib.util
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=25, deadline=None)
settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "deep",
    max_examples=1000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
# Mutation testing (docs/testing.md) reruns the tests once per mutant: few examples,
# and derandomized so that a mutant is killed by behaviour, never by a lucky draw.
settings.register_profile(
    "mutation",
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    # mutmut runs the same tests several times in one process.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors],
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev")
)

# Fixtures that start a real server: a test using one is an integration test.
SERVER_FIXTURES = frozenset({"radicale"})


def _mutation_order(item):
    """Pinned boundary tests first, example tests next, property tests last."""
    pinned = "test_mutation_" in item.nodeid
    prop = getattr(getattr(item, "obj", None), "is_hypothesis_test", False)
    return (not pinned, prop)


def pytest_collection_modifyitems(items):
    """Mark the tests that start a real server; order the tests for mutation testing.

    mutmut stops at the first failing test (``-x``), so the order only saves time.
    """
    for item in items:
        if SERVER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)
    if os.environ.get("HYPOTHESIS_PROFILE") == "mutation":
        items.sort(key=_mutation_order)


@pytest.fixture(scope="session")
def fhir_schema():
    """The helper module tests/fhir_schema.py (HL7's FHIR JSON schema), not yet fetched."""
    path = Path(__file__).with_name("fhir_schema.py")
    spec = importlib.util.spec_from_file_location("fhir_schema", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def official_schema(fhir_schema):
    """HL7's FHIR JSON schemas (R4B and R5), fetched once and cached; see fhir_schema.py."""
    for version in ("R4B", "R5"):
        fhir_schema.validator(version)
    return fhir_schema
