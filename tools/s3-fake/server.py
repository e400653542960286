"""An S3-compatible fake for the API's tests: PUT and GET of objects by
path (`/{bucket}/{key}`), kept in memory. Every request must be signed with
AWS Signature Version 4 by the credentials given: the signature is
recomputed with botocore (the AWS SDK's own signer) over the headers the
request says it signed, the payload's SHA-256 must be the body's, and the
date must be within 15 minutes. A request that fails any of it is answered
403 SignatureDoesNotMatch, as S3 does.

    python server.py ACCESS_KEY SECRET_KEY REGION

prints one JSON line, {"endpoint": "http://127.0.0.1:PORT"}, then serves.
Objects written are counted at GET /_fake/objects (unsigned, for tests).
"""

import datetime
import hashlib
import hmac
import json
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ACCESS_KEY, SECRET_KEY, REGION = sys.argv[1], sys.argv[2], sys.argv[3]
OBJECTS = {}
AUTHORIZATION = re.compile(
    r"^AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<day>\d{8})/(?P<region>[^/]+)/s3/aws4_request, "
    r"SignedHeaders=(?P<signed>[a-z0-9;-]+), Signature=(?P<signature>[0-9a-f]{64})$"
)


def refusal(handler, code, message):
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
    ).encode()
    handler.send_response(403)
    handler.send_header("Content-Type", "application/xml")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *_):
        pass

    def signed(self, body):
        """Why the request's signature is wrong, or None."""
        match = AUTHORIZATION.match(self.headers.get("Authorization", ""))
        if not match:
            return "no SigV4 Authorization header"
        if match["key"] != ACCESS_KEY or match["region"] != REGION:
            return "unknown key or region"
        amz_date = self.headers.get("x-amz-date", "")
        try:
            at = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(
                tzinfo=datetime.timezone.utc
            )
        except ValueError:
            return "no x-amz-date"
        if abs((datetime.datetime.now(datetime.timezone.utc) - at).total_seconds()) > 900:
            return "the request is too old or too new"
        if match["day"] != amz_date[:8]:
            return "the scope's day is not the request's"
        if self.headers.get("x-amz-content-sha256") != hashlib.sha256(body).hexdigest():
            return "the payload's hash is not the body's"
        names = match["signed"].split(";")
        if "host" not in names or "x-amz-date" not in names:
            return "host and x-amz-date must be signed"
        headers = {name: self.headers.get(name, "") for name in names}
        request = AWSRequest(
            method=self.command,
            url=f"http://{self.headers.get('Host')}{self.path}",
            headers=headers,
            data=body,
        )
        request.context["timestamp"] = amz_date
        signer = S3SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "s3", REGION)
        canonical = signer.canonical_request(request)
        expected = signer.signature(signer.string_to_sign(request, canonical), request)
        if not hmac.compare_digest(expected, match["signature"]):
            return "the signature does not match"
        return None

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_PUT(self):
        body = self.body()
        wrong = self.signed(body)
        if wrong:
            return refusal(self, "SignatureDoesNotMatch", wrong)
        OBJECTS[self.path] = body
        self.send_response(200)
        self.send_header("ETag", '"%s"' % hashlib.md5(body).hexdigest())
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        if self.path == "/_fake/objects":
            answer = json.dumps(sorted(OBJECTS)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
            return
        wrong = self.signed(self.body())
        if wrong:
            return refusal(self, "SignatureDoesNotMatch", wrong)
        if self.path not in OBJECTS:
            body = b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code></Error>'
            self.send_response(404)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        body = OBJECTS[self.path]
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(json.dumps({"endpoint": f"http://127.0.0.1:{server.server_address[1]}"}), flush=True)
server.serve_forever()
