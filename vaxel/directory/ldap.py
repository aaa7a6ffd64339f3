"""The edge to Active Directory or another LDAP server (ldap3): people are read with
paged searches, each entry becomes a SourcePerson for the rules in sync.py.

After the first run only what changed is read (modifyTimestamp at or after the newest
one seen), plus a search for every account's id and DN alone, which tells leavers
(gone, or no longer matching the filter, e.g. disabled) and managers' DNs. Values put
into a filter are escaped (escape_filter_chars): a filter is never built from raw input.
"""

import logging
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from vaxel.core.errors import VaxelError
from vaxel.core.time import now
from vaxel.directory.errors import LdapFailed
from vaxel.directory.models import SyncState
from vaxel.directory.sync import SourcePerson, SyncReport, directory_sync

# Active Directory's enabled people: users that are persons, without ACCOUNTDISABLE (2)
# in userAccountControl (the bitwise-AND matching rule).
AD_FILTER = "(&(objectClass=user)(objectCategory=person)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))"
# Växel's field → the attribute it comes from; `name` falls back to givenName + sn, and
# `unit` to the entry's OU (and `parent_unit` to the OU above it).
AD_MAPPING = {
    "name": "displayName",
    "given_name": "givenName",
    "surname": "sn",
    "email": "mail",
    "title": "title",
    "unit": "department",
    "parent_unit": "",
    "direct_number": "telephoneNumber",
    "mobile": "mobile",
    "manager": "manager",
}
PAGE_SIZE = 1000  # Active Directory's MaxPageSize
logger = logging.getLogger(__name__)


@dataclass
class LdapConfig:
    url: str
    base_dn: str
    bind_dn: str = ""
    password: str = ""
    filter: str = AD_FILTER
    id_attribute: str = "objectGUID"
    mapping: dict[str, str] = field(default_factory=lambda: dict(AD_MAPPING))
    page_size: int = PAGE_SIZE
    start_tls: bool = False
    timeout: int = 30


def config_from_environment(**overrides) -> LdapConfig:
    """The server from VAXEL_LDAP_URL, VAXEL_LDAP_BASE_DN, VAXEL_LDAP_BIND_DN,
    VAXEL_LDAP_PASSWORD, VAXEL_LDAP_FILTER, VAXEL_LDAP_ID_ATTRIBUTE; `overrides`
    (from the command line) win when given."""
    given = {k: v for k, v in overrides.items() if v not in (None, "")}
    config = LdapConfig(
        url=given.pop("url", os.environ.get("VAXEL_LDAP_URL", "")),
        base_dn=given.pop("base_dn", os.environ.get("VAXEL_LDAP_BASE_DN", "")),
        bind_dn=os.environ.get("VAXEL_LDAP_BIND_DN", ""),
        password=os.environ.get("VAXEL_LDAP_PASSWORD", ""),
        filter=os.environ.get("VAXEL_LDAP_FILTER", "") or AD_FILTER,
        id_attribute=os.environ.get("VAXEL_LDAP_ID_ATTRIBUTE", "") or "objectGUID",
        mapping=mapping_parse(os.environ.get("VAXEL_LDAP_MAP", "")),
    )
    for key, value in given.items():
        setattr(config, key, value)
    if not config.url or not config.base_dn:
        raise LdapFailed(
            _("Say which LDAP server to read: --server ldap://host (or VAXEL_LDAP_URL) and --base-dn."),
        )
    return config


def mapping_parse(text: str | None) -> dict[str, str]:
    """`--map unit=physicalDeliveryOfficeName,mobile=`: AD's defaults with these changed
    (an empty attribute: the field is not read)."""
    mapping = dict(AD_MAPPING)
    for part in (text or "").split(","):
        if not part.strip():
            continue
        name, sep, attribute = part.partition("=")
        name = name.strip().lower().replace("-", "_")
        if not sep or name not in AD_MAPPING:
            raise LdapFailed(
                _("%(part)r is no attribute mapping; write field=attribute, the fields being %(fields)s.")
                % {"part": part.strip(), "fields": ", ".join(AD_MAPPING)},
            )
        mapping[name] = attribute.strip()
    return mapping


