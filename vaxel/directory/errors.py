"""The directory app's domain errors: one class per stable error id, each turned into an
HTTP answer in one place (vaxel/core/api.py) and listed in docs/api.md."""

from vaxel.core.errors import Conflict, InvalidInput, NotFound


class AlreadyInactive(Conflict):
    """<name> has already left."""

    error_id = "already_inactive"


class ConsentNotTheOwners(InvalidInput):
    """Only the owner gives consent to give out a mobile (S3): they do it on Min sida, or you rec."""

    error_id = "consent_not_the_owners"


class EmptyName(InvalidInput):
    """A login needs a user name."""

    error_id = "empty_name"


class Inactive(InvalidInput):
    """<name> has left."""

    error_id = "inactive"


class InvalidEmail(InvalidInput):
    """<email> is not an e-mail address."""

    error_id = "invalid_email"


class InvalidParameter(InvalidInput):
    """<name> must be a whole number id, e.g."""

    error_id = "invalid_parameter"


class MobileConsentMissing(InvalidInput):
    """Say whether the mobile may be given to callers: --mobile-consent yes or no (S3)."""

    error_id = "mobile_consent_missing"


class NoMembers(InvalidInput):
    """Name at least one member by e-mail address."""

    error_id = "no_members"


class NoMobile(NotFound):
    """<name> has no mobile number."""

    error_id = "no_mobile"


class NumberNotFound(NotFound):
    """<number> is not anybody's direct number."""

    error_id = "number_not_found"


class NumberTaken(Conflict):
    """<number> already belongs to <holder>."""

    error_id = "number_taken"


class NumbersTheSame(InvalidInput):
    """The direct number and the mobile cannot be the same number."""

    error_id = "numbers_the_same"


class PersonExists(Conflict):
    """Somebody with the e-mail address <email> already exists."""

    error_id = "person_exists"


class PersonNotFound(NotFound):
    """There is nobody with the e-mail address <email>."""

    error_id = "person_not_found"


class UnitExists(Conflict):
    """A unit called <name> already exists."""

    error_id = "unit_exists"


class UnitNotFound(NotFound):
    """There is no unit called <name>."""

    error_id = "unit_not_found"


class ConsentFromSource(InvalidInput):
    """A directory source never says whether a mobile may be given out (S3)."""

    error_id = "consent_from_source"


class DirectoryColumnsUnknown(InvalidInput):
    """The file has no column for <fields>; name them with --columns."""

    error_id = "directory_columns_unknown"


class LdapFailed(InvalidInput):
    """The LDAP server could not be reached, or refused the bind or the search."""

    error_id = "ldap_failed"


class SyncRejected(InvalidInput):
    """The directory source was not synced; nothing was written. <errors>"""

    error_id = "sync_rejected"


class InvalidTransferRing(InvalidInput):
    """Give between 5 and 120 seconds."""

    error_id = "invalid_transfer_ring"
