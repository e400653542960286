// Builds the Postman collection for QA from openapi/openapi.json:
// openapi-to-postmanv2 makes a request per operation (with the document's
// examples, grouped by tag), and a "Journeys" folder comes first with the
// main journeys of a shop, each request with test scripts. Writes
// openapi/jewel-crm.postman_collection.json; .ci/run checks it is up to date
// and runs the journeys with newman.
//
//   node tools/postman/build.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { journeys } from "./journeys.mjs";

const require = createRequire(import.meta.url);
// The converter fills values the document gives no example for with random
// ones (json-schema-faker keeps Math.random when loaded): a fixed seed keeps
// them the same from run to run.
let seed = 20261121;
Math.random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

// Faked dates are counted from now: from a fixed now, for the same reason.
const fixedNow = Date.parse("2026-11-21T09:30:00Z");
const RealDate = Date;
globalThis.Date = class extends RealDate {
  constructor(...given) {
    super(...(given.length ? given : [fixedNow]));
  }

  static now() {
    return fixedNow;
  }
};

const converter = require("openapi-to-postmanv2");
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const spec = readFileSync(join(root, "openapi", "openapi.json"), "utf8");

const options = {
  folderStrategy: "Tags",
  requestParametersResolution: "Example",
  exampleParametersResolution: "Example",
  includeAuthInfoInExample: false,
};

// Postman gives every item a random id; without them the file changes only
// when the document or the journeys do.
function stable(value) {
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== "id" && key !== "_postman_id")
        .map(([key, inner]) => [key, stable(inner)]),
    );
  }
  return value;
}

// Every secured request sends the token the "Log in" journey step keeps.
function bearer(value) {
  if (Array.isArray(value)) return value.map(bearer);
  if (value && typeof value === "object") {
    if (value.type === "bearer") {
      return { type: "bearer", bearer: [{ key: "token", value: "{{accessToken}}", type: "string" }] };
    }
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, bearer(inner)]));
  }
  return value;
}

converter.convert({ type: "string", data: spec }, options, (error, result) => {
  if (error || !result.result) {
    console.error("openapi-to-postmanv2 failed:", error ?? result.reason);
    process.exit(1);
  }
  const generated = bearer(stable(result.output[0].data));
  const collection = {
    info: {
      name: generated.info.name,
      description: `${generated.info.description?.content ?? ""}\n\nGenerated from openapi/openapi.json by tools/postman/build.mjs; the Journeys folder runs end to end against a fresh server (see the README).`,
      schema: "https://schema.getpostman.com/json/collection/v2.1.0/collection.json",
    },
    auth: { type: "bearer", bearer: [{ key: "token", value: "{{accessToken}}", type: "string" }] },
    variable: [
      { key: "baseUrl", value: "http://127.0.0.1:8080", type: "string" },
      { key: "accessToken", value: "", type: "string" },
    ],
    item: [journeys, ...generated.item],
  };
  const out = join(root, "openapi", "jewel-crm.postman_collection.json");
  writeFileSync(out, `${JSON.stringify(collection, null, 2)}\n`);
  console.log(`wrote ${out}: ${collection.item.length - 1} folders of operations and the journeys`);
});
