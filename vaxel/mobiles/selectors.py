from django.utils.translation import gettext as _

from vaxel.core.phone import display
from vaxel.directory.models import NumberKind, Person
from vaxel.directory.selectors import organisation_get
from vaxel.mobiles.greetings import GreetingCheck, greeting_check, greeting_script
from vaxel.mobiles.models import VoicemailGreeting


def greeting_for(person: Person) -> dict:
    """The suggested script (a colleague in the unit as alternative, else the switchboard),
    the recorded text and its W4 check."""
    organisation = organisation_get()
    colleague = (
        Person.objects.filter(unit_id=person.unit_id, active=True, numbers__kind=NumberKind.DIRECT)
        .exclude(pk=person.pk)
        .order_by("name")
        .first()
    )
    if colleague is not None:
        number = colleague.numbers.filter(kind=NumberKind.DIRECT).first()
        alternative = f"{colleague.name} {display(number.e164) if number else ''}".strip()
    else:
        alternative = _("the switchboard on %(number)s") % {
            "number": display(organisation.switchboard_number) or ""
        }
    recorded = VoicemailGreeting.objects.filter(person=person).first()
    alternatives = [p.name for p in Person.objects.filter(unit_id=person.unit_id).exclude(pk=person.pk)]
    check: GreetingCheck | None = None
    if recorded is not None:
        check = greeting_check(
            recorded.text,
            name=person.name,
            workplace=person.unit.name,
            organisation=organisation.name,
            alternatives=alternatives,
        )
    return {
        "script": greeting_script(
            name=person.name,
            workplace=person.unit.name,
            organisation=organisation.name,
            alternative=alternative,
        ),
        "recorded": recorded.text if recorded else "",
        "check": check,
    }