def _connect(config: LdapConfig):
    import ldap3
    from ldap3.core.exceptions import LDAPException

    try:
        server = ldap3.Server(config.url, connect_timeout=10, get_info=ldap3.NONE)
        connection = ldap3.Connection(
            server,
            user=config.bind_dn or None,
            password=config.password or None,
            read_only=True,
            receive_timeout=config.timeout,
            raise_exceptions=True,
        )
        connection.open()
        if config.start_tls:
            connection.start_tls()
        connection.bind()
    except LDAPException as error:
        raise LdapFailed(
            _("The LDAP server %(url)s refused or could not be reached: %(error)s")
            % {"url": config.url, "error": error},
        ) from None
    return connection


def _text(values: list) -> str:
    if not values:
        return ""
    value = values[0]
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8").strip()
        except UnicodeDecodeError:
            return value.hex()
    return str(value).strip()


def _id(values: list) -> str:
    """objectGUID is 16 bytes (written as AD writes it); entryUUID is text."""
    if values and isinstance(values[0], bytes) and len(values[0]) == 16:
        try:
            values[0].decode("ascii")
        except UnicodeDecodeError:
            return str(uuid.UUID(bytes_le=values[0]))
    return _text(values)


def _search(connection, config: LdapConfig, search_filter: str, attributes: list[str]) -> Iterator[dict]:
    from ldap3 import SUBTREE
    from ldap3.core.exceptions import LDAPException

    try:
        yield from (
            entry
            for entry in connection.extend.standard.paged_search(
                search_base=config.base_dn,
                search_filter=search_filter,
                search_scope=SUBTREE,
                attributes=attributes,
                paged_size=config.page_size,
                generator=True,
            )
            if entry.get("type") == "searchResEntry"
        )
    except LDAPException as error:
        raise LdapFailed(
            _("The LDAP search %(filter)s under %(base)s failed: %(error)s")
            % {"filter": search_filter, "base": config.base_dn, "error": error},
        ) from None


def _ous(dn: str) -> list[str]:
    from ldap3.utils.dn import parse_dn

    try:
        return [value for kind, value, _sep in parse_dn(dn) if kind.lower() == "ou"]
    except Exception:  # an odd DN has no OU to tell the unit
        return []


def _raw(entry: dict, attribute: str) -> list:
    if not attribute:
        return []
    raw = entry.get("raw_attributes", {})
    for key, values in raw.items():
        if key.lower() == attribute.lower():
            return list(values)
    return []


def _person(entry: dict, config: LdapConfig, ids_by_dn: dict[str, str]) -> SourcePerson:
    mapping = config.mapping
    dn = entry["dn"]
    values: dict[str, str] = {}
    columns: dict[str, str] = {}
    for name in ("email", "title", "direct_number", "mobile"):
        attribute = mapping.get(name, "")
        if attribute:
            values[name], columns[name] = _text(_raw(entry, attribute)), attribute
    name = _text(_raw(entry, mapping.get("name", "")))
    columns["name"] = mapping.get("name") or "displayName"
    if not name:
        given = _text(_raw(entry, mapping.get("given_name", "")))
        surname = _text(_raw(entry, mapping.get("surname", "")))
        name = " ".join(filter(None, (given, surname))) or _text(_raw(entry, "cn"))
        columns["name"] = "{} + {}".format(mapping.get("given_name"), mapping.get("surname"))
    values["name"] = name
    unit = _text(_raw(entry, mapping.get("unit", "")))
    parent = _text(_raw(entry, mapping.get("parent_unit", "")))
    ous = _ous(dn)
    columns["unit"] = mapping.get("unit") or "ou"
    if not unit and ous:
        unit, parent, columns["unit"] = ous[0], parent or (ous[1] if len(ous) > 1 else ""), "ou"
    if unit:
        values["unit"] = unit
    if parent:
        values["parent_unit"] = parent
    manager_dn = _text(_raw(entry, mapping.get("manager", "")))
    return SourcePerson(
        source_id=_id(_raw(entry, config.id_attribute)),
        where=dn,
        values=values,
        columns=columns,
        manager=ids_by_dn.get(manager_dn.lower(), "") if manager_dn else "",
    )


