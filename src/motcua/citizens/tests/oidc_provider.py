"""A minimal, real OpenID Connect provider on 127.0.0.1 for the tests.

Authorization code flow: ``/authorize`` answers at once for the configured
person (as a provider does after its own sign-in and consent) or, with
``consent=True``, first shows a page whose button ("Đồng ý", ``/consent``)
gives the answer, as a browser meets it; ``/token``
exchanges a code once for an RS256-signed ID token, ``/userinfo`` answers
for a bearer token and ``/jwks`` publishes the public key. ``tamper`` makes
it misbehave the ways a forged answer would: ``"audience"`` (token for
another client), ``"key"`` (signed with a key it does not publish) or
``"nonce"``.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa


class Provider:
    def __init__(
        self, *, client_id: str = "motcua", client_secret: str = "s3cret", consent: bool = False
    ) -> None:
        self.client_id = client_id
        self.consent = consent
        self.pending: dict[str, str] = {}
        self.client_secret = client_secret
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.person: dict[str, Any] = {
            "sub": "079190000001",
            "name": "Nguyễn Văn An",
            "email": "an.nguyen@example.vn",
            "email_verified": True,
        }
        self.tamper = ""
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, dict[str, Any]] = {}
        self.requests: list[str] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _json(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _redirect(self, target: str) -> None:
                self.send_response(302)
                self.send_header("Location", target)
                self.end_headers()

            def _page(self, ticket: str) -> None:
                person = provider.person["name"]
                data = (
                    '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
                    "<title>Nền tảng định danh (thử nghiệm)</title></head><body>"
                    f"<h1>Xin chào {person}</h1>"
                    "<p>Motcua muốn biết họ tên và thư điện tử của bạn.</p>"
                    '<form method="get" action="/consent">'
                    f'<input type="hidden" name="ticket" value="{ticket}">'
                    '<button id="allow" type="submit">Đồng ý</button></form></body></html>'
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                provider.requests.append(url.path)
                if url.path == "/authorize":
                    if (
                        query.get("client_id") != provider.client_id
                        or query.get("response_type") != "code"
                    ):
                        self._json(400, {"error": "invalid_request"})
                        return
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = {
                        "redirect_uri": query["redirect_uri"],
                        "nonce": query.get("nonce"),
                    }
                    target = (
                        query["redirect_uri"]
                        + "?"
                        + urlencode({"code": code, "state": query["state"]})
                    )
                    if provider.consent:
                        ticket = secrets.token_urlsafe(16)
                        provider.pending[ticket] = target
                        self._page(ticket)
                        return
                    self._redirect(target)
                elif url.path == "/consent":
                    target = provider.pending.pop(query.get("ticket", ""), "")
                    if not target:
                        self._json(400, {"error": "invalid_request"})
                        return
                    self._redirect(target)
                elif url.path == "/jwks":
                    public = json.loads(
                        jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key())
                    )
                    public.update({"kid": "k1", "alg": "RS256", "use": "sig"})
                    self._json(200, {"keys": [public]})
                elif url.path == "/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in provider.tokens:
                        self._json(401, {"error": "invalid_token"})
                        return
                    self._json(200, provider.tokens[token])
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:
                provider.requests.append(self.path)
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                grant = provider.codes.pop(form.get("code", ""), None)
                if (
                    self.path != "/token"
                    or grant is None
                    or form.get("client_id") != provider.client_id
                    or form.get("client_secret") != provider.client_secret
                    or form.get("redirect_uri") != grant["redirect_uri"]
                ):
                    self._json(400, {"error": "invalid_grant"})
                    return
                now = int(time.time())
                claims = {
                    "iss": provider.issuer,
                    "sub": provider.person["sub"],
                    "aud": "someone-else" if provider.tamper == "audience" else provider.client_id,
                    "iat": now,
                    "exp": now + 300,
                    "nonce": "forged" if provider.tamper == "nonce" else grant["nonce"],
                }
                key = provider.other_key if provider.tamper == "key" else provider.key
                id_token = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})
                access = secrets.token_urlsafe(16)
                provider.tokens[access] = dict(provider.person)
                self._json(
                    200,
                    {
                        "access_token": access,
                        "token_type": "Bearer",
                        "expires_in": 300,
                        "id_token": id_token,
                    },
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.issuer = self.base
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Provider:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    def settings(self) -> dict[str, Any]:
        return {
            "OIDC_RP_CLIENT_ID": self.client_id,
            "OIDC_RP_CLIENT_SECRET": self.client_secret,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.base}/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.base}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.base}/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.base}/jwks",
            "MOTCUA_OIDC_ISSUER": self.issuer,
        }
