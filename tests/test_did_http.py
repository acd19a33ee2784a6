"""The D-ID HTTP contract and the shared retry policies, against requests-mock; no real waits."""

from __future__ import annotations

import email.utils
import logging
from pathlib import Path

import pytest
import requests

from core.engines.did_http import (
    BadReply,
    DidHttp,
    LinkExpired,
    error_for_status,
    require,
)
from core.errors import (
    AuthError,
    InputError,
    PermissionDenied,
    ProviderError,
    ProviderTimeout,
    QuotaError,
    RateLimited,
    RenderRejected,
    RequestRefused,
)
from core.retry import RetryPolicy, is_transient, parse_retry_after
from tests.conftest import FAKE_DID_KEY

API = "https://api.d-id.test"
NOW = 1_700_000_000.0


class FakeTime:
    """An injected clock whose sleep only moves the clock and records the wait."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def time_() -> FakeTime:
    return FakeTime()


@pytest.fixture
def http(time_: FakeTime) -> DidHttp:
    return DidHttp(API, FAKE_DID_KEY, sleep=time_.sleep, clock=time_.clock, rng=lambda: 0.0)


# --- Retry-After ---------------------------------------------------------------------------


def test_retry_after_in_seconds_and_http_date_capped() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 2.5 ") == 2.5
    date = email.utils.formatdate(NOW + 12, usegmt=True)
    assert parse_retry_after(date, now=NOW) == pytest.approx(12.0)
    assert parse_retry_after(email.utils.formatdate(NOW - 30, usegmt=True), now=NOW) == 0.0
    assert parse_retry_after("3600") == 60.0  # capped
    assert parse_retry_after("3600", cap=10) == 10.0
    assert parse_retry_after("-5") == 0.0
    for junk in (None, "", "soon", "nan"):
        assert parse_retry_after(junk) is None


def test_transient_predicate() -> None:
    assert is_transient(RateLimited("x"))
    assert is_transient(ProviderTimeout("x"))
    assert is_transient(BadReply("x"))
    assert is_transient(LinkExpired("x", status=403))
    for status in (408, 429, 500, 502, 503, 504):
        assert is_transient(ProviderError("x", status=status))
    for status in (400, 404, 451, None):
        assert not is_transient(ProviderError("x", status=status))
    assert not is_transient(AuthError("x", status=503))  # the class wins over the status
    assert not is_transient(QuotaError("x"))
    assert not is_transient(RenderRejected("x"))
    assert not is_transient(InputError("x"))
    assert not is_transient(ValueError("x"))
    giving_up = ProviderError("x", status=503)
    giving_up.transient = False  # type: ignore[attr-defined]
    assert not is_transient(giving_up)


def test_backoff_doubles_to_the_cap_and_honours_retry_after(time_: FakeTime) -> None:
    policy = RetryPolicy(attempts=6, initial_s=1.0, max_s=5.0, jitter=0.25)
    errors = [ProviderError("boom", status=503)] * 3 + [RateLimited("slow", retry_after=9.0)]
    errors += [ProviderError("boom", status=502)]

    def flaky() -> str:
        if errors:
            raise errors.pop(0)
        return "ok"

    retrying = policy.retrying("test", sleep=time_.sleep, clock=time_.clock, rng=lambda: 0.0)
    assert retrying(flaky) == "ok"
    assert time_.sleeps == [1.0, 2.0, 4.0, 9.0, 5.0]  # max(retry_after, backoff), cap 5


def test_jitter_only_shortens_the_wait(time_: FakeTime) -> None:
    policy = RetryPolicy(attempts=5, initial_s=1.0, max_s=5.0, jitter=0.25)
    calls = iter(range(4))

    def flaky() -> int:
        n = next(calls)
        if n < 3:
            raise ProviderError("boom", status=500)
        return n

    retrying = policy.retrying("test", sleep=time_.sleep, clock=time_.clock, rng=lambda: 1.0)
    retrying(flaky)
    assert time_.sleeps == [0.75, 1.5, 3.0]


def test_gives_up_with_the_typed_error_and_logs_each_retry(
    time_: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    policy = RetryPolicy(attempts=3, initial_s=1.0, max_s=4.0)
    calls = []

    def always_503() -> None:
        calls.append(1)
        raise ProviderError("D-ID had a server problem (HTTP 503).", status=503)

    with caplog.at_level(logging.WARNING), pytest.raises(ProviderError) as info:
        policy.retrying("thing", sleep=time_.sleep, clock=time_.clock)(always_503)
    assert len(calls) == 3
    assert "gave up after 3 attempts" in info.value.message
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert all("thing failed" in w and "HTTP 503" in w and "retrying in" in w for w in warnings)


def test_refusals_are_not_retried(time_: FakeTime) -> None:
    calls = []

    def refused() -> None:
        calls.append(1)
        raise QuotaError("no credits", status=402)

    with pytest.raises(QuotaError):
        RetryPolicy().retrying("x", sleep=time_.sleep, clock=time_.clock)(refused)
    assert calls == [1] and time_.sleeps == []


def test_deadline_on_the_injected_clock_returns_the_last_result(time_: FakeTime) -> None:
    policy = RetryPolicy(
        attempts=0, initial_s=1.0, max_s=5.0, deadline_s=30, retry_on_result=lambda r: r
    )
    polls = []
    result = policy.retrying("poll", sleep=time_.sleep, clock=time_.clock, rng=lambda: 0.0)(
        lambda: polls.append(1) or "pending"
    )
    assert result == "pending"  # the caller decides what an unfinished result means
    assert 30 <= time_.now < 36 and len(polls) == 9  # 1+2+4+5+5+5+5+5 = 32 s


# --- status → error ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "cls", "exit_code", "text"),
    [
        (
            400,
            b'{"kind":"ValidationError","description":"invalid voice","details":{"voice_id":"xx"}}',
            RequestRefused,
            2,
            'ValidationError: invalid voice). Details: {"voice_id": "xx"}',
        ),
        (
            401,
            b'{"kind":"AuthorizationError","description":"user unauthenticated"}',
            AuthError,
            3,
            "D-ID rejected the key — check DID_API_KEY",
        ),
        (
            403,
            b'{"message":"Forbidden"}',
            PermissionDenied,
            3,
            "D-ID refused permission for POST /talks (HTTP 403: Forbidden). The key works",
        ),
        (
            403,
            b'{"Message":"User is not authorized"}',
            PermissionDenied,
            3,
            "User is not authorized). The key works, but this account may not do this",
        ),
        (
            402,
            b'{"kind":"InsufficientCreditsError","description":"not enough credits"}',
            QuotaError,
            3,
            "Not enough D-ID credits",
        ),
        (
            404,
            b'{"kind":"NotFoundError","description":"talk not found"}',
            ProviderError,
            4,
            "NotFoundError: talk not found",
        ),
        (
            451,
            b'{"kind":"CelebrityRecognizedError","description":"celebrity"}',
            RenderRejected,
            4,
            "moderation refused",
        ),
        (
            500,
            b'{"kind":"InternalServerError","description":"oops"}',
            ProviderError,
            4,
            "server problem on POST /talks (HTTP 500: InternalServerError: oops)",
        ),
        (
            502,
            b"<html><body>Bad Gateway</body></html>",
            ProviderError,
            4,
            "server problem on POST /talks (HTTP 502).",
        ),
        (503, b"upstream unavailable", ProviderError, 4, "HTTP 503: upstream unavailable"),
        (
            504,
            b'{"message":"Endpoint request timed out"}',
            ProviderError,
            4,
            "HTTP 504: Endpoint request timed out",
        ),
    ],
)
def test_one_mapping_reads_both_body_shapes(
    status: int, body: bytes, cls: type, exit_code: int, text: str
) -> None:
    err = error_for_status(status, body, {}, "POST /talks")
    assert type(err) is cls
    assert err.exit_code == exit_code
    assert text in err.message
    if isinstance(err, ProviderError):
        assert err.status == status and err.provider == "D-ID"


def test_every_provider_error_keeps_the_status_and_request_id() -> None:
    """Even a 400 caused by our own request (a paging token, the upload) must be traceable."""
    for status in (400, 401, 402, 403, 404, 413, 415, 422, 429, 451, 500, 503, 418):
        err = error_for_status(status, b'{"kind":"X"}', {"x-request-id": "req-42"}, "GET /talks")
        assert isinstance(err, ProviderError), status
        assert err.status == status and err.request_id == "req-42", status
        assert f"HTTP {status}" in err.message and "request id req-42" in err.message, status
        assert "request_id" not in err.text("es") and "petición req-42" in err.text("es")
    bare = error_for_status(400, b"{}", {}, "GET /talks")
    assert bare.request_id is None and "request id req" not in bare.message


def test_429_carries_retry_after_in_both_forms() -> None:
    err = error_for_status(429, b'{"message":"Too Many Requests"}', {"Retry-After": "17"}, "x")
    assert isinstance(err, RateLimited) and err.retry_after == 17.0 and err.exit_code == 4
    date = email.utils.formatdate(NOW + 40, usegmt=True)
    err = error_for_status(429, b"", {"Retry-After": date}, "x", now=NOW)
    assert isinstance(err, RateLimited) and err.retry_after == pytest.approx(40.0)
    err = error_for_status(429, b"", {"Retry-After": "86400"}, "x", now=NOW)
    assert isinstance(err, RateLimited) and err.retry_after == 86400.0
    assert not is_transient(err)  # a day is not slept through: the person is told when
    assert "asked to wait 86400 s: try again after 2023-11-15 22:13 UTC." in err.message
    assert "Wait a minute" not in err.message


def test_require_names_the_missing_field() -> None:
    assert require({"id": "tlk_1"}, "id", str, "POST /talks") == "tlk_1"
    for data in ({}, {"id": ""}, {"id": 3}, None, []):
        with pytest.raises(BadReply, match="POST /talks without a valid 'id'"):
            require(data, "id", str, "POST /talks")


# --- DidHttp.call --------------------------------------------------------------------------


def test_call_sends_the_key_exactly_with_timeouts(http: DidHttp, requests_mock) -> None:
    requests_mock.get(f"{API}/credits", json={"remaining": 3, "total": 5})
    assert http.call("GET", "/credits") == {"remaining": 3, "total": 5}
    req = requests_mock.last_request
    assert req.headers["Authorization"] == f"Basic {FAKE_DID_KEY}"
    assert req.timeout == (5.0, 30.0)
    assert req.headers["Accept"] == "application/json"


def test_call_maps_errors_and_never_echoes_the_key(http: DidHttp, requests_mock) -> None:
    requests_mock.get(
        f"{API}/credits",
        status_code=401,
        json={"kind": "AuthorizationError", "description": f"bad key {FAKE_DID_KEY}"},
    )
    with pytest.raises(AuthError) as info:
        http.call("GET", "/credits")
    assert FAKE_DID_KEY not in info.value.message and FAKE_DID_KEY not in str(info.value)
    assert "bad key ***" in info.value.message


def test_malformed_json_is_a_retryable_bad_reply(http: DidHttp, requests_mock) -> None:
    requests_mock.get(f"{API}/credits", text="{not json")
    with pytest.raises(BadReply, match="not JSON") as info:
        http.call("GET", "/credits")
    assert is_transient(info.value)


@pytest.mark.parametrize(
    ("exc", "text"),
    [
        (requests.exceptions.ConnectTimeout, "did not answer GET /credits in time"),
        (requests.exceptions.ReadTimeout, "did not answer GET /credits in time"),
        (requests.exceptions.ConnectionError, "Could not reach D-ID at https://api.d-id.test"),
    ],
)
def test_transport_failures_are_provider_timeouts(
    http: DidHttp, requests_mock, exc: type, text: str
) -> None:
    requests_mock.get(f"{API}/credits", exc=exc)
    with pytest.raises(ProviderTimeout, match=text) as info:
        http.call("GET", "/credits")
    assert info.value.exit_code == 4 and is_transient(info.value)


def test_retrying_a_call_recovers_from_a_5xx_burst(
    http: DidHttp, requests_mock, time_: FakeTime
) -> None:
    requests_mock.get(
        f"{API}/credits",
        [
            {"status_code": 503, "json": {"message": "Service Unavailable"}},
            {"status_code": 502, "text": "<html>bad gateway</html>"},
            {"status_code": 200, "json": {"remaining": 1, "total": 1}},
        ],
    )
    assert http.retrying("credits")(lambda: http.call("GET", "/credits"))["remaining"] == 1
    assert requests_mock.call_count == 3 and time_.sleeps == [1.0, 2.0]


# --- download ------------------------------------------------------------------------------


def test_download_streams_without_the_key(http: DidHttp, requests_mock, tmp_path: Path) -> None:
    url = "https://storage.test/tlk_1.mp4?Signature=abc"
    requests_mock.get(url, content=b"x" * 1000, headers={"Content-Length": "1000"})
    dest = tmp_path / "v.part"
    assert http.download(url, dest, max_bytes=10_000) == 1000
    assert dest.read_bytes() == b"x" * 1000
    assert "Authorization" not in requests_mock.last_request.headers


def test_download_refuses_more_than_the_cap(http: DidHttp, requests_mock, tmp_path: Path) -> None:
    url = "https://storage.test/big.mp4"
    requests_mock.get(url, content=b"x" * 5000, headers={"Content-Length": "5000"})
    with pytest.raises(ProviderError, match="larger than"):
        http.download(url, tmp_path / "a", max_bytes=4096)
    requests_mock.get(url, content=b"x" * 5000)  # no Content-Length: counted while streaming
    with pytest.raises(ProviderError, match="larger than"):
        http.download(url, tmp_path / "b", max_bytes=4096)


def test_download_403_from_storage_is_an_expired_link(
    http: DidHttp, requests_mock, tmp_path: Path
) -> None:
    url = "https://storage.test/tlk_1.mp4?Signature=old"
    requests_mock.get(url, status_code=403, text="<Error><Code>AccessDenied</Code></Error>")
    with pytest.raises(LinkExpired) as info:
        http.download(url, tmp_path / "v", max_bytes=10_000)
    assert is_transient(info.value)


def test_only_https_links_unless_the_api_is_http(requests_mock, tmp_path: Path) -> None:
    secure = DidHttp(API, FAKE_DID_KEY)
    with pytest.raises(ProviderError, match="not https"):
        secure.download("http://storage.test/v.mp4", tmp_path / "v", max_bytes=100)
    with pytest.raises(ProviderError, match="not https"):
        secure.download("s3://bucket/v.mp4", tmp_path / "v", max_bytes=100)
    assert requests_mock.call_count == 0
    local = DidHttp("http://127.0.0.1:9", FAKE_DID_KEY)
    requests_mock.get("http://127.0.0.1:9/storage/v.mp4", content=b"abc")
    assert local.download("http://127.0.0.1:9/storage/v.mp4", tmp_path / "v", max_bytes=100) == 3
