"""`vaxel organisation|person|shared-number|number`: the directory (E1, S3)."""

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.utils.translation import gettext as _

from vaxel.core.cli import Verbs, yes_no
from vaxel.core.phone import display
from vaxel.core.tables import file_read
from vaxel.core.time import local
from vaxel.directory import files, services
from vaxel.directory.selectors import field_sources_get, organisation_get, person_get
from vaxel.directory.sync import FIELD_LABELS, SOURCES, SyncReport

LISTED = 200  # people named per kind of change; the counts are always whole


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
    p = shared.verb(
        "ring", transfer_ring, help="how long a call put through rings before it comes back (a recall)"
    )
    p.add_argument("number")
    p.add_argument("--seconds", type=int, help="5–120; leave out for the default")

    directory = verbs.group("directory", help="the directory from its sources: a file, LDAP/AD")
    p = directory.verb(
        "import",
        directory_import,
        help="people from an Excel (.xlsx) or CSV file; leavers are deactivated (E1)",
    )
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="say what would be added, changed and deactivated")
    p.add_argument("--skip-bad", action="store_true", help="import the good rows and list the bad")
    p.add_argument("--columns", help="field=Header,...: which column holds which field")
    p.add_argument(
        "--partial", action="store_true", help="the file is not everyone: deactivate nobody it leaves out"
    )
    p = directory.verb(
        "sync",
        directory_sync,
        help="people from Active Directory or another LDAP server; leavers deactivated (E1)",
    )
    p.add_argument("source", choices=["ldap"])
    p.add_argument("--server", help="ldap://host:389 or ldaps://host:636 (default: VAXEL_LDAP_URL)")
    p.add_argument("--base-dn", help="where people are searched (default: VAXEL_LDAP_BASE_DN)")
    p.add_argument("--bind-dn", help="the account Växel reads as (default: VAXEL_LDAP_BIND_DN)")
    p.add_argument("--password-file", help="a file holding the bind password (default: VAXEL_LDAP_PASSWORD)")
    p.add_argument("--filter", help="which entries are people (default: Active Directory's enabled users)")
    p.add_argument(
        "--id-attribute", help="each person's stable id (default: objectGUID; OpenLDAP: entryUUID)"
    )
    p.add_argument("--map", help="field=attribute,...: changes to the Active Directory mapping")
    p.add_argument("--page-size", type=int, default=None, help="entries per page of the paged search")
    p.add_argument("--start-tls", action="store_true")
    p.add_argument("--full", action="store_true", help="read everyone, not only what changed")
    p.add_argument("--person", help="only the person with this e-mail address")
    p.add_argument("--dry-run", action="store_true", help="say what would be added, changed and deactivated")
    p.add_argument("--skip-bad", action="store_true", help="sync the good entries and list the bad")
    p = directory.verb(
        "export", directory_export, help="the directory as CSV or .xlsx (S3: mobiles only with consent)"
    )
    p.add_argument("--format", choices=["csv", "xlsx"], default="csv")
    p.add_argument("--output", help="the file to write (default: standard output, CSV only)")
    p = directory.verb(
        "sources", directory_sources, help="which source last changed each of a person's fields"
    )
    p.add_argument("email")


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


def transfer_ring(args: argparse.Namespace) -> int:
    name = services.transfer_ring_set(seconds=args.seconds, shared_number=args.number)
    print(f"{name}: {args.seconds or _('the default')}")
    return 0


def shared_number_add(args: argparse.Namespace) -> int:
    emails = [e for e in (args.members or "").split(",") if e.strip()]
    group = services.shared_number_add(number=args.number, unit=args.unit, members=emails, name=args.name)
    print(f"{group.name}: {group.members.count()}")
    return 0


@contextmanager
def _progress_bar() -> Iterator[Callable[[int], Callable[[], None]]]:
    """A progress bar on stderr for long imports (rich), quiet when stderr is no
    terminal; stopped however the import ends."""
    from rich.console import Console
    from rich.progress import Progress

    bars: list[Progress] = []

    def start(total: int) -> Callable[[], None]:
        if total < 200 or not sys.stderr.isatty():
            return lambda: None
        bar = Progress(console=Console(stderr=True), transient=True)
        bars.append(bar)
        bar.start()
        task = bar.add_task(_("Reading people"), total=total)
        return lambda: bar.advance(task)

    try:
        yield start
    finally:
        for bar in bars:
            bar.stop()


