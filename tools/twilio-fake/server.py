"""A fake of Twilio's Programmable Messaging API for the API's tests, doing
what Twilio documents (https://www.twilio.com/docs/messaging/api/message-resource):

- POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded, with
  HTTP Basic authentication (AccountSid:AuthToken): a wrong account or
  token is 401 with error 20003; `To`, `Body` and one of `From` or
  `MessagingServiceSid` are required (21604, 21602, 21603); `To` must be
  E.164 (else 21211); a body over 1600 characters is 21617. A number
  listed as invalid answers 21211, one listed as unsubscribed 21610 (the
  customer texted STOP), one listed as busy 429 with 20429. India's DLT
  parameters, when given, must be digits of a size a DLT platform gives:
  `DltPEId` (else 21900) and `DltTemplateId` (else 21901). Each error is
  Twilio's JSON: {"code", "message", "more_info", "status"}.
- A message taken is 201 with its resource (`sid` "SM" + 32 hex, `status`
  "queued"). When it names a `StatusCallback`, the fake then POSTs the
  status `delivered` there as Twilio does: form-encoded MessageSid,
  MessageStatus, AccountSid, To, From, ApiVersion, signed in
  `X-Twilio-Signature`: base64 of HMAC-SHA1, keyed with the auth token, of
  the callback URL followed by every parameter's name and value in the
  order of their names.

    python server.py ACCOUNT_SID AUTH_TOKEN [invalid=+91...,...] [unsubscribed=...] [busy=...]

prints one JSON line, {"base_url": "http://127.0.0.1:PORT"}, then serves.
GET /_fake/messages lists what was taken, and each callback's answer.
"""

import base64
import hashlib
import hmac
import json
import re
import secrets
import sys
import threading
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ACCOUNT_SID, AUTH_TOKEN = sys.argv[1], sys.argv[2]
LISTS = {"invalid": set(), "unsubscribed": set(), "busy": set()}
for arg in sys.argv[3:]:
    name, _, numbers = arg.partition("=")
    LISTS[name] = set(n for n in numbers.split(",") if n)
TAKEN = []
E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")
DLT_ID = re.compile(r"^[0-9]{10,30}$")
PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>[^/]+)/Messages\.json$")


def signature(url, params):
    data = url + "".join(k + params[k] for k in sorted(params))
    digest = hmac.new(AUTH_TOKEN.encode(), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def call_back(url, params):
    body = urllib.parse.urlencode(params).encode()
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", "application/x-www-form-urlencoded")
    request.add_header("X-Twilio-Signature", signature(url, params))
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code
    except Exception as error:  # the test reads it
        return str(error)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self, status, document):
        body = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def error(self, status, code, message):
        self.answer(status, {"code": code, "message": message, "status": status,
                             "more_info": f"https://www.twilio.com/docs/errors/{code}"})

    def do_GET(self):
        if self.path == "/_fake/messages":
            return self.answer(200, TAKEN)
        self.error(404, 20404, "The requested resource was not found")

    def do_POST(self):
        match = PATH.match(self.path)
        if not match:
            return self.error(404, 20404, "The requested resource was not found")
        expected = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        if match["sid"] != ACCOUNT_SID or self.headers.get("Authorization") != expected:
            return self.error(401, 20003, "Authentication Error - invalid username")
        if not self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            return self.error(400, 20001, "Content-Type must be application/x-www-form-urlencoded")
        length = int(self.headers.get("Content-Length", "0"))
        form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
        to, body = form.get("To", ""), form.get("Body", "")
        if not to:
            return self.error(400, 21604, "A 'To' phone number is required.")
        if not form.get("From") and not form.get("MessagingServiceSid"):
            return self.error(400, 21603, "A 'From' phone number is required.")
        if not body:
            return self.error(400, 21602, "Message body is required.")
        if len(body) > 1600:
            return self.error(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
        if not E164.match(to) or to in LISTS["invalid"]:
            return self.error(400, 21211, f"The 'To' number {to} is not a valid phone number.")
        if "DltPEId" in form and not DLT_ID.match(form["DltPEId"]):
            return self.error(400, 21900, "DltPEId is invalid")
        if "DltTemplateId" in form and not DLT_ID.match(form["DltTemplateId"]):
            return self.error(400, 21901, "DltTemplateId is invalid")
        if to in LISTS["unsubscribed"]:
            return self.error(400, 21610, "Attempt to send to unsubscribed recipient")
        if to in LISTS["busy"]:
            return self.error(429, 20429, "Too Many Requests")
        sid = "SM" + secrets.token_hex(16)
        taken = {"sid": sid, "to": to, "from": form.get("From"), "body": body,
                 "messaging_service_sid": form.get("MessagingServiceSid"),
                 "status_callback": form.get("StatusCallback"), "callback_answer": None,
                 "dlt_pe_id": form.get("DltPEId"), "dlt_template_id": form.get("DltTemplateId")}
        TAKEN.append(taken)
        self.answer(201, {"sid": sid, "account_sid": ACCOUNT_SID, "to": to,
                          "from": form.get("From"), "body": body, "status": "queued",
                          "num_segments": "1", "api_version": "2010-04-01",
                          "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json"})
        if form.get("StatusCallback"):
            params = {"MessageSid": sid, "SmsSid": sid, "MessageStatus": "delivered",
                      "SmsStatus": "delivered", "AccountSid": ACCOUNT_SID, "To": to,
                      "From": form.get("From") or "", "ApiVersion": "2010-04-01"}

            def later():
                taken["callback_answer"] = call_back(form["StatusCallback"], params)

            threading.Timer(0.2, later).start()


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(json.dumps({"base_url": f"http://127.0.0.1:{server.server_address[1]}"}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
