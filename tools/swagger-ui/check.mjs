// Swagger UI in a real browser: Debian's headless Chromium (driven by
// playwright-core, which downloads no browser) opens /docs, authorizes with
// a bearer token got by logging in, runs GET /api/v1/branches with "Try it
// out" and checks the answer shown is 200 with the seeded branch in it. The
// screenshot is kept, whether it passed or not.
//
//   node tools/swagger-ui/check.mjs BASE_URL EMAIL PASSWORD SCREENSHOT.png
//
// The browser is $CHROMIUM, or /usr/bin/chromium (apt-get install chromium).
import { chromium } from "playwright-core";

const [base, email, password, screenshot] = process.argv.slice(2);
if (!screenshot) {
  console.error("usage: node tools/swagger-ui/check.mjs BASE_URL EMAIL PASSWORD SCREENSHOT.png");
  process.exit(2);
}

const login = await fetch(`${base}/api/v1/auth/login`, {
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ email, password }),
});
if (login.status !== 200) throw new Error(`logging in answered ${login.status}: ${await login.text()}`);
const { accessToken } = await login.json();

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  // Root in a container has no user namespace for Chromium's sandbox.
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
const failures = [];
page.on("pageerror", (error) => failures.push(`page error: ${error.message}`));
try {
  await page.goto(`${base}/docs/`, { waitUntil: "networkidle" });
  await page.getByRole("button", { name: /authorize/i }).first().click();
  const dialog = page.locator(".modal-ux");
  await dialog.locator("input[type=text], input[type=password]").first().fill(accessToken);
  await dialog.locator("button.modal-btn.authorize").click();
  await dialog.locator("button.btn-done").click();

  const operation = page.locator("#operations-branches-listBranches");
  await operation.locator(".opblock-summary").first().click();
  await operation.getByRole("button", { name: "Try it out" }).click();
  await operation.getByRole("button", { name: "Execute" }).click();
  const status = operation.locator(".live-responses-table .response .response-col_status").first();
  await status.waitFor({ timeout: 15000 });
  const code = (await status.innerText()).trim();
  const body = await operation.locator(".live-responses-table .microlight, .live-responses-table pre").first().innerText();
  await operation.scrollIntoViewIfNeeded();
  if (code !== "200") failures.push(`Try it out answered ${code}, not 200: ${body.slice(0, 300)}`);
  if (!body.includes('"code": "MDS1"')) failures.push(`the seeded branch MDS1 is not in the answer shown: ${body.slice(0, 300)}`);
  console.log(`Swagger UI: authorized, GET /api/v1/branches with Try it out answered ${code}`);
} catch (error) {
  failures.push(String(error));
} finally {
  await page.screenshot({ path: screenshot, fullPage: false });
  console.log(`screenshot: ${screenshot}`);
  await browser.close();
}
if (failures.length) {
  console.error(failures.join("\n"));
  process.exit(1);
}
