// A visitor's walk through /docs in headless Chromium, driven by playwright-core: every operation
// of the served contract is listed; after "Authorize" with a token, "Try it out" then "Execute" on
// each of them reaches the service and shows the success status that the contract documents
// (201 for a create). Creates go first, deletes last, each on the operation its root created.
//
//   node src/test/browser/docs-page.mjs BASE_URL TOKEN [CHROMIUM] [SCREENSHOT.png]
//
// Prints one JSON line, {"shown": [operationId...], "statuses": {operationId: status}, "created": {...}},
// and exits 0; on any failure prints why on stderr and exits 1. Each call's status goes to stderr
// as it is shown. DocsPageBrowserTest runs it.
import { chromium } from 'playwright-core';

const [baseUrl, token, executablePath = '/usr/bin/chromium', screenshot] = process.argv.slice(2);
if (!baseUrl || !token) {
  console.error('usage: docs-page.mjs BASE_URL TOKEN [CHROMIUM] [SCREENSHOT.png]');
  process.exit(2);
}
const STEP_TIMEOUT_MS = 30_000;
const METHOD_ORDER = ['post', 'get', 'patch', 'delete'];

// From the contract itself, so that an operation added to it must show up, and work, on the page too.
const contract = await (await fetch(`${baseUrl}/openapi.json`)).json();
const operations = Object.entries(contract.paths)
  .flatMap(([path, item]) => Object.entries(item)
    .filter(([method, operation]) => METHOD_ORDER.includes(method) && operation?.operationId)
    .map(([method, operation]) => ({
      path,
      method,
      id: operation.operationId,
      tag: operation.tags?.[0] ?? 'default',
      success: Number(Object.keys(operation.responses).find(status => /^2\d\d$/.test(status))),
    })))
  .sort((a, b) => METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method));
const userId = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).oid;

const problems = [];
const statuses = {};
const createdAt = {}; // collection path -> the id its create answered
let created = null;
const browser = await chromium.launch({
  executablePath,
  headless: true,
  // As root in a container, without the network beyond this machine: no sandbox, no GPU, and
  // none of the background calls to Google's hosts that this machine refuses.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  // A script error, a resource the page's Content-Security-Policy blocks, or a file that does not
  // load breaks the page for a visitor even when the operations still show.
  page.on('pageerror', error => problems.push(`script error: ${error.message}`));
  page.on('console', message => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('requestfailed', request => problems.push(`request failed: ${request.url()} ${request.failure()?.errorText}`));
  page.on('response', response => {
    if (response.status() >= 400) {
      problems.push(`HTTP ${response.status()} for ${response.request().method()} ${response.url()}`);
    }
  });

  await page.goto(`${baseUrl}/docs`);
  await page.locator('.opblock').first().waitFor();

  const shown = (await page.locator('.opblock-summary-operation-id').allTextContents()).map(text => text.trim());
  for (const { id, tag } of operations) {
    if (!shown.includes(id)) problems.push(`operation ${id} is not shown`);
    if (await page.locator(`[id="operations-${tag}-${id}"]`).count() !== 1) problems.push(`operation ${id} has no block`);
  }

  await page.locator('button.authorize').first().click();
  const dialog = page.locator('.modal-ux');
  await dialog.locator('input[type="text"], input[type="password"]').first().fill(token);
  await dialog.locator('.auth-btn-wrapper button.authorize').click();
  await dialog.locator('button.btn-done').click();

  let lastStatus = null;
  for (const operation of operations) {
    const collection = operation.path.replace(/\/(\{longRunningOperationId\}|\$count)$/, '');
    const block = page.locator(`[id="operations-${operation.tag}-${operation.id}"]`);
    await block.locator('.opblock-summary').first().click();
    await block.locator('button.try-out__btn').click();
    const pathValues = { userId, longRunningOperationId: createdAt[collection] };
    for (const name of operation.path.match(/(?<=\{)[^}]+(?=\})/g) ?? []) {
      await block.locator(`tr[data-param-name="${name}"][data-param-in="path"] input`).fill(pathValues[name] ?? '');
    }
    await block.locator('button.execute').click();
    lastStatus = block.locator('.live-responses-table tbody .response-col_status').first();
    await lastStatus.waitFor();
    const status = Number((await lastStatus.textContent()).trim());
    statuses[operation.id] = status;
    console.error(`${operation.id}: ${status}`);
    const body = block.locator('.live-responses-table tbody .response-col_description .microlight').first();
    const bodyText = await body.count() > 0 ? await body.textContent() : '';
    // An open block renders every documented response: closing it keeps the page light.
    if (operation !== operations.at(-1)) await block.locator('.opblock-summary').first().click();
    if (status !== operation.success) {
      problems.push(`${operation.id} answered ${status}, not ${operation.success}: ${bodyText}`);
    } else if (operation.method === 'post') {
      const entity = JSON.parse(bodyText);
      createdAt[collection] = entity.id;
      created ??= entity;
    }
  }

  if (screenshot && lastStatus) {
    await lastStatus.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshot });
  }
  console.log(JSON.stringify({ shown, statuses, created }));
} catch (error) {
  problems.push(String(error?.stack ?? error));
} finally {
  await browser.close();
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exitCode = 1;
}
