#!/usr/bin/env python3
"""Fill a fresh jewel-crm with a small shop, over its own API, for the tools
that test the running server (Schemathesis, newman, the Swagger UI test).

    python3 tools/live/seed.py http://127.0.0.1:18080 OUTDIR

It logs in as the owner (owner@example.com, $LIVE_OWNER_PASSWORD), opens a
branch, takes on a manager, a sales person and an accountant, sets the day's
metal rates, receives pieces and a lot, registers two customers with their own
logins, issues one bill to each and keeps a quote; a second branch has its
own sales person and piece, to prove a branch's staff see only their own.
OUTDIR/seed.env gets the
branch's id and every role's e-mail (or mobile) and password as shell
variables, and OUTDIR/auth.json the same logins as a Web Fuzzing Commons auth
document for Schemathesis, so that each tool logs in as the role it tests.
Only the standard library.
"""

import json
import os
import sys
import urllib.error
import urllib.request
import uuid

OWNER_EMAIL = "owner@example.com"
OWNER_PASSWORD = os.environ.get("LIVE_OWNER_PASSWORD", "owner passphrase 2026")
STAFF_PASSWORD = "counter passphrase 2026"
CUSTOMER_PASSWORD = "my jewellery passbook"


class Api:
    def __init__(self, base):
        self.base = base.rstrip("/")
        self.token = None

    def call(self, method, path, body=None, expect=(200, 201)):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if method == "POST":
            request.add_header("Idempotency-Key", str(uuid.uuid4()))
        if self.token:
            request.add_header("Authorization", "Bearer " + self.token)
        try:
            with urllib.request.urlopen(request) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        if status not in expect:
            sys.exit(f"seed: {method} {path} answered {status}: {text}")
        return json.loads(text) if text else None

    def login(self, path, body):
        self.token = self.call("POST", path, body)["accessToken"]
        return self


def seed(base):
    api = Api(base).login("/api/v1/auth/login", {"email": OWNER_EMAIL, "password": OWNER_PASSWORD})
    branch = api.call("POST", "/api/v1/branches", {
        "code": "MDS1", "name": "T. Nagar", "address": "12 Usman Road, T. Nagar, Chennai 600017",
        "gstin": "33AABCU9603R1ZM", "stateCode": "33", "timezone": "Asia/Kolkata"})
    staff = {}
    for role, name in [("manager", "Meena Manager"), ("sales", "Ravi Sales"), ("accountant", "Anand Accounts")]:
        email = f"{role}@example.com"
        api.call("POST", "/api/v1/staff", {"name": name, "email": email, "role": role,
                                           "password": STAFF_PASSWORD, "branchIds": [branch["id"]]})
        staff[role] = email
    madurai = api.call("POST", "/api/v1/branches", {
        "code": "MDU1", "name": "Madurai", "address": "4 West Masi Street, Madurai 625001",
        "stateCode": "33", "timezone": "Asia/Kolkata"})
    api.call("POST", "/api/v1/staff", {"name": "Karthik Sales", "email": "sales.madurai@example.com",
                                       "role": "sales", "password": STAFF_PASSWORD,
                                       "branchIds": [madurai["id"]]})
    staff["other_branch_sales"] = "sales.madurai@example.com"
    api.call("POST", "/api/v1/metal-rates", {"rates": [
        {"metal": "gold", "fineness": 916, "perGram": "12800.00", "session": "AM", "source": "IBJA"},
        {"metal": "gold", "fineness": 750, "perGram": "10480.00", "session": "AM", "source": "IBJA"},
        {"metal": "gold", "fineness": 999, "perGram": "13970.00", "session": "AM", "source": "IBJA"},
        {"metal": "silver", "fineness": 999, "perGram": "98.50", "session": "AM", "source": "IBJA"}]})
    design = api.call("POST", "/api/v1/designs", {
        "code": "NK-TEMPLE-01", "name": "Lakshmi temple necklace", "category": "necklace",
        "making": {"mode": "percent", "value": "16.00"}, "wastagePercent": "4.00"})
    pieces = []
    for number in range(1, 7):
        pieces.append(api.call("POST", "/api/v1/pieces", {
            "tagNumber": f"GN-22-{number:06}", "category": "necklace", "metal": "gold", "fineness": 916,
            "grossWeight": f"{3 + number}.390", "making": {"mode": "percent", "value": "16"},
            "huid": f"AB12C{number}", "branchId": branch["id"], "designId": design["id"],
            "costPrice": "41000.00"}))
    api.call("POST", "/api/v1/pieces", {
        "tagNumber": "MD-22-000001", "category": "bangle", "metal": "gold", "fineness": 916,
        "grossWeight": "12.500", "making": {"mode": "percent", "value": "12"},
        "huid": "MD12C1", "branchId": madurai["id"], "costPrice": "150000.00"})
    coins = api.call("POST", "/api/v1/lots", {
        "code": "COIN-24K-10G", "name": "Lakshmi coin 10 g", "category": "coin", "unit": "count",
        "metal": "gold", "fineness": 999})
    api.call("POST", f"/api/v1/lots/{coins['id']}/movements",
             {"branchId": branch["id"], "kind": "receipt", "quantity": "20"})
    customers = []
    for name, mobile, pan in [("Lakshmi Narayanan", "9876543210", "ABCPL1234K"),
                              ("Meenakshi Sundaram", "9876543211", None)]:
        body = {"name": name, "mobile": mobile, "homeBranchId": branch["id"], "source": "referral"}
        if pan:
            body["pan"] = pan
        customer = api.call("POST", "/api/v1/customers", body)
        api.call("PUT", f"/api/v1/customers/{customer['id']}/login", {"password": CUSTOMER_PASSWORD},
                 expect=(200, 204))
        customers.append((customer, mobile))
    for (customer, _), piece in zip(customers, pieces):
        bill = api.call("POST", "/api/v1/invoices", {
            "branchId": branch["id"], "customerId": customer["id"],
            "lines": [{"kind": "piece", "pieceId": piece["id"]},
                      {"kind": "service", "description": "Engraving", "amount": "300.00"}]})
        api.call("POST", f"/api/v1/invoices/{bill['id']}/issue", {})
    api.call("POST", "/api/v1/quotes", {
        "branchId": branch["id"], "customerId": customers[0][0]["id"],
        "lines": [{"kind": "piece", "pieceId": pieces[2]["id"]},
                  {"kind": "lot", "lotId": coins["id"], "quantity": "1", "unitPrice": "14500.00"}]})
    values = {
        "LIVE_BRANCH_ID": branch["id"],
        "LIVE_OWNER_EMAIL": OWNER_EMAIL, "LIVE_OWNER_PASSWORD": OWNER_PASSWORD,
        "LIVE_STAFF_PASSWORD": STAFF_PASSWORD, "LIVE_CUSTOMER_PASSWORD": CUSTOMER_PASSWORD,
        "LIVE_CUSTOMER_LOGIN": customers[0][1], "LIVE_OTHER_CUSTOMER_LOGIN": customers[1][1],
    }
    for role, email in staff.items():
        values[f"LIVE_{role.upper()}_EMAIL"] = email
    return values


