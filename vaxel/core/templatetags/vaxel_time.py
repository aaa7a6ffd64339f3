"""Times as the switchboard says them: "14:30" today, "i morgon 08:00", else the day."""

from datetime import datetime, timedelta

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from vaxel.core.time import local, now

register = template.Library()


@register.filter
def spoken_time(at: datetime | None) -> str:
    if at is None:
        return ""
    moment, today = local(at), local(now()).date()
    clock = f"{moment:%H:%M}"
    if moment.date() == today:
        return clock
    if moment.date() == today + timedelta(days=1):
        return _("tomorrow %(clock)s") % {"clock": clock}
    return f"{date_format(moment, 'D j b')} {clock}"


@register.filter
def seconds_since(at: datetime | None) -> int:
    """Whole seconds from `at` until now, by the server's clock: a console ticks on from
    this, so a wrong clock on the operator's computer never shows a wrong waiting time."""
    return 0 if at is None else max(0, int((now() - at).total_seconds()))
