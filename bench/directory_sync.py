"""The directory from LDAP at a large municipality's scale: 40,000 people in a real
slapd (started here on a loopback port, as the tests do), read by `ldap_sync`: the
first sync, an incremental sync with nothing changed, and one with 1 % changed.
Targets: the first sync under 60 s, the unchanged one under 5 s.

    .venv/bin/python bench/directory_sync.py [--people 40000]

It uses a fresh SQLite database in a temporary folder; slapd from scripts/ensure-ldap.
"""

import os
import sys

# bench/calendar.py would hide the standard library's calendar module from this script.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

import argparse
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ["VAXEL_DATA_DIR"] = tempfile.mkdtemp(prefix="vaxel-bench-directory-")
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaxel.config.settings")
os.environ.setdefault("VAXEL_CLI", "1")
os.environ.setdefault("VAXEL_LOG_LEVEL", "WARNING")

import django

django.setup()

from django.core.management import call_command
from ldap3 import MODIFY_REPLACE

from vaxel.directory.ldap import LdapConfig, ldap_sync
from vaxel.directory.models import Person
from vaxel.directory.tests import slapd

UNITS = 200


def fill(server: slapd.Slapd, people: int) -> list[str]:
    c = server.connection()
    parents = []
    for f in range(10):
        division = f"ou=Förvaltning {f},ou=Personal,{slapd.SUFFIX}"
        c.add(division, ["organizationalUnit"], {"ou": f"Förvaltning {f}"})
        for u in range(f, UNITS, 10):
            parents.append(f"ou=Enhet {u:03d},{division}")
            c.add(parents[-1], ["organizationalUnit"], {"ou": f"Enhet {u:03d}"})
    dns = []
    for i in range(people):
        dn = slapd.person_add(
            server,
            parents[i % len(parents)],
            f"Person{i:05d} Efternamn{i % 977}",
            connection=c,
            mail=f"person{i:05d}@gnosjo.se",
            title=f"Handläggare {i % 50}",
            department=f"Enhet {i % UNITS:03d}",
            telephoneNumber=f"+463703{i:05d}",
            userAccountControl="512",
        )
        dns.append(dn)
    c.unbind()
    return dns


def timed(label: str, config: LdapConfig) -> None:
    started = time.perf_counter()
    run = ldap_sync(config=config)
    seconds = time.perf_counter() - started
    r = run.report
    print(
        f"{label}: {seconds:.1f} s; read {run.read} entries; "
        f"{len(r.added)} added, {len(r.changed)} changed, {len(r.deactivated)} left, {r.unchanged} the same"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=40_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    with slapd.slapd_running() as server:
        started = time.perf_counter()
        dns = fill(server, args.people)
        print(f"slapd filled with {args.people} people in {time.perf_counter() - started:.0f} s")
        config = LdapConfig(
            url=server.url,
            base_dn=f"ou=Personal,{slapd.SUFFIX}",
            bind_dn=slapd.SERVICE_DN,
            password=slapd.SERVICE_PASSWORD,
            filter=slapd.ENABLED,
            id_attribute="entryUUID",
        )
        timed("first sync", config)
        time.sleep(1.1)  # modifyTimestamp has whole seconds: what follows is newer than all
        timed("incremental, nothing changed", config)
        c = server.connection()
        step = 100
        for dn in dns[::step]:
            c.modify(dn, {"title": [(MODIFY_REPLACE, ["Enhetschef"])]})
        c.unbind()
        timed(f"incremental, 1 % changed ({len(dns[::step])} titles)", config)
        print(f"people in Växel: {Person.objects.count()}")


if __name__ == "__main__":
    main()
