#!/usr/bin/python3
"""Mint a Kinde-shaped access token from a fake_kinde state directory.

Works without the server running: it reads the signing keys and the
current key from DIR/keys/state.json and the issuer from DIR/issuer.
Prints the compact token on stdout. Exit 2 on bad usage.

Examples:
    mint.py --state-dir D --sub kp_0123... --aud https://api.example
    mint.py --state-dir D --m2m --scope "read:api_keys" --aud "$ISS/api"
    mint.py --state-dir D --ttl -60                 # already expired
    mint.py --state-dir D --foreign-key             # forged signature
    mint.py --state-dir D --claim exp='"soon"' --unset iat
"""

import argparse
import json
import os
import sys

sys.dont_write_bytecode = True          # keep the source tree clean
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kinde_keys  # noqa: E402


def json_assignment(text):
    """NAME=JSONVALUE -> (name, value)."""
    name, sep, raw = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError("expected NAME=JSONVALUE: %r" % text)
    try:
        return name, json.loads(raw)
    except ValueError as e:
        raise argparse.ArgumentTypeError("bad JSON for %s: %s" % (name, e))


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--state-dir", required=True)
    p.add_argument("--issuer", help="default: contents of DIR/issuer")
    p.add_argument("--sub")
    p.add_argument("--aud", action="append", help="repeatable")
    p.add_argument("--scp", action="append", help="repeatable; default "
                   "openid profile email offline (user tokens)")
    p.add_argument("--scope", help='space-separated "scope" claim')
    p.add_argument("--m2m", action="store_true",
                   help="M2M token (gty client_credentials, scope + scp)")
    p.add_argument("--org", help="org_code")
    p.add_argument("--permission", action="append", dest="permissions",
                   metavar="P", help="repeatable")
    p.add_argument("--role", action="append", dest="roles", metavar="KEY",
                   help="role key, repeatable; becomes {id,key,name}")
    p.add_argument("--email")
    p.add_argument("--azp")
    p.add_argument("--ttl", type=int, default=3600,
                   help="exp = now + TTL (negative: already expired)")
    p.add_argument("--iat", type=int)
    p.add_argument("--nbf", type=int)
    p.add_argument("--now", type=int, help="clock used for iat/exp")
    p.add_argument("--claim", action="append", type=json_assignment,
                   default=[], metavar="NAME=JSON",
                   help="set claim NAME to a JSON value, repeatable")
    p.add_argument("--unset", action="append", help="drop claim NAME")
    p.add_argument("--header", action="append", type=json_assignment,
                   default=[], metavar="NAME=JSON",
                   help="set header NAME to a JSON value, repeatable")
    p.add_argument("--unset-header", action="append", help="drop header NAME")
    p.add_argument("--kid", help="header kid (signing key unchanged)")
    key = p.add_mutually_exclusive_group()
    key.add_argument("--key-index", type=int,
                     help="sign with key N in creation order (0 = first)")
    key.add_argument("--foreign-key", action="store_true",
                     help="sign with a fresh key that is not published")
    p.add_argument("--alg", default="RS256",
                   help="RS256 RS384 RS512 PS256.. HS256.. ES256 none; "
                   "others are signed RS256 under that header")
    p.add_argument("--hmac-secret", help="key for HS* (default: public PEM)")
    p.add_argument("--tamper", action="store_true",
                   help="change one payload character after signing")
    p.add_argument("--tamper-sig", action="store_true",
                   help="flip one bit of the signature")
    p.add_argument("--pad", type=int, help="add a 'pad' claim of N chars")
    p.add_argument("--pad-to", type=int,
                   help="pad the token to exactly N characters")
    return p.parse_args(argv)


def options_from_args(args):
    """argparse namespace -> kinde_keys.mint_token options."""
    opts = {k: v for k, v in vars(args).items()
            if k not in ("state_dir", "claim", "header") and v is not None}
    opts["claims"] = dict(args.claim)
    opts["header"] = dict(args.header)
    return opts


def read_issuer(state_dir):
    try:
        with open(os.path.join(state_dir, "issuer"), encoding="utf-8") as f:
            return f.read().strip()
    except OSError:
        return None


def main(argv):
    args = parse_args(argv)
    if not os.path.exists(os.path.join(args.state_dir, "keys", "state.json")):
        sys.stderr.write("mint.py: no keys in %s (start fake_kinde.py once)\n"
                         % args.state_dir)
        return 2
    opts = options_from_args(args)
    opts["issuer"] = args.issuer or read_issuer(args.state_dir)
    store = kinde_keys.KeyStore(args.state_dir)
    store.load()
    try:
        token = kinde_keys.mint_token(opts, store)
    except kinde_keys.MintError as e:
        sys.stderr.write("mint.py: %s\n" % e)
        return 2
    sys.stdout.write(token + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
