"""The cache backend for a REDIS_URL: Django's RedisCache, failing soft.

A cache outage must cost speed only. While Redis is unreachable this backend answers as
Django's DummyCache does (nothing is stored, every read misses, `add` succeeds), which is
what a cache is allowed to do anyway: it may forget anything at any moment. So every caller
keeps working unchanged: the dashboards compute their figures live, and allauth's rate
limits (allauth.core.internal.ratelimit, which takes a lock with `cache.add` and keeps each
history under one key) find no history and let the request through, "not limited".

Failing soft here, rather than in each caller, keeps one rule for everything that touches
the cache, including callers we do not own. After a failure the backend does not try Redis
again for RETRY_SECONDS: a Redis that hangs rather than refuses would otherwise cost every
cache call its socket timeout, and one sign-in makes a dozen of them. The failure is logged
once per such pause (per thread), not once per call.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5.0


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._stand_in = DummyCache(server, params)
        # Django keeps one backend instance per thread, so this needs no lock.
        self._down_until = 0.0

    def is_down(self) -> bool:
        return time.monotonic() < self._down_until

    def _went_down(self, error: RedisError) -> None:
        self._down_until = time.monotonic() + RETRY_SECONDS
        # The error names host and port only, never the URL's password.
        logger.warning(
            "Cache unavailable (%s: %s); serving without it for %ss, rate limits are off.",
            type(error).__name__,
            error,
            RETRY_SECONDS,
        )


def _fail_soft(name: str) -> Callable:
    redis_method = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        if not self.is_down():
            try:
                return redis_method(self, *args, **kwargs)
            except RedisError as error:
                self._went_down(error)
        return getattr(self._stand_in, name)(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = redis_method.__doc__
    return method


# Every operation RedisCache sends to Redis; BaseCache builds the rest (get_or_set, decr,
# incr_version…) from these, so they fail soft too.
for _name in (
    "add", "get", "set", "touch", "delete", "get_many", "has_key", "incr", "set_many",
    "delete_many", "clear",
):  # fmt: skip
    setattr(FailSoftRedisCache, _name, _fail_soft(_name))
