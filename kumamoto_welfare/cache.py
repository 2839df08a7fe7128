"""A Redis cache that degrades instead of failing.

The cache only ever holds copies of what the database knows (summaries, throttling counts),
so an unreachable Redis should cost speed, not availability: every read is a miss, every
write is dropped, and the request goes on from the database. After a failure the process
leaves Redis alone for ``RETRY_AFTER`` seconds, so that a page with many cache calls does not
wait for a dead server each time.
"""

from __future__ import annotations

import logging
import time
from functools import wraps

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_AFTER = 5.0


class CacheUnavailable(Exception):
    """Raised by ``TolerantRedisCache.ping`` when Redis does not answer."""


def _tolerant(fallback):
    """Run the method; on a Redis error note the outage and return ``fallback(args)``."""

    def decorate(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            if time.monotonic() < self._down_until:
                return fallback(*args, **kwargs)
            try:
                return method(self, *args, **kwargs)
            except (RedisError, OSError) as error:
                self._down_until = time.monotonic() + RETRY_AFTER
                logger.warning(
                    "Cache unavailable (%s); serving without it for %.0f s",
                    type(error).__name__,
                    RETRY_AFTER,
                )
                return fallback(*args, **kwargs)

        return wrapper

    return decorate


def _default(key, default=None, *args, **kwargs):
    return default


def _false(*args, **kwargs):
    return False


def _none(*args, **kwargs):
    return None


def _empty(*args, **kwargs):
    return {}


def _all_failed(data, *args, **kwargs):
    return list(data)


class TolerantRedisCache(RedisCache):
    _down_until = 0.0

    get = _tolerant(_default)(RedisCache.get)
    add = _tolerant(_false)(RedisCache.add)
    set = _tolerant(_none)(RedisCache.set)
    touch = _tolerant(_false)(RedisCache.touch)
    delete = _tolerant(_false)(RedisCache.delete)
    get_many = _tolerant(_empty)(RedisCache.get_many)
    has_key = _tolerant(_false)(RedisCache.has_key)
    set_many = _tolerant(_all_failed)(RedisCache.set_many)
    delete_many = _tolerant(_none)(RedisCache.delete_many)
    clear = _tolerant(_false)(RedisCache.clear)

    @_tolerant(lambda key, delta=1, version=None: delta)
    def incr(self, key, delta=1, version=None):
        return super().incr(key, delta, version)

    def get_or_set(self, key, default, timeout=DEFAULT_TIMEOUT, version=None):
        # BaseCache's version reads the key again after add(); with Redis gone that read is
        # a miss and would return None instead of the computed value.
        value = self.get(key, version=version)
        if value is None:
            value = default() if callable(default) else default
            if value is not None:
                self.add(key, value, timeout=timeout, version=version)
        return value

    def ping(self) -> None:
        """Raise CacheUnavailable unless Redis answers now (for /healthz)."""
        try:
            self._cache.get_client(write=True).ping()
        except (RedisError, OSError) as error:
            raise CacheUnavailable(type(error).__name__) from error
