"""DidEngine against requests-mock: voices, plan, create-or-find, polling, download, errors.

Time is injected (a fake clock whose sleep only advances it), so nothing here really waits.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from core.cache import Cache, make_key
from core.config import Settings
from core.engines.base import MemoryJournal
from core.engines.did import DID_FILE, DidEngine
from core.errors import (
    AuthError,
    ConfigError,
    InputError,
    ProviderError,
    ProviderTimeout,
    QuotaError,
    RateLimited,
    RenderRejected,
    RequestRefused,
)
from core.models import Avatar, RenderRequest
from tests.conftest import FAKE_DID_KEY
from tests.fakes.did_server import VOICES, make_mp4
from tests.test_did_http import FakeTime

API = "https://api.d-id.test"
STORAGE = "https://d-id-talks-prod.s3.test/tlk_1/result.mp4"
AVATAR = Avatar(id="ana", name="Ana", kind="illustrated")
TEXT = "Hola a todos. Bienvenidos al curso; hoy aprendemos algo nuevo."
TALKS = re.compile(rf"^{re.escape(API)}/talks\?")  # the list (lookup), not one talk


@pytest.fixture(scope="module")
def mp4() -> bytes:
    return make_mp4(2.0)


def voices_json() -> list[dict[str, Any]]:
    return [
        {
            "id": vid,
            "name": name,
            "gender": gender,
            "provider": "microsoft",
            "languages": [{"language": lang, "locale": locale}],
            "styles": [],
        }
        for vid, name, gender, locale, lang in VOICES
    ]


@pytest.fixture
def time_() -> FakeTime:
    return FakeTime()


def make_engine(data_dir: Path, time_: FakeTime, key: str | None = FAKE_DID_KEY) -> DidEngine:
    env = {"APP_DATA_DIR": str(data_dir), "DID_API_URL": API}
    if key:
        env["DID_API_KEY"] = key
    return DidEngine(
        Settings.from_sources(env),
        Cache(data_dir / "cache"),
        sleep=time_.sleep,
        clock=time_.clock,
        rng=lambda: 0.0,
        still_image=lambda avatar, width, height: (
            np.full((height, width, 3), 90, np.uint8),
            (width // 3, height // 5, width // 3, height // 2),
        ),
    )


@pytest.fixture
def engine(data_dir: Path, time_: FakeTime) -> DidEngine:
    return make_engine(data_dir, time_)


IMAGE_WITH_FACE = {"id": "img", "url": "s3://b/i.jpg", "faces": [{"size": 200, "top_left": [1, 2]}]}


@pytest.fixture
def api(requests_mock, mp4: bytes):
    """The happy D-ID: voices, upload, create, a talk that is done on the third poll."""
    requests_mock.get(f"{API}/tts/voices", json=voices_json())
    requests_mock.post(f"{API}/images", status_code=201, json=IMAGE_WITH_FACE)
    requests_mock.post(f"{API}/talks", status_code=201, json={"id": "tlk_1", "status": "created"})
    requests_mock.get(TALKS, json={"talks": []})
    requests_mock.get(f"{API}/talks/tlk_1", [{"json": j} for j in talk_states("done")])
    requests_mock.get(STORAGE, content=mp4, headers={"Content-Length": str(len(mp4))})
    return requests_mock


def talk_states(final: str, **extra: Any) -> list[dict[str, Any]]:
    done: dict[str, Any] = {"id": "tlk_1", "status": final, **extra}
    if final == "done":
        done.setdefault("result_url", STORAGE)
        done.setdefault("duration", 7)  # D-ID's rounded figure: the real one comes from the file
    return [{"id": "tlk_1", "status": "created"}, {"id": "tlk_1", "status": "started"}, done]


def calls(mock, method: str, url: str | re.Pattern[str]) -> list[Any]:
    def hit(r: Any) -> bool:
        return bool(url.match(r.url)) if isinstance(url, re.Pattern) else r.url.split("?")[0] == url

    return [r for r in mock.request_history if r.method == method and hit(r)]


def plan_for(engine: DidEngine, **request: Any):
    return engine.plan(RenderRequest(**{"text": TEXT, **request}), AVATAR, "builtin:ana:1")


def render(engine: DidEngine, tmp_path: Path, journal: MemoryJournal | None = None, **request):
    workdir = tmp_path / "work"
    workdir.mkdir(exist_ok=True)
    journal = journal if journal is not None else MemoryJournal()
    output = engine.render(plan_for(engine, **request), workdir, lambda *a: None, journal)
    return output, workdir, journal


# --- keys, voices, plan --------------------------------------------------------------------


def test_without_a_key_every_d_id_call_is_a_config_error(data_dir, time_, requests_mock) -> None:
    engine = make_engine(data_dir, time_, key=None)
    for action in (engine.voices, engine.credits, lambda: plan_for(engine)):
        with pytest.raises(ConfigError) as info:
            action()
        assert info.value.exit_code == 3 and info.value.variable == "DID_API_KEY"
        assert "DID_API_KEY" in info.value.message
    assert requests_mock.call_count == 0


def test_voices_filtered_by_language_and_cached(engine: DidEngine, api) -> None:
    es = engine.voices("es")
    assert [v.id for v in es] == [v[0] for v in VOICES if v[3].startswith("es")]
    assert all(v.engine == "did" and v.language.startswith("es-") for v in es)
    assert es[0].language == "es-EC" and es[0].gender == "female"
    assert [v.id for v in engine.voices("es-MX")] == ["es-MX-DaliaNeural"]
    assert [v.id for v in engine.voices("es-419")] == [v.id for v in es]
    assert [v.id for v in engine.voices("en-GB")] == ["en-GB-SoniaNeural"]
    assert engine.voices("de") == []
    assert len(calls(api, "GET", f"{API}/tts/voices")) == 1  # cached (for a day)
    assert api.request_history[0].qs == {"provider": ["microsoft"]}


def test_default_voices_per_language(engine: DidEngine, api) -> None:
    assert plan_for(engine, language="es").voice.id == "es-EC-AndreaNeural"
    assert plan_for(engine, language="en").voice.id == "en-US-JennyNeural"
    assert plan_for(engine, language="es-MX").voice.id == "es-MX-DaliaNeural"
    assert plan_for(engine, language="fr").voice.id == "fr-FR-HenriNeural"  # no female: first


def test_default_falls_back_to_the_first_female_voice(data_dir, time_, requests_mock) -> None:
    listed = [v for v in voices_json() if v["id"] != "es-EC-AndreaNeural"]
    requests_mock.get(f"{API}/tts/voices", json=listed)
    engine = make_engine(data_dir, time_)
    assert plan_for(engine, language="es").voice.id == "es-MX-DaliaNeural"


def test_unknown_or_mismatched_voice_is_an_input_error(engine: DidEngine, api) -> None:
    with pytest.raises(InputError, match="Unknown D-ID voice 'es-XX-Nobody'") as info:
        plan_for(engine, voice_id="es-XX-Nobody")
    assert info.value.exit_code == 2
    with pytest.raises(InputError, match="speaks en-US, not 'es'"):
        plan_for(engine, voice_id="en-US-GuyNeural", language="es")
    with pytest.raises(InputError, match="no voice for language 'xx'"):
        plan_for(engine, language="xx")
    with pytest.raises(InputError, match="3 to 10000"):
        plan_for(engine, text="Hi")


def test_plain_text_is_limited_to_10000_characters_not_40000(engine: DidEngine, api) -> None:
    """D-ID allows 40,000 characters only with SSML tags; plain text stops at 10,000."""
    plan_for(engine, text="a" * 10_000)
    with pytest.raises(InputError, match=r"3 to 10000 characters \(got 10001\)"):
        plan_for(engine, text="a" * 10_001)


def test_cache_parts_cover_the_output_and_never_the_key(engine: DidEngine, api) -> None:
    plan = plan_for(engine, rate=1.2)
    parts = engine.cache_parts(plan)
    assert parts["text"] == TEXT and parts["language"] == "es"
    assert parts["voice"] == "es-EC-AndreaNeural" and parts["avatar"] == "builtin:ana:1"
    assert parts["rate"] == 1.2 and parts["api"] == API and parts["result_format"] == "mp4"
    assert FAKE_DID_KEY not in json.dumps(parts)
    assert FAKE_DID_KEY not in make_key("render", engine.version, **parts)
    other = engine.cache_parts(plan_for(engine, voice_id="es-EC-LuisNeural", rate=1.2))
    assert other != parts


# --- the happy path ------------------------------------------------------------------------


def test_render_uploads_creates_polls_and_downloads(engine, api, tmp_path, time_, mp4) -> None:
    journal = MemoryJournal()
    seen_at_first_poll: list[str | None] = []
    api.get(
        f"{API}/talks/tlk_1",
        [
            {"json": lambda req, ctx, j=j: seen_at_first_poll.append(journal.resume_token()) or j}
            for j in talk_states("done")
        ],
    )
    output, workdir, _ = render(engine, tmp_path, journal, title="Curso")

    assert seen_at_first_poll[0] == "tlk_1"  # stored before the first poll
    assert calls(api, "GET", TALKS) == []  # a fresh job: no lookup needed
    upload = calls(api, "POST", f"{API}/images")[0]
    assert b'name="image"' in upload.body and b"image/jpeg" in upload.body
    (create,) = calls(api, "POST", f"{API}/talks")
    body = create.json()
    assert body["source_url"] == "s3://b/i.jpg"
    assert body["script"] == {
        "type": "text",
        "input": TEXT,
        "provider": {"type": "microsoft", "voice_id": "es-EC-AndreaNeural"},
    }
    assert body["config"] == {"result_format": "mp4"} and body["name"] == "Curso"
    assert body["user_data"] == journal.get("user_data") and body["user_data"].startswith(
        "parlante:"
    )
    assert create.headers["Authorization"] == f"Basic {FAKE_DID_KEY}"
    assert len(calls(api, "GET", f"{API}/talks/tlk_1")) == 3
    assert time_.sleeps == [1.0, 2.0]  # backoff from 1 s between polls
    assert "Authorization" not in calls(api, "GET", STORAGE)[0].headers

    assert output.duration_s == pytest.approx(2.0, abs=0.05)  # the file's, not D-ID's "7"
    assert output.extra == {"did_talk_id": "tlk_1"}
    assert (workdir / DID_FILE).read_bytes() == mp4  # the talk as downloaded
    assert (output.width, output.height, output.has_alpha) == (96, 96, False)
    frames = list(output.frames())
    assert len(frames) == output.n_frames == 50 and frames[0].shape == (96, 96, 3)
    assert not np.array_equal(frames[0], frames[-1])  # the talk moves
    words = " ".join(w.text for w in output.words)
    assert "Hola a todos." in words and "aprendemos algo nuevo." in words
    assert 1.5 <= output.words[-1].end <= 2.0  # spread over the file's real duration
    assert not list(workdir.glob(".*part"))  # no temp files left


def test_rate_and_job_id_reach_d_id(engine, api, tmp_path) -> None:
    render(engine, tmp_path, rate=1.25, job_id="job-7f3c")
    body = calls(api, "POST", f"{API}/talks")[0].json()
    assert body["script"]["provider"]["voice_config"] == {"rate": "1.25"}
    assert body["user_data"] == "parlante:job-7f3c"


def test_the_same_image_is_uploaded_once(engine, api, tmp_path) -> None:
    render(engine, tmp_path)
    api.get(f"{API}/talks/tlk_1", [{"json": j} for j in talk_states("done")])
    render(engine, tmp_path, text="Otro guion, la misma presentadora.")
    assert len(calls(api, "POST", f"{API}/images")) == 1
    assert len(calls(api, "POST", f"{API}/talks")) == 2


def test_a_talk_is_paid_once_whatever_the_canvas(engine, api, tmp_path, mp4) -> None:
    """The talk is kept: the same script, voice and presenter again is no new talk, even
    when the look asks for another presenter shape; another script is a new talk."""
    first, _, _ = render(engine, tmp_path)
    plan = replace(plan_for(engine), canvas=(366, 366))  # another look's bubble
    again = engine.render(plan, tmp_path / "again", lambda *a: None, MemoryJournal())
    assert len(calls(api, "POST", f"{API}/talks")) == 1
    assert len(calls(api, "POST", f"{API}/images")) == 1
    assert again.reused and not first.reused
    assert again.extra["did_talk_id"] == "tlk_1" and again.face_box == first.face_box
    assert (tmp_path / "again" / DID_FILE).read_bytes() == mp4
    assert again.n_frames == first.n_frames and [w.text for w in again.words] == [
        w.text for w in first.words
    ]
    api.get(f"{API}/talks/tlk_1", [{"json": j} for j in talk_states("done")])
    render(engine, tmp_path, text="Otro guion, la misma presentadora.")
    assert len(calls(api, "POST", f"{API}/talks")) == 2


def test_a_kept_talk_whose_file_is_gone_is_made_again(engine, api, tmp_path) -> None:
    render(engine, tmp_path)
    for kept in (engine.cache.directory / "did-talks").glob("*.mp4"):
        kept.unlink()
    api.get(f"{API}/talks/tlk_1", [{"json": j} for j in talk_states("done")])
    output, _, _ = render(engine, tmp_path)
    assert len(calls(api, "POST", f"{API}/talks")) == 2 and not output.reused


def test_poll_backoff_caps_at_four_and_a_half_seconds(engine, api, tmp_path, time_) -> None:
    states = [{"json": {"id": "tlk_1", "status": "started"}}] * 14
    api.get(f"{API}/talks/tlk_1", [*states, {"json": talk_states("done")[-1]}])
    render(engine, tmp_path)
    assert time_.sleeps == [1.0, 2.0, 4.0] + [4.5] * 11
    assert time_.now == 56.5  # about a minute: 15 polls, each at most 4.5 s after the last


# --- never pay twice -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "first_answer",
    [
        {"status_code": 504, "json": {"message": "Endpoint request timed out"}},
        {"status_code": 200, "text": "{not json"},
        {"status_code": 201, "json": {"object": "talk", "status": "created"}},  # no id
    ],
    ids=["504", "malformed", "missing-id"],
)
def test_an_ambiguous_create_is_looked_up_not_repeated(
    engine, api, tmp_path, time_, first_answer
) -> None:
    def listing(request, context):
        user_data = json.loads(calls(api, "POST", f"{API}/talks")[0].body)["user_data"]
        return {"talks": [{"id": "tlk_1", "status": "started", "user_data": user_data}]}

    api.post(f"{API}/talks", [first_answer])
    api.get(TALKS, json=listing)
    output, _, journal = render(engine, tmp_path)
    assert len(calls(api, "POST", f"{API}/talks")) == 1
    assert len(calls(api, "GET", TALKS)) == 1
    assert journal.resume_token() == "tlk_1" and output.extra["did_talk_id"] == "tlk_1"


def test_lookup_follows_pages_and_skips_failed_talks(engine, api, tmp_path) -> None:
    journal = MemoryJournal()
    journal.set("user_data", "parlante:abc")  # a previous run died during the POST
    pages = {
        None: {
            "talks": [{"id": f"tlk_x{i}", "status": "done", "user_data": "other"} for i in range(3)]
            + [{"id": "tlk_bad", "status": "error", "user_data": "parlante:abc"}],
            "token": "page2",
        },
        "page2": {"talks": [{"id": "tlk_1", "status": "done", "user_data": "parlante:abc"}]},
    }
    api.get(TALKS, json=lambda req, ctx: pages[req.qs.get("token", [None])[0]])
    render(engine, tmp_path, journal)
    assert calls(api, "POST", f"{API}/talks") == []
    assert [r.qs.get("token") for r in calls(api, "GET", TALKS)] == [None, ["page2"]]
    assert calls(api, "GET", TALKS)[0].qs["limit"] == ["100"]


def test_a_429_create_waits_retry_after_then_creates_once(engine, api, tmp_path, time_) -> None:
    api.post(
        f"{API}/talks",
        [
            {
                "status_code": 429,
                "json": {"message": "Too Many Requests"},
                "headers": {"Retry-After": "7"},
            },
            {"status_code": 201, "json": {"id": "tlk_1", "status": "created"}},
        ],
    )
    render(engine, tmp_path)
    assert len(calls(api, "POST", f"{API}/talks")) == 2  # the 429 created nothing
    assert time_.sleeps[0] == 7.0


def test_resume_polls_the_journal_talk_without_creating(engine, api, tmp_path) -> None:
    journal = MemoryJournal()
    journal.save_resume_token("tlk_1")
    render(engine, tmp_path, journal)
    assert calls(api, "POST", f"{API}/images") == [] and calls(api, "POST", f"{API}/talks") == []
    assert len(calls(api, "GET", f"{API}/talks/tlk_1")) == 3


def test_resume_of_a_talk_d_id_forgot_creates_a_new_one(engine, api, tmp_path) -> None:
    journal = MemoryJournal()
    journal.save_resume_token("tlk_gone")
    api.get(f"{API}/talks/tlk_gone", status_code=404, json={"kind": "NotFoundError"})
    render(engine, tmp_path, journal)
    assert len(calls(api, "POST", f"{API}/talks")) == 1 and journal.resume_token() == "tlk_1"


# --- failures ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("final", "error", "text"),
    [
        ("error", {"kind": "FaceError", "description": "no face"}, "FaceError: no face"),
        ("rejected", {"kind": "ContentModeration", "description": "flagged"}, "flagged"),
    ],
)
def test_failed_talks_are_rejected_with_d_id_reason(
    engine, api, tmp_path, final, error, text
) -> None:
    api.get(f"{API}/talks/tlk_1", [{"json": j} for j in talk_states(final, error=error)])
    with pytest.raises(RenderRejected) as info:
        render(engine, tmp_path)
    assert info.value.exit_code == 4 and text in info.value.message and final in info.value.message


def test_a_failed_talk_is_forgotten_so_the_next_run_starts_afresh(engine, api, tmp_path) -> None:
    journal = MemoryJournal()
    api.get(f"{API}/talks/tlk_1", [{"json": j} for j in talk_states("error")])
    with pytest.raises(RenderRejected):
        render(engine, tmp_path, journal)
    assert not journal.resume_token() and not journal.get("user_data")


def test_polling_stops_at_the_deadline(engine, api, tmp_path, time_) -> None:
    api.get(f"{API}/talks/tlk_1", json={"id": "tlk_1", "status": "started"})
    with pytest.raises(ProviderTimeout, match="did not finish talk tlk_1 within 600 s") as info:
        render(engine, tmp_path)
    assert info.value.exit_code == 4
    polls = len(calls(api, "GET", f"{API}/talks/tlk_1"))
    assert time_.now == 601 and polls == 136  # polls at 0, 1, 3, 7 s, then one per 4.5 s


def test_poll_errors_are_retried_then_reported(engine, api, tmp_path, time_) -> None:
    api.get(
        f"{API}/talks/tlk_1",
        [
            {"status_code": 503, "json": {"message": "Service Unavailable"}},
            {"status_code": 200, "text": "<html>"},
            {"json": {"id": "tlk_1"}},  # no status
            *[{"json": j} for j in talk_states("done")],
        ],
    )
    render(engine, tmp_path)
    assert len(calls(api, "GET", f"{API}/talks/tlk_1")) == 6
    api.get(f"{API}/talks/tlk_1", status_code=502, text="bad gateway")
    with pytest.raises(ProviderError, match=r"HTTP 502.*gave up after 8 failed polls in a row"):
        render(engine, tmp_path, MemoryJournal(), text="Otro guion: una charla nueva.")


def test_an_expired_link_is_refreshed(engine, api, tmp_path, mp4) -> None:
    fresh = STORAGE + "?Signature=new"
    api.get(STORAGE, status_code=403, text="<Error><Code>AccessDenied</Code></Error>")
    api.get(fresh, content=mp4)
    states = talk_states("done")
    api.get(
        f"{API}/talks/tlk_1",
        [{"json": j} for j in states] + [{"json": {**states[-1], "result_url": fresh}}],
    )
    _, workdir, _ = render(engine, tmp_path)
    assert (workdir / DID_FILE).read_bytes() == mp4
    assert len(calls(api, "GET", f"{API}/talks/tlk_1")) == 4


def test_a_plain_http_result_link_is_refused(engine, api, tmp_path) -> None:
    states = talk_states("done", result_url="http://evil.test/v.mp4")
    api.get(f"{API}/talks/tlk_1", [{"json": j} for j in states])
    with pytest.raises(ProviderError, match="not https"):
        render(engine, tmp_path)
    assert not (tmp_path / "work" / DID_FILE).exists()


@pytest.mark.parametrize(
    ("status", "body", "cls", "text"),
    [
        (
            401,
            {"kind": "AuthorizationError", "description": "x"},
            AuthError,
            "D-ID rejected the key — check DID_API_KEY",
        ),
        (
            402,
            {"kind": "InsufficientCreditsError", "description": "x"},
            QuotaError,
            "Not enough D-ID credits",
        ),
        (
            400,
            {"kind": "ValidationError", "description": "bad", "details": {"f": 1}},
            RequestRefused,
            'Details: {"f": 1}',
        ),
    ],
)
def test_refusals_on_create_are_not_retried(engine, api, tmp_path, status, body, cls, text) -> None:
    api.post(f"{API}/talks", status_code=status, json=body)
    with pytest.raises(cls, match=text):
        render(engine, tmp_path)
    assert len(calls(api, "POST", f"{API}/talks")) == 1


def test_a_429_storm_ends_as_rate_limited(engine, api, time_) -> None:
    api.get(f"{API}/tts/voices", status_code=429, headers={"Retry-After": "30"}, json={})
    with pytest.raises(RateLimited, match="gave up after 5 attempts") as info:
        engine.voices("es")
    assert info.value.exit_code == 4
    assert time_.sleeps == [30.0] * 4


def test_credits(engine, requests_mock) -> None:
    requests_mock.get(f"{API}/credits", json={"remaining": 12, "total": 20, "credits": []})
    assert engine.credits()["remaining"] == 12
    requests_mock.get(f"{API}/credits", json={"total": 20})
    with pytest.raises(ProviderError, match="'remaining'"):
        engine.credits()


# --- D-ID's own face check, before any credit is spent -------------------------------------


def test_upload_asks_d_id_to_detect_faces_and_a_faceless_presenter_is_refused(
    engine, api, tmp_path
) -> None:
    api.post(
        f"{API}/images", status_code=201, json={"id": "img", "url": "s3://b/i.jpg", "faces": []}
    )
    with pytest.raises(InputError, match="D-ID found no face in Ana") as info:
        render(engine, tmp_path, MemoryJournal())
    assert "nothing was charged" in info.value.message and info.value.exit_code == 2
    (upload,) = calls(api, "POST", f"{API}/images")
    assert b'name="detect_faces"' in upload.body
    assert calls(api, "POST", f"{API}/talks") == []  # no talk, no credit
    with pytest.raises(InputError, match="no face"):  # remembered with the upload: no new call
        render(engine, tmp_path, MemoryJournal())
    assert len(calls(api, "POST", f"{API}/images")) == 1


def test_without_faces_in_the_upload_answer_the_detection_endpoint_is_asked(
    engine, api, tmp_path
) -> None:
    api.post(f"{API}/images", status_code=201, json={"id": "img", "url": "s3://b/i.jpg"})
    detect = api.post(f"{API}/images/face-detection", json={"faceCrops": [], "metadata": {}})
    with pytest.raises(InputError, match="D-ID found no face"):
        render(engine, tmp_path, MemoryJournal())
    assert detect.last_request.json() == {"source_url": "s3://b/i.jpg"}
    assert calls(api, "POST", f"{API}/talks") == []


def test_a_detected_face_lets_the_talk_be_created(engine, api, tmp_path) -> None:
    api.post(f"{API}/images", status_code=201, json={"id": "img", "url": "s3://b/j.jpg"})
    crop = {"left": 0.1, "top": 0.1, "right": 0.9, "bottom": 0.9}
    api.post(f"{API}/images/face-detection", json={"faceCrops": [crop], "metadata": {}})
    render(engine, tmp_path, MemoryJournal())
    assert len(calls(api, "POST", f"{API}/talks")) == 1


def test_a_failure_after_the_talk_exists_says_the_talk_is_kept(engine, api, tmp_path) -> None:
    api.get(f"{API}/talks/tlk_1", json=talk_states("started")[-1])
    journal = MemoryJournal()
    with pytest.raises(ProviderTimeout, match="did not finish talk tlk_1") as info:
        render(engine, tmp_path, journal)
    assert "The talk tlk_1 is kept: press Retry" in info.value.message
    assert "Reintentar" in info.value.text("es") and journal.resume_token() == "tlk_1"
