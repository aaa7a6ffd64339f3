"""The e-mails about work mobiles, in the organisation's language, as plain text. The
blockers (the IT service desk, the mobile operator) are told the number, ICCID and IMEI:
they need them to block the subscription. Everyone else is told no digits of a mobile
whose holder has not consented (S3)."""

from django.conf import settings
from django.utils.translation import gettext as _

from vaxel.core.language import in_organisation_language
from vaxel.core.phone import display
from vaxel.core.time import local
from vaxel.directory.models import Person
from vaxel.directory.selectors import organisation_get
from vaxel.mobiles.models import LossReport, Subscription


def _stamp(at) -> str:
    return f"{local(at):%Y-%m-%d %H:%M}"


def _facts(subscription: Subscription) -> str:
    device = subscription.device
    return "\n".join(
        [
            _("Number: %(number)s") % {"number": display(subscription.number)},
            _("Mobile operator: %(operator)s") % {"operator": subscription.operator},
            _("ICCID (SIM): %(iccid)s") % {"iccid": subscription.iccid},
            _("IMEI: %(imei)s") % {"imei": device.imei if device else "–"},
            _("Model: %(model)s") % {"model": (device.model if device else "") or "–"},
            _("Cost centre: %(cost_centre)s") % {"cost_centre": subscription.cost_centre or "–"},
        ]
    )


@in_organisation_language
def block_request(report: LossReport, holder: Person | None) -> tuple[str, str]:
    """To whoever blocks subscriptions: block this one now."""
    subject = _("Block work mobile: reported %(kind)s (case %(case)d)") % {
        "kind": report.get_kind_display(),
        "case": report.pk,
    }
    text = "\n\n".join(
        [
            _(
                "A work mobile of %(organisation)s has been reported %(kind)s. Please block the "
                "subscription (and the device, if stolen) and confirm with the case number."
            )
            % {"organisation": organisation_get().name, "kind": report.get_kind_display()},
            _facts(report.subscription),
            _("Holder: %(name)s, %(unit)s") % {"name": holder.name, "unit": holder.unit.name}
            if holder
            else _("Holder: nobody in the registry"),
            _("When: %(when)s. Reported %(reported)s (%(channel)s).")
            % {
                "when": _stamp(report.happened_at),
                "reported": _stamp(report.reported_at),
                "channel": report.get_channel_display(),
            },
            _("How and where: %(circumstances)s") % {"circumstances": report.circumstances or "–"},
            _("Confirm the block in Växel: %(link)s or 'vaxel mobile blocked %(case)d'.")
            % {"link": f"{settings.VAXEL_BASE_URL}/mobiler/", "case": report.pk},
        ]
    )
    return subject, text


@in_organisation_language
def unblock_request(report: LossReport) -> tuple[str, str]:
    """To whoever blocks subscriptions: the phone was found, or replaced (new SIM or device)."""
    subject = _("Work mobile %(outcome)s (case %(case)d)") % {
        "outcome": report.get_outcome_display(),
        "case": report.pk,
    }
    text = "\n\n".join(
        [
            _("The work mobile reported %(kind)s on %(when)s is %(outcome)s. %(note)s")
            % {
                "kind": report.get_kind_display(),
                "when": _stamp(report.reported_at),
                "outcome": report.get_outcome_display(),
                "note": report.resolution_note,
            },
            _facts(report.subscription),
            _("Lift the block, or activate the new SIM, as agreed with the mobile operator."),
        ]
    )
    return subject, text


@in_organisation_language
def manager_notice(report: LossReport, holder: Person) -> tuple[str, str]:
    """To the holder's manager: no digits (the manager may not be entitled to them, S3)."""
    subject = _("%(name)s's work mobile is reported %(kind)s") % {
        "name": holder.name,
        "kind": report.get_kind_display(),
    }
    text = _(
        "%(name)s (%(unit)s) reported the work mobile %(kind)s on %(reported)s. Whoever blocks "
        "subscriptions has been told, and Växel routes no calls to it until it is found or "
        "replaced (W1). See %(link)s"
    ) % {
        "name": holder.name,
        "unit": holder.unit.name,
        "kind": report.get_kind_display(),
        "reported": _stamp(report.reported_at),
        "link": f"{settings.VAXEL_BASE_URL}/mobiler/",
    }
    return subject, text


@in_organisation_language
def greeting_reminder(holder: Person, missing: list[str]) -> tuple[str, str]:
    """W4: the work mobile's voicemail greeting is missing or lacks something."""
    subject = _("Your work mobile's voicemail greeting (W4)")
    what = (
        _("Växel has no voicemail greeting on record for your work mobile.")
        if not missing
        else _("Your work mobile's voicemail greeting lacks %(what)s.") % {"what": ", ".join(missing)}
    )
    text = "\n\n".join(
        [
            _("Hello %(name)s,") % {"name": holder.name},
            what,
            _(
                "The routine asks for a greeting with your name, your workplace and %(organisation)s, "
                "and whom to call instead. Record it on the phone and write it on Min sida: %(link)s"
            )
            % {"organisation": organisation_get().name, "link": f"{settings.VAXEL_BASE_URL}/min-sida/mobil/"},
        ]
    )
    return subject, text
