"""A real SMTP server for the API's tests, on aiosmtpd: it takes mail over
SMTP as any server does and writes each message it accepts, as received
(headers, MIME parts, attachments), to FOLDER/<n>.eml.

Recipients whose local part starts with `busy` are refused with
`451 4.3.0` (a temporary failure: the sender tries again later), and those
starting with `nobody` with `550 5.1.1` (no such mailbox: final).

    python server.py FOLDER

prints one JSON line, {"host": "127.0.0.1", "port": PORT}, then serves
until killed.
"""

import asyncio
import json
import os
import socket
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("busy"):
            return "451 4.3.0 Mailbox busy, try again later"
        if local.startswith("nobody"):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = os.path.join(self.folder, f"{self.count:04d}.eml")
        with open(path + ".part", "wb") as out:
            out.write(envelope.original_content or envelope.content)
        os.replace(path + ".part", path)
        return f"250 2.0.0 Queued as sink-{self.count}"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def forever():
    await asyncio.Event().wait()


def main():
    folder = sys.argv[1]
    os.makedirs(folder, exist_ok=True)
    port = free_port()
    controller = Controller(Sink(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print(json.dumps({"host": "127.0.0.1", "port": port}), flush=True)
    try:
        asyncio.run(forever())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
