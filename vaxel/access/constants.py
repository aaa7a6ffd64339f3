from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Who someone is to Växel. One person can have several roles."""

    EMPLOYEE = "employee", _("employee")
    MANAGER = "manager", _("manager")
    OPERATOR = "operator", _("operator")
    ADMINISTRATOR = "administrator", _("administrator")


# Roles given by membership of a Django group of the same name; employee and
# manager follow from the directory (a linked person; a unit's managers).
GROUP_ROLES = (Role.OPERATOR, Role.ADMINISTRATOR)


class Scope(models.TextChoices):
    """What an API token may be used for; always within its owner's own rights."""

    ROUTE = "route", _("ask where calls go")
    EVENTS = "events", _("report call events")
    DIRECTORY_READ = "directory:read", _("read the directory, availability and changes")
    DIRECTORY_WRITE = "directory:write", _("change the directory")
    ABSENCES_WRITE = "absences:write", _("set and clear absences")
    MESSAGES = "messages", _("take, read and follow messages")
    SCIM = "scim", _("provision people by SCIM (Entra ID, Okta)")
