"""The managers' weekly e-mails (C2 and the routine as a whole), sent once a week: a
missed service level from servicelevels, and the compliance summary from here."""

from datetime import date, datetime, timedelta

from django.db import transaction

from vaxel.access.roles import units_and_below
from vaxel.compliance.emails import summary_email
from vaxel.compliance.selectors import compliance_report
from vaxel.core.time import now
from vaxel.directory.models import Person, Unit
from vaxel.messaging.outbox import outbox_add
from vaxel.servicelevels.services import missed_service_levels_send, weekly_run_claim


@transaction.atomic
def compliance_summaries_send(*, monday: date) -> int:
    """Each manager gets the week's compliance findings for their units. Returns how many."""
    sent = 0
    for person in (
        Person.objects.filter(managed_units__isnull=False, active=True).exclude(email="").distinct()
    ):
        unit_ids = units_and_below(set(Unit.objects.filter(managers=person).values_list("id", flat=True)))
        findings = compliance_report(first=monday, last=monday + timedelta(days=6), unit_ids=unit_ids)
        subject, text = summary_email(person.name, monday, findings)
        outbox_add(recipients=[person.email], subject=subject, text=text)
        sent += 1
    return sent


def weekly_reports_send(*, at: datetime | None = None) -> int | None:
    """Mondays from VAXEL_WEEKLY_REPORT_AT (Stockholm time), once a week: each unit whose
    last week missed a target gets its managers an e-mail with the figures and the chart
    (C2); each manager gets the week's compliance summary. Returns the e-mails queued,
    or None when not due."""
    at = at or now()
    claimed = weekly_run_claim(at=at)
    if claimed is None:
        return None
    run, monday = claimed
    with transaction.atomic():
        run.sent = missed_service_levels_send(monday=monday, at=at) + compliance_summaries_send(monday=monday)
        run.save(update_fields=["sent"])
    return run.sent
