"""Numbers that must not be rung, whatever the directory says: a work mobile reported
lost or stolen (W1) until it is found or replaced. The app that knows (mobiles, above
routing) registers a provider in its AppConfig.ready, so routing asks without importing
it (STYLE: layers only point down)."""

from collections.abc import Callable

Provider = Callable[[], set[str]]
_providers: list[Provider] = []


def provider_register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def numbers_out_of_service() -> set[str]:
    """The E.164 numbers no call is routed or put through to now."""
    found: set[str] = set()
    for provider in _providers:
        found |= provider()
    return found
