"""A fake of SendGrid's v3 Mail Send API for the API's tests, doing what
SendGrid documents (https://www.twilio.com/docs/sendgrid/api-reference/mail-send/mail-send
and .../mail-send/errors):

- POST /v3/mail/send with `Authorization: Bearer <API key>`: no key or
  another key is 401 ("The provided authorization grant is invalid,
  expired, or revoked"); a body that is not JSON (`Content-Type:
  application/json`) is 400.
- The body is checked as SendGrid does, each problem one entry of
  {"errors": [{"message", "field", "help"}]} with status 400:
  `personalizations` 1 to 1000, each with a `to` list of 1 to 1000
  {"email", "name"?} with a valid address; `from.email` valid; a `subject`
  (top level or in every personalization); `content` 1 or more
  {"type", "value"} with a value of at least one character, `text/plain`
  first; each attachment with base64 `content` and a `filename`, and a
  `type` without `;` or line breaks; no reserved header in `headers`
  (content-type, to, from, subject, reply-to, cc, bcc, x-sg-id, ...).
  A body over 30 MB is 413.
- A sender that is not a verified Sender Identity (when `verified=` lists
  them) is 403 ("The from address does not match a verified Sender
  Identity..."), as SendGrid answers.
- An address listed as busy answers 429 (rate limited), one listed as
  down 503; otherwise the mail is taken: 202, an empty body, and its id in
  `X-Message-Id`.

    python server.py API_KEY [verified=bills@x,...] [busy=a@x,...] [down=b@y,...]

prints one JSON line, {"base_url": "http://127.0.0.1:PORT"}, then serves.
GET /_fake/messages lists what was taken (each body as posted, with its
id).
"""

import base64
import binascii
import json
import re
import secrets
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API_KEY = sys.argv[1]
LISTS = {"busy": set(), "down": set(), "verified": set()}
for arg in sys.argv[2:]:
    name, _, addresses = arg.partition("=")
    LISTS[name] = set(a for a in addresses.split(",") if a)
TAKEN = []
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
RESERVED = {
    "x-sg-id", "x-sg-eid", "received", "dkim-signature", "content-type",
    "content-transfer-encoding", "to", "from", "subject", "reply-to", "cc", "bcc",
}
MAX_BYTES = 30 * 1024 * 1024


