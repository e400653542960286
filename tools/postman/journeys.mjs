// The main journeys of a shop, as Postman requests with test scripts: log
// in, open a branch, set the day's gold rate, add a customer, receive a
// piece, price it, quote it, turn the quote into an invoice, issue it, take
// the payment, read the paid bill, and refresh the session (the old refresh
// token then refused). Each step keeps what the next needs in collection
// variables; codes, tags and mobiles are random so the journeys run again on
// the same server. The amounts are domain.md's worked example: 3.390 g of
// 22K (916) gold at 12800.00 a gram with 16% making is 51845.00.

const json = (value) => JSON.stringify(value, null, 2);

function step(name, method, path, { body, before = [], tests = [], anonymous = false } = {}) {
  const header = [{ key: "Accept", value: "application/json" }];
  if (body !== undefined) header.push({ key: "Content-Type", value: "application/json" });
  if (method === "POST") header.push({ key: "Idempotency-Key", value: "{{$guid}}" });
  const request = { method, header, url: `{{baseUrl}}${path}` };
  if (body !== undefined) request.body = { mode: "raw", raw: json(body), options: { raw: { language: "json" } } };
  if (anonymous) request.auth = { type: "noauth" };
  const event = [];
  if (before.length) event.push({ listen: "prerequest", script: { type: "text/javascript", exec: before } });
  event.push({ listen: "test", script: { type: "text/javascript", exec: tests } });
  return { name, event, request };
}

const status = (code) => [
  `pm.test("answers ${code}", () => pm.response.to.have.status(${code}));`,
  "const body = pm.response.json();",
];

