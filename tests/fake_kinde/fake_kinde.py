#!/usr/bin/python3
"""A fake Kinde issuer for the pam_kinde tests.

HTTPS on 127.0.0.1 with a CA made at run time. Serves Kinde's wire format:
discovery, JWKS (with rotation), the token endpoint (client credentials and
RFC 8628 device code), device authorization and the Management API's API
key verification, plus a test-only control API under /__fake__/ to register
clients and API keys, rotate keys, inject faults and read counters.

    /usr/bin/python3 fake_kinde.py --state-dir DIR [--port 0]

See README.md beside this file for the full reference.
"""

import argparse
import email.utils
import hashlib
import json
import os
import secrets
import signal
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.dont_write_bytecode = True          # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kinde_keys  # noqa: E402

MAX_BODY = 1 << 20                       # request bodies we accept
DEFAULT_SCOPES_SUPPORTED = ["openid", "profile", "email", "offline",
                            "ssh:login", "read:api_keys"]
DEFAULT_M2M_EXPIRES_IN = 86399
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
FAULT_KINDS = {"500", "429", "slow", "huge", "badjson", "reset",
               "redirect-http", "redirect-https", "redirect-307",
               "redirect-308", "hang", "close", "close-silent",
               # the fault matrix's (tests/net/test_fault_matrix.sh)
               "503", "429-bare", "trickle", "html", "reset-mid"}
# Faults answered before the endpoint runs (no side effects happen);
# the others rewrite the endpoint's real response.
PRE_ROUTE_FAULTS = {"500", "429", "reset", "redirect-http",
                    "redirect-https", "redirect-307", "redirect-308",
                    "hang", "503", "429-bare", "html"}
# Status of each redirect fault: 307 and 308 tell a client to repeat the
# request as it was, a POST with its body (RFC 9110 15.4.8, 15.4.9).
REDIRECT_STATUS = {"redirect-http": 302, "redirect-https": 302,
                   "redirect-307": 307, "redirect-308": 308}
REDACT_FIELDS = {"client_secret", "api_key", "refresh_token", "code",
                 "password"}
CONTROL_PREFIX = "/__fake__/"


# ---------------------------------------------------------------------------
# Small value types
# ---------------------------------------------------------------------------

def dump_json(doc):
    """Compact JSON bytes, as Kinde sends them."""
    return json.dumps(doc, separators=(",", ":")).encode("utf-8")


class Request:
    """One parsed HTTP request, as handed to the endpoints."""

    def __init__(self, method, target, headers, body):
        parsed = urllib.parse.urlsplit(target)
        self.method = method
        self.path = parsed.path
        self.query = urllib.parse.parse_qs(parsed.query,
                                           keep_blank_values=True)
        self.headers = headers
        self.body = body

    def content_type(self):
        return (self.headers.get("Content-Type") or "").split(";")[0].strip()\
            .lower()

    def form(self):
        """Form fields as {name: [values]}; None if not a form body."""
        if self.content_type() != "application/x-www-form-urlencoded":
            return None
        try:
            return urllib.parse.parse_qs(self.body.decode("utf-8"),
                                         keep_blank_values=True)
        except UnicodeDecodeError:
            return None

    def json(self):
        """Parsed JSON body; raises ValueError if it is not JSON."""
        return json.loads(self.body.decode("utf-8"))


class Response:
    """Status, headers and body of one answer."""

    def __init__(self, status, body=b"", headers=None,
                 content_type="application/json; charset=utf-8"):
        if not isinstance(body, (bytes, bytearray)):
            body = dump_json(body)
        self.status = status
        self.body = bytes(body)
        self.headers = list(headers or [])
        if content_type and status != 304:
            self.headers.insert(0, ("Content-Type", content_type))


class HttpError(Exception):
    """Raised by endpoints to answer with a ready Response."""

    def __init__(self, response):
        super().__init__(response.status)
        self.response = response


def oauth_error(status, error, description, headers=None):
    """RFC 6749 section 5.2 error response."""
    headers = list(headers or []) + [("Cache-Control", "no-store")]
    return HttpError(Response(status, {"error": error,
                                       "error_description": description},
                              headers=headers))


def mgmt_error(status, code, message):
    """Kinde Management API error shape."""
    return HttpError(Response(status, {"errors": [{"code": code,
                                                   "message": message}]}))


def control_error(status, message):
    return HttpError(Response(status, {"error": message}))


def redact(value, head=7, tail=4):
    """First `head` and last `tail` characters of a secret."""
    if not isinstance(value, str):
        return value
    if len(value) <= head + tail:
        return "…(%d chars)" % len(value)
    return value[:head] + "…" + value[-tail:]


def etag_of(body):
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def etag_matches(if_none_match, etag):
    """RFC 7232 weak comparison of an If-None-Match list against an ETag."""
    if not if_none_match:
        return False
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*":
            return True
        if candidate.startswith("W/"):
            candidate = candidate[2:]
        if candidate == etag:
            return True
    return False


class Fault:
    """One injected fault: kind, how many more times, parameters."""

    def __init__(self, spec):
        kind = str(spec.get("kind"))
        if kind not in FAULT_KINDS:
            raise control_error(400, "unknown fault kind %r" % kind)
        self.kind = kind
        self.remaining = spec.get("count")
        if self.remaining is not None and (
                not isinstance(self.remaining, int) or self.remaining < 1):
            raise control_error(400, "count must be a positive integer")
        self.reset_after = int(spec.get("reset_after", 2))
        self.delay = float(spec.get("delay", 600 if kind == "hang" else 5))
        self.size = int(spec.get("size", 5 * 1024 * 1024))
        self.location = spec.get("location")

    def describe(self):
        return {"kind": self.kind, "count": self.remaining,
                "reset_after": self.reset_after, "delay": self.delay,
                "size": self.size, "location": self.location}


class Device:
    """One pending RFC 8628 device authorization."""

    def __init__(self, client_id, scope, audience, expires_in, interval):
        self.device_code = secrets.token_urlsafe(32)
        alphabet = "BCDFGHJKLMNPQRSTVWXZ"   # no vowels: no words
        code = "".join(secrets.choice(alphabet) for _ in range(8))
        self.user_code = code[:4] + "-" + code[4:]
        self.client_id = client_id
        self.scope = scope
        self.audience = audience
        self.expires_in = expires_in
        self.expires_at = time.monotonic() + expires_in
        self.interval = interval
        self.last_poll = None
        self.state = "pending"              # approved, denied, used
        self.claims = {}
        self.ttl = 3600
        self.created = time.monotonic()
        self.script = {}                    # see c_device_script
        self.polls = []                     # {"t","interval","answer"}