def wfc_auth(values):
    """A Web Fuzzing Commons auth document: how Schemathesis logs in as each role."""

    def login(name, endpoint, field, username, password):
        return {"name": name, "loginEndpointAuth": {
            "endpoint": endpoint, "verb": "POST", "contentType": "application/json",
            "payloadUserPwd": {"username": username, "usernameField": field,
                               "password": password, "passwordField": "password"},
            "token": {"extractFrom": "body", "extractSelector": "/accessToken",
                      "sendIn": "header", "sendName": "Authorization", "sendTemplate": "Bearer {token}"}}}

    staff = [login(role, "/api/v1/auth/login", "email", values[f"LIVE_{role.upper()}_EMAIL"],
                   values["LIVE_OWNER_PASSWORD"] if role == "owner" else values["LIVE_STAFF_PASSWORD"])
             for role in ("owner", "manager", "sales", "accountant")]
    staff.append(login("other-branch-sales", "/api/v1/auth/login", "email",
                       values["LIVE_OTHER_BRANCH_SALES_EMAIL"], values["LIVE_STAFF_PASSWORD"]))
    customers = [login(name, "/api/v1/auth/customer-login", "login", values[variable],
                       values["LIVE_CUSTOMER_PASSWORD"])
                 for name, variable in (("customer", "LIVE_CUSTOMER_LOGIN"),
                                        ("other-customer", "LIVE_OTHER_CUSTOMER_LOGIN"))]
    return {"schemaVersion": "1.0", "auth": staff + customers}


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    base, out = sys.argv[1], sys.argv[2]
    values = seed(base)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "seed.env"), "w", encoding="utf-8") as env:
        for name, value in values.items():
            env.write(f"export {name}='{value}'\n")
    with open(os.path.join(out, "auth.json"), "w", encoding="utf-8") as auth:
        json.dump(wfc_auth(values), auth, indent=2)
    print(f"seeded {base}: {', '.join(sorted(values))}; logins in {out}/auth.json")


if __name__ == "__main__":
    main()