export const journeys = {
  name: "Journeys",
  description:
    "The main journeys of a shop, end to end, with tests. Run this folder first (it logs in and keeps the token); needs ownerEmail and ownerPassword in the environment.",
  item: [
    step("Log in as the owner", "POST", "/api/v1/auth/login", {
      anonymous: true,
      body: { email: "{{ownerEmail}}", password: "{{ownerPassword}}" },
      tests: [
        ...status(200),
        'pm.test("gives a bearer token and a refresh token", () => {',
        '  pm.expect(body.tokenType).to.eql("Bearer");',
        "  pm.expect(body.accessToken).to.be.a('string').and.not.empty;",
        "  pm.expect(body.refreshToken).to.match(/^[A-Za-z0-9_-]{43}$/);",
        "});",
        'pm.collectionVariables.set("accessToken", body.accessToken);',
        'pm.collectionVariables.set("refreshToken", body.refreshToken);',
      ],
    }),
    step("Open a branch", "POST", "/api/v1/branches", {
      before: ['pm.collectionVariables.set("branchCode", "QA" + Math.floor(100000 + Math.random() * 900000));'],
      body: {
        code: "{{branchCode}}",
        name: "T. Nagar",
        address: "12 Usman Road, T. Nagar, Chennai 600017",
        stateCode: "33",
        gstin: "33AABCU9603R1ZM",
        timezone: "Asia/Kolkata",
      },
      tests: [
        ...status(201),
        'pm.test("is the branch asked for, at its own address", () => {',
        '  pm.expect(body.code).to.eql(pm.collectionVariables.get("branchCode"));',
        '  pm.expect(pm.response.headers.get("Location")).to.eql("/api/v1/branches/" + body.id);',
        "});",
        'pm.collectionVariables.set("branchId", body.id);',
      ],
    }),
    step("Set the day's gold rate", "POST", "/api/v1/metal-rates", {
      body: { rates: [{ metal: "gold", fineness: 916, perGram: "12800.00", session: "AM", source: "IBJA" }] },
      tests: [
        ...status(201),
        'pm.test("keeps the rate exactly as sent", () => {',
        "  pm.expect(body.rates).to.have.lengthOf(1);",
        '  pm.expect(body.rates[0].perGram).to.eql("12800.00");',
        '  pm.expect(body.rates[0].currency).to.eql("INR");',
        "});",
      ],
    }),
    step("Add a customer", "POST", "/api/v1/customers?confirmNotDuplicate=true", {
      before: ['pm.collectionVariables.set("customerMobile", "98" + Math.floor(10000000 + Math.random() * 90000000));'],
      body: { name: "Lakshmi Narayanan", mobile: "{{customerMobile}}", homeBranchId: "{{branchId}}", source: "walk_in" },
      tests: [
        ...status(201),
        'pm.test("stores the mobile in E.164", () => {',
        '  pm.expect(body.mobile).to.eql("+91" + pm.collectionVariables.get("customerMobile"));',
        '  pm.expect(body.name).to.eql("Lakshmi Narayanan");',
        "});",
        'pm.collectionVariables.set("customerId", body.id);',
      ],
    }),
    step("Receive a piece", "POST", "/api/v1/pieces", {
      before: [
        "const letters = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';",
        "let huid = '';",
        "for (let i = 0; i < 6; i += 1) huid += letters[Math.floor(Math.random() * letters.length)];",
        'pm.collectionVariables.set("huid", huid);',
        'pm.collectionVariables.set("tagNumber", "QA-" + Date.now());',
      ],
      body: {
        tagNumber: "{{tagNumber}}",
        category: "necklace",
        metal: "gold",
        fineness: 916,
        grossWeight: "3.390",
        making: { mode: "percent", value: "16.00" },
        huid: "{{huid}}",
        branchId: "{{branchId}}",
      },
      tests: [
        ...status(201),
        'pm.test("is in stock, hallmarked, weighed to the milligram", () => {',
        '  pm.expect(body.status).to.eql("in_stock");',
        '  pm.expect(body.netWeight).to.eql("3.390");',
        '  pm.expect(body.hallmark).to.eql({ state: "hallmarked", huid: pm.collectionVariables.get("huid") });',
        "});",
        'pm.collectionVariables.set("pieceId", body.id);',
      ],
    }),
    step("Price the piece", "GET", "/api/v1/pieces/{{pieceId}}/price", {
      tests: [
        ...status(200),
        'pm.test("is priced from the day\'s rate, to the paisa", () => {',
        '  pm.expect(body.rate.perGram).to.eql("12800.00");',
        '  pm.expect(body.metalValue).to.eql("43392.00");',
        '  pm.expect(body.making.amount).to.eql("6942.72");',
        '  pm.expect(body.taxableValue).to.eql("50334.72");',
        '  pm.expect(body.taxes.map((t) => [t.kind, t.amount])).to.eql([["CGST", "755.02"], ["SGST", "755.02"]]);',
        '  pm.expect(body.total).to.eql("51845.00");',
        "});",
      ],
    }),
    step("Quote the piece to the customer", "POST", "/api/v1/quotes", {
      body: { branchId: "{{branchId}}", customerId: "{{customerId}}", lines: [{ kind: "piece", pieceId: "{{pieceId}}" }] },
      tests: [
        ...status(201),
        'pm.test("holds the price for the quote\'s validity", () => {',
        '  pm.expect(body.bill.total).to.eql("51845.00");',
        "  pm.expect(body.expired).to.eql(false);",
        "  pm.expect(new Date(body.validUntil) > new Date(body.bill.pricedAt)).to.be.true;",
        "});",
        'pm.collectionVariables.set("quoteId", body.bill.id);',
      ],
    }),
    step("Turn the quote into an invoice", "POST", "/api/v1/quotes/{{quoteId}}/invoice", {
      body: {},
      tests: [
        ...status(201),
        'pm.test("is a draft at the quoted price", () => {',
        '  pm.expect(body.quoteId).to.eql(pm.collectionVariables.get("quoteId"));',
        '  pm.expect(body.status).to.eql("draft");',
        '  pm.expect(body.total).to.eql("51845.00");',
        "});",
        'pm.collectionVariables.set("invoiceId", body.id);',
      ],
    }),
    step("Issue the invoice", "POST", "/api/v1/invoices/{{invoiceId}}/issue", {
      body: {},
      tests: [
        ...status(200),
        'pm.test("is numbered in the branch\'s series, the whole amount due", () => {',
        '  pm.expect(body.status).to.eql("issued");',
        '  pm.expect(body.number.startsWith(pm.collectionVariables.get("branchCode") + "/")).to.be.true;',
        '  pm.expect(body.balance).to.eql("51845.00");',
        "});",
      ],
    }),
    step("Take the payment", "POST", "/api/v1/invoices/{{invoiceId}}/payments", {
      body: { payments: [{ method: "upi", amount: "51845.00", reference: "UPI-4471" }] },
      tests: [
        ...status(201),
        'pm.test("settles the bill", () => {',
        '  pm.expect(body.status).to.eql("paid");',
        '  pm.expect(body.paid).to.eql("51845.00");',
        '  pm.expect(body.balance).to.eql("0.00");',
        "});",
      ],
    }),
    step("Read the paid invoice", "GET", "/api/v1/invoices/{{invoiceId}}", {
      tests: [
        ...status(200),
        'pm.test("is paid, with a version to change it by", () => {',
        '  pm.expect(body.status).to.eql("paid");',
        '  pm.expect(body.customerId).to.eql(pm.collectionVariables.get("customerId"));',
        '  pm.expect(pm.response.headers.get("ETag")).to.match(/^(W\\/)?"[0-9]+"$/);',
        "});",
      ],
    }),
    step("Refresh the session", "POST", "/api/v1/auth/refresh", {
      anonymous: true,
      body: { refreshToken: "{{refreshToken}}" },
      tests: [
        ...status(200),
        'pm.test("rotates the refresh token", () => {',
        '  pm.expect(body.refreshToken).to.not.eql(pm.collectionVariables.get("refreshToken"));',
        "});",
        'pm.collectionVariables.set("usedRefreshToken", pm.collectionVariables.get("refreshToken"));',
        'pm.collectionVariables.set("accessToken", body.accessToken);',
        'pm.collectionVariables.set("refreshToken", body.refreshToken);',
      ],
    }),
    step("A used refresh token is refused", "POST", "/api/v1/auth/refresh", {
      anonymous: true,
      body: { refreshToken: "{{usedRefreshToken}}" },
      tests: [
        'pm.test("answers 401 with a problem", () => {',
        "  pm.response.to.have.status(401);",
        '  pm.expect(pm.response.headers.get("Content-Type")).to.include("application/problem+json");',
        "});",
      ],
    }),
  ],
};