# ---------------------------------------------------------------------------
# The fake issuer: all state and every endpoint
# ---------------------------------------------------------------------------

class FakeKinde:
    def __init__(self, args):
        self.state_dir = args.state_dir
        self.store = kinde_keys.KeyStore(args.state_dir).ensure(args.keys)
        self.lock = threading.RLock()
        self.issuer = None                   # set once the port is known
        self.port = None
        self.clock_offset = float(args.clock_offset)
        self.jwks_max_age = int(args.jwks_max_age)
        self.discovery_max_age = int(args.discovery_max_age)
        self.device_interval = int(args.device_interval)
        self.device_expires_in = int(args.device_expires_in)
        self.scopes_supported = list(DEFAULT_SCOPES_SUPPORTED)
        self.clients = {}
        self.pending_clients = list(args.client or [])
        self.apikeys = {}
        self.users = {}                      # Management API: id -> user
        self.orgs = {}                       # code -> {user id: membership}
        self.mgmt_page_size = 500            # cap on page_size (paging tests)
        self.user_expand_orgs = True         # expand=organizations honoured
        self.devices = {}                    # device_code -> Device
        self.device_script = None            # for the next authorization
        self.last_device = None
        self.faults = {}                     # path or "*" -> Fault
        self.counts = Counter()
        self.last_requests = {}
        self.wakeup = threading.Event()      # wakes "hang" faults on clear
        self.log_file = open(os.path.join(args.state_dir, "requests.log"),
                             "a", encoding="utf-8", buffering=1)
        self.routes = self._routes()

    def set_port(self, port):
        """Fix the issuer URL and register --client options (whose
        default audience depends on the issuer)."""
        self.port = port
        self.issuer = "https://127.0.0.1:%d" % port
        for spec in self.pending_clients:
            self.register_client(parse_client_option(spec))

    def now(self):
        """The issuer's clock: real time shifted by --clock-offset."""
        return time.time() + self.clock_offset

    def _routes(self):
        r = {
            ("GET", "/.well-known/openid-configuration"): self.discovery,
            ("GET", "/.well-known/jwks"): self.jwks,
            ("GET", "/.well-known/jwks.json"): self.jwks,
            ("POST", "/oauth2/token"): self.token,
            ("POST", "/oauth2/device/auth"): self.device_auth,
            ("POST", "/api/v1/api_keys/verify"): self.apikey_verify,
            ("GET", "/api/v1/user"): self.mgmt_user,
        }
        c = CONTROL_PREFIX
        r.update({
            ("GET", c + "counts"): self.c_counts,
            ("POST", c + "counts/reset"): self.c_counts_reset,
            ("GET", c + "fault"): self.c_fault_list,
            ("POST", c + "fault"): self.c_fault,
            ("POST", c + "fault/clear"): self.c_fault_clear,
            ("POST", c + "rotate"): self.c_rotate,
            ("GET", c + "keys"): self.c_keys,
            ("POST", c + "apikeys"): self.c_apikeys,
            ("DELETE", c + "apikeys"): self.c_apikeys_clear,
            ("POST", c + "clients"): self.c_clients,
            ("DELETE", c + "clients"): self.c_clients_clear,
            ("POST", c + "scopes_supported"): self.c_scopes_supported,
            ("POST", c + "device/approve"): self.c_device_approve,
            ("POST", c + "device/deny"): self.c_device_deny,
            ("POST", c + "device/expire"): self.c_device_expire,
            ("POST", c + "device/script"): self.c_device_script,
            ("GET", c + "device/polls"): self.c_device_polls,
            ("POST", c + "config"): self.c_config,
            ("POST", c + "mint"): self.c_mint,
            ("GET", c + "last_request"): self.c_last_request,
            ("POST", c + "users"): self.c_users,
            ("DELETE", c + "users"): self.c_users_clear,
            ("POST", c + "users/suspend"): self.c_users_suspend,
            ("POST", c + "orgs/member"): self.c_orgs_member,
            ("POST", c + "orgs/remove"): self.c_orgs_remove,
        })
        return r

    # -- bookkeeping -------------------------------------------------------

    def log(self, method, path, status):
        """One line per request: method, path (never the query), status."""
        with self.lock:
            self.log_file.write("%s %s %s\n" % (method, path, status))

    def record(self, req, first_on_connection):
        """Count a non-control request (and its TLS connection, if it is
        the first there) and keep a redacted copy of it."""
        with self.lock:
            self.counts[req.path] += 1
            if first_on_connection:
                self.counts["connections"] += 1
            if req.path.startswith("/.well-known/jwks") and \
                    req.headers.get("Authorization") is not None:
                self.counts["jwks_with_authorization"] += 1
            self.last_requests[req.path] = redacted_request(req)

    def take_fault(self, path):
        """The fault that applies to `path` (path-specific wins over "*"),
        consuming one use of it."""
        if path.startswith(CONTROL_PREFIX):
            return None
        with self.lock:
            key = path if path in self.faults else "*"
            fault = self.faults.get(key)
            if fault is None:
                return None
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining <= 0:
                    del self.faults[key]
            return fault

    def route(self, req):
        """Run the endpoint for req; every failure becomes a Response."""
        handler = self.routes.get((req.method, req.path))
        if handler is None:
            handler = self.mgmt_org_route(req)
        if handler is None and req.method == "HEAD":
            handler = self.routes.get(("GET", req.path))
        if handler is None:
            allowed = sorted(m for (m, p) in self.routes if p == req.path)
            if allowed:
                return Response(405, {"error": "method_not_allowed"},
                                headers=[("Allow", ", ".join(allowed))])
            return Response(404, {"errors": [{"code": "ROUTE_NOT_FOUND",
                                              "message": "Not found"}]})
        try:
            if req.path.startswith(CONTROL_PREFIX):
                try:
                    return handler(req, control_body(req))
                except (TypeError, ValueError, AttributeError) as e:
                    # A control field of the wrong type.
                    raise control_error(400, "bad request: %s" % e)
            return handler(req)
        except HttpError as e:
            return e.response

    # -- cacheable documents ------------------------------------------------

    def cacheable(self, req, doc, cache_control):
        """200 with ETag, or 304 when If-None-Match matches."""
        body = dump_json(doc)
        etag = etag_of(body)
        headers = [("Cache-Control", cache_control), ("ETag", etag)]
        if etag_matches(req.headers.get("If-None-Match"), etag):
            return Response(304, b"", headers=headers)
        return Response(200, body, headers=headers)

    def discovery_document(self):
        iss = self.issuer
        return {
            "issuer": iss,
            "authorization_endpoint": iss + "/oauth2/auth",
            "token_endpoint": iss + "/oauth2/token",
            "device_authorization_endpoint": iss + "/oauth2/device/auth",
            "userinfo_endpoint": iss + "/oauth2/v2/user_profile",
            "jwks_uri": iss + "/.well-known/jwks",
            "end_session_endpoint": iss + "/logout",
            "response_types_supported": ["code", "token", "id_token",
                                         "code id_token", "code token"],
            "response_modes_supported": ["query", "fragment", "form_post"],
            "grant_types_supported": ["authorization_code", "refresh_token",
                                      "client_credentials", DEVICE_GRANT],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_post", "client_secret_basic", "none"],
            "code_challenge_methods_supported": ["S256"],
            "scopes_supported": list(self.scopes_supported),
            "claims_supported": ["aud", "azp", "email", "exp",
                                 "family_name", "feature_flags", "given_name",
                                 "iat", "iss", "jti", "name", "org_code",
                                 "permissions", "picture", "roles", "scp",
                                 "sub"],
        }

    def discovery(self, req):
        return self.cacheable(req, self.discovery_document(),
                              "public, max-age=%d" % self.discovery_max_age)

    def jwks(self, req):
        return self.cacheable(req, self.store.jwks(),
                              "public, max-age=%d" % self.jwks_max_age)

    # -- token endpoint ----------------------------------------------------

    def token(self, req):
        form = req.form()
        if form is None:
            raise oauth_error(400, "invalid_request",
                              "body must be application/x-www-form-urlencoded")
        grant = single(form, "grant_type")
        if not grant:
            raise oauth_error(400, "invalid_request", "grant_type is required")
        if grant == "client_credentials":
            return self.client_credentials(req, form)
        if grant == DEVICE_GRANT:
            return self.device_token(req, form)
        raise oauth_error(400, "unsupported_grant_type",
                          "grant_type %s is not supported" % grant)

    def client_credentials(self, req, form):
        client_id, secret, basic = client_auth(req, form)
        if not client_id or secret is None:
            raise oauth_error(400, "invalid_request",
                              "client_id and client_secret are required")
        with self.lock:
            client = self.clients.get(client_id)
        if client is None or not secrets.compare_digest(
                client["client_secret"].encode(), secret.encode()):
            raise oauth_error(401, "invalid_client",
                              "client authentication failed",
                              [("WWW-Authenticate", 'Basic realm="kinde"')]
                              if basic else None)
        if "client_credentials" not in client["grants"]:
            raise oauth_error(400, "unauthorized_client",
                              "client may not use client_credentials")
        audiences = form.get("audience", [])
        for aud in audiences:
            if aud not in client["audiences"]:
                raise oauth_error(400, "unauthorized_client",
                                  "client is not authorized for audience "
                                  + aud)
        requested = (single(form, "scope") or "").split()
        for scope in requested:
            if scope not in client["scopes"]:
                raise oauth_error(400, "invalid_scope",
                                  "scope %s is not allowed" % scope)
        granted = requested or list(client["scopes"])
        expires_in = client["expires_in"]
        token = kinde_keys.mint_token({
            "issuer": self.issuer, "m2m": True, "azp": client_id,
            "aud": audiences, "scope": " ".join(granted), "scp": requested,
            "ttl": expires_in}, self.store, now=int(self.now()))
        return Response(200, {"access_token": token, "expires_in": expires_in,
                              "scope": " ".join(granted),
                              "token_type": "bearer"},
                        headers=[("Cache-Control", "no-store"),
                                 ("Pragma", "no-cache")])

    def register_client(self, spec):
        """Add or replace an M2M client from a control-API style dict."""
        if not spec.get("client_id") or not isinstance(
                spec.get("client_secret"), str):
            raise control_error(400, "client_id and client_secret required")
        audiences = list(spec.get("audiences") or [])
        if spec.get("management_api", True):
            audiences.append(self.issuer + "/api")
        client = {
            "client_id": spec["client_id"],
            "client_secret": spec["client_secret"],
            "scopes": list(spec.get("scopes") or []),
            "audiences": audiences,
            "expires_in": int(spec.get("expires_in", DEFAULT_M2M_EXPIRES_IN)),
            "grants": list(spec.get("grants") or ["client_credentials"]),
        }
        with self.lock:
            self.clients[client["client_id"]] = client
        return client

    # -- device flow -------------------------------------------------------

    def device_auth(self, req):
        form = req.form()
        if form is None:
            raise oauth_error(400, "invalid_request",
                              "body must be application/x-www-form-urlencoded")
        client_id = single(form, "client_id")
        if not client_id:
            raise oauth_error(400, "invalid_request", "client_id is required")
        with self.lock:
            client = self.clients.get(client_id)
            # Unregistered ids are public clients; registered ones need
            # the device grant.
            if client is not None and DEVICE_GRANT not in client["grants"]:
                raise oauth_error(400, "unauthorized_client",
                                  "client may not use the device flow")
            dev = Device(client_id, (single(form, "scope") or "").split(),
                         form.get("audience", []), self.device_expires_in,
                         self.device_interval)
            self.devices[dev.device_code] = dev
            self.last_device = dev
            if self.device_script is not None:
                dev.script, self.device_script = self.device_script, None
        verify = self.issuer + "/device"
        return Response(200, {
            "device_code": dev.device_code, "user_code": dev.user_code,
            "verification_uri": verify,
            "verification_uri_complete": verify + "?user_code=" + dev.user_code,
            "expires_in": dev.expires_in, "interval": dev.interval},
            headers=[("Cache-Control", "no-store")])

    def device_token(self, req, form):
        client_id, _, _ = client_auth(req, form)
        code = single(form, "device_code")
        if not code or not client_id:
            raise oauth_error(400, "invalid_request",
                              "device_code and client_id are required")
        with self.lock:
            dev = self.devices.get(code)
            if dev is None or dev.client_id != client_id or dev.state == "used":
                raise oauth_error(400, "invalid_grant", "unknown device_code")
            now = time.monotonic()
            n = len(dev.polls) + 1
            poll = {"t": now, "interval": dev.interval, "answer": "token"}
            dev.polls.append(poll)
            try:
                self.device_answer(dev, n, now)
            except HttpError as e:
                poll["answer"] = json.loads(e.response.body)["error"]
                raise
            dev.state = "used"
        scp = dev.scope or None
        token = kinde_keys.mint_token({
            "issuer": self.issuer, "azp": client_id, "aud": dev.audience,
            "scp": scp, "ttl": dev.ttl, "claims": dev.claims},
            self.store, now=int(self.now()))
        return Response(200, {
            "access_token": token, "expires_in": dev.ttl,
            "scope": " ".join(scp or kinde_keys.DEFAULT_USER_SCP),
            "token_type": "bearer"}, headers=[("Cache-Control", "no-store")])

    def device_answer(self, dev, n, now):
        """Raise the OAuth error for poll n of dev, if any (lock held)."""
        script = dev.script
        if now >= dev.expires_at or script.get("expire_after") == n:
            raise oauth_error(400, "expired_token",
                              "the device code has expired")
        too_fast = dev.last_poll is not None and \
            now - dev.last_poll < dev.interval
        dev.last_poll = now
        if too_fast or n in script.get("slow_down_at", []):
            dev.interval += 5               # RFC 8628 section 3.5
            raise oauth_error(400, "slow_down",
                              "polling too fast; interval is now %d"
                              % dev.interval)
        if script.get("approve_after") == n:
            dev.state, dev.claims = "approved", script.get("claims") or {}
            dev.ttl = int(script.get("ttl", 3600))
        if script.get("deny_after") == n:
            dev.state = "denied"
        if dev.state == "denied":
            raise oauth_error(400, "access_denied",
                              "the user denied the request")
        if dev.state == "pending":
            raise oauth_error(400, "authorization_pending",
                              "the user has not approved yet")

    def device_by_user_code(self, body):
        code = body.get("user_code")
        with self.lock:
            for dev in self.devices.values():
                if dev.user_code == code:
                    return dev
        raise control_error(404, "unknown user_code")

    # -- Management API: API key verification ------------------------------

    def check_mgmt_token(self, req, need="read:api_keys"):
        """Authorize a Management API call needing scope `need`; raise
        401/403 otherwise."""
        auth = req.headers.get("Authorization") or ""
        scheme, _, token = auth.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise mgmt_error(401, "UNAUTHORIZED", "Bearer token required")
        try:
            _, claims = kinde_keys.verify_rs256(token.strip(), self.store)
        except ValueError as e:
            raise mgmt_error(401, "UNAUTHORIZED", "Invalid token: %s" % e)
        now = self.now()
        if claims.get("iss") != self.issuer:
            raise mgmt_error(401, "UNAUTHORIZED", "Invalid token issuer")
        exp = claims.get("exp")
        if not isinstance(exp, (int, float)) or isinstance(exp, bool) \
                or exp <= now:
            raise mgmt_error(401, "UNAUTHORIZED", "Token expired")
        nbf = claims.get("nbf")
        if isinstance(nbf, (int, float)) and nbf > now:
            raise mgmt_error(401, "UNAUTHORIZED", "Token not yet valid")
        aud = claims.get("aud")
        aud = [aud] if isinstance(aud, str) else (aud or [])
        if self.issuer + "/api" not in aud:
            raise mgmt_error(401, "UNAUTHORIZED",
                             "Token audience is not the management API")
        scope = claims.get("scope")
        granted = scope.split() if isinstance(scope, str) else \
            (claims.get("scp") or [])
        if need not in granted:
            raise mgmt_error(403, "FORBIDDEN",
                             "Missing required scope " + need)

    # -- Management API: users, organizations, roles, permissions ----------

    def mgmt_org_route(self, req):
        """The handler of /api/v1/organizations/{org}/users[/{id}/roles|
        permissions] (GET), or None."""
        parts = req.path.split("/")
        if req.method not in ("GET", "HEAD") or len(parts) < 6 or \
                parts[1:4] != ["api", "v1", "organizations"] or \
                parts[5] != "users" or not parts[4]:
            return None
        org = parts[4]
        if len(parts) == 6:
            return lambda r: self.mgmt_org_users(r, org)
        if len(parts) == 8 and parts[6] and parts[7] in ("roles",
                                                         "permissions"):
            return lambda r: self.mgmt_org_user_keys(r, org, parts[6],
                                                     parts[7])
        return None

    def page(self, req, items):
        """One page of items by page_size (default 10, as Kinde's; capped
        by mgmt_page_size) and the opaque next_token."""
        try:
            size = int((req.query.get("page_size") or ["10"])[0])
        except ValueError:
            raise mgmt_error(400, "INVALID_REQUEST", "page_size")
        size = max(1, min(size, 500, self.mgmt_page_size))
        token = (req.query.get("next_token") or [""])[0]
        start = 0
        if token:
            if not token.startswith("nt."):
                raise mgmt_error(400, "INVALID_NEXT_TOKEN", "bad next_token")
            try:
                start = int(kinde_keys.b64url_decode(token[3:]).decode())
            except ValueError:
                raise mgmt_error(400, "INVALID_NEXT_TOKEN", "bad next_token")
        end = start + size
        nxt = None
        if end < len(items):
            nxt = "nt." + kinde_keys.b64url_encode(str(end).encode())
        return items[start:end], nxt

    def mgmt_user(self, req):
        self.check_mgmt_token(req, "read:users")
        uid = (req.query.get("id") or [""])[0]
        if not uid:
            raise mgmt_error(400, "INVALID_REQUEST", "id is required")
        expand = ",".join(req.query.get("expand") or []).split(",")
        with self.lock:
            user = self.users.get(uid)
            if user is None:
                raise mgmt_error(404, "USER_NOT_FOUND", "User not found")
            doc = {"id": uid, "provided_id": None,
                   "preferred_email": user["email"], "username": None,
                   "last_name": "User", "first_name": uid,
                   "is_suspended": user["is_suspended"], "picture": None,
                   "total_sign_ins": 1, "failed_sign_ins": 0,
                   "last_signed_in": None,
                   "created_on": "2025-01-01T00:00:00.000000+00:00"}
            if "organizations" in expand and self.user_expand_orgs:
                doc["organizations"] = sorted(
                    o for o, members in self.orgs.items() if uid in members)
        return Response(200, doc)

    def mgmt_org_users(self, req, org):
        self.check_mgmt_token(req, "read:organization_users")
        with self.lock:
            members = self.orgs.get(org)
            if members is None:
                raise mgmt_error(404, "ORGANIZATION_NOT_FOUND",
                                 "Organization not found")
            rows = [{"id": uid, "email": self.users.get(uid, {}).get(
                        "email"), "full_name": uid, "last_name": "User",
                     "first_name": uid, "picture": None,
                     "roles": list(m["roles"])}
                    for uid, m in sorted(members.items())]
        rows, nxt = self.page(req, rows)
        return Response(200, {"code": "OK", "message": "Success",
                              "organization_users": rows,
                              "next_token": nxt})

    def mgmt_org_user_keys(self, req, org, uid, what):
        self.check_mgmt_token(req, "read:organization_user_" + what)
        with self.lock:
            member = self.orgs.get(org, {}).get(uid)
            if member is None:
                raise mgmt_error(404, "USER_NOT_IN_ORGANIZATION",
                                 "User is not a member of the organization")
            keys = list(member[what])
        rows = [{"id": "%s_%s" % (what[:4], hashlib.sha256(
                     k.encode()).hexdigest()[:12]), "key": k,
                 "name": k.title()} for k in keys]
        if what == "permissions":
            for row in rows:
                row["roles"] = []
        rows, nxt = self.page(req, rows)
        return Response(200, {"code": "OK", "message": "Success",
                              what: rows, "next_token": nxt})

    def apikey_verify(self, req):
        self.check_mgmt_token(req)
        try:
            body = req.json()
        except ValueError:
            raise mgmt_error(400, "INVALID_REQUEST", "Body must be JSON")
        if not isinstance(body, dict) or not isinstance(
                body.get("api_key"), str) or not body["api_key"]:
            raise mgmt_error(400, "INVALID_REQUEST", "api_key is required")
        with self.lock:
            entry = self.apikeys.get(body["api_key"])
            if entry is None:
                return Response(200, {
                    "code": "API_KEY_VERIFIED", "message": "API key not found",
                    "is_valid": False, "key_id": None, "status": None,
                    "scopes": None, "org_code": None, "user_id": None,
                    "last_verified_at": None, "verification_count": None})
            entry["verification_count"] += 1
            entry["last_verified_at"] = time.strftime(
                "%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(self.now()))
            is_valid = entry["is_valid"]
            if is_valid is None:
                is_valid = entry["status"] == "active"
            return Response(200, {
                "code": "API_KEY_VERIFIED", "message": "API key verified",
                "is_valid": is_valid, "key_id": entry["key_id"],
                "status": entry["status"], "scopes": entry["scopes"],
                "org_code": entry["org_code"], "user_id": entry["user_id"],
                "last_verified_at": entry["last_verified_at"],
                "verification_count": entry["verification_count"]})

    # -- control API ---------------------------------------------------------

    def c_counts(self, req, body):
        with self.lock:
            counts = dict(self.counts)
        counts.setdefault("jwks_with_authorization", 0)
        counts.setdefault("connections", 0)
        return Response(200, counts)

    def c_counts_reset(self, req, body):
        with self.lock:
            self.counts.clear()
            self.last_requests.clear()
        return Response(200, {"ok": True})

    def c_fault_list(self, req, body):
        with self.lock:
            return Response(200, {p: f.describe()
                                  for p, f in self.faults.items()})

    def c_fault(self, req, body):
        path = body.get("path")
        if not isinstance(path, str) or not (path == "*" or
                                             path.startswith("/")):
            raise control_error(400, 'path must be "*" or start with "/"')
        fault = Fault(body)
        with self.lock:
            self.faults[path] = fault
        return Response(200, {"ok": True, "path": path,
                              "fault": fault.describe()})

    def c_fault_clear(self, req, body):
        with self.lock:
            if body.get("path"):
                self.faults.pop(body["path"], None)
            else:
                self.faults.clear()
            # Release connections held by "hang" faults.
            self.wakeup.set()
            self.wakeup = threading.Event()
        return Response(200, {"ok": True})

    def c_rotate(self, req, body):
        kid = self.store.rotate(keep_old=bool(body.get("keep_old", True)))
        return Response(200, {"kid": kid,
                              "published": list(self.store.published)})

    def c_keys(self, req, body):
        with self.store.lock:
            return Response(200, {"current": self.store.current,
                                  "published": list(self.store.published),
                                  "all": list(self.store.order)})

    def c_apikeys(self, req, body):
        key = body.get("api_key")
        if not isinstance(key, str) or not key:
            raise control_error(400, "api_key required")
        entry = {
            "key_id": body.get("key_id") or
            "api_key_" + hashlib.sha256(key.encode()).hexdigest()[:20],
            "status": body.get("status", "active"),
            "scopes": list(body.get("scopes") or []),
            "org_code": body.get("org_code"),
            "user_id": body.get("user_id"),
            "is_valid": body.get("is_valid"),   # None: derive from status
            "verification_count": int(body.get("verification_count", 0)),
            "last_verified_at": body.get("last_verified_at"),
        }
        with self.lock:
            self.apikeys[key] = entry
        return Response(200, {"ok": True, "key_id": entry["key_id"]})

    def c_apikeys_clear(self, req, body):
        with self.lock:
            self.apikeys.clear()
        return Response(200, {"ok": True})

    def c_users(self, req, body):
        uid = body.get("id")
        if not isinstance(uid, str) or not uid:
            raise control_error(400, "id required")
        orgs = body.get("organizations") or {}
        if not isinstance(orgs, dict):
            raise control_error(400, "organizations must be an object")
        with self.lock:
            self.users[uid] = {"is_suspended": bool(body.get(
                "is_suspended", False)), "email": body.get("email")}
            for code, m in orgs.items():
                self.set_member(code, uid, m or {})
        return Response(200, {"ok": True})

    def c_users_clear(self, req, body):
        with self.lock:
            self.users.clear()
            self.orgs.clear()
        return Response(200, {"ok": True})

    def c_users_suspend(self, req, body):
        with self.lock:
            user = self.users.get(body.get("id"))
            if user is None:
                raise control_error(404, "unknown user")
            user["is_suspended"] = bool(body.get("suspended", True))
        return Response(200, {"ok": True})

    def set_member(self, code, uid, m):
        """Add uid to org code (made if new), or change its roles and
        permissions (those given; the others stay)."""
        if not isinstance(m, dict):
            raise control_error(400, "a membership must be an object")
        for what in ("roles", "permissions"):
            if what in m and (not isinstance(m[what], list) or not all(
                    isinstance(k, str) for k in m[what])):
                raise control_error(400, what + " must be a list of strings")
        members = self.orgs.setdefault(code, {})
        cur = members.setdefault(uid, {"roles": [], "permissions": []})
        for what in ("roles", "permissions"):
            if what in m:
                cur[what] = list(m[what])

    def c_orgs_member(self, req, body):
        code, uid = body.get("org_code"), body.get("user_id")
        if not isinstance(code, str) or not code:
            raise control_error(400, "org_code required")
        with self.lock:
            if uid is None:
                self.orgs.setdefault(code, {})     # an empty organization
            else:
                self.set_member(code, str(uid), body)
        return Response(200, {"ok": True})

    def c_orgs_remove(self, req, body):
        with self.lock:
            members = self.orgs.get(body.get("org_code"))
            if members is None or members.pop(body.get("user_id"),
                                              None) is None:
                raise control_error(404, "no such membership")
        return Response(200, {"ok": True})

    def c_clients(self, req, body):
        client = self.register_client(body)
        shown = dict(client, client_secret=redact(client["client_secret"]))
        return Response(200, {"ok": True, "client": shown})

    def c_clients_clear(self, req, body):
        with self.lock:
            self.clients.clear()
        return Response(200, {"ok": True})

    def c_scopes_supported(self, req, body):
        scopes = body.get("scopes")
        if not isinstance(scopes, list) or not all(
                isinstance(s, str) for s in scopes):
            raise control_error(400, "scopes must be a list of strings")
        with self.lock:
            self.scopes_supported = scopes
        return Response(200, {"ok": True, "scopes": scopes})

    def c_device_approve(self, req, body):
        claims = body.get("claims") or {}
        if not isinstance(claims, dict):
            raise control_error(400, "claims must be an object")
        dev = self.device_by_user_code(body)
        with self.lock:
            dev.state, dev.claims = "approved", claims
            dev.ttl = int(body.get("ttl", 3600))
        return Response(200, {"ok": True})

    def c_device_deny(self, req, body):
        dev = self.device_by_user_code(body)
        with self.lock:
            dev.state = "denied"
        return Response(200, {"ok": True})

    def c_device_expire(self, req, body):
        dev = self.device_by_user_code(body)
        with self.lock:
            dev.expires_at = time.monotonic() - 1
        return Response(200, {"ok": True})

    def c_device_script(self, req, body):
        known = {"approve_after", "deny_after", "expire_after",
                 "slow_down_at", "claims", "ttl"}
        bad = set(body) - known
        if bad:
            raise control_error(400, "unknown field(s) %s" % sorted(bad))
        for name in ("approve_after", "deny_after", "expire_after", "ttl"):
            if name in body and (isinstance(body[name], bool) or
                                 not isinstance(body[name], int)):
                raise control_error(400, "%s must be an integer" % name)
        if not isinstance(body.get("slow_down_at", []), list) or not all(
                isinstance(n, int) for n in body.get("slow_down_at", [])):
            raise control_error(400, "slow_down_at must be a list of poll numbers")
        if not isinstance(body.get("claims", {}), dict):
            raise control_error(400, "claims must be an object")
        with self.lock:
            self.device_script = dict(body)
        return Response(200, {"ok": True})

    def c_device_polls(self, req, body):
        code = (req.query.get("user_code") or [None])[0]
        with self.lock:
            dev = self.device_by_user_code({"user_code": code}) \
                if code else self.last_device
            if dev is None:
                raise control_error(404, "no device authorization yet")
            return Response(200, {
                "user_code": dev.user_code, "created": dev.created,
                "interval": dev.interval, "polls": list(dev.polls)})

    def c_config(self, req, body):
        fields = {"clock_offset": float, "jwks_max_age": int,
                  "discovery_max_age": int, "device_interval": int,
                  "device_expires_in": int, "mgmt_page_size": int,
                  "user_expand_orgs": bool}
        with self.lock:
            for name, value in body.items():
                if name not in fields or (
                        isinstance(value, bool) != (fields[name] is bool)) \
                        or not isinstance(value, (int, float)):
                    raise control_error(400, "bad config field %r" % name)
                setattr(self, name, fields[name](value))
            return Response(200, {n: getattr(self, n) for n in fields})

    def c_mint(self, req, body):
        opts = dict(body)
        opts.setdefault("issuer", self.issuer)
        now = opts.get("now")
        try:
            token = kinde_keys.mint_token(
                opts, self.store,
                now=int(now) if now is not None else int(self.now()))
        except (kinde_keys.MintError, TypeError, ValueError) as e:
            raise control_error(400, str(e))
        return Response(200, {"token": token})

    def c_last_request(self, req, body):
        path = (req.query.get("path") or [""])[0]
        with self.lock:
            last = self.last_requests.get(path)
        if last is None:
            raise control_error(404, "no request to %s yet" % path)
        return Response(200, last)


# ---------------------------------------------------------------------------
# Request helpers
# ---------------------------------------------------------------------------

def single(form, name):
    """The one value of a form field (None if absent); a repeated field is
    an invalid_request (RFC 6749 section 3.1)."""
    values = form.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise oauth_error(400, "invalid_request", "%s repeated" % name)
    return values[0]


def client_auth(req, form):
    """(client_id, client_secret, used_basic) from HTTP Basic or the form.
    Both at once is an invalid_request (RFC 6749 section 2.3)."""
    auth = req.headers.get("Authorization") or ""
    scheme, _, cred = auth.partition(" ")
    if scheme.lower() == "basic":
        if "client_secret" in form:
            raise oauth_error(400, "invalid_request",
                              "use one client authentication method")
        try:
            import base64
            raw = base64.b64decode(cred.strip(), validate=True).decode()
            cid, sep, secret = raw.partition(":")
            if not sep:
                raise ValueError
        except ValueError:
            raise oauth_error(401, "invalid_client", "malformed Basic auth",
                              [("WWW-Authenticate", 'Basic realm="kinde"')])
        cid = urllib.parse.unquote_plus(cid)
        form_id = single(form, "client_id")
        if form_id and form_id != cid:
            raise oauth_error(400, "invalid_request", "client_id mismatch")
        return cid, urllib.parse.unquote_plus(secret), True
    return single(form, "client_id"), single(form, "client_secret"), False


def control_body(req):
    """JSON object of a control request; empty body means {}."""
    if not req.body.strip():
        return {}
    try:
        body = req.json()
    except ValueError:
        raise control_error(400, "body is not valid JSON")
    if not isinstance(body, dict):
        raise control_error(400, "body must be a JSON object")
    return body


def redacted_request(req):
    """A copy of the request safe to hand back to tests."""
    headers = {}
    for name, value in req.headers.items():
        if name.lower() == "authorization":
            value = value[:10] + "…"
        headers[name] = value
    record = {"method": req.method, "path": req.path, "headers": headers,
              "form": None, "json": None, "body_length": len(req.body)}
    form = req.form()
    if form is not None:
        record["form"] = {
            k: [redact(v) if k in REDACT_FIELDS else v for v in vals]
            if len(vals) > 1 else
            (redact(vals[0]) if k in REDACT_FIELDS else vals[0])
            for k, vals in form.items()}
    else:
        try:
            body = req.json()
            if isinstance(body, dict):
                body = {k: redact(v) if k in REDACT_FIELDS else v
                        for k, v in body.items()}
            record["json"] = body
        except ValueError:
            pass
    return record


def parse_client_option(text):
    """--client ID:SECRET[:scope1,scope2] -> registration dict."""
    parts = text.split(":", 2)
    if len(parts) < 2 or not parts[0]:
        raise SystemExit("--client wants ID:SECRET[:scope1,scope2]")
    scopes = [s for s in parts[2].split(",") if s] if len(parts) > 2 else []
    return {"client_id": parts[0], "client_secret": parts[1],
            "scopes": scopes}


# ---------------------------------------------------------------------------
# Fault rewriting of a real response
# ---------------------------------------------------------------------------

def huge_body(resp, size):
    """The real JSON document plus a "padding" member, `size` bytes."""
    try:
        doc = json.loads(resp.body)
    except ValueError:
        doc = None
    if not isinstance(doc, dict):
        doc = {"data": doc}
    doc["padding"] = ""
    base = len(dump_json(doc))
    doc["padding"] = "A" * max(0, size - base)
    return dump_json(doc)


def fault_response(fault, req, app):
    """Response for the pre-route faults 500, 429 and redirect-*."""
    oauth = req.path.startswith("/oauth2/")
    if fault.kind == "500":
        body = ({"error": "server_error",
                 "error_description": "injected fault"} if oauth else
                {"errors": [{"code": "INTERNAL_SERVER_ERROR",
                             "message": "injected fault"}]})
        return Response(500, body)
    if fault.kind == "503":
        return Response(503, {"errors": [{"code": "SERVICE_UNAVAILABLE",
                                          "message": "injected fault"}]})
    if fault.kind == "429-bare":
        return Response(429, {"errors": [{"code": "TOO_MANY_REQUESTS",
                                          "message": "no reset given"}]})
    if fault.kind == "html":
        return Response(200, b"<html><body>Proxy error</body></html>",
                        content_type="text/html")
    if fault.kind == "429":
        n = str(fault.reset_after)
        body = ({"error": "rate_limited",
                 "error_description": "too many requests"} if oauth else
                {"errors": [{"code": "TOO_MANY_REQUESTS",
                             "message": "Too many requests"}]})
        return Response(429, body, headers=[
            ("RateLimit-Limit", "60"), ("RateLimit-Remaining", "0"),
            ("RateLimit-Reset", n), ("Retry-After", n)])
    scheme = "http" if fault.kind == "redirect-http" else "https"
    target = req.path + ("?" + urllib.parse.urlencode(req.query, doseq=True)
                         if req.query else "")
    location = fault.location or "%s://127.0.0.1:%d%s" % (scheme, app.port,
                                                          target)
    return Response(REDIRECT_STATUS[fault.kind], {"redirect": location},
                    headers=[("Location", location)])


# ---------------------------------------------------------------------------
# HTTP plumbing
# ---------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    timeout = 60                         # idle keep-alive connections
    # Headers and body go out in separate writes: with Nagle's algorithm
    # the body would wait for the client's delayed ACK (40 ms a request).
    disable_nagle_algorithm = True

    app = None                           # FakeKinde, set by make_server

    def setup(self):
        # Whether this TLS connection has carried a non-control request
        # (counter "connections": only the client's own connections).
        self.counted = False
        super().setup()
        # The TLS handshake runs here, in the connection's own thread,
        # so a stalled client never blocks the accept loop.
        self.request.do_handshake()

    def version_string(self):
        return "fake_kinde/1.0"

    def date_time_string(self, timestamp=None):
        """Date header on the issuer's (possibly skewed) clock."""
        return email.utils.formatdate(
            timestamp if timestamp is not None else self.app.now(),
            usegmt=True)

    def log_message(self, fmt, *args):
        pass                              # requests.log is written by us

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = do_HEAD = \
        lambda self: self.dispatch()

    # -- request side --------------------------------------------------------

    def read_body(self):
        """Request body from Content-Length or chunked encoding; None if
        it is larger than MAX_BODY; ValueError if the framing is bad."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self.read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        if length < 0:
            raise ValueError("negative Content-Length")
        if length > MAX_BODY:
            return None
        return self.rfile.read(length) if length > 0 else b""

    def read_chunked(self):
        body = b""
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0",
                       16)
            if size == 0:
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass                  # trailers
                return body
            body += self.rfile.read(size)
            self.rfile.readline()
            if len(body) > MAX_BODY:
                return None

    # -- main flow -------------------------------------------------------------

    def dispatch(self):
        app = self.app
        try:
            body, problem = self.read_body(), (413, "request body too large")
        except ValueError:
            body, problem = None, (400, "bad request body framing")
        req = Request(self.command, self.path, self.headers, body or b"")
        if body is None:
            # The rest of the stream cannot be trusted: answer and close.
            self.close_connection = True
            self.send(Response(problem[0], {"error": problem[1]}), req)
            return
        control = req.path.startswith(CONTROL_PREFIX)
        if not control:
            app.record(req, not self.counted)
            self.counted = True
        fault = app.take_fault(req.path)
        if fault is not None and fault.kind in ("reset", "hang"):
            self.drop_connection(fault, req)
            return
        if fault is not None and fault.kind in PRE_ROUTE_FAULTS:
            self.send(fault_response(fault, req, app), req)
            return
        if fault is not None and fault.kind in ("slow", "huge", "badjson"):
            # These faults replace the body: answer as if unconditional.
            del req.headers["If-None-Match"]
        try:
            resp = app.route(req)
        except Exception as e:            # a bug must not kill the server
            sys.stderr.write("fake_kinde: error on %s: %r\n" % (req.path, e))
            resp = Response(500, {"error": "fake_kinde internal error"})
        if fault is not None and fault.kind == "huge":
            resp.body = huge_body(resp, fault.size)
        elif fault is not None and fault.kind == "badjson":
            resp.body = resp.body[:max(1, len(resp.body) // 2)]
        if fault is not None and fault.kind in ("trickle", "reset-mid"):
            self.send_partial(fault, resp, req)
            return
        if fault is not None and fault.kind == "close":
            self.close_connection = True  # says "Connection: close"
        self.send(resp, req, slow=fault.delay if fault is not None and
                  fault.kind == "slow" else None)
        if fault is not None and fault.kind == "close-silent":
            # Closed after the answer without a word, as a server whose
            # keep-alive timeout ran out does.
            self.close_connection = True

    def send_partial(self, fault, resp, req):
        """"trickle": the real answer one byte a second; "reset-mid":
        its headers and half its body, then RST."""
        self.close_connection = True
        self.app.log(req.method, req.path, fault.kind)
        try:
            self.send_response(resp.status)
            for name, value in resp.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(resp.body)))
            self.end_headers()
            self.wfile.flush()
            if fault.kind == "trickle":
                released = self.app.wakeup     # set by fault/clear
                for i in range(len(resp.body)):
                    if released.wait(1.0):
                        break
                    self.wfile.write(resp.body[i:i + 1])
                    self.wfile.flush()
                return
            self.wfile.write(resp.body[:len(resp.body) // 2])
            self.wfile.flush()
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.connection.close()
        except (OSError, ssl.SSLError):
            pass

    def drop_connection(self, fault, req):
        """"reset": RST without an answer; "hang": hold, then close."""
        self.close_connection = True
        if fault.kind == "hang":
            self.app.log(req.method, req.path, "hang")
            self.app.wakeup.wait(fault.delay)
            return
        self.app.log(req.method, req.path, "reset")
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.rfile.close()
            self.connection.close()
        except OSError:
            pass

    # -- response side ---------------------------------------------------------

    def send(self, resp, req, slow=None):
        """Write a Response; `slow` dribbles the body over that many
        seconds. A client that went away is not an error."""
        self.app.log(req.method, req.path, resp.status)
        try:
            self.send_response(resp.status)
            for name, value in resp.headers:
                self.send_header(name, value)
            if resp.status != 304:
                self.send_header("Content-Length", str(len(resp.body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if req.method == "HEAD" or resp.status == 304:
                return
            if slow:
                self.dribble(resp.body, slow)
            else:
                self.wfile.write(resp.body)
        except (OSError, ssl.SSLError):
            self.close_connection = True

    def dribble(self, body, seconds):
        self.wfile.flush()
        pieces = max(1, min(len(body), 20))
        step = -(-len(body) // pieces)
        for i in range(0, len(body), step):
            time.sleep(seconds / pieces)
            self.wfile.write(body[i:i + step])
            self.wfile.flush()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256             # tests open 50 connections at once
    ssl_context = None

    def server_bind(self):
        """Bind without HTTPServer's reverse DNS lookup (getfqdn)."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def get_request(self):
        sock, addr = self.socket.accept()
        return self.ssl_context.wrap_socket(
            sock, server_side=True, do_handshake_on_connect=False), addr

    def handle_error(self, request, client_address):
        """Handshake failures and vanished clients are routine here."""
        exc = sys.exc_info()[1]
        if isinstance(exc, (OSError, ssl.SSLError, ValueError)):
            return
        super().handle_error(request, client_address)


def make_server(app, host, port, cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert, key)
    handler = type("BoundHandler", (Handler,), {"app": app})
    server = Server((host, port), handler)
    server.ssl_context = ctx
    return server


# ---------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------

def parse_args(argv):
    p = argparse.ArgumentParser(description="fake Kinde HTTPS issuer")
    p.add_argument("--state-dir", required=True)
    p.add_argument("--port", type=int, default=0, help="0 = pick a free one")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--tls-name", help="serve a certificate for DNS:NAME only")
    p.add_argument("--tls-cert", choices=["expired", "self-signed"],
                   help="serve a bad certificate: expired, or self-signed")
    p.add_argument("--clock-offset", type=float, default=0.0,
                   help="seconds added to the issuer's clock (Date, iat)")
    p.add_argument("--jwks-max-age", type=int, default=3600)
    p.add_argument("--discovery-max-age", type=int, default=3600)
    p.add_argument("--keys", type=int, default=1,
                   help="at least this many published signing keys")
    p.add_argument("--client", action="append",
                   help="ID:SECRET[:scope1,scope2] M2M client, repeatable")
    p.add_argument("--device-interval", type=int, default=5)
    p.add_argument("--device-expires-in", type=int, default=600)
    return p.parse_args(argv)


def write_runtime_files(state_dir, port, issuer):
    kinde_keys.atomic_write(os.path.join(state_dir, "issuer"), issuer + "\n")
    kinde_keys.atomic_write(os.path.join(state_dir, "pid"),
                            "%d\n" % os.getpid())
    kinde_keys.atomic_write(os.path.join(state_dir, "port"), "%d\n" % port)


def remove_runtime_files(state_dir, port):
    """DIR/port present means "up": remove it (and DIR/pid) on exit, unless
    another server sharing the directory has overwritten them since.
    DIR/issuer stays so a test can restart on the same port."""
    mine = {"port": "%d" % port, "pid": "%d" % os.getpid()}
    for name, value in mine.items():
        path = os.path.join(state_dir, name)
        try:
            with open(path, encoding="utf-8") as f:
                if f.read().strip() == value:
                    os.unlink(path)
        except OSError:
            pass


def main(argv):
    args = parse_args(argv)
    os.makedirs(args.state_dir, exist_ok=True)
    cert, key = kinde_keys.ensure_tls(args.state_dir, args.tls_name,
                                      args.tls_cert)
    app = FakeKinde(args)
    server = make_server(app, args.host, args.port, cert, key)
    port = server.server_address[1]
    app.set_port(port)

    def stop(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    write_runtime_files(args.state_dir, port, app.issuer)
    sys.stdout.write("READY %d\n" % port)
    sys.stdout.flush()
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        remove_runtime_files(args.state_dir, port)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
