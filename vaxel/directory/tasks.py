"""The directory's background work on the huey queue: the LDAP/Active Directory sync,
asked every five minutes and run every VAXEL_LDAP_SYNC_MINUTES (off by default)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from vaxel.directory.ldap import ldap_sync_due


@db_periodic_task(crontab(minute="*/5"))
def ldap_sync_periodic() -> dict | None:
    run = ldap_sync_due()
    if run is None:
        return None
    r = run.report
    return {"read": run.read, "added": len(r.added), "changed": len(r.changed), "left": len(r.deactivated)}
