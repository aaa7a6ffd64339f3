import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaxel.config.settings")
django_application = get_asgi_application()

from vaxel.telephony.views import asgi_route  # noqa: E402 (after Django is set up)


async def application(scope, receive, send):
    """Django, except the PBX's route question, answered before any middleware: it is
    asked for every call and must take well under a millisecond."""
    if scope["type"] == "http" and scope["path"] == "/pbx/route/":
        await asgi_route(scope, receive, send)
        return
    await django_application(scope, receive, send)
