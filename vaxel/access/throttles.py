"""The API's rate limits (429 with Retry-After): per token or signed-in person, and per
address for everyone together. The telephone system's own tokens (route and events
only) have a limit of their own, far above any PBX's call rate."""

from rest_framework.throttling import SimpleRateThrottle

from vaxel.access.authentication import token_of

PBX_SCOPES = {"route", "events"}


class PerClient(SimpleRateThrottle):
    scope = "client"

    def allow_request(self, request, view) -> bool:
        token = token_of(request)
        self.scope = "pbx" if token is not None and set(token.scopes) <= PBX_SCOPES else "client"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view) -> str:
        token = token_of(request)
        if token is not None:
            who = f"token:{token.pk}"
        elif request.user and request.user.is_authenticated:
            who = f"user:{request.user.pk}"
        else:
            who = f"address:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": who}


class PerAddress(SimpleRateThrottle):
    scope = "address"

    def get_cache_key(self, request, view) -> str | None:
        token = token_of(request)
        if token is not None and set(token.scopes) <= PBX_SCOPES:
            return None  # the PBX sends every call from one address
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
