"""A Redis connection pool that stops knocking on a door that did not open.

django-redis's ``IGNORE_EXCEPTIONS`` turns an unreachable Redis into cache misses, but it
tries Redis again on every cache call. Where connecting fails at once (a closed port) that
costs nothing; where it times out (a host that is down, a firewall dropping packets) every
call costs ``SOCKET_CONNECT_TIMEOUT``, and a page makes several: measured, 3.7 s a page with
a 0.5 s timeout. So once a connection cannot be made, the pool refuses at once for
``RETRY_AFTER`` seconds (each refusal is a miss, as any other), then tries again.

Wired in as django-redis's ``CONNECTION_POOL_CLASS`` (settings ``CACHES``).
"""

from __future__ import annotations

import logging
import time

from redis import ConnectionPool
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER = 5.0


class QuickFailConnectionPool(ConnectionPool):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.down_until = 0.0

    def get_connection(self, *args, **kwargs):
        if time.monotonic() < self.down_until:
            raise RedisConnectionError("Redis was unreachable moments ago; not tried yet")
        try:
            return super().get_connection(*args, **kwargs)
        except (RedisConnectionError, RedisTimeoutError, OSError) as error:
            self.down_until = time.monotonic() + RETRY_AFTER
            logger.warning(
                "Redis unreachable (%s); not tried again for %.0f s",
                type(error).__name__,
                RETRY_AFTER,
            )
            raise
