// The main journeys of the back office and the point of sale, written the
// way a SPA developer would against the types generated from
// openapi/openapi.json (openapi-typescript) with a typed fetch client
// (openapi-fetch). `.ci/run` regenerates the types and compiles this file
// (`tsc --noEmit`): a change to the API that would break such a client
// breaks the build.

import createClient from "openapi-fetch";
import type { components, paths } from "./generated/api";

type Schemas = components["schemas"];
type Api = ReturnType<typeof createClient<paths>>;

/** The problem's detail, or a fallback, for an error answer. */
function fail(what: string, error: { detail?: string | null } | undefined): never {
  throw new Error(`${what}: ${error?.detail ?? "no detail"}`);
}

/** Logs a staff member in and returns a client that sends their token. */
export async function logIn(baseUrl: string, email: string, password: string): Promise<Api> {
  const anonymous = createClient<paths>({ baseUrl });
  const { data, error } = await anonymous.POST("/api/v1/auth/login", {
    body: { email, password },
  });
  if (!data) fail("log in", error);
  const token: string = data.accessToken;
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${token}` } });
}

/** A new customer at the counter. */
export async function addCustomer(api: Api, name: string, mobile: string): Promise<Schemas["CustomerView"]> {
  const { data, error } = await api.POST("/api/v1/customers", { body: { name, mobile } });
  if (!data) fail("add customer", error);
  return data;
}

/** The morning's gold rates. */
export async function setGoldRates(api: Api, perGram22k: string): Promise<void> {
  const { error } = await api.POST("/api/v1/metal-rates", {
    body: { rates: [{ metal: "gold", fineness: 916, perGram: perGram22k }] },
  });
  if (error) fail("set rates", error);
}

/** Receives the worked example of domain.md (22K, 3.390 g, making 16%). */
export async function receivePiece(api: Api, branchId: string, tagNumber: string, huid: string): Promise<Schemas["PieceView"]> {
  const { data, error } = await api.POST("/api/v1/pieces", {
    body: {
      tagNumber,
      category: "necklace",
      metal: "gold",
      fineness: 916,
      grossWeight: "3.390",
      making: { mode: "percent", value: "16" },
      huid,
      branchId,
    },
  });
  if (!data) fail("receive piece", error);
  return data;
}

/** The live price with its breakup. */
export async function priceOf(api: Api, pieceId: string): Promise<string> {
  const { data, error } = await api.GET("/api/v1/pieces/{id}/price", {
    params: { path: { id: pieceId }, query: { supply: "within_state" } },
  });
  if (!data) fail("price", error);
  const taxes: string[] = data.taxes.map((t) => `${t.kind} ${t.amount}`);
  return `${data.total} (${taxes.join(", ")}; round-off ${data.roundOff})`;
}

/** Quote → invoice → issue with old gold → the balance by UPI. */
export async function sell(
  api: Api,
  branchId: string,
  customerId: string,
  pieceId: string,
): Promise<Schemas["InvoiceView"]> {
  const quote = await api.POST("/api/v1/quotes", {
    body: { branchId, customerId, lines: [{ kind: "piece", pieceId }] },
  });
  if (!quote.data) fail("quote", quote.error);
  const validUntil: string = quote.data.validUntil;
  const draft = await api.POST("/api/v1/quotes/{id}/invoice", {
    params: { path: { id: quote.data.bill.id }, header: { "Idempotency-Key": `convert-${quote.data.bill.id}` } },
    body: {},
  });
  if (!draft.data) fail(`invoice from a quote valid until ${validUntil}`, draft.error);
  const exchange: Schemas["PaymentFields"] = {
    method: "old_gold",
    metal: "gold",
    weight: "2.000",
    testedFineness: 916,
    rate: "11500.00",
    deductionPercent: "2.00",
  };
  const issued = await api.POST("/api/v1/invoices/{id}/issue", {
    params: { path: { id: draft.data.id }, header: { "Idempotency-Key": `issue-${draft.data.id}` } },
    body: { payments: [exchange] },
  });
  if (!issued.data) fail("issue", issued.error);
  const paid = await api.POST("/api/v1/invoices/{id}/payments", {
    params: { path: { id: issued.data.id }, header: { "Idempotency-Key": `pay-${issued.data.id}` } },
    body: { payments: [{ method: "upi", amount: issued.data.balance, reference: "UPI-4471" }] },
  });
  if (!paid.data) fail("pay", paid.error);
  const status: Schemas["InvoiceStatusName"] = paid.data.status;
  if (status !== "paid") throw new Error(`expected paid, got ${status}`);
  return paid.data;
}
