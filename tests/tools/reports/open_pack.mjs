// open_pack.mjs INDEX.html SCREENSHOT.png — opens an evidence pack's HTML
// report in Debian's headless Chromium (/usr/bin/chromium, driven by
// playwright-core) with every network request refused and scripts
// disabled, as an auditor's offline browser would show it; saves a
// full-page screenshot and prints, as JSON, what the page shows: the
// requirement ids and statuses, the summary counts, the rule ids, the
// evidence rows, the drift counts, and every request the page tried to make
// (none is expected: the report is self-contained).  Exit status 0, or 1
// with the error.  Used by tests/e2e/policy_reports.sh.
import { chromium } from "playwright-core";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const [index, screenshot] = process.argv.slice(2);
if (!index || !screenshot) {
  console.error("usage: node open_pack.mjs INDEX.html SCREENSHOT.png");
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox"],
});
try {
  const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
  const page = await context.newPage();
  const requests = [];
  const url = pathToFileURL(resolve(index)).href;
  await page.route("**/*", (route) => {
    const u = route.request().url();
    if (u !== url) requests.push(u);
    return u === url ? route.continue() : route.abort();
  });
  const response = await page.goto(url, { waitUntil: "load" });
  if (!response || !response.ok()) throw new Error(`cannot open ${url}`);
  await page.screenshot({ path: screenshot, fullPage: true });
  const text = (sel) => page.locator(sel).allInnerTexts();
  const counts = {};
  for (const id of ["pass", "fail", "not_applicable", "skip", "error", "waived"])
    counts[id] = Number(await page.locator(`#count-${id}`).innerText());
  const drift = {};
  for (const id of ["new", "unchanged", "updated", "absent"]) {
    const cell = page.locator(`#drift-${id}`);
    if (await cell.count()) drift[id] = Number(await cell.innerText());
  }
  const requirements = [];
  for (const row of await page.locator("tr.requirement").all()) {
    const cells = await row.locator("td").allInnerTexts();
    requirements.push({ id: cells[0], status: cells[1], rules: cells[2], results: cells[3] });
  }
  console.log(JSON.stringify({
    title: await page.title(),
    counts,
    requirementsPassing: await page.locator("#requirements-passing").innerText(),
    requirements,
    rules: (await page.locator("article.rule").evaluateAll((els) => els.map((e) => e.id.replace(/^rule-/, "")))),
    results: (await page.locator("tr.result").count()),
    evidence: await text("tr.evidence"),
    waivers: await text("tr.waiver"),
    manual: await text("#manual"),
    drift,
    driftRows: await text("tr.drift"),
    body: await page.locator("body").innerText(),
    requests,
  }));
} catch (e) {
  console.error(`open_pack.mjs: ${e.message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
