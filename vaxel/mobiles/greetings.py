"""W4: a voicemail greeting gives name, workplace and the organisation, and where to
turn to reach a colleague directly. Pure functions: the script, and the check."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from vaxel.core.language import in_organisation_language
from vaxel.directory.search import fold


@dataclass(frozen=True)
class GreetingCheck:
    name: bool
    workplace: bool
    organisation: bool
    alternative: bool

    @property
    def meets_routine(self) -> bool:
        return self.name and self.workplace and self.organisation and self.alternative

    @property
    def missing(self) -> list[str]:
        labels = {
            "name": _("your name"),
            "workplace": _("your workplace"),
            "organisation": _("the organisation"),
            "alternative": _("whom to call instead"),
        }
        return [str(label) for key, label in labels.items() if not getattr(self, key)]


@in_organisation_language
def greeting_script(*, name: str, workplace: str, organisation: str, alternative: str) -> str:
    """The greeting to record; `alternative` names a colleague and number, or the switchboard."""
    return _(
        "Hello, you have reached %(name)s at %(workplace)s, %(organisation)s. I cannot answer right now. "
        "Leave a message after the tone, or call %(alternative)s."
    ) % {"name": name, "workplace": workplace, "organisation": organisation, "alternative": alternative}


def greeting_check(
    text: str, *, name: str, workplace: str, organisation: str, alternatives: list[str]
) -> GreetingCheck:
    """Whether a greeting says what W4 asks. Case, å/ä/ö and spacing do not matter; the
    first name or the surname counts as the name; any one alternative contact counts."""
    spoken = " ".join(fold(text).split())

    def says(phrase: str) -> bool:
        return bool(phrase.strip()) and " ".join(fold(phrase).split()) in spoken

    return GreetingCheck(
        name=says(name) or any(says(part) for part in name.split() if len(part) > 2),
        workplace=says(workplace),
        organisation=says(organisation),
        alternative=any(says(a) for a in alternatives) or says(_switchboard()),
    )


@in_organisation_language
def _switchboard() -> str:
    """The switchboard as a greeting says it: in the organisation's language."""
    return _("the switchboard")
