from django.db import transaction
from django.utils.translation import gettext as _

from vaxel.audit.models import ChangeAction
from vaxel.audit.services import change_record
from vaxel.directory.models import Person
from vaxel.mobiles.errors import InvalidGreeting
from vaxel.mobiles.models import VoicemailGreeting


@transaction.atomic
def greeting_record(*, person: Person, text: str, actor=None) -> VoicemailGreeting:
    """W4: keep the greeting text the person uses, to check it against the routine."""
    text = (text or "").strip()
    if not text or len(text) > 1000:
        raise InvalidGreeting(
            _("Write the greeting as you recorded it (at most 1,000 characters)."),
        )
    greeting, _created = VoicemailGreeting.objects.update_or_create(person=person, defaults={"text": text})
    change_record(
        actor=actor,
        entity="voicemail_greeting",
        entity_id=person.pk,
        action=ChangeAction.UPDATED,
        unit=person.unit,
        summary=_("%(name)s recorded a voicemail greeting") % {"name": person.name},
        after={"text": text},
    )
    return greeting
