"""Counting in a fixed window (helpdesk.throttle): what the anonymous form's limits rest on,
in the configured cache (Redis when REDIS_URL is set)."""

import time
from datetime import UTC, datetime

import time_machine
from django.core.cache import cache

from helpdesk.throttle import rate_add, rate_add_many, rate_count


def test_counts_grow_within_a_window_and_start_again_in_the_next():
    cache.clear()
    with time_machine.travel(datetime(2026, 3, 1, 10, 0, 5, tzinfo=UTC), tick=False) as clock:
        assert rate_count("test:key", window=3600) == 0
        assert [rate_add("test:key", window=3600) for _ in range(3)] == [1, 2, 3]
        assert rate_count("test:key", window=3600) == 3
        assert rate_count("test:other", window=3600) == 0
        clock.move_to(datetime(2026, 3, 1, 11, 0, 1, tzinfo=UTC))
        assert rate_count("test:key", window=3600) == 0
        assert rate_add("test:key", window=3600) == 1


def test_a_key_gone_between_two_counts_starts_again(monkeypatch):
    cache.clear()
    real_add = cache.add

    def add_then_lose(key, value, timeout=None):  # another request created it, then it expired
        real_add(key, value, timeout=timeout)
        cache.delete(key)
        return False

    monkeypatch.setattr(cache, "add", add_then_lose)
    assert rate_add("test:gone", window=3600) == 1
    monkeypatch.undo()
    assert rate_add("test:gone", window=3600) == 2


def test_many_keys_are_counted_in_one_go_with_the_window_as_their_expiry():
    cache.clear()
    with time_machine.travel(datetime(2026, 3, 1, 10, 0, 5, tzinfo=UTC), tick=False):
        assert rate_add_many(["test:a", "test:b"], window=3600) == [1, 1]
        assert rate_add_many(["test:a", "test:b"], window=3600) == [2, 2]
        assert rate_add("test:a", window=3600) == 3
        assert (rate_count("test:a", window=3600), rate_count("test:b", window=3600)) == (3, 2)
        if hasattr(cache, "count_many"):  # Redis: the keys expire with their window
            client = cache._cache.get_client(None)
            ttl = client.ttl(cache.make_key(f"throttle:test:b:{int(time.time()) // 3600}"))
            assert 3600 < ttl <= 3605
