"""Recording is off unless turned on (VAXEL_VOICEMAIL_RECORDING): then a caller is
recorded only where a voicemail is offered, after being told that they are recorded
and for how long; no other call audio is kept (the queue and the announcements are
played, never listened to). How long a recording is kept is the records plan's, which
the records app provides here when it starts (layers only point down)."""

from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

_retention_days: Callable[[], int | None] = lambda: None  # noqa: E731


def retention_days_provide(provider: Callable[[], int | None]) -> None:
    """The records app tells how many days a voicemail recording is kept (None: kept)."""
    global _retention_days
    _retention_days = provider


RECORDINGS = "recordings"  # the data folder's, for every voicemail recording


def recording_save(name: str, wav: bytes) -> str:
    """A recording kept in the data folder's recordings/; its name as the records keep it
    (relative to the data folder, as Message.recording is)."""
    folder = Path(settings.DATA_DIR) / RECORDINGS
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(wav)
    return f"{RECORDINGS}/{name}"


def recording_path(name: str) -> Path | None:
    """The file a recording's name points to in the data folder; None when there is no
    name, the file is gone (thinned), or the name points outside the data folder."""
    if not name:
        return None
    root = Path(settings.DATA_DIR).resolve()
    path = (root / name).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None


def voicemail_recording_on() -> bool:
    return bool(settings.VAXEL_VOICEMAIL_RECORDING)


def recording_notice(days: int | None) -> str:
    """What a caller hears after the greeting: that the message is recorded and how long
    it is kept; or, with recording off, that no message can be left."""
    if not voicemail_recording_on():
        return _("No message can be left here. Call again later or call the switchboard.")
    if days is None:
        return _("Your message is recorded after the tone.")
    return ngettext(
        "Your message is recorded after the tone and kept for at most %(days)d day.",
        "Your message is recorded after the tone and kept for at most %(days)d days.",
        days,
    ) % {"days": days}


def switchboard_voicemail_greeting(organisation: str) -> str:
    """What a caller sent on to the switchboard's voicemail (the overflow) hears first;
    the recording notice follows."""
    return _(
        "You have reached the switchboard of %(organisation)s. No operator can answer right now. "
        "You can leave a message for the switchboard after the tone."
    ) % {"organisation": organisation}


def voicemail_notice() -> str:
    return recording_notice(_retention_days())
