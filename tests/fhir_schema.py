"""An independent check of FHIR bundles: HL7's own JSON schema, and what it cannot say.

The validator is the official ``fhir.schema.json`` that HL7 publishes in its
core packages (``hl7.fhir.r4b.core`` 4.3.0 and ``hl7.fhir.r5.core`` 5.0.0,
file ``package/openapi/fhir.schema.json``), fetched from the npm registry
(where the FHIR core packages are mirrored; packages.fhir.org is not
reachable from CI), checked against the tarball's pinned SHA-512 integrity,
and cached under ``~/.cache/b12course/fhir-schema`` (``B12COURSE_CACHE``
moves it).  Nothing of ``fhir.resources`` is used: it is the library under
test's own dependency, so it cannot be the judge.

Without the network and without a cache the tests fail with a message that
says so; they never skip.

Speed: the schema's ``ResourceList`` is a ``oneOf`` over some 150 resource
definitions, each of which requires ``resourceType`` to be one constant.  At
most one of them can hold, so "exactly one holds" is "the one named by
``resourceType`` holds"; the validator checks that one only (the schema's own
``discriminator``), which gives the same verdicts about 100 times faster.

Beside the schema, :data:`REQUIRED_CODES` holds the required value-set
bindings of the elements b12course writes (status, intent, the bundle type,
the request method, the timing units and days, the observation category):
JSON schema says only that they are codes.  The codes are those of the
CodeSystems in the same core packages.  :func:`problems` also checks the
FHIR rule ele-1 (every element has a value or children), which the schema
does not express: an empty ``{"resourceType": "Patient"}`` breaks it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tarfile
import urllib.error
import urllib.request
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

#: version -> (npm package, version, the tarball's npm integrity (SHA-512)).
PACKAGES = {
    "R4B": (
        "hl7.fhir.r4b.core",
        "4.3.0",
        (
            "sha512-2Xa3QB5PQxNchsA8chSq3OLMHJf55iEc44bZCFaRarX6Leo8qjeTXSq4RNSMpvKt"
            "fG4u7CkWpEmlQtb0rwLWFw=="
        ),
    ),
    "R5": (
        "hl7.fhir.r5.core",
        "5.0.0",
        (
            "sha512-0TvJB1KKtokn/P2mRwcqEY8v8RN8IE/pQjvtlsPaJdYaDfYx4UBhuY4afAGeQjW0"
            "1p9SNYPphxAFFkEsS6P05A=="
        ),
    ),
}
SCHEMA_MEMBER = "package/openapi/fhir.schema.json"
REGISTRY = os.environ.get("B12COURSE_NPM_REGISTRY", "https://registry.npmjs.org")


def cache_dir() -> Path:
    root = os.environ.get("B12COURSE_CACHE")
    base = Path(root) if root else Path.home() / ".cache" / "b12course"
    return base / "fhir-schema"


def _download(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=120) as answer:  # noqa: S310 - https
            return answer.read()  # type: ignore[no-any-return]
    except (urllib.error.URLError, OSError) as exc:
        pytest.fail(
            f"cannot fetch HL7's FHIR JSON schema from {url} ({exc}); the FHIR "
            f"schema tests need the npm registry once, then use the cache in "
            f"{cache_dir()}",
            pytrace=False,
        )


def _checked(data: bytes, integrity: str, url: str) -> bytes:
    algorithm, _, expected = integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if digest != expected:
        pytest.fail(f"{url} does not have the pinned integrity {integrity}")
    return data


def schema_path(version: str) -> Path:
    """Return the cached ``fhir.schema.json`` of ``version``, fetching it once."""
    name, release, integrity = PACKAGES[version]
    target = cache_dir() / f"{name}-{release}.schema.json"
    if target.exists():
        return target
    url = f"{REGISTRY}/{name}/-/{name}-{release}.tgz"
    tarball = _checked(_download(url), integrity, url)
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        member = archive.extractfile(SCHEMA_MEMBER)
        if member is None:
            pytest.fail(f"{url} holds no {SCHEMA_MEMBER}")
        text = member.read()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(text)
    partial.replace(target)
    return target


def _dispatching_one_of(
    validator: Any, one_of: list[dict[str, Any]], instance: Any, schema: Any
) -> Iterator[jsonschema.ValidationError]:
    kind = instance.get("resourceType") if isinstance(instance, dict) else None
    if isinstance(kind, str) and all(set(s) == {"$ref"} for s in one_of):
        chosen = {"$ref": f"#/definitions/{kind}"}
        if chosen in one_of:
            yield from validator.descend(instance, chosen)
            return
    yield from jsonschema.Draft6Validator.VALIDATORS["oneOf"](
        validator, one_of, instance, schema
    )


_Validator = jsonschema.validators.extend(
    jsonschema.Draft6Validator, {"oneOf": _dispatching_one_of}
)


@cache
def validator(version: str) -> Any:
    """Return the JSON-schema validator of FHIR ``version`` ("R4B" or "R5")."""
    schema = json.loads(schema_path(version).read_bytes())
    assert schema["id"].startswith("http://hl7.org/fhir/json-schema/")
    return _Validator(schema)


_HTTP_VERBS = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"}
_BUNDLE_TYPES = {
    "document",
    "message",
    "transaction",
    "transaction-response",
    "batch",
    "batch-response",
    "history",
    "searchset",
    "collection",
}
_ADMIN_STATUS = {
    "in-progress",
    "not-done",
    "on-hold",
    "completed",
    "entered-in-error",
    "stopped",
    "unknown",
}
_INTENT = {
    "proposal",
    "plan",
    "order",
    "original-order",
    "reflex-order",
    "filler-order",
    "instance-order",
    "option",
}
_OBSERVATION_STATUS = {
    "registered",
    "preliminary",
    "final",
    "amended",
    "corrected",
    "cancelled",
    "entered-in-error",
    "unknown",
}
_REQUEST_STATUS = {
    "active",
    "on-hold",
    "cancelled",
    "completed",
    "entered-in-error",
    "stopped",
    "draft",
    "unknown",
}
_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

#: version -> (resource type, path) -> the codes the required binding allows.
#: Paths step through lists; "coding" paths check codes of one system.
REQUIRED_CODES: dict[str, dict[tuple[str, str], set[str]]] = {
    version: {
        ("Bundle", "type"): _BUNDLE_TYPES
        | ({"subscription-notification"} if version == "R5" else set()),
        ("Bundle", "entry.request.method"): _HTTP_VERBS,
        ("MedicationRequest", "status"): _REQUEST_STATUS
        | ({"ended"} if version == "R5" else set()),
        ("MedicationRequest", "intent"): _INTENT,
        ("MedicationRequest", "dosageInstruction.timing.repeat.periodUnit"): {
            "s",
            "min",
            "h",
            "d",
            "wk",
            "mo",
            "a",
        },
        ("MedicationRequest", "dosageInstruction.timing.repeat.dayOfWeek"): {
            "mon",
            "tue",
            "wed",
            "thu",
            "fri",
            "sat",
            "sun",
        },
        ("MedicationAdministration", "status"): _ADMIN_STATUS,
        ("Observation", "status"): _OBSERVATION_STATUS,
        # Preferred, not required, but a receiving system files by it.
        ("Observation", "category.coding"): {
            "social-history",
            "vital-signs",
            "imaging",
            "laboratory",
            "procedure",
            "survey",
            "exam",
            "therapy",
            "activity",
        },
    }
    for version in ("R4B", "R5")
}


def _values(value: Any, path: list[str]) -> Iterator[Any]:
    if isinstance(value, list):
        for item in value:
            yield from _values(item, path)
        return
    if not path:
        yield value
        return
    if isinstance(value, dict) and path[0] in value:
        yield from _values(value[path[0]], path[1:])


def _codes_at(resource: dict[str, Any], path: str) -> Iterator[str]:
    if path.endswith(".coding"):
        for coding in _values(resource, path.split(".")):
            if coding.get("system") == _CATEGORY:
                yield coding.get("code")
        return
    yield from _values(resource, path.split("."))


def _empty_elements(value: Any, where: str) -> Iterator[str]:
    """Where ``value`` breaks ele-1: an object or array with nothing in it."""
    if isinstance(value, dict):
        if not set(value) - {"resourceType"}:
            yield where or "<bundle>"
        for key, item in value.items():
            yield from _empty_elements(item, f"{where}.{key}" if where else key)
    elif isinstance(value, list):
        if not value:
            yield where
        for index, item in enumerate(value):
            yield from _empty_elements(item, f"{where}[{index}]")
    elif value == "":
        yield where


def problems(bundle: dict[str, Any], version: str) -> list[str]:
    """Return what is wrong with ``bundle`` for FHIR ``version`` (nothing: valid)."""
    found = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}"
        for e in validator(version).iter_errors(bundle)
    ]
    found += [
        f"{where}: has no value or children" for where in _empty_elements(bundle, "")
    ]
    resources = [bundle] + [e.get("resource", {}) for e in bundle.get("entry", [])]
    for (kind, path), allowed in REQUIRED_CODES[version].items():
        for resource in resources:
            if resource.get("resourceType") != kind:
                continue
            found += [
                f"{kind}.{path}: {code!r} is not in the value set"
                for code in _codes_at(resource, path)
                if code not in allowed
            ]
    return found
