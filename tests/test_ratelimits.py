"""Per-key request limits in the database: a sliding minute, the wait it answers, and one
count shared by separate processes (not threads) on one database."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from pathlib import Path

import pytest

from core.config import Settings
from core.usecases import Parlante, RateLimits
from core.usecases.ratelimits import WINDOW_S, wait_for
from tests import procs
from tests.conftest import db_env

pytestmark = pytest.mark.usefixtures("backend")  # on SQLite and on PostgreSQL

SPAWN = multiprocessing.get_context("spawn")
T0 = 29_833_333 * WINDOW_S + 40.0  # 40 s into a minute


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def app(data_dir: Path) -> Iterator[Parlante]:
    parlante = Parlante.open(
        Settings.from_sources({**db_env(), "APP_DATA_DIR": str(data_dir)}), jobs=False
    )
    yield parlante
    parlante.close(timeout=5)


def test_a_burst_up_to_the_limit_then_the_wait_it_says_is_the_wait_it_takes(app: Parlante):
    clock = Clock(T0)
    limits = RateLimits(app.ctx, clock)
    assert [limits.take("k1", 3) for _ in range(3)] == [0.0, 0.0, 0.0]
    wait = limits.take("k1", 3)
    assert wait == pytest.approx(20.0 + WINDOW_S * (1 - 2 / 3))  # into the next minute
    assert limits.take("k2", 3) == 0.0  # each key has its own count
    clock.now = T0 + wait - 1.0
    assert limits.take("k1", 3) > 0  # not yet: a second early
    clock.now = T0 + wait + 0.01
    assert limits.take("k1", 3) == 0.0  # now it goes
    assert limits.take("k1", 3) > 0  # and just the one


def test_refused_requests_do_not_count_and_old_minutes_are_forgotten(app: Parlante) -> None:
    clock = Clock(T0)
    limits = RateLimits(app.ctx, clock)
    for _ in range(2):
        limits.take("k", 2)
    for _ in range(50):  # a client knocking again and again
        assert limits.take("k", 2) > 0
    clock.now = T0 + 2 * WINDOW_S  # two minutes later: the burst is forgotten
    assert [limits.take("k", 2) for _ in range(2)] == [0.0, 0.0]
    windows = app.ctx.services.library.db.all("SELECT window_start FROM api_rate")
    assert {row["window_start"] for row in windows} == {int(clock.now // WINDOW_S * WINDOW_S)}


def test_the_wait_formula() -> None:
    # room in this minute, the previous one weighs: waits until its share has fallen enough
    assert wait_for(10, previous=10, current=5, elapsed=0.0, window=60) == pytest.approx(36.0)
    assert wait_for(10, previous=0, current=5, elapsed=0.0, window=60) == 0.0
    # this minute alone is full: the rest of it, then until its own share has fallen
    assert wait_for(10, previous=0, current=10, elapsed=45.0, window=60) == pytest.approx(21.0)


def test_two_processes_share_one_count(data_dir: Path) -> None:
    n, per_minute = 2, 7
    barrier, results = SPAWN.Barrier(n), SPAWN.Queue()
    children = [
        SPAWN.Process(target=procs.take_requests,
                      args=(str(data_dir), "shared-key", per_minute, T0, 10, barrier, results))
        for _ in range(n)
    ]  # fmt: skip
    for child in children:
        child.start()
    answers = [results.get(timeout=120) for _ in children]
    for child in children:
        child.join(30)
    assert all(isinstance(a, int) for a in answers), answers
    assert sum(answers) == per_minute  # 20 asked in one minute, 7 let through in all
