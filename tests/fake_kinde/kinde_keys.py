"""Keys, certificates and token minting shared by the fake Kinde server and
the mint.py command line tool.

Everything here is made at run time inside a state directory:

    DIR/ca.pem, ca.key            test CA
    DIR/server.pem, server.key    server certificate (SAN IP:127.0.0.1,
                                  DNS:localhost) signed by the CA
    DIR/server-NAME.pem, .key     server certificate for DNS:NAME only
    DIR/wrong-ca.pem              an unrelated CA (for "unknown CA" tests)
    DIR/keys/*.pem                RSA 2048 signing keys
    DIR/keys/state.json           which keys exist, which are published in
                                  the JWKS and which one is current

Only the standard library and python3-cryptography are used.
"""

import base64
import datetime
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
import threading
import time
import uuid

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
)
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

# Scopes Kinde puts in a user access token's `scp` when nothing else is asked.
DEFAULT_USER_SCP = ["openid", "profile", "email", "offline"]
# Client id put in `azp` of a minted user token unless --azp is given.
DEFAULT_AZP = "fake_kinde_app"


class MintError(ValueError):
    """A mint option is invalid (bad key index, unknown option...)."""


# ---------------------------------------------------------------------------
# base64url and small file helpers
# ---------------------------------------------------------------------------

def b64url_encode(data):
    """Unpadded base64url of bytes, as text (RFC 7515 section 2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text):
    """Decode unpadded (or padded) base64url text to bytes."""
    if isinstance(text, str):
        text = text.encode("ascii")
    return base64.urlsafe_b64decode(text + b"=" * (-len(text) % 4))


def int_to_b64url(value):
    """Big-endian unsigned integer to base64url, as JWK `n` / `e` want."""
    length = max(1, (value.bit_length() + 7) // 8)
    return b64url_encode(value.to_bytes(length, "big"))


def compact_json(obj, sort_keys=True):
    """JSON without spaces; keys sorted like Kinde's tokens."""
    return json.dumps(obj, separators=(",", ":"), sort_keys=sort_keys)


