"""A real OpenID Connect provider on 127.0.0.1 for the single sign-on tests, built on
pyop: discovery, authorization (it signs in the user the test names), token, JWKS and
userinfo endpoints, RS256-signed ID tokens. Nothing in Växel is mocked."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlparse

from Cryptodome.PublicKey import RSA
from jwkest.jwk import RSAKey
from pyop.authz_state import AuthorizationState
from pyop.provider import Provider
from pyop.subject_identifier import HashBasedSubjectIdentifierFactory
from pyop.userinfo import Userinfo

CLIENT_ID, CLIENT_SECRET = "vaxel", "test-client-secret"


class LocalOidcProvider:
    def __init__(self, *, redirect_uri: str, users: dict[str, dict]):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.signed_in = next(iter(users))  # who "types their password" at the provider
        configuration = {
            # pyop insists on an https issuer; it is only a name in the tokens here.
            "issuer": "https://idp.testby.invalid",
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "userinfo_endpoint": f"{self.url}/userinfo",
            "jwks_uri": f"{self.url}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "scopes_supported": ["openid", "email", "profile"],
            "claims_supported": ["sub", "email", "email_verified", "name"],
        }
        clients = {
            CLIENT_ID: {
                "client_secret": CLIENT_SECRET,
                "redirect_uris": [redirect_uri],
                "response_types": ["code"],
                "token_endpoint_auth_method": "client_secret_post",
            }
        }
        self.users = users  # the provider's own records: a test may change a claim
        self.subjects = HashBasedSubjectIdentifierFactory("salt")
        self.provider = Provider(
            RSAKey(key=RSA.generate(2048), alg="RS256", kid="test-key"),
            configuration,
            AuthorizationState(self.subjects),
            clients,
            Userinfo(users),
        )

    def subject_of(self, user: str) -> str:
        """The `sub` the provider's tokens carry for one of its users."""
        return self.subjects.create_public_identifier(user)

    def settings(self) -> dict[str, str]:
        """Växel's settings for this provider."""
        return {
            "OIDC_RP_CLIENT_ID": CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": CLIENT_SECRET,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.url}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.url}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.url}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.url}/jwks",
            "VAXEL_OIDC_NAME": "Testby kommun (test-IdP)",
            "VAXEL_OIDC_ISSUER": "https://idp.testby.invalid",
        }

    def _handler(self):
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status: int, body: str = "", location: str = "") -> None:
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body.encode())

            def _body(self) -> str:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()

            def do_GET(self):
                url = urlparse(self.path)
                provider = outer.provider
                if url.path == "/authorize":
                    request = provider.parse_authentication_request(url.query)
                    response = provider.authorize(request, outer.signed_in)
                    self._send(302, location=response.request(request["redirect_uri"]))
                elif url.path == "/jwks":
                    self._send(200, json.dumps(provider.jwks))
                elif url.path == "/.well-known/openid-configuration":
                    self._send(200, provider.provider_configuration.to_json())
                elif url.path == "/userinfo":
                    self._send(200, provider.handle_userinfo_request("", dict(self.headers)).to_json())
                else:
                    self._send(404)

            def do_POST(self):
                provider = outer.provider
                if self.path == "/token":
                    self._send(200, provider.handle_token_request(self._body(), dict(self.headers)).to_json())
                elif self.path == "/userinfo":
                    self._send(
                        200, provider.handle_userinfo_request(self._body(), dict(self.headers)).to_json()
                    )
                else:
                    self._send(404)

        return Handler

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
