"""SCIM 2.0 (RFC 7643/7644) at /scim/v2/: the protocol Entra ID and Okta provision
users with. Each user becomes a SourcePerson for the rules in sync.py (source `scim`);
`active: false` and DELETE deactivate (E1), never delete. Only an API token with the
`scim` scope whose owner is an administrator gets in; never a browser session.

Built on DRF rather than django-scim2: Växel's API, tokens and errors are already DRF,
and the writes must go through the directory's own sync rules (S3, E1, C1), which
django-scim2's adapters would write around."""

import re
from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import APIException
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from vaxel.access.authentication import TokenAuthentication
from vaxel.access.constants import Role, Scope
from vaxel.access.roles import roles_of
from vaxel.core.errors import Forbidden, NotFound, VaxelError
from vaxel.core.text import record_id
from vaxel.directory.models import NumberKind, Person, Unit
from vaxel.directory.services import person_deactivate
from vaxel.directory.sync import SourcePerson, directory_sync, source_label

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
CONTENT_TYPE = "application/scim+json"
_FILTER = re.compile(r'^\s*(userName|externalId|displayName)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.I)
LARGEST_PAGE = 1000


class ScimParser(JSONParser):
    media_type = CONTENT_TYPE


class ScimError(Exception):
    def __init__(self, status: int, detail: str, scim_type: str = ""):
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type


def _error(status: int, detail: str, scim_type: str = "") -> Response:
    body: dict[str, Any] = {"schemas": [ERROR], "status": str(status), "detail": detail}
    if scim_type:
        body["scimType"] = scim_type
    return Response(body, status=status, content_type=CONTENT_TYPE)


def _truthy(value: Any) -> bool:
    """Entra ID has sent `active` as "False" (a string) in PATCH."""
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "0", "no", "")
    return bool(value)


class _Scim(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes: list = []
    parser_classes = [ScimParser, JSONParser]
    schema = None  # SCIM has its own schema (RFC 7643), not Växel's OpenAPI

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        token = request.auth
        if token is None:
            raise ScimError(401, _("Send an API token with the scim scope: Authorization: Bearer vx_…"))
        if not token.has_scope(Scope.SCIM) or Role.ADMINISTRATOR not in roles_of(request.user):
            raise ScimError(403, _("The token needs the scim scope, and an administrator as its owner."))

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, ScimError):
            return _error(exc.status, exc.detail, exc.scim_type)
        if isinstance(exc, NotFound):
            return _error(404, exc.message)
        if isinstance(exc, Forbidden):
            return _error(403, exc.message)
        if isinstance(exc, VaxelError):
            errors = exc.details.get("errors") or [exc.message]
            return _error(400, "; ".join(errors), "invalidValue")
        if isinstance(exc, APIException):
            return _error(exc.status_code, str(exc.detail))
        raise exc


def user_resource(person: Person) -> dict[str, Any]:
    """A person as SCIM shows them. A mobile without its owner's consent is left out (S3)."""
    numbers = {n.kind: n for n in person.numbers.all()}
    phones = []
    if NumberKind.DIRECT in numbers:
        phones.append({"value": numbers[NumberKind.DIRECT].e164, "type": "work"})
    mobile = numbers.get(NumberKind.MOBILE)
    if mobile is not None and mobile.is_public:
        phones.append({"value": mobile.e164, "type": "mobile"})
    resource: dict[str, Any] = {
        "schemas": [USER, ENTERPRISE],
        "id": str(person.pk),
        "userName": person.email,
        "active": person.active,
        "displayName": person.name,
        "name": {"formatted": person.name},
        "emails": [{"value": person.email, "type": "work", "primary": True}],
        "title": person.title,
        "phoneNumbers": phones,
        ENTERPRISE: {"department": person.unit.name},
        "meta": {"resourceType": "User", "location": f"/scim/v2/Users/{person.pk}"},
    }
    if person.source == "scim" and person.source_id:
        resource["externalId"] = person.source_id
    return resource


def _of(data: dict[str, Any], key: str, kind: type) -> Any:
    """data[key] when it is a `kind` (list, dict), else an empty one: a client's odd JSON
    is no 500."""
    value = data.get(key)
    return value if isinstance(value, kind) else kind()


