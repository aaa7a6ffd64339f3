"""`vaxel directory sync ldap` against a real OpenLDAP server (Debian's slapd, started
here on a loopback port) with entries shaped like Active Directory's."""

import time

import pytest

from vaxel.audit.models import Change
from vaxel.directory.errors import LdapFailed, SyncRejected
from vaxel.directory.ldap import LdapConfig, ldap_sync, ldap_sync_due, mapping_parse
from vaxel.directory.models import Person, PhoneNumber, SyncState, Unit
from vaxel.directory.sync import source_label
from vaxel.directory.tests import slapd
from vaxel.testing import vaxel_cli

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not slapd.available(), reason="slapd is not installed: run scripts/ensure-ldap"),
]


@pytest.fixture(scope="module")
def server():
    with slapd.slapd_running() as running:
        ifo = slapd.ou_add(running, "IFO", "Socialförvaltningen")
        school = slapd.ou_add(running, "Järnvägsskolan")
        boss = slapd.person_add(
            running,
            ifo,
            "Gustav Chef",
            mail="gustav.chef@gnosjo.se",
            title="Enhetschef",
            displayName="Gustav Chef",
            userAccountControl="512",
        )
        slapd.person_add(
            running,
            ifo,
            "Dana Ek",
            mail="dana.ek@gnosjo.se",
            title="Socialsekreterare",
            displayName="Dana Ek",
            department="Individ- och familjeomsorg",
            telephoneNumber="+46 370 33 10 50",
            mobile="070-999 88 77",
            manager=boss,
            userAccountControl="512",
        )
        # No displayName: givenName + sn; no department: the OU is the unit.
        slapd.person_add(running, school, "Åsa Öberg", mail="asa.oberg@gnosjo.se", userAccountControl="512")
        # Disabled in AD (ACCOUNTDISABLE): not a person Växel reads.
        slapd.person_add(running, school, "Ola Slutat", mail="ola@gnosjo.se", userAccountControl="514")
        yield running


def config(server, **changes) -> LdapConfig:
    base = LdapConfig(
        url=server.url,
        base_dn=f"ou=Personal,{slapd.SUFFIX}",
        bind_dn=slapd.SERVICE_DN,
        password=slapd.SERVICE_PASSWORD,
        filter=slapd.ENABLED,
        id_attribute="entryUUID",
        page_size=2,  # several pages even for this small tree
    )
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def test_people_come_from_ldap_with_active_directory_attributes(server, town):
    run = ldap_sync(config=config(server))
    assert run.read == 3 and not run.incremental
    dana = Person.objects.get(email="dana.ek@gnosjo.se")
    assert (dana.name, dana.title, dana.unit.name, dana.source) == (
        "Dana Ek",
        "Socialsekreterare",
        "Individ- och familjeomsorg",
        "ldap",
    )
    assert dana.numbers.get(kind="direct").e164 == "+46370331050"
    asa = Person.objects.get(email="asa.oberg@gnosjo.se")
    assert (asa.name, asa.unit.name, asa.unit.parent.name) == ("Åsa Öberg", "Järnvägsskolan", "Personal")
    assert not Person.objects.filter(email="ola@gnosjo.se").exists()  # disabled account
    # manager DN → a manager of the person's unit
    unit = Unit.objects.get(name="Individ- och familjeomsorg")
    assert list(unit.managers.values_list("email", flat=True)) == ["gustav.chef@gnosjo.se"]
    assert Change.objects.filter(entity="person", actor_name=source_label("ldap")).count() == 3


def test_s3_ldap_never_gives_mobile_consent(server, town):
    ldap_sync(config=config(server))
    assert PhoneNumber.objects.get(e164="+46709998877").disclosure_consent is False


def test_incremental_sync_reads_only_what_changed_and_e1_deactivates_leavers(server, town):
    ldap_sync(config=config(server))
    first = SyncState.objects.get(source="ldap").last_modified
    changes = Change.objects.count()
    run = ldap_sync(config=config(server))
    # Only entries changed at or after the newest modifyTimestamp seen are read again
    # (whole seconds: the newest second's are read again, and found the same).
    assert run.incremental and run.read <= 3
    assert (run.report.added, run.report.changed, run.report.deactivated) == ([], [], [])
    assert Change.objects.count() == changes
    time.sleep(1.1)  # a change a second later than the newest seen
    c = server.connection()
    dana_dn = f"cn=Dana Ek,ou=IFO,ou=Socialförvaltningen,ou=Personal,{slapd.SUFFIX}"
    asa_dn = f"cn=Åsa Öberg,ou=Järnvägsskolan,ou=Personal,{slapd.SUFFIX}"
    from ldap3 import MODIFY_REPLACE

    c.modify(dana_dn, {"title": [(MODIFY_REPLACE, ["Enhetschef"])]})
    c.modify(asa_dn, {"userAccountControl": [(MODIFY_REPLACE, ["514"])]})  # disabled: she has left
    try:
        run = ldap_sync(config=config(server))
        assert run.incremental and run.read < 3  # Åsa no longer matches the filter
        assert [(x.email, x.fields) for x in run.report.changed] == [("dana.ek@gnosjo.se", ["title"])]
        assert [x.email for x in run.report.deactivated] == ["asa.oberg@gnosjo.se"]
        asa = Person.objects.get(email="asa.oberg@gnosjo.se")
        assert not asa.active  # deactivated, never deleted
        assert SyncState.objects.get(source="ldap").last_modified > first
    finally:
        c.modify(dana_dn, {"title": [(MODIFY_REPLACE, ["Socialsekreterare"])]})
        c.modify(asa_dn, {"userAccountControl": [(MODIFY_REPLACE, ["512"])]})
        c.unbind()


