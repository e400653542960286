"""A receiver of Standard Webhooks for the API's tests: every message is
verified with the Standard Webhooks reference library (`standardwebhooks`
from PyPI, pinned in tools/requirements.txt), the oracle of the tests.

    python server.py

prints one JSON line, {"base_url": "http://127.0.0.1:PORT"}, then serves:

- POST /_fake/secret {"path": "/erp", "secret": "whsec_..."}: messages to
  /erp are verified with that secret (a message failing verification is
  answered 401 and kept with "verified": false).
- POST /_fake/script {"path": "/erp", "answers": [503, 503, 410]}: the next
  messages to /erp are answered with these statuses in turn (replacing
  what was scripted before) (-1: 500 with
  `webhook-delivery: abort-message`; 429 with `Retry-After: 1`), then 200 ("taken").
- GET /_fake/received?path=/erp: every message posted there, in order:
  {"id", "timestamp", "signature", "body", "verified", "answered"}.
- POST anything else: a message, verified, kept and answered.
"""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

LOCK = threading.Lock()
SECRETS = {}
SCRIPTS = {}
RECEIVED = {}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlparse(self.path)
        if url.path != "/_fake/received":
            return self.answer(404)
        path = parse_qs(url.query).get("path", [""])[0]
        with LOCK:
            body = json.dumps(RECEIVED.get(path, [])).encode()
        self.answer(200, body, [("Content-Type", "application/json")])

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        path = urlparse(self.path).path
        if path == "/_fake/secret":
            given = json.loads(raw)
            with LOCK:
                SECRETS[given["path"]] = given["secret"]
            return self.answer(204)
        if path == "/_fake/script":
            given = json.loads(raw)
            with LOCK:
                SCRIPTS[given["path"]] = list(given["answers"])
            return self.answer(204)
        headers = {k.lower(): v for k, v in self.headers.items()}
        with LOCK:
            secret = SECRETS.get(path)
        verified = False
        if secret is not None:
            try:
                Webhook(secret).verify(raw, headers)
                verified = True
            except WebhookVerificationError:
                verified = False
        with LOCK:
            script = SCRIPTS.get(path) or []
            status = script.pop(0) if script else 200
            if not verified:
                status = 401
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
            RECEIVED.setdefault(path, []).append(
                {
                    "id": headers.get("webhook-id"),
                    "timestamp": headers.get("webhook-timestamp"),
                    "signature": headers.get("webhook-signature"),
                    "contentType": headers.get("content-type"),
                    "body": body,
                    "verified": verified,
                    "answered": 500 if status == -1 else status,
                }
            )
        if status == -1:
            return self.answer(500, b"stop", [("webhook-delivery", "abort-message")])
        if status == 429:
            return self.answer(429, b"slow down", [("Retry-After", "1")])
        if status == 401:
            return self.answer(401, b"signature does not verify")
        return self.answer(status, b"taken" if status < 300 else b"not now")


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(json.dumps({"base_url": f"http://127.0.0.1:{server.server_address[1]}"}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