def _source_person(data: dict[str, Any], where: str) -> SourcePerson:
    """A SCIM user as the sync's SourcePerson: only the attributes the request has."""
    if not isinstance(data, dict):
        raise ScimError(400, _("The body must be a SCIM User object."), "invalidSyntax")
    values: dict[str, str] = {}
    emails = _of(data, "emails", list)
    email = next(
        (
            str(e.get("value", ""))
            for e in emails
            if isinstance(e, dict) and (e.get("primary") or e.get("type") == "work")
        ),
        "",
    ) or str(data.get("userName") or "")
    if email:
        values["email"] = email
    name = _of(data, "name", dict)
    full = str(data.get("displayName") or name.get("formatted") or "").strip()
    full = full or " ".join(str(name.get(k) or "") for k in ("givenName", "familyName")).strip()
    if full:
        values["name"] = full
    if "title" in data:
        values["title"] = str(data.get("title") or "")
    phones = _of(data, "phoneNumbers", list)
    for phone in phones:
        if isinstance(phone, dict) and phone.get("value"):
            kind = "mobile" if phone.get("type") == "mobile" else "direct_number"
            values.setdefault(kind, str(phone["value"]))
    enterprise = _of(data, ENTERPRISE, dict)
    if enterprise.get("department"):
        values["unit"] = str(enterprise["department"])
    manager = enterprise.get("manager")
    manager_ref = str(manager.get("value", "")) if isinstance(manager, dict) else str(manager or "")
    manager_email = ""
    manager_pk = record_id(manager_ref)
    if manager_pk is not None:
        manager_email = Person.objects.filter(pk=manager_pk).values_list("email", flat=True).first() or ""
    return SourcePerson(
        source_id=str(data.get("externalId") or data.get("userName") or ""),
        where=where,
        values=values,
        columns={"email": "emails", "name": "displayName", "unit": "department", "mobile": "phoneNumbers"},
        manager=manager_email,
        active=_truthy(data.get("active", True)),
    )


def _write(data: dict[str, Any], *, actor, where: str) -> Person:
    record = _source_person(data, where)
    directory_sync(source="scim", people=[record], complete=False, actor=actor)
    person = (
        Person.objects.filter(source="scim", source_id=record.source_id).first() if record.source_id else None
    ) or Person.objects.filter(email__iexact=record.values.get("email", "")).first()
    if person is None:
        raise ScimError(400, _("The user could not be matched after it was written."))
    if not record.active and person.active:
        person_deactivate(email=person.email, actor=actor, source=source_label("scim"))
        person.refresh_from_db()
    return person


def _person(pk: str) -> Person:
    number = record_id(pk)
    person = Person.objects.filter(pk=number).select_related("unit").first() if number is not None else None
    if person is None:
        raise ScimError(404, _("There is no user %(id)s.") % {"id": pk[:40]})
    return person


def _page(request: Request) -> tuple[int, int]:
    start = record_id(request.query_params.get("startIndex", "1")) or 1
    count = record_id(request.query_params.get("count", "100"))
    return start, min(LARGEST_PAGE, 100 if count is None else count)


def _filtered(request: Request) -> tuple[str, str] | None:
    text = request.query_params.get("filter", "")
    if not text:
        return None
    match = _FILTER.match(text)
    if match is None:
        raise ScimError(
            400, _('Växel understands filters such as userName eq "anna@example.se".'), "invalidFilter"
        )
    return match.group(1).lower(), match.group(2).replace('\\"', '"')


def _listed(resources: list[dict], total: int, start: int) -> Response:
    body = {
        "schemas": [LIST],
        "totalResults": total,
        "startIndex": start,
        "itemsPerPage": len(resources),
        "Resources": resources,
    }
    return Response(body, content_type=CONTENT_TYPE)


class Users(_Scim):
    def get(self, request: Request) -> Response:
        people = Person.objects.select_related("unit").prefetch_related("numbers").order_by("pk")
        wanted = _filtered(request)
        if wanted is not None:
            attribute, value = wanted
            if attribute == "username":
                people = people.filter(email__iexact=value)
            elif attribute == "externalid":
                people = people.filter(source="scim", source_id=value)
            else:
                people = people.filter(name__iexact=value)
        start, count = _page(request)
        total = people.count()
        page = list(people[start - 1 : start - 1 + count])
        return _listed([user_resource(p) for p in page], total, start)

    def post(self, request: Request) -> Response:
        data = request.data
        source_id = (
            str(data.get("externalId") or data.get("userName") or "") if isinstance(data, dict) else ""
        )
        if source_id and Person.objects.filter(source="scim", source_id=source_id).exists():
            raise ScimError(409, _("The user %(id)s exists already.") % {"id": source_id[:100]}, "uniqueness")
        person = _write(data, actor=request.user, where=f"POST {source_id[:100]}")
        return Response(user_resource(person), status=201, content_type=CONTENT_TYPE)


