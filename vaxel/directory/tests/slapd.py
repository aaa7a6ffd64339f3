"""A real OpenLDAP server (Debian's slapd) for the tests and the bench: its own
slapd.conf and database in a temporary folder, on a free loopback port, with a small
schema adding Active Directory's `department` and `userAccountControl` to
inetOrgPerson. Install it with scripts/ensure-ldap."""

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SUFFIX = "dc=gnosjo,dc=se"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PASSWORD = "test-ldap-lösen"
SERVICE_DN = f"cn=vaxel,ou=Tjänstekonton,{SUFFIX}"
SERVICE_PASSWORD = "vaxel-läser"
ENABLED = "(&(objectClass=inetOrgPerson)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))"

AD_SCHEMA = """
attributetype ( 1.3.6.1.4.1.55555.1.1 NAME 'department'
    EQUALITY caseIgnoreMatch SUBSTR caseIgnoreSubstringsMatch
    SYNTAX 1.3.6.1.4.1.1466.115.121.1.15 SINGLE-VALUE )
attributetype ( 1.3.6.1.4.1.55555.1.2 NAME 'userAccountControl'
    EQUALITY integerMatch SYNTAX 1.3.6.1.4.1.1466.115.121.1.27 SINGLE-VALUE )
objectclass ( 1.3.6.1.4.1.55555.2.1 NAME 'adUser' SUP top AUXILIARY
    MAY ( department $ userAccountControl ) )
"""

CONF = """
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include {folder}/ad.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {folder}/slapd.pid
sizelimit size.soft=500 size.hard=unlimited size.prtotal=unlimited
access to attrs=userPassword by anonymous auth by * none
access to * by dn.exact="{service}" read by * none
database mdb
maxsize 4294967296
suffix "{suffix}"
rootdn "{root}"
rootpw {password}
directory {folder}/db
index objectClass eq
index entryUUID eq
index modifyTimestamp eq
"""


def available() -> bool:
    return Path(SLAPD).exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Slapd:
    url: str
    folder: Path

    def connection(self):
        import ldap3

        return ldap3.Connection(
            ldap3.Server(self.url, get_info=ldap3.NONE),
            user=ROOT_DN,
            password=ROOT_PASSWORD,
            auto_bind=True,
            raise_exceptions=True,
        )


@contextmanager
def slapd_running() -> Iterator[Slapd]:
    folder = Path(tempfile.mkdtemp(prefix="vaxel-slapd-"))
    (folder / "db").mkdir()
    (folder / "ad.schema").write_text(AD_SCHEMA)
    conf = folder / "slapd.conf"
    conf.write_text(
        CONF.format(folder=folder, suffix=SUFFIX, root=ROOT_DN, password=ROOT_PASSWORD, service=SERVICE_DN)
    )
    port = _free_port()
    url = f"ldap://127.0.0.1:{port}"
    process = subprocess.Popen(
        [SLAPD, "-d", "0", "-f", str(conf), "-h", f"{url}/"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "slapd did not start: " + process.stderr.read().decode()[-2000:]
                    ) from None  # type: ignore[union-attr]
                time.sleep(0.05)
        server = Slapd(url=url, folder=folder)
        _tree(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(folder, ignore_errors=True)


def _tree(server: Slapd) -> None:
    c = server.connection()
    c.add(SUFFIX, ["dcObject", "organization"], {"dc": "gnosjo", "o": "Gnosjö kommun"})
    for ou in ("Tjänstekonton", "Personal"):
        c.add(f"ou={ou},{SUFFIX}", ["organizationalUnit"], {"ou": ou})
    c.add(
        SERVICE_DN,
        ["person", "simpleSecurityObject"],
        {"cn": "vaxel", "sn": "vaxel", "userPassword": SERVICE_PASSWORD},
    )
    c.unbind()


def ou_add(server: Slapd, *names: str) -> str:
    """ou=names[0],ou=names[1],…,ou=Personal: the innermost OU's DN, made with its parents."""
    c = server.connection()
    dn = f"ou=Personal,{SUFFIX}"
    for name in reversed(names):
        dn = f"ou={name},{dn}"
        c.add(dn, ["organizationalUnit"], {"ou": name})
    c.unbind()
    return dn


def person_add(server: Slapd, parent_dn: str, cn: str, connection=None, **attributes) -> str:
    dn = f"cn={cn},{parent_dn}"
    given, _, surname = cn.partition(" ")
    c = connection or server.connection()
    c.add(
        dn,
        ["inetOrgPerson", "adUser"],
        {"cn": cn, "sn": surname or cn, "givenName": given, **attributes},
    )
    if connection is None:
        c.unbind()
    return dn
