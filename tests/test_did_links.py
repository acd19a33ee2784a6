"""D-ID result links: the video is downloaded only over https, only from the link D-ID's
``GET /talks/{id}`` gave, never from this machine or its private network, and redirects
are checked before they are followed. The key never goes to storage."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.engines.did import DID_FILE, DidEngine
from core.engines.did_http import MAX_REDIRECTS, DidHttp
from core.errors import ProviderError
from tests.conftest import FAKE_DID_KEY
from tests.test_did_engine import API, STORAGE, api, engine, mp4, render, talk_states, time_

__all__ = ["api", "engine", "mp4", "time_"]


@pytest.fixture
def http() -> DidHttp:
    return DidHttp(API, FAKE_DID_KEY)


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/v.mp4",
        "https://localhost/v.mp4",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.5/v.mp4",
        "https://192.168.1.1:8443/v.mp4",
        "https://[::1]/v.mp4",
        "http://storage.test/v.mp4",
        "ftp://storage.test/v.mp4",
        "file:///etc/passwd",
    ],
)
def test_links_to_this_machine_private_networks_or_not_https_are_refused(
    http: DidHttp, requests_mock, tmp_path: Path, url: str
) -> None:
    with pytest.raises(ProviderError, match="refusing to download"):
        http.download(url, tmp_path / "v", max_bytes=100)
    assert requests_mock.call_count == 0


def test_a_redirect_to_plain_http_is_refused_before_it_is_followed(
    http: DidHttp, requests_mock, tmp_path: Path
) -> None:
    requests_mock.get(
        "https://storage.test/v.mp4", status_code=302, headers={"Location": "http://evil.test/v"}
    )
    evil = requests_mock.get("http://evil.test/v", content=b"abc")
    with pytest.raises(ProviderError, match="not https"):
        http.download("https://storage.test/v.mp4", tmp_path / "v", max_bytes=100)
    assert evil.call_count == 0


def test_https_redirects_are_followed_a_few_times_only(
    http: DidHttp, requests_mock, tmp_path: Path
) -> None:
    requests_mock.get(
        "https://storage.test/v.mp4", status_code=301, headers={"Location": "/cdn/v.mp4"}
    )
    requests_mock.get("https://storage.test/cdn/v.mp4", content=b"abc")
    assert http.download("https://storage.test/v.mp4", tmp_path / "v", max_bytes=100) == 3
    assert all("Authorization" not in r.headers for r in requests_mock.request_history)
    requests_mock.get("https://storage.test/loop", status_code=302, headers={"Location": "/loop"})
    with pytest.raises(ProviderError, match="redirected more than"):
        http.download("https://storage.test/loop", tmp_path / "w", max_bytes=100)
    assert requests_mock.call_count == 2 + MAX_REDIRECTS + 1


def test_only_the_link_from_get_talk_is_downloaded(
    engine: DidEngine, api, tmp_path: Path, mp4: bytes
) -> None:
    """A link anywhere else in D-ID's replies (the create reply, extra fields) is ignored."""
    decoy = "https://decoy.example/other.mp4"
    api.post(
        f"{API}/talks", status_code=201, json={"id": "tlk_1", "status": "created", "url": decoy}
    )
    states = talk_states("done", source_url=decoy, audio_url=decoy)
    api.get(f"{API}/talks/tlk_1", [{"json": j} for j in states])
    decoy_mock = api.get(decoy, content=b"not ours")
    _, workdir, _ = render(engine, tmp_path)
    assert (workdir / DID_FILE).read_bytes() == mp4
    assert decoy_mock.call_count == 0
    outside = [r for r in api.request_history if not r.url.startswith(API)]
    assert [r.url for r in outside] == [STORAGE]
    assert "Authorization" not in outside[0].headers  # the key goes to the API only
    assert all(FAKE_DID_KEY not in str(r.headers) for r in outside)


def test_a_result_link_to_a_private_address_fails_the_render(
    engine: DidEngine, api, tmp_path: Path
) -> None:
    states = talk_states("done", result_url="https://169.254.169.254/latest/meta-data/")
    api.get(f"{API}/talks/tlk_1", [{"json": j} for j in states])
    with pytest.raises(ProviderError, match="local or private address"):
        render(engine, tmp_path)
    assert not (tmp_path / "work" / DID_FILE).exists()