class UserDetail(_Scim):
    def get(self, request: Request, pk: str) -> Response:
        return Response(user_resource(_person(pk)), content_type=CONTENT_TYPE)

    def put(self, request: Request, pk: str) -> Response:
        person = _person(pk)
        data = dict(request.data) if isinstance(request.data, dict) else {}
        data.setdefault("externalId", person.source_id if person.source == "scim" else "")
        person = _write(data, actor=request.user, where=f"PUT {pk}")
        return Response(user_resource(person), content_type=CONTENT_TYPE)

    def patch(self, request: Request, pk: str) -> Response:
        person = _person(pk)
        current = user_resource(person)
        operations = request.data.get("Operations") if isinstance(request.data, dict) else None
        if not isinstance(operations, list):
            raise ScimError(400, _("A PATCH needs Operations (RFC 7644, 3.5.2)."), "invalidSyntax")
        for operation in operations:
            _apply(current, operation)
        if not _phones_patched(operations):
            current.pop("phoneNumbers", None)  # the numbers stay as they are, hidden ones too (S3)
        person = _write(current, actor=request.user, where=f"PATCH {pk}")
        return Response(user_resource(person), content_type=CONTENT_TYPE)

    def delete(self, request: Request, pk: str) -> Response:
        person = _person(pk)
        if person.active:
            person_deactivate(email=person.email, actor=request.user, source=source_label("scim"))
        return Response(status=204)


def _phones_patched(operations: list) -> bool:
    return any(
        isinstance(o, dict) and "phone" in str(o.get("path", "") or o.get("value", "")).lower()
        for o in operations
    )


_PHONE_PATH = re.compile(r'^phoneNumbers\[type eq "(work|mobile)"\]\.value$', re.I)
_EMAIL_PATH = re.compile(r'^emails\[type eq "work"\]\.value$', re.I)


def _apply(user: dict[str, Any], operation: Any) -> None:
    """One PATCH operation (Add, Replace, Remove) on the user's SCIM representation."""
    if not isinstance(operation, dict):
        raise ScimError(400, _("Each PATCH operation must be an object."), "invalidSyntax")
    op = str(operation.get("op", "")).lower()
    if op not in ("add", "replace", "remove"):
        raise ScimError(400, _("A PATCH operation is Add, Replace or Remove."), "invalidSyntax")
    path = str(operation.get("path") or "")
    value = None if op == "remove" else operation.get("value")
    if not path:
        if not isinstance(value, dict):
            raise ScimError(
                400, _("An operation without a path needs an object as its value."), "invalidSyntax"
            )
        for key, item in value.items():
            _set(user, str(key), item)
        return
    _set(user, path, value)


def _set(user: dict[str, Any], path: str, value: Any) -> None:
    enterprise = user.setdefault(ENTERPRISE, {})
    if path.startswith(ENTERPRISE + ":"):
        enterprise[path[len(ENTERPRISE) + 1 :]] = value
    elif path == ENTERPRISE and isinstance(value, dict):
        enterprise.update(value)
    elif match := _PHONE_PATH.match(path):
        kind = match.group(1).lower()
        phones = [p for p in user.get("phoneNumbers", []) if p.get("type") != kind]
        user["phoneNumbers"] = [*phones, {"type": kind, "value": value}] if value else phones
    elif _EMAIL_PATH.match(path):
        user["emails"] = [{"value": value, "type": "work", "primary": True}]
    elif path in ("name.givenName", "name.familyName", "name.formatted"):
        name = user.setdefault("name", {})
        name.pop("formatted", None)
        if path != "name.formatted":
            user.pop("displayName", None)
        name[path.split(".", 1)[1]] = value
    elif path in ("active", "title", "displayName", "userName", "externalId"):
        user[path] = value if value is not None else ""
    else:
        raise ScimError(
            400, _("Växel does not keep the attribute %(path)s.") % {"path": path[:100]}, "invalidPath"
        )


def group_resource(unit: Unit) -> dict[str, Any]:
    members = unit.members.filter(active=True).order_by("pk")
    return {
        "schemas": [GROUP],
        "id": str(unit.pk),
        "displayName": unit.name,
        "members": [{"value": str(p.pk), "display": p.name} for p in members],
        "meta": {"resourceType": "Group", "location": f"/scim/v2/Groups/{unit.pk}"},
    }


class Groups(_Scim):
    """Växel's units, read-only: people's units come from their department."""

    def get(self, request: Request) -> Response:
        units = Unit.objects.order_by("pk")
        wanted = _filtered(request)
        if wanted is not None:
            units = units.filter(name__iexact=wanted[1]) if wanted[0] == "displayname" else units.none()
        start, count = _page(request)
        page = list(units[start - 1 : start - 1 + count])
        return _listed([group_resource(u) for u in page], units.count(), start)

    def post(self, request: Request) -> Response:
        raise ScimError(501, _("Units come from the users' department; groups cannot be provisioned."))


class GroupDetail(_Scim):
    def get(self, request: Request, pk: str) -> Response:
        number = record_id(pk)
        unit = Unit.objects.filter(pk=number).first() if number is not None else None
        if unit is None:
            raise ScimError(404, _("There is no group %(id)s.") % {"id": pk[:40]})
        return Response(group_resource(unit), content_type=CONTENT_TYPE)