def report_print(report: SyncReport) -> None:
    heading = _("Would be") if report.dry_run else _("Done")
    print(
        _("%(heading)s: %(added)d added, %(changed)d changed, %(deactivated)d left, %(same)d the same.")
        % {
            "heading": heading,
            "added": len(report.added),
            "changed": len(report.changed),
            "deactivated": len(report.deactivated),
            "same": report.unchanged,
        }
    )
    for title, changes in (
        (_("Added"), report.added),
        (_("Changed"), report.changed),
        (_("Deactivated (E1: their direct numbers go to the switchboard)"), report.deactivated),
    ):
        if changes:
            print(f"{title}:")
        for change in changes[:LISTED]:
            fields = ", ".join(str(FIELD_LABELS.get(f, f)) for f in change.fields)
            print(f"  {change.name} <{change.email}>" + (f": {fields}" if title != _("Added") else ""))
        if len(changes) > LISTED:
            print("  " + _("… and %(more)d more") % {"more": len(changes) - LISTED})
    if report.units_added:
        print(_("New units: %(units)s") % {"units": ", ".join(report.units_added)})
    if report.managers_added:
        print(_("New managers: %(managers)s") % {"managers": "; ".join(report.managers_added)})
    if report.skipped:
        print(_("Skipped %(count)d bad rows:") % {"count": report.skipped})
    for error in report.errors:
        print(f"  {error}")
    if report.dry_run:
        print(_("Dry run: nothing was written."))


def directory_import(args: argparse.Namespace) -> int:
    with _progress_bar() as progress:
        report, read = files.directory_import(
            data=file_read(args.file),
            columns=files.columns_parse(args.columns),
            dry_run=args.dry_run,
            skip_bad=args.skip_bad,
            complete=not args.partial,
            progress=progress,
        )
    if read.ignored:
        print(_("Columns not read: %(columns)s") % {"columns": ", ".join(read.ignored)})
    report_print(report)
    return 0


def directory_sync(args: argparse.Namespace) -> int:
    from vaxel.directory import ldap

    password = file_read(args.password_file).decode().strip() if args.password_file else None
    config = ldap.config_from_environment(
        url=args.server,
        base_dn=args.base_dn,
        bind_dn=args.bind_dn,
        password=password,
        filter=args.filter,
        id_attribute=args.id_attribute,
        mapping=ldap.mapping_parse(args.map),
        page_size=args.page_size,
        start_tls=args.start_tls,
    )
    run = ldap.ldap_sync(
        config=config, dry_run=args.dry_run, skip_bad=args.skip_bad, full=args.full, person=args.person
    )
    kind = _("changes since the last sync") if run.incremental else _("everyone")
    print(_("Read %(count)d entries (%(kind)s).") % {"count": run.read, "kind": kind})
    report_print(run.report)
    return 0


def directory_export(args: argparse.Namespace) -> int:
    from vaxel.directory.exports import directory_export as export

    data = export(format=args.format)
    if args.output:
        try:
            with open(args.output, "wb") as out:
                out.write(data)
        except OSError as error:
            print(f"vaxel: {args.output}: {error.strerror}", file=sys.stderr)
            return 1
        return 0
    if args.format == "xlsx":
        print(_("Give --output FILE for an Excel workbook."), file=sys.stderr)
        return 1
    sys.stdout.write(data.decode("utf-8"))
    return 0


def directory_sources(args: argparse.Namespace) -> int:
    person = person_get(args.email)
    for name, source in sorted(field_sources_get(person=person).items()):
        label = SOURCES.get(source.source, source.source)
        print(f"{FIELD_LABELS.get(name, name)}: {label}, {local(source.changed_at):%Y-%m-%d %H:%M}")
    return 0
