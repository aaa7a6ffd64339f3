"""The cache on Redis at scale (the API's throttle counts, shared by every server
process), which keeps working when Redis does not: while Redis is down each process
counts in its own memory, so the limits still hold per process and no request fails
because the cache is away. Back on Redis by itself when Redis answers again."""

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from vaxel.core.outage import REDIS, is_connection_error

METHODS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._fallback = LocMemCache("vaxel-redis-fallback", {"TIMEOUT": params.get("TIMEOUT", 300)})


def _resilient(name: str):
    on_redis = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        if REDIS.available():
            try:
                result = on_redis(self, *args, **kwargs)
            except Exception as error:
                if not is_connection_error(error):
                    raise
                REDIS.failed(error)
            else:
                REDIS.succeeded()
                return result
        return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = name
    return method


for _name in METHODS:
    setattr(ResilientRedisCache, _name, _resilient(_name))
