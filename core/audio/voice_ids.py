"""Which voices a speech server speaks: ids with the ``tts:`` prefix.

Apart from core/audio/speech_server.py so that telling voices apart costs no import of the
server's HTTP client (the offline engine asks on every render).
"""

from __future__ import annotations

PREFIX = "tts:"


def is_server_voice(voice_id: str | None) -> bool:
    return bool(voice_id) and voice_id.startswith(PREFIX)  # type: ignore[union-attr]
