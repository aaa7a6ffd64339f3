"""Two languages, kept apart: what callers hear and what the operator says to them is
always the organisation's language (`LANGUAGE_CODE`, set by `VAXEL_LANGUAGE`; Swedish
by default), while the pages around it follow each user's choice (their profile, then
the browser). A function that makes text for callers (greetings, announcements, the
answer phrase, voicemail scripts) or for e-mail is wrapped in `in_organisation_language`,
so it gives the same words whichever language the request that asked for it is in."""

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from django.conf import settings
from django.utils import translation

P = ParamSpec("P")
R = TypeVar("R")


def organisation_language() -> str:
    """The language callers hear: the organisation's, not the browser's."""
    return settings.LANGUAGE_CODE


def in_organisation_language(make: Callable[P, R]) -> Callable[P, R]:
    """`make` speaks the organisation's language, whatever language is active."""

    @wraps(make)
    def spoken(*args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override(organisation_language()):
            return make(*args, **kwargs)

    return spoken


def ui_language(requested: str | None) -> str | None:
    """A language code the pages can be shown in, or None."""
    codes = {code for code, _name in settings.LANGUAGES}
    return requested if requested in codes else None


def languages(request) -> dict[str, str]:
    """Template context: the language callers hear, for `lang` on the words said to them."""
    return {"callers_language_code": organisation_language()}
