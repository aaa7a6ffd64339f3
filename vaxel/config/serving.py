"""How `vaxel serve` runs uvicorn, in one place so the tests run the same server."""

from typing import Any

from django.conf import settings


def server_options(*, host: str, port: int, workers: int = 1) -> dict[str, Any]:
    return {
        "host": host,
        "port": port,
        "workers": workers,
        "timeout_graceful_shutdown": 3,  # open console streams must not hold a restart up
        "log_config": None,  # Django's logging, whose filter keeps phone numbers out (S3)
        # Forwarded headers only from the proxies the administrator names: anyone else's
        # X-Forwarded-For would choose the address that sign-in throttling counts.
        "proxy_headers": bool(settings.VAXEL_TRUSTED_PROXIES),
        "forwarded_allow_ips": settings.VAXEL_TRUSTED_PROXIES or None,
    }
