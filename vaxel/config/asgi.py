import asyncio
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaxel.config.settings")


def build_application():
    """Växel's ASGI application (`vaxel serve` runs the one below; tests build their own
    after changing settings): Django, except the PBX's route question, answered before
    any middleware, since it is asked for every call and must take well under a
    millisecond."""
    django_application = get_asgi_application()
    from vaxel.telephony.views import asgi_route

    async def application(scope, receive, send):
        if scope["type"] == "http" and scope["path"] == "/pbx/route/":
            await asgi_route(scope, receive, send)
        elif scope["type"] == "http":
            await streams_ended_at_shutdown(django_application, scope, receive, send)
        else:
            await django_application(scope, receive, send)

    return application


async def streams_ended_at_shutdown(app, scope, receive, send) -> None:
    """A server that stops cancels the responses still running: the consoles' live
    streams, which never end by themselves. Such a stream is ended as a stream ends (the
    console reconnects, to another process or after the restart), not reported as an
    error; anything cancelled before its answer began is cancelled as usual."""
    state = {"started": False, "complete": False}

    async def tracked(message) -> None:
        if message["type"] == "http.response.start":
            state["started"] = True
        elif message["type"] == "http.response.body" and not message.get("more_body", False):
            state["complete"] = True
        await send(message)

    try:
        await app(scope, receive, tracked)
    except asyncio.CancelledError:
        if not state["started"] or state["complete"]:
            raise
        await send({"type": "http.response.body", "body": b"", "more_body": False})


application = build_application()
