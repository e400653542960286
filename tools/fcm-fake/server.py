"""A fake of Firebase Cloud Messaging's HTTP v1 API and of Google's OAuth 2.0
token endpoint for service accounts, for the API's tests, doing what Google
documents (https://firebase.google.com/docs/cloud-messaging/send-message,
https://developers.google.com/identity/protocols/oauth2/service-account):

- POST /token takes `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer`
  and `assertion`, a JWT signed RS256 with the service account's private key:
  its header names the key (`kid` = the key's id), its claims `iss` (the
  service account's e-mail), `scope` (must hold
  `https://www.googleapis.com/auth/firebase.messaging`), `aud` (this token
  endpoint), `iat` and `exp` (at most an hour apart, not expired). The
  signature is checked with the public key (modulus given, exponent 65537)
  as RSASSA-PKCS1-v1_5 with SHA-256. Refused: 400 `invalid_grant` (or
  `unsupported_grant_type`), as Google answers. Taken: an access token
  good for an hour.
- POST /v1/projects/{project}/messages:send with `Authorization: Bearer`
  and an access token it issued (else 401 UNAUTHENTICATED); another project
  is 403 PERMISSION_DENIED. The body is `{"message": {...}}` with exactly
  one of `token`, `topic`, `condition`; `notification` has string `title`
  and `body`; `data` maps strings to strings (else 400 INVALID_ARGUMENT).
  A token listed `unregistered` answers 404 NOT_FOUND with the FcmError
  `UNREGISTERED` (the app was uninstalled), one listed `unavailable` 503
  UNAVAILABLE. Taken: 200 `{"name": "projects/{project}/messages/0:N"}`.

    python server.py PROJECT_ID CLIENT_EMAIL KEY_ID MODULUS_HEX [unregistered=T,...] [unavailable=T,...]

prints one JSON line, {"base_url": "http://127.0.0.1:PORT", "token_uri":
".../token"}, then serves. GET /_fake/messages lists what was taken,
GET /_fake/tokens how many access tokens were issued.
"""

import base64
import hashlib
import json
import re
import secrets
import sys
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PROJECT_ID, CLIENT_EMAIL, KEY_ID, MODULUS = sys.argv[1:5]
N = int(MODULUS, 16)
E = 65537
SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
LISTS = {"unregistered": set(), "unavailable": set()}
for arg in sys.argv[5:]:
    name, _, value = arg.partition("=")
    LISTS[name] = set(t for t in value.split(",") if t)
TAKEN = []
ISSUED = {}
SEND = re.compile(r"^/v1/projects/(?P<project>[^/]+)/messages:send$")
# DigestInfo of SHA-256 (RFC 8017, section 9.2, note 1).
SHA256_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signature_holds(signed, signature):
    """RSASSA-PKCS1-v1_5 verification with SHA-256 (RFC 8017, 8.2.2)."""
    size = (N.bit_length() + 7) // 8
    if len(signature) != size:
        return False
    s = int.from_bytes(signature, "big")
    if s >= N:
        return False
    em = pow(s, E, N).to_bytes(size, "big")
    digest = SHA256_PREFIX + hashlib.sha256(signed).digest()
    expected = b"\x00\x01" + b"\xff" * (size - len(digest) - 3) + b"\x00" + digest
    return em == expected


def grant_refused(assertion, audience):
    """Why Google would refuse the assertion, or None."""
    try:
        head, claims, signature = assertion.split(".")
        header = json.loads(b64url(head))
        body = json.loads(b64url(claims))
        signed = b64url(signature)
    except (ValueError, json.JSONDecodeError):
        return "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe."
    if header.get("alg") != "RS256" or header.get("kid") != KEY_ID:
        return "Invalid JWT Signature."
    if not signature_holds(f"{head}.{claims}".encode(), signed):
        return "Invalid JWT Signature."
    now = int(time.time())
    iat, exp = body.get("iat"), body.get("exp")
    if not isinstance(iat, int) or not isinstance(exp, int):
        return "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe."
    if exp <= now or iat > now + 60 or exp - iat > 3600:
        return "Invalid JWT: Token must be a short-lived token and in a reasonable timeframe."
    if body.get("iss") != CLIENT_EMAIL:
        return "Invalid grant: account not found"
    if body.get("aud") != audience:
        return "Invalid JWT: Failed audience check."
    if SCOPE not in str(body.get("scope", "")).split():
        return "Invalid OAuth scope or ID token audience provided."
    return None


