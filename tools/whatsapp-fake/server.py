"""A fake of Meta's WhatsApp Business Cloud API for the API's tests, doing
what Meta documents for sending a template message
(https://developers.facebook.com/docs/whatsapp/cloud-api/guides/send-message-templates):

- POST /{version}/{phone-number-id}/messages with `Authorization: Bearer
  <access token>` (else 401, OAuthException code 190) and a JSON body
  (else 400, code 100); a phone number id that is not this one is 400,
  code 100 subcode 33. The body needs `messaging_product` "whatsapp",
  `to`, `type` "template" and `template` with `name` and `language.code`
  (else 400, code 100 naming the parameter).
- The template must be one approved in that language (else 132001,
  "Template name does not exist in the translation"), and its body
  parameters as many as the approved template has (else 132000, "Number
  of parameters does not match the expected number of params"), each
  `{"type": "text", "text": ...}` with the text not empty.
- A number listed as `not_allowed` answers 131030 (a test number's
  recipient not in the allowed list), one listed as `throttled` 130429
  (rate limit hit). Errors are Meta's document: {"error": {"message",
  "type", "code", "error_data": {"messaging_product", "details"},
  "fbtrace_id"}}.
- A message taken is 200 with `messages[0].id` a `wamid.` id. Given a
  `callback` address and an `app_secret`, the fake then POSTs its status
  `delivered` there as Meta does: a `whatsapp_business_account`
  notification with `entry[].changes[].value.statuses[]`, signed in
  `X-Hub-Signature-256` (`sha256=` and the hex HMAC-SHA256 of the body
  keyed with the app secret).

    python server.py PHONE_NUMBER_ID ACCESS_TOKEN template=NAME:LANG:PARAMS ... [not_allowed=+91...,...] [throttled=...] [callback=URL app_secret=SECRET]

prints one JSON line, {"base_url": "http://127.0.0.1:PORT"}, then serves.
GET /_fake/messages lists what was taken.
"""

import base64
import hashlib
import hmac
import json
import re
import secrets
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PHONE_NUMBER_ID, ACCESS_TOKEN = sys.argv[1], sys.argv[2]
APPROVED = {}
LISTS = {"not_allowed": set(), "throttled": set()}
CALLBACK = {}
for arg in sys.argv[3:]:
    name, _, value = arg.partition("=")
    if name in ("callback", "app_secret"):
        CALLBACK[name] = value
    elif name == "template":
        template, language, count = value.split(":")
        APPROVED[(template, language)] = int(count)
    else:
        LISTS[name] = set(n for n in value.split(",") if n)
TAKEN = []
PATH = re.compile(r"^/v[0-9]+\.[0-9]+/(?P<id>[^/]+)/messages$")


def report(taken):
    notification = {"object": "whatsapp_business_account", "entry": [{
        "id": "102290129340398", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID},
            "statuses": [{"id": taken["id"], "status": "delivered",
                          "timestamp": str(int(time.time())),
                          "recipient_id": taken["to"].lstrip("+")}]}}]}]}
    body = json.dumps(notification).encode()
    digest = hmac.new(CALLBACK["app_secret"].encode(), body, hashlib.sha256).hexdigest()
    request = urllib.request.Request(CALLBACK["callback"], data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    request.add_header("X-Hub-Signature-256", "sha256=" + digest)
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            taken["callback_answer"] = answer.status
    except urllib.error.HTTPError as refused:
        taken["callback_answer"] = refused.code
    except Exception as error:  # the test reads it
        taken["callback_answer"] = str(error)


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

    def error(self, status, code, message, details=None, kind="OAuthException", subcode=None):
        error = {"message": message, "type": kind, "code": code,
                 "fbtrace_id": "A" + secrets.token_hex(10)}
        if details:
            error["error_data"] = {"messaging_product": "whatsapp", "details": details}
        if subcode:
            error["error_subcode"] = subcode
        self.answer(status, {"error": error})

    def do_GET(self):
        if self.path == "/_fake/messages":
            return self.answer(200, TAKEN)
        self.error(400, 100, "Unsupported get request.", kind="GraphMethodException")

    def do_POST(self):
        match = PATH.match(self.path)
        if not match:
            return self.error(400, 100, "Unknown path components", kind="GraphMethodException")
        if self.headers.get("Authorization") != f"Bearer {ACCESS_TOKEN}":
            return self.error(401, 190, "Invalid OAuth access token - Cannot parse access token")
        if match["id"] != PHONE_NUMBER_ID:
            return self.error(400, 100, f"Unsupported post request. Object with ID '{match['id']}' does not exist",
                              kind="GraphMethodException", subcode=33)
        length = int(self.headers.get("Content-Length", "0"))
        try:
            if not self.headers.get("Content-Type", "").startswith("application/json"):
                raise ValueError
            body = json.loads(self.rfile.read(length))
        except ValueError:
            return self.error(400, 100, "(#100) Invalid parameter", kind="OAuthException")
        for parameter in ("messaging_product", "to", "type", "template"):
            if not body.get(parameter):
                return self.error(400, 100, f"(#100) The parameter {parameter} is required.")
        if body["messaging_product"] != "whatsapp" or body["type"] != "template":
            return self.error(400, 100, "(#100) Invalid parameter")
        template = body["template"]
        name, language = template.get("name"), (template.get("language") or {}).get("code")
        if not name or not language:
            return self.error(400, 100, "(#100) The parameter template['name'] and template['language'] are required.")
        if (name, language) not in APPROVED:
            return self.error(404, 132001, "(#132001) Template name does not exist in the translation",
                              details=f"template name ({name}) does not exist in {language}")
        texts = []
        for component in template.get("components", []):
            if component.get("type") == "body":
                for parameter in component.get("parameters", []):
                    if parameter.get("type") != "text" or not parameter.get("text"):
                        return self.error(400, 131008, "(#131008) Required parameter is missing",
                                          details="body parameter text is required")
                    texts.append(parameter["text"])
        if len(texts) != APPROVED[(name, language)]:
            return self.error(400, 132000, "(#132000) Number of parameters does not match the expected number of params",
                              details=f"body: number of localizable_params ({len(texts)}) does not match the expected number of params ({APPROVED[(name, language)]})")
        to = body["to"]
        if to in LISTS["not_allowed"]:
            return self.error(400, 131030, "(#131030) Recipient phone number not in allowed list",
                              details="Recipient phone number not in allowed list")
        if to in LISTS["throttled"]:
            return self.error(400, 130429, "(#130429) Rate limit hit",
                              details="Cloud API message throughput has been reached.")
        wamid = "wamid." + base64.b64encode(secrets.token_bytes(24)).decode()
        taken = {"id": wamid, "to": to, "template": name, "language": language,
                 "parameters": texts}
        TAKEN.append(taken)
        self.answer(200, {"messaging_product": "whatsapp",
                          "contacts": [{"input": to, "wa_id": to.lstrip("+")}],
                          "messages": [{"id": wamid, "message_status": "accepted"}]})
        if "callback" in CALLBACK and "app_secret" in CALLBACK:
            threading.Timer(0.2, report, args=(taken,)).start()


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(json.dumps({"base_url": f"http://127.0.0.1:{server.server_address[1]}"}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
