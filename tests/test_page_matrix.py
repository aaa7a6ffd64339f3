"""Every page and form × every role: shown, refused (403), or asked to sign in.

One table, one test; a page added without a row here fails the last test. The API has
its own table (test_api_matrix.py); the admin is Django's (staff only)."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from vaxel.testing import PASSWORD

ROLES = ["anonymous", "nobody", "employee", "manager", "operator", "administrator"]
SIGN_IN = "sign in"  # 302 to /login/?next=…


def expect(anonymous=SIGN_IN, nobody=403, employee=403, manager=403, operator=403, administrator=403):
    return dict(
        anonymous=anonymous,
        nobody=nobody,
        employee=employee,
        manager=manager,
        operator=operator,
        administrator=administrator,
    )


EVERYONE = expect(200, 200, 200, 200, 200, 200)
SWITCHBOARD = expect(operator=200, administrator=200)
CONSOLE_POST = expect(operator=200, administrator=200)
STAFF = {"operator": 200, "administrator": 200}

# (route as in the URLconf, method, concrete path(town), form data, expected status by role)
PAGES = [
    ("", "get", lambda t: "/", None, EVERYONE),
    ("login/", "get", lambda t: "/login/", None, EVERYONE),
    ("logout/", "post", lambda t: "/logout/", {}, expect(302, 302, 302, 302, 302, 302)),
    ("start/", "get", lambda t: "/start/", None, expect(SIGN_IN, 302, 302, 302, 302, 302)),
    ("sprak/", "post", lambda t: "/sprak/", {"language": "en"}, expect(302, 302, 302, 302, 302, 302)),
    ("sprak/", "post", lambda t: "/sprak/", {"language": "fi"}, expect(400, 400, 400, 400, 400, 400)),
    ("tillganglighet/", "get", lambda t: "/tillganglighet/", None, EVERYONE),
    (
        "oidc/authenticate/",
        "get",
        lambda t: "/oidc/authenticate/",
        None,
        expect(404, 404, 404, 404, 404, 404),
    ),
    ("oidc/callback/", "get", lambda t: "/oidc/callback/", None, expect(404, 404, 404, 404, 404, 404)),
    ("min-sida/", "get", lambda t: "/min-sida/", None, expect(employee=200, manager=200)),
    (
        "min-sida/",
        "post",
        lambda t: "/min-sida/",
        {"action": "consent", "consent": "no"},
        expect(employee=302, manager=302),
    ),
    ("min-sida/mobil/", "get", lambda t: "/min-sida/mobil/", None, expect(employee=200, manager=200)),
    (
        "min-sida/mobil/",
        "post",
        lambda t: "/min-sida/mobil/",
        {"action": "lost", "kind": "lost"},
        expect(employee=400, manager=400),  # they hold no work mobile: refused with a reason
    ),
    ("mobiler/", "get", lambda t: "/mobiler/", None, expect(manager=200, administrator=200)),
    ("katalog/import/", "get", lambda t: "/katalog/import/", None, expect(administrator=200)),
    # SCIM takes an API token with the scim scope, never a session (vaxel/directory/tests/test_scim.py).
    ("scim/v2/Users", "get", lambda t: "/scim/v2/Users", None, expect(401, 401, 401, 401, 401, 401)),
    (
        "scim/v2/Users/<str:pk>",
        "get",
        lambda t: f"/scim/v2/Users/{t.anna.pk}",
        None,
        expect(401, 401, 401, 401, 401, 401),
    ),
    ("scim/v2/Groups", "get", lambda t: "/scim/v2/Groups", None, expect(401, 401, 401, 401, 401, 401)),
    (
        "scim/v2/Groups/<str:pk>",
        "get",
        lambda t: f"/scim/v2/Groups/{t.unit.pk}",
        None,
        expect(401, 401, 401, 401, 401, 401),
    ),
    (
        "katalog/import/",
        "post",
        lambda t: "/katalog/import/",
        {"action": "preview"},
        expect(administrator=400),  # no file chosen: refused with a reason
    ),
    ("mobiler/", "post", lambda t: "/mobiler/", {"action": "x"}, expect(manager=400, administrator=400)),
    ("mobiler/<id:pk>/", "get", lambda t: "/mobiler/999/", None, expect(manager=404, administrator=404)),
    ("mobiler/borttappad/", "get", lambda t: "/mobiler/borttappad/", None, SWITCHBOARD),
    (
        "mobiler/borttappad/",
        "post",
        lambda t: "/mobiler/borttappad/",
        {"email": "anna.sjoberg@example.se", "kind": "lost"},
        expect(operator=400, administrator=400),  # Anna holds no work mobile
    ),
    (
        "min-sida/enheter/",
        "get",
        lambda t: "/min-sida/enheter/",
        None,
        expect(manager=200, administrator=200),
    ),
    (
        "min-sida/enheter/<id:pk>/",
        "get",
        lambda t: f"/min-sida/enheter/{t.unit.pk}/",
        None,
        expect(manager=200, administrator=200),
    ),
    (
        "min-sida/enheter/<id:pk>/",
        "get",
        lambda t: f"/min-sida/enheter/{t.other_unit.pk}/",  # not Anna's unit
        None,
        expect(administrator=200),
    ),
    ("min-sida/statistik/", "get", lambda t: "/min-sida/statistik/", None, expect(manager=200, **STAFF)),
    (
        "min-sida/statistik/",
        "get",
        lambda t: f"/min-sida/statistik/?scope=unit:{t.other_unit.pk}",  # not Anna's unit
        None,
        expect(**STAFF),
    ),
    (
        "min-sida/statistik/rapport.csv",
        "get",
        lambda t: "/min-sida/statistik/rapport.csv",
        None,
        expect(manager=200, **STAFF),
    ),
    (
        "min-sida/statistik/<slug:slug>.<str:fmt>",
        "get",
        lambda t: "/min-sida/statistik/callbacks.csv?scope=switchboard",
        None,
        expect(**STAFF),
    ),
    (
        "min-sida/enheter/<id:pk>/",
        "post",
        lambda t: f"/min-sida/enheter/{t.unit.pk}/",
        {"action": "keywords", "keywords": "bygglov"},
        expect(manager=302, administrator=302),
    ),
    ("min-sida/kalender/", "get", lambda t: "/min-sida/kalender/", None, expect(employee=200, manager=200)),
    (
        "min-sida/kalender/",
        "post",
        lambda t: "/min-sida/kalender/",
        {"action": "toggle", "event": "0"},
        expect(employee=400, manager=400),  # no such event: refused with a reason
    ),
    (
        "messages/",
        "get",
        lambda t: "/messages/",
        None,
        expect(employee=200, manager=200, operator=200, administrator=200),
    ),
    (
        "messages/open/<str:token>/",
        "get",
        lambda t: "/messages/open/forged/",
        None,
        expect(400, 400, 400, 400, 400, 400),  # the signed link is the key, for anyone
    ),
    # The PBX's endpoints take a route token, never a browser session (test_pbx.py).
    ("pbx/route/", "get", lambda t: "/pbx/route/?to=0370-331001", None, expect(401, 401, 401, 401, 401, 401)),
    (
        "pbx/prompts/<str:token>",
        "get",
        lambda t: "/pbx/prompts/forged.wav",
        None,
        expect(404, 404, 404, 404, 404, 404),
    ),
    ("konsol/", "get", lambda t: "/konsol/", None, SWITCHBOARD),
    ("konsol/ko/", "get", lambda t: "/konsol/ko/", None, SWITCHBOARD),
    ("konsol/status/", "get", lambda t: "/konsol/status/", None, SWITCHBOARD),
    ("konsol/sok/", "get", lambda t: "/konsol/sok/?q=anna", None, SWITCHBOARD),
    ("konsol/enhet/<id:pk>/", "get", lambda t: f"/konsol/enhet/{t.unit.pk}/", None, SWITCHBOARD),
    ("konsol/andringar/", "get", lambda t: "/konsol/andringar/", None, SWITCHBOARD),
    # The console's SIP credentials: none where the console is no telephone (the simulator);
    # vaxel/console/tests/test_views.py has them with Kamailio.
    ("konsol/telefon/", "get", lambda t: "/konsol/telefon/", None, expect(operator=404, administrator=404)),
    (
        "konsol/samtal/<id:pk>/<str:action>/",
        "post",
        lambda t: "/konsol/samtal/999/answer/",
        {},
        CONSOLE_POST,
    ),
    # A voice message's recording: operators only, never a sign-in page (an <audio> asks).
    (
        "konsol/samtal/<id:pk>/rostmeddelande/",
        "get",
        lambda t: "/konsol/samtal/999/rostmeddelande/",
        None,
        expect(anonymous=403, operator=404, administrator=404),  # no such call
    ),
    ("konsol/franvaro/", "post", lambda t: "/konsol/franvaro/", {"email": "x"}, CONSOLE_POST),
    ("konsol/meddelande/", "post", lambda t: "/konsol/meddelande/", {}, CONSOLE_POST),
    (
        "konsol/handelser/",
        "get",
        lambda t: "/konsol/handelser/",
        None,
        expect(operator=None, administrator=None),
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", PAGES, ids=[f"{p[1]} {p[0] or '/'} {i}" for i, p in enumerate(PAGES)])
def test_every_page_for_every_role(client, town, logins, role, page):
    _route, method, path, data, expected = page
    if expected[role] is None:
        pytest.skip("a live stream: tested in vaxel/console/tests/test_events.py")
    if role != "anonymous":
        client.login(username=logins[role].username, password=PASSWORD)
    response = (
        getattr(client, method)(path(town), data) if data is not None else getattr(client, method)(path(town))
    )
    if expected[role] == SIGN_IN:
        assert response.status_code == 302 and response["Location"].startswith("/login/?next="), role
    else:
        assert response.status_code == expected[role], (role, path(town), response.status_code)


def _routes(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


def test_every_page_has_a_row():
    pages = {
        r for r in _routes(get_resolver().url_patterns) if not r.startswith(("api/", "admin/", "^static"))
    }
    assert pages - {row[0] for row in PAGES} == set()
