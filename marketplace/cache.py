"""The Redis cache backend, made to fail open when Redis is unreachable."""

from django_redis.cache import RedisCache, omit_exception


class ResilientRedisCache(RedisCache):
    """django-redis with errors ignored, and add() reporting success while Redis is down.

    Locks built on cache.add() (allauth's rate limiter) would otherwise spin until their
    timeout and refuse every log-in and password reset during an outage; we choose to keep
    the site usable and skip rate limiting until Redis is back.
    """

    @omit_exception(return_value=True)
    def add(self, *args, **kwargs):
        return self.client.add(*args, **kwargs)
