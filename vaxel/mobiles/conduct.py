"""The routine's conduct rules for work mobiles (W1 care, W3 hands-free, E9 and P1
private use), shown to employees on Min sida as the organisation's own text. Pure."""

from django.utils.translation import gettext as _


def default_rules() -> list[str]:
    """The routine's own words (in the organisation's language), one rule a paragraph."""
    return [
        _("Keep the work mobile in a safe place; never leave it unattended in a car or anywhere else (W1)."),
        _("You make sure the subscription is not misused (W2)."),
        _("When you drive on duty, always use hands-free (W3)."),
        _(
            "Use voicemail on the subscription; the greeting gives your name, your workplace and "
            "%(organisation)s, and whom to call instead (W4)."
        ),
        _("Private calls are to be avoided, but are allowed (E9)."),
        _("Private internet and social media on the work mobile are not allowed during working hours (P1)."),
    ]


def conduct_text(configured: str, *, organisation: str) -> list[str]:
    """The rules as paragraphs: the organisation's own text when it has one (one rule a
    line; %(organisation)s stands for its name), else the routine's words."""
    lines = [line.strip() for line in configured.replace("\\n", "\n").splitlines() if line.strip()]
    name = organisation or _("the organisation")
    filled = []
    for line in lines or default_rules():
        try:
            filled.append(line % {"organisation": name})
        except (KeyError, ValueError, TypeError):  # a stray % in the organisation's own text
            filled.append(line)
    return filled
