"""Django's Redis cache, degrading to no cache while Redis cannot be reached.

Every read then misses and every write is dropped, so pages are computed afresh instead
of failing (the cache holds only what can be recomputed: permission sets, rate-limit
counts). After a connection error Redis is left alone for ``RETRY_SECONDS`` so that a
dead server costs one failed connect per process now and then, not one per cache call.
https://docs.djangoproject.com/en/6.1/topics/cache/#redis
"""

import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.db import transaction
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)


class _Miss:
    """What a call returns while Redis is unreachable."""


def _degrading(fallback: Callable[..., Any]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(method: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(method)
        def call(self: "ResilientRedisCacheClient", *args: Any, **kwargs: Any) -> Any:
            if time.monotonic() < ResilientRedisCacheClient.down_until:
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as exc:
                ResilientRedisCacheClient.down_until = time.monotonic() + RETRY_SECONDS
                logger.warning("cache unreachable (%s); serving without it for %ss", exc, RETRY_SECONDS)
                return fallback(*args, **kwargs)

        return call

    return decorate


def _incr_fallback(*args: Any, **kwargs: Any) -> int:
    raise ValueError("the cache is unreachable")  # as for a missing key: callers set it instead


class ResilientRedisCacheClient(RedisCacheClient):
    down_until = 0.0

    def get_client(self, key: str | None = None, *, write: bool = False) -> Any:
        """One ``redis.Redis`` per connection pool, made once. Django makes a new one for
        every cache call, and building one fills a table of ~170 response callbacks: four
        of them were a millisecond of CPU per help-center ticket (docs/benchmarks.md,
        "Session 4 of issue 11"). The object only borrows connections from its pool, so
        threads can share it; after a fork the pool replaces its connections itself."""
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None or client.connection_pool is not pool:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client

    # As Django's dummy cache: nothing was there, so the key counts as added. A guard built
    # on add() (one submission per form token, a challenge used once) lets the request
    # through rather than refusing every one while Redis is away.
    add = _degrading(lambda *a, **k: True)(RedisCacheClient.add)
    get = _degrading(lambda key, default, *a, **k: default)(RedisCacheClient.get)
    set = _degrading(lambda *a, **k: None)(RedisCacheClient.set)
    touch = _degrading(lambda *a, **k: False)(RedisCacheClient.touch)
    delete = _degrading(lambda *a, **k: False)(RedisCacheClient.delete)
    get_many = _degrading(lambda *a, **k: {})(RedisCacheClient.get_many)
    has_key = _degrading(lambda *a, **k: False)(RedisCacheClient.has_key)
    incr = _degrading(_incr_fallback)(RedisCacheClient.incr)
    set_many = _degrading(lambda *a, **k: [])(RedisCacheClient.set_many)
    delete_many = _degrading(lambda *a, **k: None)(RedisCacheClient.delete_many)
    clear = _degrading(lambda *a, **k: False)(RedisCacheClient.clear)

    @_degrading(lambda keys, timeout: [1 for _key in keys])  # as rate counts do without a cache
    def count_many(self, keys: list[str], timeout: int) -> list[int]:
        """Count each key once more, in one round trip: a key missing (the first count of a
        window) is created at 0 with ``timeout`` (``SET NX EX``), then incremented."""
        pipeline = self.get_client(None, write=True).pipeline(transaction=False)
        for key in keys:
            pipeline.set(key, self._serializer.dumps(0), ex=timeout, nx=True)
            pipeline.incr(key)
        return [int(count) for count in pipeline.execute()[1::2]]


class ResilientRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ResilientRedisCacheClient

    def count_many(self, keys: list[str], timeout: int, version: int | None = None) -> list[int]:
        names = [self.make_and_validate_key(key, version=version) for key in keys]
        return self._cache.count_many(names, timeout)


class CacheVersion:
    """A number kept in the cache under ``key`` and put into other cache keys: bumping it
    makes every entry stored under the old number unreachable at once (in every process
    with Redis; with per-process memory, in this one, the others keeping theirs until their
    entries expire)."""

    def __init__(self, key: str) -> None:
        self.key = key

    def current(self) -> int:
        version = cache.get(self.key)
        if version is None:
            cache.add(self.key, 1, timeout=None)  # keeps a version another process set meanwhile
            version = cache.get(self.key, 1)
        return int(version)

    def bump(self) -> None:
        try:
            cache.incr(self.key)
        except ValueError:  # no version yet (or the cache is unreachable): start one above any
            cache.set(self.key, self.current() + 1, timeout=None)

    def changed(self, **_: Any) -> None:
        """Signal receiver: bump at once and again at commit, so that a request that read the
        old rows meanwhile cannot leave them cached under the new number."""
        self.bump()
        transaction.on_commit(self.bump)
