"""tts: voices against a fake OpenAI-compatible speech server that speaks real audio."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.audio.speech_server import SpeechServer
from core.cache import Cache
from core.config import Settings
from core.errors import (
    AuthError,
    ConfigError,
    InputError,
    LimitReached,
    ProviderError,
    ProviderTimeout,
    QuotaError,
)
from core.models import RenderRequest
from core.pipeline import render_video
from core.services import Services
from tests.conftest import FAKE_OPENAI_KEY
from tests.fakes.speech_server import FakeSpeech, Speak
from tests.test_cli import assert_error, cli

TEXT = "Hola a todos. Hoy hablamos de las plantas y del sol."


@pytest.fixture
def fake():
    with FakeSpeech() as server:
        yield server


def _settings(data_dir: Path, fake: FakeSpeech, **env: str) -> Settings:
    base = {"APP_DATA_DIR": str(data_dir), "TTS_BASE_URL": fake.base_url,
            "TTS_API_KEY": FAKE_OPENAI_KEY, "OPENAI_MAX_RETRIES": "2"}  # fmt: skip
    return Settings.from_sources({**base, **env})


def _server(settings: Settings, sleeps: list[float] | None = None) -> SpeechServer:
    record = sleeps if sleeps is not None else []
    return SpeechServer(settings, Cache(settings.data_dir / "cache"), sleep=record.append)


def test_settings_default_to_openai_and_the_mini_tts_model() -> None:
    s = Settings.from_sources({"OPENAI_API_KEY": FAKE_OPENAI_KEY})
    assert s.speech_server_configured and s.tts_model == "gpt-4o-mini-tts"
    assert s.tts_api_key == FAKE_OPENAI_KEY and s.tts_base_url is None
    assert not Settings.from_sources({}).speech_server_configured
    assert FAKE_OPENAI_KEY not in repr(Settings.from_sources({"TTS_API_KEY": FAKE_OPENAI_KEY}))
    with pytest.raises(ConfigError) as err:
        Settings.from_sources({"TTS_BASE_URL": "localhost:8880"})
    assert err.value.variable == "TTS_BASE_URL"


def test_openai_voices_are_listed_for_any_language(data_dir: Path) -> None:
    s = Settings.from_sources({"APP_DATA_DIR": str(data_dir), "OPENAI_API_KEY": FAKE_OPENAI_KEY})
    server = SpeechServer(s, Cache(data_dir / "cache"))
    ids = [v.id for v in server.voices("es")]
    assert "tts:nova" in ids and "tts:onyx" in ids
    assert all(v.language == "es" for v in server.voices("es")) and server.costs_money


def test_a_compatible_server_lists_its_voices_with_their_languages(data_dir: Path) -> None:
    with FakeSpeech(voices=["ef_dora", "em_alex", "af_heart"]) as fake:
        server = _server(_settings(data_dir, fake))
        assert [v.id for v in server.voices("es")] == ["tts:ef_dora", "tts:em_alex"]
        assert [v.id for v in server.voices("en")] == ["tts:af_heart"]
        assert not server.costs_money
        with pytest.raises(InputError) as err:
            server.get_voice("tts:nobody", "es")
        assert err.value.message_id == "tts.unknown_voice" and "tts:ef_dora" in err.value.message
        with pytest.raises(InputError):
            server.get_voice("tts:af_heart", "es")  # an English voice for a Spanish video


def test_speech_is_real_audio_cached_by_content_never_by_key(data_dir: Path, fake) -> None:
    server = _server(_settings(data_dir, fake))
    audio, spent = server.speak("tts:nova", TEXT, "es", 1.0, 22050)
    assert spent == len(TEXT) and audio.size > 22050 and float(abs(audio).max()) > 0.1
    assert fake.requests[0]["voice"] == "nova" and fake.requests[0]["input"] == TEXT
    assert fake.requests[0]["model"] == "gpt-4o-mini-tts" and "instructions" in fake.requests[0]
    assert fake.headers[0]["authorization"] == f"Bearer {FAKE_OPENAI_KEY}"
    again, spent = server.speak("tts:nova", TEXT, "es", 1.0, 22050)
    assert spent == 0 and len(fake.requests) == 1 and again.size == audio.size
    assert FAKE_OPENAI_KEY not in server.cache_key("tts:nova", TEXT, "es", 1.0)
    other = _server(_settings(data_dir, fake, TTS_API_KEY="sk-test-another-FAKE-key"))
    assert other.cache_key("tts:nova", TEXT, "es", 1.0) == server.cache_key(
        "tts:nova", TEXT, "es", 1.0
    )


def test_rate_limits_and_server_errors_are_retried_honouring_retry_after(data_dir, fake) -> None:
    sleeps: list[float] = []
    server = _server(_settings(data_dir, fake), sleeps)
    fake.reply(Speak.rate_limited("7"), Speak.server_error())
    audio, _ = server.speak("tts:nova", TEXT, "es", 1.0, 22050)
    assert audio.size and len(fake.requests) == 3
    assert sleeps[0] >= 7.0 and len(sleeps) == 2


def test_a_truncated_body_is_retried(data_dir: Path, fake) -> None:
    fake.reply(Speak.truncated())
    audio, _ = _server(_settings(data_dir, fake)).speak("tts:nova", TEXT, "es", 1.0, 22050)
    assert audio.size and len(fake.requests) == 2


@pytest.mark.parametrize(
    ("reply", "error", "message_id"),
    [
        (Speak.unauthorized(), AuthError, "tts.auth"),
        (Speak.insufficient_quota(), QuotaError, "tts.quota"),
    ],
)
def test_key_and_quota_failures_are_not_retried(data_dir, fake, reply, error, message_id) -> None:
    fake.reply(reply)
    with pytest.raises(error) as err:
        _server(_settings(data_dir, fake)).speak("tts:nova", TEXT, "es", 1.0, 22050)
    assert err.value.message_id == message_id and err.value.exit_code == 3
    assert len(fake.requests) == 1 and FAKE_OPENAI_KEY not in err.value.message
    assert "TTS_API_KEY" in err.value.text("es")


def test_a_slow_server_times_out(data_dir: Path, fake) -> None:
    fake.reply(Speak.slow(3.0), Speak.slow(3.0), Speak.slow(3.0))
    server = _server(_settings(data_dir, fake, TTS_TIMEOUT_S="0.3"))
    with pytest.raises(ProviderTimeout) as err:
        server.speak("tts:nova", TEXT, "es", 1.0, 22050)
    assert "TTS_TIMEOUT_S" in err.value.message


def test_audio_that_cannot_be_decoded_is_a_provider_error(data_dir: Path, fake) -> None:
    fake.reply(Speak(garbage=True))
    with pytest.raises(ProviderError) as err:
        _server(_settings(data_dir, fake)).speak("tts:nova", TEXT, "es", 1.0, 22050)
    assert err.value.message_id == "tts.bad_audio"


def test_render_with_a_server_voice_is_lip_synced_subtitled_and_metered(data_dir, fake) -> None:
    settings = _settings(data_dir, fake, TTS_DAILY_CHARS=str(len(TEXT) + 5))
    services = Services.from_settings(settings)
    request = RenderRequest(text=TEXT, voice_id="tts:nova", size=256)
    video = render_video(services, request, user="ana")
    cues = video.subtitles.read_text()
    assert "Hola a todos." in cues and video.has_subtitles and video.voice == "tts:nova"
    assert services.usage.used("ana", "tts_chars") == len(TEXT)
    # Cached audio is free; a new text over the cap is refused before the server is asked.
    again = render_video(services, RenderRequest(text=TEXT, voice_id="tts:nova", size=256,
                                                 use_cache=False), user="ana")  # fmt: skip
    assert again.duration_s == video.duration_s and len(fake.requests) == 1
    with pytest.raises(LimitReached) as err:
        render_video(services, RenderRequest(text="Otra frase.", voice_id="tts:nova"), user="ana")
    assert err.value.kind == "tts_chars" and len(fake.requests) == 1


def test_cli_tts_without_a_server_exits_3_naming_the_variable(data_dir: Path) -> None:
    proc = cli("render", "--voice", "tts:nova", "--text", TEXT, data_dir=data_dir)
    assert_error(proc, 3, "TTS_API_KEY")


def test_cli_unknown_tts_voice_exits_2_listing_some(data_dir: Path) -> None:
    with FakeSpeech(voices=["ef_dora", "em_alex"]) as fake:
        proc = cli("render", "--voice", "tts:zz_nobody", "--text", TEXT, data_dir=data_dir,
                   TTS_BASE_URL=fake.base_url)  # fmt: skip
    assert_error(proc, 2, "tts:ef_dora")


def test_cli_rejected_key_exits_3_without_showing_it(data_dir: Path) -> None:
    with FakeSpeech() as fake:
        fake.reply(Speak.unauthorized())
        proc = cli("render", "--voice", "tts:nova", "--text", TEXT, data_dir=data_dir,
                   TTS_BASE_URL=fake.base_url, TTS_API_KEY=FAKE_OPENAI_KEY)  # fmt: skip
    assert_error(proc, 3, "TTS_API_KEY")
    assert FAKE_OPENAI_KEY not in proc.stderr + proc.stdout


def test_a_server_voice_preview_is_real_audio_and_counted(data_dir: Path, fake) -> None:
    from core.previews import any_voice_preview

    services = Services.from_settings(_settings(data_dir, fake))
    wav = any_voice_preview(services, "ana", "tts:nova", "es")
    assert wav[:4] == b"RIFF" and len(wav) > 20_000
    assert services.usage.used("ana", "tts_chars") == len(fake.requests[0]["input"])
    assert any_voice_preview(services, "ana", "tts:nova", "es") == wav  # cached: free
    assert len(fake.requests) == 1