def _attributes(config: LdapConfig) -> list[str]:
    wanted = {a for a in config.mapping.values() if a} | {config.id_attribute, "cn", "modifyTimestamp"}
    return sorted(wanted)


@dataclass
class LdapRun:
    report: SyncReport
    read: int  # entries read in full
    incremental: bool


def ldap_sync(
    *,
    config: LdapConfig,
    dry_run: bool = False,
    skip_bad: bool = False,
    full: bool = False,
    person: str | None = None,
    progress: Callable[[], None] | None = None,
) -> LdapRun:
    """Read the server and apply what it has (sync.py's rules). The first run, or
    `full`, reads everyone; later runs what changed since the newest modifyTimestamp
    seen. `person`: only the one with this e-mail address (no leavers, no state)."""
    from ldap3.utils.conv import escape_filter_chars

    connection = _connect(config)
    try:
        state = SyncState.objects.filter(source="ldap").first()
        since = "" if full or person or state is None else state.last_modified
        ids_by_dn: dict[str, str] = {}
        listed: set[str] | None = None
        if since or person:
            # Every account's id and DN alone: who is still there, and managers' DNs.
            listed = set()
            for entry in _search(connection, config, config.filter, [config.id_attribute]):
                source_id = _id(_raw(entry, config.id_attribute))
                ids_by_dn[entry["dn"].lower()] = source_id
                listed.add(source_id)
        search_filter = config.filter
        if person:
            email_attribute = config.mapping.get("email") or "mail"
            search_filter = f"(&{config.filter}({email_attribute}={escape_filter_chars(person)}))"
        elif since:
            search_filter = f"(&{config.filter}(modifyTimestamp>={escape_filter_chars(since)}))"
        entries = list(_search(connection, config, search_filter, _attributes(config)))
    finally:
        connection.unbind()
    newest = max((_text(_raw(e, "modifyTimestamp")) for e in entries), default="")
    for entry in entries:
        ids_by_dn.setdefault(entry["dn"].lower(), _id(_raw(entry, config.id_attribute)))
    people = [_person(entry, config, ids_by_dn) for entry in entries]
    with transaction.atomic():
        report = directory_sync(
            source="ldap",
            people=people,
            complete=not person,
            listed_ids=listed if not person else None,
            dry_run=dry_run,
            skip_bad=skip_bad,
            progress=progress,
        )
        if not dry_run and not person:
            latest = max(newest, state.last_modified if state else "")
            SyncState.objects.update_or_create(
                source="ldap", defaults={"last_modified": latest, "synced_at": now()}
            )
    return LdapRun(report=report, read=len(entries), incremental=bool(since))


def ldap_sync_due() -> LdapRun | None:
    """The job queue's LDAP sync: every VAXEL_LDAP_SYNC_MINUTES, when the server is
    configured (VAXEL_LDAP_*). A failed run writes nothing and is logged; the next
    one tries again."""
    minutes = settings.VAXEL_LDAP_SYNC_MINUTES
    if minutes <= 0 or not os.environ.get("VAXEL_LDAP_URL"):
        return None
    state = SyncState.objects.filter(source="ldap").first()
    if (
        state is not None
        and state.synced_at is not None
        and now() - state.synced_at < timedelta(minutes=minutes)
    ):
        return None
    try:
        return ldap_sync(config=config_from_environment())
    except VaxelError as error:
        logger.warning("The directory's LDAP sync failed: %s", error.message)
        return None