def fcm_error(code, status, message, error_code=None):
    error = {"code": code, "message": message, "status": status}
    if error_code:
        error["details"] = [
            {
                "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                "errorCode": error_code,
            }
        ]
    return code, {"error": error}


def message_refused(message):
    targets = [k for k in ("token", "topic", "condition") if k in message]
    if len(targets) != 1:
        return "Exactly one of token, topic or condition must be set."
    if not isinstance(message.get(targets[0]), str) or not message[targets[0]]:
        return f"Invalid value at 'message.{targets[0]}'."
    notification = message.get("notification", {})
    if not isinstance(notification, dict) or any(
        not isinstance(notification.get(k, ""), str) for k in ("title", "body")
    ):
        return "Invalid value at 'message.notification'."
    data = message.get("data", {})
    if not isinstance(data, dict) or any(
        not isinstance(k, str) or not isinstance(v, str) for k, v in data.items()
    ):
        return "Invalid value at 'message.data': values must be strings."
    return None


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body):
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self):
        if self.path == "/_fake/messages":
            return self.answer(200, TAKEN)
        if self.path == "/_fake/tokens":
            return self.answer(200, {"issued": len(ISSUED)})
        self.answer(404, {"error": "not found"})

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path == "/token":
            return self.token(raw)
        match = SEND.match(self.path)
        if not match:
            return self.answer(404, {"error": "not found"})
        self.answer(*self.send_message(match["project"], raw))

    def token(self, raw):
        form = urllib.parse.parse_qs(raw.decode(), keep_blank_values=True)
        grant = form.get("grant_type", [""])[0]
        if grant != "urn:ietf:params:oauth:grant-type:jwt-bearer":
            return self.answer(
                400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type: " + grant}
            )
        audience = f"http://{self.headers.get('Host')}/token"
        why = grant_refused(form.get("assertion", [""])[0], audience)
        if why:
            return self.answer(400, {"error": "invalid_grant", "error_description": why})
        access = "ya29.fake-" + secrets.token_urlsafe(24)
        ISSUED[access] = time.time() + 3600
        self.answer(200, {"access_token": access, "expires_in": 3599, "token_type": "Bearer"})

    def send_message(self, project, raw):
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or ISSUED.get(auth[7:], 0) < time.time():
            return fcm_error(
                401,
                "UNAUTHENTICATED",
                "Request had invalid authentication credentials. Expected OAuth 2 access token.",
            )
        if project != PROJECT_ID:
            return fcm_error(403, "PERMISSION_DENIED", "Permission 'cloudmessaging.messages.create' denied.")
        try:
            body = json.loads(raw)
        except json.JSONDecodeError:
            return fcm_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.")
        message = body.get("message") if isinstance(body, dict) else None
        if not isinstance(message, dict):
            return fcm_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unknown name.")
        why = message_refused(message)
        if why:
            return fcm_error(400, "INVALID_ARGUMENT", why, "INVALID_ARGUMENT")
        token = message.get("token")
        if token in LISTS["unregistered"]:
            return fcm_error(404, "NOT_FOUND", "Requested entity was not found.", "UNREGISTERED")
        if token in LISTS["unavailable"]:
            return fcm_error(503, "UNAVAILABLE", "The service is currently unavailable.", "UNAVAILABLE")
        name = f"projects/{PROJECT_ID}/messages/0:{len(TAKEN) + 1}"
        TAKEN.append({"name": name, "message": message})
        return 200, {"name": name}


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    print(json.dumps({"base_url": base, "token_uri": base + "/token"}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
