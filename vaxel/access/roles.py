"""Who may do what: roles from groups and the directory, and the access_* checks
every surface (API, pages, console) calls before reading or writing."""

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _

from vaxel.access.constants import GROUP_ROLES, Role, Scope
from vaxel.access.errors import MissingScope, NoRole
from vaxel.core.errors import Forbidden
from vaxel.directory.models import Person, Unit


def roles_of(user) -> set[Role]:
    if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated or not user.is_active:
        return set()
    roles = {Role(g) for g in user.groups.filter(name__in=GROUP_ROLES).values_list("name", flat=True)}
    if user.is_superuser:
        roles.add(Role.ADMINISTRATOR)
    person = own_person(user)
    if person is not None:
        roles.add(Role.EMPLOYEE)
        if Unit.objects.filter(managers=person).exists():
            roles.add(Role.MANAGER)
    return roles


def own_person(user) -> Person | None:
    user_id = getattr(user, "pk", None)
    return Person.objects.filter(user_id=user_id).first() if user_id is not None else None


def managed_unit_ids(user) -> set[int]:
    """The units a manager answers for: their own and every unit below them."""
    person = own_person(user)
    if person is None:
        return set()
    return units_and_below(set(Unit.objects.filter(managers=person).values_list("id", flat=True)))


def units_and_below(unit_ids: set[int]) -> set[int]:
    result, frontier = set(unit_ids), set(unit_ids)
    while frontier:
        frontier = set(Unit.objects.filter(parent_id__in=frontier).values_list("id", flat=True)) - result
        result |= frontier
    return result


def _token_allows(token, scope: Scope) -> bool:
    return token is None or token.has_scope(scope)


def require_scope(token, scope: Scope) -> None:
    if not _token_allows(token, scope):
        raise MissingScope(
            _("This API token lacks the scope %(scope)s; ask an administrator for a token that has it.")
            % {"scope": scope.value},
            details={"scope": scope.value},
        )


def access_directory_read(user, token=None) -> None:
    """Anyone signed in may read the directory and who is available (that is the
    switchboard's whole point); a token needs directory:read."""
    require_scope(token, Scope.DIRECTORY_READ)
    if not roles_of(user):
        raise NoRole(_("Your login has no role in Växel; ask an administrator."))


def access_directory_write(user, token=None) -> None:
    require_scope(token, Scope.DIRECTORY_WRITE)
    if Role.ADMINISTRATOR not in roles_of(user):
        raise Forbidden(_("Only an administrator may change the directory this way."))


def access_absence_write(user, person: Person, token=None) -> None:
    """An employee sets their own absences, a manager their units' people, an
    administrator (and the operator, who sets diversions for callers' sake) anyone's."""
    require_scope(token, Scope.ABSENCES_WRITE)
    roles = roles_of(user)
    if roles & {Role.ADMINISTRATOR, Role.OPERATOR}:
        return
    own = own_person(user)
    if own is not None and own.pk == person.pk:
        return
    if Role.MANAGER in roles and person.unit_id in managed_unit_ids(user):
        return
    raise Forbidden(
        _("You may only change your own absences, or those of people in units you manage."),
    )


def access_route(user, token=None) -> None:
    require_scope(token, Scope.ROUTE)
    if not roles_of(user) & {Role.ADMINISTRATOR, Role.OPERATOR}:
        raise Forbidden(_("Only the switchboard and administrators may ask where calls go."))


def _units_seen(user, token, refusal: str) -> set[int] | None:
    """The switchboard and administrators see every unit, a manager their own (and
    those below): the unit ids to limit to, or None for all. Anyone else is refused."""
    require_scope(token, Scope.DIRECTORY_READ)
    roles = roles_of(user)
    if roles & {Role.ADMINISTRATOR, Role.OPERATOR}:
        return None
    if Role.MANAGER in roles:
        return managed_unit_ids(user)
    raise Forbidden(refusal)


def access_changes(user, token=None) -> set[int] | None:
    """Who sees the change feed (C1)."""
    return _units_seen(
        user, token, _("Only the switchboard, managers and administrators see the change feed.")
    )


def access_statistics(user, token=None) -> set[int] | None:
    """Who sees call statistics (C2)."""
    return _units_seen(
        user, token, _("Only managers, the switchboard and administrators see call statistics.")
    )


def access_message_take(user, token=None) -> None:
    """S2: the switchboard takes messages (and administrators)."""
    require_scope(token, Scope.MESSAGES)
    if not roles_of(user) & {Role.ADMINISTRATOR, Role.OPERATOR}:
        raise Forbidden(_("Only the switchboard takes messages."))


def messages_visible(user, token=None) -> tuple[set[int] | None, set[int] | None]:
    """Which messages someone may see and follow: (person ids, unit ids), or (None, None)
    for all. The switchboard and administrators see all; an employee their own and their
    unit's; a manager also those of the units they manage."""
    require_scope(token, Scope.MESSAGES)
    roles = roles_of(user)
    if roles & {Role.ADMINISTRATOR, Role.OPERATOR}:
        return None, None
    person = own_person(user)
    if person is None:
        raise NoRole(_("Your login has no role in Växel; ask an administrator."))
    managed = managed_unit_ids(user)
    people = {person.pk} | set(Person.objects.filter(unit_id__in=managed).values_list("id", flat=True))
    return people, {person.unit_id} | managed


def access_console(user, token=None) -> None:
    """The operator console and its calls: the switchboard and administrators only."""
    require_scope(token, Scope.EVENTS)
    if not roles_of(user) & {Role.ADMINISTRATOR, Role.OPERATOR}:
        raise Forbidden(_("Only the switchboard's operators and administrators work with calls."))


def access_units_managed(user):
    """The units whose facts this user keeps (C1, C2): every unit for an administrator,
    a manager's own and those below them, none for anyone else."""
    units = Unit.objects.order_by("name")
    if Role.ADMINISTRATOR in roles_of(user):
        return units
    return units.filter(pk__in=managed_unit_ids(user))
