"""Webhooks: signed with the documented recipe (run from docs/api.md), one delivery per
finished video, retried with backoff for a day, every attempt recorded, and still
delivered after a restart (the schedule lives in the database)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from core.api import create_app
from core.config import Settings
from core.errors import RenderRejected
from core.usecases import DONE, FAILED, Parlante
from core.usecases.webhooks import GIVE_UP_AFTER_S
from tests import fake_engine
from tests.conftest import db_env

pytestmark = pytest.mark.usefixtures("backend")  # on SQLite and on PostgreSQL

ANA = "ana@example.org"
HOOK = "https://hooks.example.org/parlante"
ROOT = Path(__file__).resolve().parent.parent


def documented_verify() -> Any:
    """The ``verify`` function exactly as docs/api.md shows it."""
    text = (ROOT / "docs" / "api.md").read_text()
    code = next(b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "def verify" in b)
    scope: dict[str, Any] = {}
    exec(compile(code, "docs/api.md", "exec"), scope)
    return scope["verify"]


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Receiver:
    """Records every POST; answers with the scripted statuses (or raises for "down")."""

    def __init__(self, *answers: int | str) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[str, bytes, dict[str, str]]] = []

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        self.calls.append((url, body, headers))
        answer = self.answers.pop(0) if self.answers else 200
        if answer == "down":
            raise ConnectionError("refused")
        return int(answer)


def open_app(data_dir: Path) -> Parlante:
    app = Parlante.open(Settings.from_sources({**db_env(), "APP_DATA_DIR": str(data_dir)}))
    app.webhooks.inside = lambda host: host != "hooks.example.org"  # no DNS in tests
    return app


@pytest.fixture
def parlante(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Parlante]:
    fake_engine.install(monkeypatch, "local")
    app = open_app(data_dir)
    yield app
    app.close(timeout=5)


def submit(parlante: Parlante, text: str = "Hola a todos.") -> tuple[str, str, TestClient]:
    new = parlante.apikeys.create(ANA)
    client = TestClient(create_app(parlante, webhooks=False))
    got = client.post("/v1/videos", json={"text": text, "webhook_url": HOOK},
                      headers={"Authorization": f"Bearer {new.key}"})  # fmt: skip
    assert got.status_code == 202, got.text
    video_id = got.json()["id"]
    parlante.ctx.runner.wait(video_id, timeout=30)
    return video_id, new.webhook_secret, client


def dispatch(client: TestClient, send: Receiver) -> int:
    dispatcher = client.app.state.dispatcher  # type: ignore[attr-defined]
    dispatcher.send = send
    return dispatcher.run_once()


def test_a_finished_video_is_posted_once_signed_as_documented(parlante: Parlante) -> None:
    video_id, secret, client = submit(parlante)
    receiver = Receiver(200)
    assert dispatch(client, receiver) == 1
    assert dispatch(client, receiver) == 0  # once
    url, body, headers = receiver.calls[0]
    assert url == HOOK
    event = json.loads(body)
    assert event["type"] == headers["Parlante-Event"] == "video.succeeded"
    assert event["data"]["id"] == video_id and event["data"]["status"] == DONE
    assert event["data"]["links"]["video"].endswith(f"/v1/videos/{video_id}/video.mp4")
    verify = documented_verify()
    signature = headers["Parlante-Signature"]
    assert verify(secret, signature, body)
    assert not verify(secret, signature, body.replace(b"succeeded", b"failed"))
    assert not verify("whsec_wrong", signature, body)
    stale = re.sub(r"t=\d+", lambda m: f"t={int(m.group()[2:]) - 3600}", signature)
    assert not verify(secret, stale, body)
    deliveries = parlante.webhooks.deliveries(ANA, video_id)
    assert [(d.status, d.attempts, d.last_code) for d in deliveries] == [("delivered", 1, 200)]


def test_a_failed_video_sends_video_failed(parlante: Parlante) -> None:
    fake_engine.CONTROL.fail_with = RenderRejected("did.rejected_kind", kind="FaceError")
    video_id, _secret, client = submit(parlante)
    assert parlante.ctx.runner.get(video_id).status == FAILED  # type: ignore[union-attr]
    receiver = Receiver(204)
    dispatch(client, receiver)
    event = json.loads(receiver.calls[0][1])
    assert event["type"] == "video.failed"
    assert event["data"]["error"]["message"]


def test_retried_with_backoff_for_a_day_each_attempt_recorded(parlante: Parlante) -> None:
    video_id, _secret, client = submit(parlante)
    clock = Clock(parlante.webhooks.clock())
    parlante.webhooks.clock = clock
    receiver = Receiver(500, "down", *([503] * 40))
    dispatch(client, receiver)
    [first] = parlante.webhooks.deliveries(ANA, video_id)
    assert (first.status, first.attempts, first.last_code) == ("pending", 1, 500)
    assert first.next_at == pytest.approx(clock.now + 10)
    assert dispatch(client, receiver) == 0  # not due yet
    clock.now = first.next_at
    assert dispatch(client, receiver) == 1
    second = parlante.webhooks.deliveries(ANA, video_id)[0]
    assert (second.attempts, second.last_code, second.last_error) == (2, None, "ConnectionError")
    waits = [10.0]
    while parlante.webhooks.deliveries(ANA, video_id)[0].status == "pending":
        current = parlante.webhooks.deliveries(ANA, video_id)[0]
        waits.append(current.next_at - clock.now)
        clock.now = current.next_at
        assert dispatch(client, receiver) == 1
    last = parlante.webhooks.deliveries(ANA, video_id)[0]
    assert last.status == "failed" and last.last_code == 503
    assert waits[:6] == pytest.approx([10, 60, 300, 1800, 3600, 7200])
    assert max(waits) == pytest.approx(4 * 3600)
    assert GIVE_UP_AFTER_S - 4 * 3600 <= clock.now - first.created_at <= GIVE_UP_AFTER_S
    assert last.attempts == len(receiver.calls) == len(waits) + 1


def test_deliveries_survive_a_restart(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_engine.install(monkeypatch, "local")
    first = open_app(data_dir)
    video_id, secret, client = submit(first)
    dispatch(client, Receiver("down"))
    first.close(timeout=5)

    second = open_app(data_dir)  # a new process would see the same rows
    try:
        clock = Clock(second.webhooks.clock() + 11)
        second.webhooks.clock = clock
        receiver = Receiver(200)
        dispatch(TestClient(create_app(second, webhooks=False)), receiver)
        assert documented_verify()(secret, receiver.calls[0][2]["Parlante-Signature"],
                                   receiver.calls[0][1])  # fmt: skip
        [delivery] = second.webhooks.deliveries(ANA, video_id)
        assert (delivery.status, delivery.attempts, delivery.last_error) == ("delivered", 2, "")
    finally:
        second.close(timeout=5)


def test_a_name_that_resolves_inside_is_never_sent_to(parlante: Parlante) -> None:
    video_id, _secret, client = submit(parlante)
    parlante.webhooks.inside = lambda host: True  # DNS now points into the private network
    receiver = Receiver(200)
    dispatch(client, receiver)
    assert receiver.calls == []
    [delivery] = parlante.webhooks.deliveries(ANA, video_id)
    assert delivery.status == "pending" and "private" in delivery.last_error


def test_deliveries_are_listed_by_the_api_for_their_owner_only(parlante: Parlante) -> None:
    video_id, _secret, client = submit(parlante)
    dispatch(client, Receiver(200))
    ana = {"Authorization": f"Bearer {parlante.apikeys.create(ANA).key}"}
    bob = {"Authorization": f"Bearer {parlante.apikeys.create('bob@example.org').key}"}
    listed = client.get(f"/v1/videos/{video_id}/deliveries", headers=ana).json()["data"]
    assert [(d["event"], d["status"]) for d in listed] == [("video.succeeded", "delivered")]
    assert client.get(f"/v1/videos/{video_id}/deliveries", headers=bob).status_code == 404
