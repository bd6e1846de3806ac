"""Shared test configuration: Hypothesis profiles and common fixtures."""

import importlib.util
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile(
    "ci",
    max_examples=150,
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


def _mutation_order(item):
    """Pinned boundary tests first, example tests next, property tests last."""
    pinned = "test_mutation_" in item.nodeid
    prop = getattr(getattr(item, "obj", None), "is_hypothesis_test", False)
    return (not pinned, prop)


def pytest_collection_modifyitems(items):
    """Under mutation testing, run the tests most likely to kill a mutant first.

    mutmut stops at the first failing test (``-x``), so this only saves time.
    """
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
