"""Previews for the Voice & avatar page: a voice speaking a sample, presenter stills, photos.

Everything returns plain bytes (WAV, PNG) so the page only displays them.
"""

from __future__ import annotations

import io
import wave
from typing import Any

import numpy as np
from PIL import Image

from core.avatars import MAX_PHOTO_BYTES, list_avatars
from core.engines.local.presenters import still
from core.errors import InputError
from core.library import Library
from core.models import Avatar

SAMPLES = {
    "es": "Hola, soy tu presentador. Así sonará la voz de tu vídeo.",
    "en": "Hello, I am your presenter. This is how your video will sound.",
    "pt": "Olá, eu sou o seu apresentador. Assim vai soar o seu vídeo.",
    "fr": "Bonjour, je suis votre présentateur. Voici la voix de votre vidéo.",
    "it": "Ciao, sono il tuo presentatore. Ecco come suonerà il tuo video.",
    "de": "Hallo, ich bin Ihr Sprecher. So wird Ihr Video klingen.",
}
PREVIEW_RATE = 22050
PHOTO_TYPES = {b"\xff\xd8\xff": ".jpg", b"\x89PNG\r\n\x1a\n": ".png"}


def sample_sentence(language: str) -> str:
    return SAMPLES.get(language.split("-")[0].lower(), SAMPLES["en"])


def wav_bytes(audio: np.ndarray, sample_rate: int) -> bytes:
    """16-bit mono PCM WAV of float samples in -1..1."""
    pcm = (np.clip(audio, -1.0, 1.0) * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(pcm.tobytes())
    return buf.getvalue()


def voice_preview(voice_id: str, language: str, rate: float = 1.0) -> bytes:
    """An offline voice speaking a sample sentence in ``language``, as WAV bytes."""
    from core.engines.local.speech import synthesize

    spoken = synthesize(voice_id, sample_sentence(language), rate=rate)
    return wav_bytes(spoken.audio, spoken.sample_rate)


def any_voice_preview(
    services: Any, user: str, voice_id: str, language: str, rate: float = 1.0
) -> bytes:
    """A sample of an offline voice, or of a speech server's ``tts:`` voice (a short text,
    cached by content, counted in the user's daily speech characters)."""
    from core.audio.speech_server import is_server_voice
    from core.usage import TTS_CHARS

    if not is_server_voice(voice_id):
        return voice_preview(voice_id, language, rate)
    server = services.engine("local").speech_server()
    text = sample_sentence(language)
    if not server.is_cached(voice_id, text, language, rate):
        services.usage.check(user, TTS_CHARS, len(text))
    audio, spent = server.speak(voice_id, text, language, rate, PREVIEW_RATE)
    if spent:
        services.usage.add(user, TTS_CHARS, spent)
    return wav_bytes(audio, PREVIEW_RATE)


def png_bytes(rgb: np.ndarray) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "PNG", optimize=False)
    return buf.getvalue()


def avatar_png(avatar: Avatar, size: int = 256) -> bytes:
    """A still of the presenter at rest, as the video will frame it."""
    return png_bytes(still(avatar, size))


def find_avatar(library: Library, avatar_id: str | None, user: str = "") -> Avatar | None:
    """The built-in presenter or stored photo ``avatar_id`` (None: the first built-in)."""
    avatars = list_avatars(library, user)
    if not avatar_id:
        return avatars[0] if avatars else None
    return next((a for a in avatars if a.id == avatar_id), None)


def photo_suffix(data: bytes, name: str) -> str:
    """``.jpg`` or ``.png`` from the file's first bytes; InputError for anything else."""
    if len(data) > MAX_PHOTO_BYTES:
        raise InputError(
            "photo.upload_too_big", name=name, mb=len(data) / 1_048_576,
            limit_mb=MAX_PHOTO_BYTES // 1_048_576,
        )  # fmt: skip
    for magic, suffix in PHOTO_TYPES.items():
        if data.startswith(magic):
            return suffix
    raise InputError("photo.not_jpeg_png", name=name)


def add_photo(library: Library, data: bytes, name: str, user: str = "") -> tuple[Avatar, bytes]:
    """Check an upload (type, size, a face), store it, and return it with its cropped face."""
    from core.engines.local.photo import face_crop, locate
    from core.engines.local.presenters import remembered_face

    suffix = photo_suffix(data, name)
    crop = face_crop(data, 256, name=name)  # InputError: not an image, too large, no face
    stem = name.rsplit(".", 1)[0].strip() or "Photo"
    avatar = library.add_photo(data, stem, user, suffix=suffix)
    locate(data, name, remember=remembered_face(avatar))  # keep its landmarks beside it
    return avatar, png_bytes(crop)


def photo_advice(data: bytes, name: str = "photo") -> list[str]:
    """Advice ids on how well a photo will animate (small, blurred, turned, smiling, rough).

    Never refuses: a photo with no face at all is refused by ``add_photo`` instead.
    """
    from core.engines.local.photo import locate
    from core.engines.local.photo_advice import photo_advice as advise

    rgb, face = locate(data, name)
    return advise(rgb, face)
