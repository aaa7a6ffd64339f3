"""`vaxel user|token`: logins, their roles and single sign-on, API tokens."""

import argparse

from vaxel.access import services
from vaxel.access.oidc import sso_issuer
from vaxel.access.selectors import tokens_list, user_get
from vaxel.core.cli import Verbs
from vaxel.core.time import iso


def register(verbs: Verbs) -> None:
    user = verbs.group("user", help="logins and their roles")
    p = user.verb("add", user_add, help="add a login")
    p.add_argument("username")
    p.add_argument("--person", help="link the login to this person (e-mail): an employee")
    p.add_argument("--roles", help="operator, administrator (comma separated)")
    p.add_argument("--password", help="default: generated and printed once")
    p = user.verb(
        "sso-link",
        user_sso_link,
        help="link a login to its single sign-on identity (operators and administrators)",
    )
    p.add_argument("username")
    p.add_argument("--subject", required=True, help="the 'sub' claim of the login's tokens at the provider")

    token = verbs.group("token", help="API tokens for integrations")
    p = token.verb("create", token_create, help="create a token; its secret is printed once")
    p.add_argument("--owner", required=True, help="the login whose rights the token never exceeds")
    p.add_argument(
        "--scopes", required=True, help="route, events, directory:read, directory:write, absences:write"
    )
    p.add_argument("--name", default="", help="what it is for, e.g. 'Kamailio' or 'Intranät'")
    token.verb("list", token_list, help="list tokens (never their secrets)")
    p = token.verb("revoke", token_revoke, help="revoke a token at once")
    p.add_argument("key_id", help="the key id shown by 'vaxel token list'")


def user_add(args: argparse.Namespace) -> int:
    user, password = services.user_add(
        username=args.username, password=args.password, person=args.person, roles=args.roles
    )
    print(f"{user.get_username()}" + ("" if args.password else f" / {password}"))
    return 0


def user_sso_link(args: argparse.Namespace) -> int:
    identity = services.sso_identity_link(
        user=user_get(args.username), issuer=sso_issuer(), subject=args.subject
    )
    print(f"{identity.user.get_username()} = {identity.subject} @ {identity.issuer}")
    return 0


def token_create(args: argparse.Namespace) -> int:
    token, secret = services.token_create(owner=args.owner, scopes=args.scopes, name=args.name)
    print(f"{token.prefix}  {' '.join(token.scopes)}")
    print(secret)
    return 0


def token_list(args: argparse.Namespace) -> int:
    for token in tokens_list():
        state = f"revoked {iso(token.revoked_at)}" if token.revoked_at else "active"
        print(
            f"{token.prefix}  {token.owner.get_username()}  {','.join(token.scopes)}  {token.name}  {state}"
        )
    return 0


def token_revoke(args: argparse.Namespace) -> int:
    print(services.token_revoke(prefix=args.key_id))
    return 0