def atomic_write(path, data, mode=0o644):
    """Write bytes or text to path via a temporary file and rename, so a
    reader never sees a half-written file."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# ---------------------------------------------------------------------------
# PEM helpers
# ---------------------------------------------------------------------------

def private_key_pem(key):
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def public_key_pem(key):
    return key.public_key().public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo,
    )


def load_private_key(path):
    with open(path, "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


def generate_rsa_key(bits=2048):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


# ---------------------------------------------------------------------------
# JWK export and Kinde-shaped key ids
# ---------------------------------------------------------------------------

def kid_for(public_key):
    """Kinde-looking kid: 16 colon-separated hex pairs taken from the
    SHA-256 of the DER SubjectPublicKeyInfo, e.g. "6d:12:ab:...:9f"."""
    der = public_key.public_bytes(
        serialization.Encoding.DER,
        serialization.PublicFormat.SubjectPublicKeyInfo,
    )
    digest = hashlib.sha256(der).digest()[:16]
    return ":".join("%02x" % b for b in digest)


def rsa_jwk(public_key, kid):
    """Public JWK in the member order Kinde publishes."""
    numbers = public_key.public_numbers()
    return {
        "e": int_to_b64url(numbers.e),
        "n": int_to_b64url(numbers.n),
        "alg": "RS256",
        "kid": kid,
        "kty": "RSA",
        "use": "sig",
    }


# ---------------------------------------------------------------------------
# Signing key store (DIR/keys)
# ---------------------------------------------------------------------------

class KeyStore:
    """RSA signing keys persisted in DIR/keys with a state.json index.

    state.json = {"keys": [{"kid", "file"}...] (creation order),
                  "published": [kid...] (JWKS order), "current": kid}
    """

    def __init__(self, state_dir):
        self.dir = os.path.join(state_dir, "keys")
        self.state_path = os.path.join(self.dir, "state.json")
        self.lock = threading.RLock()
        self.keys = {}          # kid -> private key (None until loaded)
        self.order = []         # kids in creation order
        self.published = []     # kids in the JWKS, in order
        self.current = None     # kid used for signing

    # -- persistence -------------------------------------------------------

    def load(self):
        """Load state.json and the key files it names (if state exists)."""
        with self.lock:
            if not os.path.exists(self.state_path):
                return False
            with open(self.state_path, "r", encoding="utf-8") as f:
                state = json.load(f)
            # Key files are parsed on first use (RSA loading is slow and
            # mint.py needs only one key).
            self.keys, self.order = {}, []
            for entry in state["keys"]:
                self.keys[entry["kid"]] = None
                self.order.append(entry["kid"])
            self.published = list(state["published"])
            self.current = state["current"]
            return True

    def save(self):
        with self.lock:
            state = {
                "keys": [{"kid": k, "file": self._file_for(k)}
                         for k in self.order],
                "published": self.published,
                "current": self.current,
            }
            atomic_write(self.state_path, json.dumps(state, indent=1) + "\n")

    def key(self, kid):
        """Private key of kid, loaded from its file on first use."""
        with self.lock:
            if self.keys[kid] is None:
                self.keys[kid] = load_private_key(
                    os.path.join(self.dir, self._file_for(kid)))
            return self.keys[kid]

    @staticmethod
    def _file_for(kid):
        return kid.replace(":", "") + ".pem"

    def _add_key(self):
        """Generate, store and index a new key; return its kid."""
        key = generate_rsa_key()
        kid = kid_for(key.public_key())
        atomic_write(os.path.join(self.dir, self._file_for(kid)),
                     private_key_pem(key), mode=0o600)
        self.keys[kid] = key
        self.order.append(kid)
        return kid

    def ensure(self, count=1):
        """Load existing keys, then make sure at least `count` keys are
        published (generating them if needed). The current key is kept."""
        with self.lock:
            os.makedirs(self.dir, exist_ok=True)
            self.load()
            changed = False
            while len(self.published) < max(1, count):
                kid = self._add_key()
                self.published.append(kid)
                changed = True
            if self.current not in self.keys:
                self.current = self.published[0]
                changed = True
            if changed:
                self.save()
            return self

    def rotate(self, keep_old=True):
        """New key becomes current and is published first; older keys stay
        published only if keep_old."""
        with self.lock:
            kid = self._add_key()
            self.published = [kid] + (self.published if keep_old else [])
            self.current = kid
            self.save()
            return kid

    # -- queries -----------------------------------------------------------

    def key_by_index(self, index):
        """Key by creation order (index 0 = first key ever made, even if it
        is no longer published); negative indexes count from the end."""
        with self.lock:
            try:
                kid = self.order[index]
            except (IndexError, TypeError):
                raise MintError("no key with index %r (have %d keys)"
                                % (index, len(self.order)))
            return kid, self.key(kid)

    def current_key(self):
        with self.lock:
            return self.current, self.key(self.current)

    def published_keys(self):
        """[(kid, private key)] of the published keys, in JWKS order."""
        with self.lock:
            return [(k, self.key(k)) for k in self.published]

    def jwks(self):
        return {"keys": [rsa_jwk(key.public_key(), kid)
                         for kid, key in self.published_keys()]}


# ---------------------------------------------------------------------------
# TLS material
# ---------------------------------------------------------------------------

def _name(common_name):
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "fake_kinde test"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def _validity(builder):
    now = datetime.datetime.now(datetime.timezone.utc)
    return (builder.not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=3650)))


def make_ca(common_name):
    """Self-signed CA certificate and its EC P-256 key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name)
    builder = _validity(x509.CertificateBuilder()
                        .subject_name(name).issuer_name(name)
                        .public_key(key.public_key())
                        .serial_number(x509.random_serial_number()))
    builder = (builder
               .add_extension(x509.BasicConstraints(ca=True, path_length=0),
                              critical=True)
               .add_extension(x509.KeyUsage(
                   digital_signature=True, key_cert_sign=True, crl_sign=True,
                   content_commitment=False, key_encipherment=False,
                   data_encipherment=False, key_agreement=False,
                   encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.SubjectKeyIdentifier.from_public_key(
                   key.public_key()), critical=False))
    return builder.sign(key, hashes.SHA256()), key


def _self_ca(key):
    """A stand-in issuer whose subject is the server's own (self-signed)."""
    class _Self:
        subject = _name("fake kinde")
    return _Self()


def make_server_cert(ca_cert, ca_key, sans, expired=False):
    """Server certificate for the given SAN entries, signed by the CA
    (expired: valid from ten days ago until yesterday)."""
    key = ec.generate_private_key(ec.SECP256R1())
    cn = next((s.value for s in sans if isinstance(s, x509.DNSName)),
              "fake kinde")
    if ca_cert.subject == _name("fake kinde"):
        cn = "fake kinde"           # self-signed: subject = issuer
    validity = _validity if not expired else (
        lambda b: b.not_valid_before(datetime.datetime.now(datetime.timezone.utc) -
                                     datetime.timedelta(days=10))
        .not_valid_after(datetime.datetime.now(datetime.timezone.utc) -
                         datetime.timedelta(days=1)))
    builder = validity(x509.CertificateBuilder()
                        .subject_name(_name(cn))
                        .issuer_name(ca_cert.subject)
                        .public_key(key.public_key())
                        .serial_number(x509.random_serial_number()))
    builder = (builder
               .add_extension(x509.BasicConstraints(ca=False, path_length=None),
                              critical=True)
               .add_extension(x509.KeyUsage(
                   digital_signature=True, key_cert_sign=False, crl_sign=False,
                   content_commitment=False, key_encipherment=False,
                   data_encipherment=False, key_agreement=False,
                   encipher_only=False, decipher_only=False), critical=True)
               .add_extension(x509.ExtendedKeyUsage(
                   [ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
               .add_extension(x509.SubjectAlternativeName(sans),
                              critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                   ca_key.public_key()), critical=False))
    return builder.sign(ca_key, hashes.SHA256()), key


def _write_cert_pair(cert_path, key_path, cert, key):
    atomic_write(key_path, private_key_pem(key), mode=0o600)
    atomic_write(cert_path, cert.public_bytes(serialization.Encoding.PEM))


def _load_cert(path):
    with open(path, "rb") as f:
        return x509.load_pem_x509_certificate(f.read())


def safe_file_part(name):
    """A host name made safe to be part of a file name."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


def ensure_tls(state_dir, tls_name=None, tls_cert=None):
    """Create (or reuse) the CA, the wrong CA and the server certificate.
    Returns (cert_path, key_path) of the certificate the server presents.
    tls_cert "expired" (by the CA, expired a day ago) or "self-signed"
    (signed by its own key) makes a bad one instead (fault tests)."""
    ca_pem = os.path.join(state_dir, "ca.pem")
    ca_key_path = os.path.join(state_dir, "ca.key")
    if not (os.path.exists(ca_pem) and os.path.exists(ca_key_path)):
        cert, key = make_ca("fake_kinde test CA")
        _write_cert_pair(ca_pem, ca_key_path, cert, key)
    ca_cert, ca_key = _load_cert(ca_pem), load_private_key(ca_key_path)

    wrong = os.path.join(state_dir, "wrong-ca.pem")
    if not os.path.exists(wrong):
        cert, key = make_ca("fake_kinde UNRELATED CA")
        _write_cert_pair(wrong, os.path.join(state_dir, "wrong-ca.key"),
                         cert, key)

    if tls_name:
        base = "server-" + safe_file_part(tls_name)
        sans = [x509.DNSName(tls_name)]
    else:
        import ipaddress
        base = "server"
        sans = [x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                x509.DNSName("localhost")]
    if tls_cert:
        base += "-" + safe_file_part(tls_cert)
    cert_path = os.path.join(state_dir, base + ".pem")
    key_path = os.path.join(state_dir, base + ".key")
    if tls_cert == "self-signed" and not os.path.exists(cert_path):
        self_key = ec.generate_private_key(ec.SECP256R1())
        cert, key = make_server_cert(_self_ca(self_key), self_key, sans)
        _write_cert_pair(cert_path, key_path, cert, key)
    if tls_cert == "expired" and not os.path.exists(cert_path):
        cert, key = make_server_cert(ca_cert, ca_key, sans, expired=True)
        _write_cert_pair(cert_path, key_path, cert, key)
    if not (os.path.exists(cert_path) and os.path.exists(key_path)):
        cert, key = make_server_cert(ca_cert, ca_key, sans)
        _write_cert_pair(cert_path, key_path, cert, key)
    return cert_path, key_path


# ---------------------------------------------------------------------------
# Token minting
# ---------------------------------------------------------------------------

# Options accepted by mint_token() (mint.py flags and the control API's
# /__fake__/mint JSON share these names). Aliases map to canonical names.
MINT_OPTIONS = {
    "issuer", "sub", "aud", "scp", "scope", "m2m", "org", "permissions",
    "roles", "email", "azp", "ttl", "iat", "nbf", "now", "claims", "unset",
    "header", "unset_header", "kid", "key_index", "foreign_key", "alg",
    "hmac_secret", "tamper", "tamper_sig", "pad", "pad_to",
}
MINT_ALIASES = {"claim": "claims", "permission": "permissions",
                "role": "roles", "iss": "issuer"}


def normalize_mint_options(opts):
    """Map aliases to canonical names and reject unknown options."""
    out = {}
    for name, value in opts.items():
        name = MINT_ALIASES.get(name, name)
        if name not in MINT_OPTIONS:
            raise MintError("unknown mint option %r" % name)
        out[name] = value
    return out


def _as_list(value):
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def _role(role):
    """A role given as a key string becomes Kinde's {id,key,name} object."""
    if isinstance(role, dict):
        return role
    digest = hashlib.sha256(role.encode("utf-8")).hexdigest()
    return {"id": "0190" + digest[:28], "key": role,
            "name": role.replace("-", " ").replace("_", " ").title()}


def build_claims(opts, now):
    """The claim set of a Kinde user token (or M2M token with opts['m2m'])."""
    issuer = opts.get("issuer")
    if not issuer:
        raise MintError("no issuer (pass --issuer or start the server once)")
    ttl = int(opts["ttl"]) if opts.get("ttl") is not None else 3600
    iat = int(opts["iat"]) if opts.get("iat") is not None else now
    scope = opts.get("scope")
    scp = _as_list(opts.get("scp"))
    claims = {
        "aud": _as_list(opts.get("aud")) or [],
        "azp": opts.get("azp") or DEFAULT_AZP,
        "exp": now + ttl,
        "iat": iat,
        "iss": issuer,
        "jti": str(uuid.uuid4()),
        "v": "2",
    }
    if opts.get("m2m"):
        # M2M: `scope` is what was granted, `scp` what was requested.
        claims["gty"] = ["client_credentials"]
        claims["scope"] = scope or ""
        claims["scp"] = scp if scp is not None else (scope or "").split()
    else:
        claims["feature_flags"] = {}
        claims["org_code"] = opts.get("org") or ("org_" + secrets.token_hex(6)[:11])
        perms = opts.get("permissions")
        claims["permissions"] = _as_list(perms) if perms is not None else []
        claims["roles"] = [_role(r) for r in _as_list(opts.get("roles")) or []]
        claims["scp"] = scp if scp is not None else list(DEFAULT_USER_SCP)
        claims["sub"] = opts.get("sub") or ("kp_" + secrets.token_hex(16))
        if scope is not None:
            claims["scope"] = scope      # RFC 9068 style, only if asked
        if opts.get("email"):
            claims["email"] = opts["email"]
    if opts.get("m2m") and opts.get("sub"):
        claims["sub"] = opts["sub"]
    if opts.get("m2m") and opts.get("org"):
        claims["org_code"] = opts["org"]
    if opts.get("nbf") is not None:
        claims["nbf"] = int(opts["nbf"])
    claims.update(opts.get("claims") or {})
    for name in _as_list(opts.get("unset")) or []:
        claims.pop(name, None)
    return claims


def _pick_signing_key(opts, store):
    """(kid, private key) to sign with, per key_index / foreign_key."""
    if opts.get("foreign_key"):
        key = generate_rsa_key()
        return kid_for(key.public_key()), key
    if opts.get("key_index") is not None:
        return store.key_by_index(int(opts["key_index"]))
    return store.current_key()


_RSA_HASHES = {"256": hashes.SHA256, "384": hashes.SHA384,
               "512": hashes.SHA512}


def sign(alg, signing_input, rsa_key, hmac_secret=None):
    """Signature bytes for `alg`. RS*/PS* use rsa_key; HS* use hmac_secret
    (default: the RSA public key PEM, the classic alg-confusion forgery);
    ES256 uses a fresh P-256 key (raw R||S); "none" is empty. Any other
    alg is signed as RS256 so only the header lies."""
    if alg == "none":
        return b""
    bits = alg[2:]
    if alg.startswith("RS") and bits in _RSA_HASHES:
        return rsa_key.sign(signing_input, padding.PKCS1v15(),
                            _RSA_HASHES[bits]())
    if alg.startswith("PS") and bits in _RSA_HASHES:
        h = _RSA_HASHES[bits]()
        return rsa_key.sign(signing_input, padding.PSS(
            mgf=padding.MGF1(h), salt_length=h.digest_size), h)
    if alg.startswith("HS") and bits in _RSA_HASHES:
        secret = hmac_secret.encode() if hmac_secret else public_key_pem(rsa_key)
        return hmac.new(secret, signing_input, "sha" + bits).digest()
    if alg == "ES256":
        key = ec.generate_private_key(ec.SECP256R1())
        r, s = decode_dss_signature(
            key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return rsa_key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())


def tamper_json(text):
    """Change one character of the signed payload JSON so that it stays
    valid JSON of the same length but no longer matches the signature:
    the last character of `jti`, else the first digit, else a letter."""
    m = re.search(r'"jti":"[^"]*?([0-9a-f])"', text)
    if m:
        i = m.start(1)
    else:
        m = re.search(r"[0-9]", text) or re.search(r"[A-Za-z]", text)
        if not m:
            return text + " "
        i = m.start()
    c = text[i]
    if c.isdigit():
        repl = "1" if c != "1" else "2"
    elif c in "abcdef":
        repl = "0" if c != "0" else "1"
    else:
        repl = c.swapcase()
    return text[:i] + repl + text[i + 1:]


def _header(opts, kid):
    header = {"alg": opts.get("alg") or "RS256", "kid": kid, "typ": "JWT"}
    if opts.get("kid") is not None:
        header["kid"] = opts["kid"]
    header.update(opts.get("header") or {})
    for name in _as_list(opts.get("unset_header")) or []:
        header.pop(name, None)
    return header


def _assemble(header_json, payload_json, opts, key):
    """Sign and join a token from already-serialized header and payload."""
    alg = json.loads(header_json).get("alg") or "RS256"
    h64 = b64url_encode(header_json.encode("utf-8"))
    p64 = b64url_encode(payload_json.encode("utf-8"))
    signing_input = (h64 + "." + p64).encode("ascii")
    sig = sign(alg if isinstance(alg, str) else "RS256", signing_input, key,
               opts.get("hmac_secret"))
    if opts.get("tamper_sig") and sig:
        sig = bytes([sig[0] ^ 0x01]) + sig[1:]
    if opts.get("tamper"):
        p64 = b64url_encode(tamper_json(payload_json).encode("utf-8"))
    return h64 + "." + p64 + "." + b64url_encode(sig)


def _pad_to(length, header_json, claims, opts, key):
    """Smallest token of at least `length` characters (exactly `length`
    whenever base64url allows it; one space in the header JSON shifts the
    length class when needed). The filler goes into a "pad" claim."""
    variants = [header_json, header_json.replace(":", ": ", 1)]

    def token_for(hdr, n):
        c = dict(claims)
        c["pad"] = "x" * n
        return _assemble(hdr, compact_json(c), opts, key)

    best = None
    for hdr in variants:
        lo, hi = 0, max(0, length)
        while lo < hi:                  # smallest n with len >= length
            mid = (lo + hi) // 2
            if len(token_for(hdr, mid)) >= length:
                hi = mid
            else:
                lo = mid + 1
        tok = token_for(hdr, lo)
        if len(tok) == length:
            return tok
        if best is None or len(tok) < len(best):
            best = tok
    return best


def mint_token(opts, store, now=None):
    """Compact JWS for the given (normalized) options."""
    opts = normalize_mint_options(opts)
    if now is None:
        now = int(opts["now"]) if opts.get("now") is not None else int(time.time())
    claims = build_claims(opts, now)
    kid, key = _pick_signing_key(opts, store)
    header_json = compact_json(_header(opts, kid))
    if opts.get("pad"):
        claims["pad"] = "x" * int(opts["pad"])
    if opts.get("pad_to"):
        return _pad_to(int(opts["pad_to"]), header_json, claims, opts, key)
    return _assemble(header_json, compact_json(claims), opts, key)


def decode_unverified(token):
    """(header, claims) of a compact JWS, without checking anything."""
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("not a compact JWS")
    return (json.loads(b64url_decode(parts[0])),
            json.loads(b64url_decode(parts[1])))


def verify_rs256(token, store):
    """Verify an RS256 token against the store's published keys.
    Returns (header, claims); raises ValueError with a reason."""
    parts = token.split(".")
    if len(parts) != 3:
        raise ValueError("malformed token")
    try:
        header, claims = decode_unverified(token)
        sig = b64url_decode(parts[2])
    except Exception:
        raise ValueError("undecodable token")
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise ValueError("header or payload is not an object")
    if header.get("alg") != "RS256":
        raise ValueError("unsupported alg")
    keys = dict(store.published_keys())
    key = keys.get(header.get("kid"))
    if key is None:
        raise ValueError("unknown kid")
    from cryptography.exceptions import InvalidSignature
    try:
        key.public_key().verify(sig, (parts[0] + "." + parts[1]).encode(),
                                padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise ValueError("bad signature")
    return header, claims