def test_dry_run_writes_nothing_and_keeps_no_state(server, town):
    run = ldap_sync(config=config(server), dry_run=True)
    assert len(run.report.added) == 3
    assert not Person.objects.filter(source="ldap").exists()
    assert not SyncState.objects.exists()


def test_a_hostile_email_is_escaped_in_the_filter(server, town):
    run = ldap_sync(config=config(server), person="*)(mail=*")
    assert run.read == 0 and not Person.objects.filter(source="ldap").exists()
    run = ldap_sync(config=config(server), person="dana.ek@gnosjo.se")
    assert run.read == 1 and run.report.deactivated == []


def test_a_wrong_password_or_server_is_a_clear_error(server, town):
    with pytest.raises(LdapFailed):
        ldap_sync(config=config(server, password="fel"))
    with pytest.raises(LdapFailed):
        ldap_sync(config=config(server, url="ldap://127.0.0.1:1"))
    with pytest.raises(LdapFailed):
        mapping_parse("colour=blue")


def test_a_bad_entry_is_named_by_its_dn_and_nothing_is_written(server, town):
    c = server.connection()
    dn = slapd.person_add(
        server,
        f"ou=Personal,{slapd.SUFFIX}",
        "Fel Nummer",
        connection=c,
        mail="fel@gnosjo.se",
        telephoneNumber="12",
        userAccountControl="512",
    )
    try:
        with pytest.raises(SyncRejected) as error:
            ldap_sync(config=config(server))
        assert "cn=Fel Nummer" in error.value.message and "telephoneNumber" in error.value.message
        assert not Person.objects.filter(source="ldap").exists()
        run = ldap_sync(config=config(server), skip_bad=True)
        assert len(run.report.added) == 3 and run.report.skipped == 1
    finally:
        c.delete(dn)
        c.unbind()


def test_the_command_line_syncs_with_a_password_file(server, town, capsys, tmp_path):
    secret = tmp_path / "ldap-password"
    secret.write_text(slapd.SERVICE_PASSWORD + "\n")
    args = [
        "directory",
        "sync",
        "ldap",
        "--server",
        server.url,
        "--base-dn",
        f"ou=Personal,{slapd.SUFFIX}",
        "--bind-dn",
        slapd.SERVICE_DN,
        "--password-file",
        str(secret),
        "--filter",
        slapd.ENABLED,
        "--id-attribute",
        "entryUUID",
    ]
    code, out, err = vaxel_cli(capsys, *args, "--dry-run")
    assert code == 0, err
    assert "Dana Ek <dana.ek@gnosjo.se>" in out and "inget sparades" in out
    code, out, err = vaxel_cli(capsys, *args[:-2], "--id-attribute", "entryUUID", "--map", "unit=ou")
    assert code == 0, err
    code, out, err = vaxel_cli(capsys, *args[:9], "--password-file", "/nonexistent")
    assert code == 1 and "Traceback" not in err


def test_the_job_queue_syncs_every_few_minutes_when_configured(server, town, settings, monkeypatch):
    settings.VAXEL_LDAP_SYNC_MINUTES = 0
    assert ldap_sync_due() is None  # off by default
    settings.VAXEL_LDAP_SYNC_MINUTES = 60
    for name, value in {
        "VAXEL_LDAP_URL": server.url,
        "VAXEL_LDAP_BASE_DN": f"ou=Personal,{slapd.SUFFIX}",
        "VAXEL_LDAP_BIND_DN": slapd.SERVICE_DN,
        "VAXEL_LDAP_PASSWORD": slapd.SERVICE_PASSWORD,
        "VAXEL_LDAP_FILTER": slapd.ENABLED,
        "VAXEL_LDAP_ID_ATTRIBUTE": "entryUUID",
    }.items():
        monkeypatch.setenv(name, value)
    run = ldap_sync_due()
    assert run is not None and len(run.report.added) == 3
    assert ldap_sync_due() is None  # synced a moment ago: not due for an hour
    monkeypatch.setenv("VAXEL_LDAP_PASSWORD", "fel")
    SyncState.objects.update(synced_at=None)
    assert ldap_sync_due() is None  # refused: logged, nothing written, tried again later
