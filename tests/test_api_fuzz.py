"""A property-based fuzz of the whole OpenAPI schema (schemathesis): every operation, with
valid (positive) and invalid (negative) inputs. No 5xx, and every response — status, content
type, headers, body — matches what /openapi.json declares. A modest number of examples per
operation keeps CI fast; jobs are queued but not rendered (no runner)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from core.api import create_app
from core.config import Settings
from core.usecases import Parlante
from core.writers import WRITERS
from tests import fake_engine
from tests.test_usecases import Writer

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
EXAMPLES = 8  # per operation and mode: modest, so CI stays fast


@pytest.fixture
def parlante(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Parlante]:
    fake_engine.install(monkeypatch, "local")
    monkeypatch.setitem(WRITERS, "openai", Writer)
    settings = Settings.from_sources({
        "APP_DATA_DIR": str(data_dir), "API_RATE_PER_MIN": "100000", "API_MAX_BODY_MB": "1",
        "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",  # never contacted: the fake writer
    })  # fmt: skip
    app = Parlante.open(settings, jobs=False)
    yield app
    app.close(timeout=5)


def test_every_operation_answers_as_its_schema_says(parlante: Parlante) -> None:
    key = parlante.apikeys.create("fuzz@example.org").key
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(parlante, webhooks=False))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 11
    for operation, mode in itertools.product(operations, list(GenerationMode)):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
        def fuzz(case: schemathesis.Case) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {key}"}
            case.call_and_validate(checks=CHECKS)

        fuzz()
