"""`vaxel organisation|person|shared-number|number`: the directory (E1, S3)."""

import argparse

from vaxel.core.cli import Verbs, yes_no
from vaxel.core.phone import display
from vaxel.directory import services
from vaxel.directory.selectors import organisation_get, person_get


def register(verbs: Verbs) -> None:
    org = verbs.group("organisation", help="the organisation's name and switchboard number")
    p = org.verb("set", organisation_set, help="set the name and/or the switchboard number")
    p.add_argument("--name")
    p.add_argument("--switchboard-number")
    org.verb("show", organisation_show, help="show the organisation")

    person = verbs.group("person", help="employees")
    p = person.verb("add", person_add, help="add an employee")
    p.add_argument("--name", required=True)
    p.add_argument("--email", required=True)
    p.add_argument("--unit", required=True)
    p.add_argument("--title", default="")
    p.add_argument("--direct-number")
    p.add_argument("--mobile")
    p.add_argument("--mobile-consent", type=yes_no, help="may the mobile be given to callers (S3): yes|no")
    p.add_argument(
        "--consent-record", default="", help="with yes: the owner's written consent on record (S3)"
    )
    p.add_argument("--manager", action="store_true", help="the person manages their unit")
    p = person.verb(
        "consent", person_consent, help="record the owner's written consent to give out their mobile (S3)"
    )
    p.add_argument("email")
    p.add_argument("consent", type=yes_no, help="yes|no")
    p.add_argument("--record", default="", help="with yes: what the written consent is, e.g. a signed form")
    p = person.verb(
        "deactivate", person_deactivate, help="the person has left (E1): calls go to the switchboard"
    )
    p.add_argument("email")

    number = verbs.group("number", help="direct numbers")
    p = number.verb("reassign", number_reassign, help="give a direct number to someone else (E1)")
    p.add_argument("number")
    p.add_argument("--to", required=True, help="the new owner's e-mail address")

    shared = verbs.group("shared-number", help="shared (group) numbers")
    p = shared.verb("add", shared_number_add, help="add a shared number with its group")
    p.add_argument("number")
    p.add_argument("--unit", required=True)
    p.add_argument("--members", required=True, help="e-mail addresses, comma separated")
    p.add_argument("--name", help="the group's name (default: the unit's)")


def organisation_set(args: argparse.Namespace) -> int:
    organisation = services.organisation_set(name=args.name, switchboard_number=args.switchboard_number)
    print(f"{organisation.name}: {display(organisation.switchboard_number) or '-'}")
    return 0


def organisation_show(args: argparse.Namespace) -> int:
    organisation = organisation_get()
    print(f"{organisation.name or '-'}: {display(organisation.switchboard_number) or '-'}")
    return 0


def person_add(args: argparse.Namespace) -> int:
    person = services.person_add(
        name=args.name,
        email=args.email,
        unit=args.unit,
        title=args.title,
        direct_number=args.direct_number,
        mobile=args.mobile,
        mobile_consent=args.mobile_consent,
        consent_record=args.consent_record,
        manager=args.manager,
    )
    print(f"{person.name} <{person.email}>")
    return 0


def person_consent(args: argparse.Namespace) -> int:
    mobile = services.mobile_consent_set(
        person=person_get(args.email), consent=args.consent, record=args.record
    )
    print(f"{args.email}: {mobile.get_consent_source_display() if mobile.disclosure_consent else 'private'}")
    return 0


def person_deactivate(args: argparse.Namespace) -> int:
    person = services.person_deactivate(email=args.email)
    print(f"{person.name}: inactive")
    return 0


def number_reassign(args: argparse.Namespace) -> int:
    number = services.number_reassign(number=args.number, to=args.to)
    print(f"{display(number.e164)} → {number.person}")
    return 0


def shared_number_add(args: argparse.Namespace) -> int:
    emails = [e for e in (args.members or "").split(",") if e.strip()]
    group = services.shared_number_add(number=args.number, unit=args.unit, members=emails, name=args.name)
    print(f"{group.name}: {group.members.count()}")
    return 0
