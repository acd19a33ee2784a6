"""core.voicelist: a provider's voice list never makes a page wait."""

from __future__ import annotations

import threading

from core.errors import ProviderTimeout
from core.models import Voice
from core.services import Services
from core.voicelist import VoiceCatalogue

ANDREA = Voice("es-EC-AndreaNeural", "Andrea", "es-EC", "female", "did")


class SlowProvider:
    """An engine whose voices come over a network that answers when the test says so."""

    class capabilities:  # reads like the engines' Capabilities value
        network_voices = True

    def __init__(self) -> None:
        self.release = threading.Event()
        self.fail: Exception | None = None
        self.calls = 0

    def voices(self, language: str | None = None) -> list[Voice]:
        self.calls += 1
        if not self.release.wait(30):
            raise AssertionError("never released")
        if self.fail is not None:
            raise self.fail
        return [ANDREA]


def test_a_slow_provider_list_is_fetched_in_the_background(services: Services) -> None:
    slow = SlowProvider()
    services._engines["did"] = slow
    now = [0.0]
    catalogue = VoiceCatalogue(services, ttl=3600, clock=lambda: now[0])
    first = catalogue.get("did", "es")  # returns at once, though the provider hangs
    assert first.loading and first.voices == [] and slow.calls <= 1
    assert catalogue.get("did", "es").loading  # one fetch at a time
    slow.release.set()
    ready = catalogue.wait("did", "es")
    assert ready.voices == [ANDREA] and not ready.loading and slow.calls == 1
    now[0] = 3601  # stale: the old list is shown while a refresh fails in the background
    slow.fail = ProviderTimeout("did.unreachable", url="x", where="GET /tts/voices")
    assert catalogue.get("did", "es").voices == [ANDREA]
    with catalogue._changed:
        catalogue._changed.wait_for(lambda: catalogue._entries[("did", "es")].value.error, 10)
    after = catalogue.get("did", "es")
    assert after.voices == [ANDREA] and isinstance(after.error, ProviderTimeout)


def test_local_voices_are_listed_directly(services: Services) -> None:
    catalogue = VoiceCatalogue(services)
    found = catalogue.get("local", "es")
    assert not found.loading and found.voices and found.error is None
