#!/usr/bin/env python3
"""Drives one import job against a running server and times it (see
bench/import.sh), or writes the report of several runs (--report)."""
import argparse
import json
import time
import urllib.request


def call(url, method, path, token=None, body=None, media="application/json"):
    data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    request = urllib.request.Request(url + path, data=data, method=method)
    if data is not None:
        request.add_header("content-type", media)
    if token:
        request.add_header("authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=600) as answer:
        text = answer.read()
        return json.loads(text) if text and answer.headers.get_content_type().endswith("json") else text


def csv_of(rows):
    lines = ["name,mobile,email,tags,dateOfBirth"]
    for i in range(1, rows + 1):
        mobile = f"9{100_000_000 + i:09d}"
        if i % 1000 == 7:
            mobile = "12345"  # no phone number
        birthday = "2099-01-01" if i % 1000 == 500 else "1988-04-12"  # in the future
        lines.append(f"Customer {i},{mobile},c{i}@example.com,walk-in;gold,{birthday}")
    return ("\n".join(lines) + "\n").encode()


def run(args):
    token = call(args.url, "POST", "/api/v1/auth/login",
                 body={"email": "owner@bench.example", "password": "bench passphrase 2026"})["accessToken"]
    body = csv_of(args.rows)
    job = call(args.url, "POST", "/api/v1/import-jobs", token, {"kind": "customers"})
    path = f"/api/v1/import-jobs/{job['id']}"
    started = time.monotonic()
    call(args.url, "PUT", path + "/data", token, body, "text/csv")
    uploaded = time.monotonic()
    call(args.url, "PATCH", path, token, {"state": "upload_complete"})
    while True:
        job = call(args.url, "GET", path, token)
        if job["state"] in ("job_complete", "failed", "aborted"):
            break
        time.sleep(0.2)
    ended = time.monotonic()
    results = call(args.url, "GET", path + "/results", token).decode().splitlines()
    assert job["state"] == "job_complete", job
    assert len(results) == args.rows + 1, len(results)
    worked = ended - uploaded
    record = {
        "engine": args.engine, "rows": args.rows, "bytes": len(body),
        "uploadSeconds": round(uploaded - started, 2), "workSeconds": round(worked, 2),
        "totalSeconds": round(ended - started, 2),
        "rowsPerSecond": round(args.rows / (ended - started)),
        "created": job["rowsCreated"], "rejected": job["rowsRejected"],
    }
    print(json.dumps(record))
    with open(args.out, "w") as out:
        json.dump(record, out, indent=1)


def report(args):
    records = [json.load(open(path)) for path in args.report]
    with open(args.out + ".json", "w") as out:
        json.dump(records, out, indent=1)
    lines = ["# Import jobs", "",
             "`bench/import.sh`: one customers job of generated rows (2 of every 1,000 bad), one CSV part,",
             "the server pinned to one core; upload is the PUT of the part, work is from closing the upload",
             "to `job_complete` (chunks of 500 rows, one transaction each).", "",
             "| engine | rows | CSV | upload | work | total | rows/s | created | rejected |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in records:
        lines.append(f"| {r['engine']} | {r['rows']:,} | {r['bytes'] / 1e6:.1f} MB | {r['uploadSeconds']} s "
                     f"| {r['workSeconds']} s | {r['totalSeconds']} s | {r['rowsPerSecond']:,} "
                     f"| {r['created']:,} | {r['rejected']:,} |")
    with open(args.out + ".md", "w") as out:
        out.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--url")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--engine")
    parser.add_argument("--out")
    parser.add_argument("--report", nargs="*")
    parsed = parser.parse_args()
    report(parsed) if parsed.report else run(parsed)