def problems(mail):
    """SendGrid's validation errors of `mail`, as (message, field) pairs."""
    found = []

    def add(message, field):
        found.append((message, field))

    personalizations = mail.get("personalizations")
    if not isinstance(personalizations, list) or not personalizations:
        add("You must have at least one personalization.", "personalizations")
        personalizations = []
    elif len(personalizations) > 1000:
        add("The personalization block is limited to 1000 personalizations per API request.",
            "personalizations")
    for i, p in enumerate(personalizations):
        to = p.get("to") if isinstance(p, dict) else None
        if not isinstance(to, list) or not to:
            add("The to array is required for all personalization objects, "
                "and must have at least one email object with a valid email address.",
                f"personalizations.{i}.to")
            continue
        for j, recipient in enumerate(to):
            email = recipient.get("email") if isinstance(recipient, dict) else None
            if not isinstance(email, str) or not EMAIL.match(email):
                add("Does not contain a valid address.", f"personalizations.{i}.to.{j}.email")
    sender = mail.get("from")
    email = sender.get("email") if isinstance(sender, dict) else None
    if not isinstance(email, str) or not EMAIL.match(email):
        add("The from object must be provided for every email send. "
            "It is an object that requires the email parameter, "
            "but may also contain a name parameter.", "from.email")
    subject = mail.get("subject")
    if not (isinstance(subject, str) and subject) and not all(
        isinstance(p, dict) and isinstance(p.get("subject"), str) and p["subject"]
        for p in personalizations
    ):
        add("The subject is required. You can get around this requirement if you use a "
            "template with a subject defined or if every personalization has a subject "
            "defined.", "subject")
    content = mail.get("content")
    if not isinstance(content, list) or not content:
        add("Unless a valid template_id is provided, the content parameter is required. "
            "There must be at least one defined content block.", "content")
        content = []
    for i, block in enumerate(content):
        value = block.get("value") if isinstance(block, dict) else None
        if not isinstance(value, str) or not value:
            add("The content value must be a string at least one character in length.",
                f"content.{i}.value")
        kind = block.get("type") if isinstance(block, dict) else None
        if not isinstance(kind, str) or not kind:
            add("The content type must be a string at least one character in length.",
                f"content.{i}.type")
        elif i > 0 and kind == "text/plain":
            add("If present, text/plain content must be first, followed by text/html, "
                "followed by any other content.", f"content.{i}.type")
    for i, file in enumerate(mail.get("attachments") or []):
        data = file.get("content") if isinstance(file, dict) else None
        try:
            if not isinstance(data, str) or not data:
                raise ValueError
            base64.b64decode(data, validate=True)
        except (ValueError, binascii.Error):
            add("The attachment content must be base64 encoded.", f"attachments.{i}.content")
        if not (isinstance(file, dict) and isinstance(file.get("filename"), str)
                and file["filename"]):
            add("The attachment filename parameter is required.", f"attachments.{i}.filename")
        kind = file.get("type") if isinstance(file, dict) else None
        if kind is not None and (not isinstance(kind, str) or re.search(r"[;\r\n]", kind)):
            add("The attachment type cannot contain ';', or CRLF characters.",
                f"attachments.{i}.type")
    headers = mail.get("headers") or {}
    if not isinstance(headers, dict):
        add("Invalid type. Expected: object.", "headers")
        headers = {}
    for name, value in headers.items():
        if name.lower() in RESERVED:
            add(f"The header {name} is a reserved header and cannot be set.", "headers")
        if not isinstance(value, str):
            add("Invalid type. Expected: string.", f"headers.{name}")
    return found


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, document=None, headers=()):
        body = b"" if document is None else json.dumps(document).encode()
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if document is not None:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def errors(self, status, pairs):
        self.answer(status, {"errors": [
            {"message": message, "field": field, "help": None} for message, field in pairs
        ]})

    def do_GET(self):
        if self.path == "/_fake/messages":
            self.answer(200, TAKEN)
        else:
            self.errors(404, [("not found", None)])

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        if length > MAX_BYTES:
            self.errors(413, [("Payload too large.", None)])
            return
        raw = self.rfile.read(length)
        if self.path != "/v3/mail/send":
            self.errors(404, [("not found", None)])
            return
        if self.headers.get("Authorization", "") != f"Bearer {API_KEY}":
            self.errors(401, [("The provided authorization grant is invalid, expired, or "
                               "revoked", None)])
            return
        if not self.headers.get("Content-Type", "").startswith("application/json"):
            self.errors(400, [("Content-Type should be application/json.", None)])
            return
        try:
            mail = json.loads(raw)
            if not isinstance(mail, dict):
                raise ValueError
        except ValueError:
            self.errors(400, [("Bad Request", None)])
            return
        found = problems(mail)
        if found:
            self.errors(400, found)
            return
        if LISTS["verified"] and mail["from"]["email"] not in LISTS["verified"]:
            self.errors(403, [("The from address does not match a verified Sender Identity. "
                               "Mail cannot be sent until this error is resolved.", "from")])
            return
        to = [r["email"] for p in mail["personalizations"] for r in p["to"]]
        if any(a in LISTS["busy"] for a in to):
            self.errors(429, [("too many requests", None)])
            return
        if any(a in LISTS["down"] for a in to):
            self.errors(503, [("service unavailable", None)])
            return
        message_id = secrets.token_urlsafe(16)
        TAKEN.append({"id": message_id, "mail": mail})
        self.answer(202, headers=[("X-Message-Id", message_id)])


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(json.dumps({"base_url": f"http://127.0.0.1:{server.server_port}"}), flush=True)
server.serve_forever()
