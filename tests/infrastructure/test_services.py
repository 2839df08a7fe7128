"""The cache and the Celery broker, against whatever the environment configures: local
memory on the embedded default, the real Redis when REDIS_URL is set (as in CI)."""

import uuid

from django.conf import settings
from django.core.cache import cache

from kumamoto_welfare.celery import app


def test_cache_round_trip():
    key = f"test:{uuid.uuid4()}"
    cache.set(key, {"施策": 1}, timeout=30)
    assert cache.get(key) == {"施策": 1}
    cache.delete(key)
    assert cache.get(key) is None


def test_broker_carries_a_message_there_and_back():
    queue_name = f"kumamoto-welfare-test-{uuid.uuid4()}"
    with app.connection_for_write() as connection:
        queue = connection.SimpleQueue(queue_name)
        try:
            queue.put({"fiscal_year": 2013})
            message = queue.get(timeout=5)
            message.ack()
            assert message.payload == {"fiscal_year": 2013}
        finally:
            queue.queue.delete()
            queue.close()


def test_the_broker_is_the_configured_one():
    if settings.REDIS_URL:
        assert app.conf.broker_url == settings.REDIS_URL
        assert not app.conf.task_always_eager
    else:
        assert app.conf.broker_url == "memory://"
        assert app.conf.task_always_eager
