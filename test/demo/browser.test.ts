/**
 * The demo end to end in a real headless Chromium (Debian's package, driven by playwright-core):
 * two users in two browser contexts, one of them in two tabs.
 *
 * The screenshot goes to a temporary file; UPDATE_DEMO_SCREENSHOT=1 writes docs/demo.png instead.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, ensureChromium } from './chromium';
import { type DemoProcess, startDemoProcess, tamperSignature } from './harness';

// Page functions run in the browser; these name its globals without pulling the DOM types into
// every test's compilation.
declare const document: any;
declare const window: any;

const VIEWPORT = { width: 1280, height: 860 };
/** How long the page may take to show what the server pushed; a bound on waiting, not a speed test. */
const UI_TIMEOUT_MS = 15_000;

test('the demo in a real browser: login, presence, messages, decisions, logout in every tab, forged cookie', async (t) => {
  const started = Date.now();
  const chromiumCheck = await ensureChromium();
  if ('unavailable' in chromiumCheck) {
    if (process.env.CI === 'true') assert.fail(`CI needs Chromium for the demo test: ${chromiumCheck.unavailable}`);
    t.skip(`no Chromium: ${chromiumCheck.unavailable}`);
    return;
  }
  if (chromiumCheck.installed) t.diagnostic('chromium was installed with apt-get for this run');

  const scratch = mkdtempSync(join(tmpdir(), 'demo-browser-'));
  let demo: DemoProcess | undefined;
  let browser: Browser | undefined;
  t.after(async () => {
    await browser?.close();
    const code = await demo?.stop();
    rmSync(scratch, { recursive: true, force: true });
    assert.equal(code, 0, `the demo should stop cleanly on SIGTERM:\n${demo?.output()}`);
  });

  demo = await startDemoProcess();
  const { url } = demo;
  // launch() gives the browser a fresh, temporary user-data dir of its own.
  browser = await chromium.launch({ executablePath: chromiumCheck.path, args: CHROMIUM_ARGS, timeout: 60_000 });
  const newContext = () => browser!.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
  const alice = await newContext();
  const bob = await newContext();

  let aliceTab1!: Page;
  let aliceTab2!: Page;
  let bobTab!: Page;

  await t.test('signs in through the login form and goes live over socket.io', async () => {
    aliceTab1 = await signIn(alice, url, 'alice', 'wonderland');
    bobTab = await signIn(bob, url, 'bob', 'builder');
    aliceTab2 = await alice.newPage();
    await aliceTab2.goto(url);
    await expectLive(aliceTab2);
    assert.equal(await aliceTab2.textContent('#me'), 'Alice', 'the second tab shares the first one’s session');
  });

  await t.test('shows who is connected, and in how many tabs', async () => {
    await expectPresence(bobTab, { alice: 2, bob: 1 });
    await expectPresence(aliceTab1, { alice: 2, bob: 1 });
  });

  await t.test('delivers a message to every tab of one user, and only to them', async () => {
    await send(bobTab, 'Hello Alice, from Bob');
    await bobTab.waitForFunction(() => document.getElementById('send-result')?.textContent === 'Delivered to 2 tabs of Alice.', null, {
      timeout: UI_TIMEOUT_MS,
    });
    for (const tab of [aliceTab1, aliceTab2]) {
      await tab.locator('#messages li.incoming', { hasText: 'Hello Alice, from Bob' }).waitFor({ timeout: UI_TIMEOUT_MS });
      assert.match(String(await tab.locator('#messages li.incoming').first().textContent()), /Bob → you\s+Hello Alice, from Bob/);
    }
    await send(aliceTab1, 'Hi Bob!');
    await bobTab.locator('#messages li.incoming', { hasText: 'Hi Bob!' }).waitFor({ timeout: UI_TIMEOUT_MS });
    assert.equal(await bobTab.locator('#messages li.incoming').count(), 1, 'Bob received exactly one message');
    assert.equal(await aliceTab2.locator('#messages li.incoming').count(), 1, 'Alice’s own message did not come back to her');
  });

  await t.test('refuses a socket whose session cookie has a forged signature', async () => {
    const real = (await alice.cookies(url)).find((c) => c.name === 'demo.sid');
    assert.ok(real, 'alice has a session cookie');
    const mallory = await newContext();
    await mallory.addCookies([{ ...real, value: tamperSignature(real.value) }]);
    const page = await mallory.newPage();
    await page.goto(url);
    assert.equal(new URL(page.url()).pathname, '/login', 'express-session does not accept the forged cookie either');
    await page.addScriptTag({ url: '/socket.io/socket.io.js' });
    const outcome = await page.evaluate(
      () =>
        new Promise<{ connected: boolean; message?: string; code?: string }>((resolve) => {
          const socket = (window as any).io({ reconnection: false, forceNew: true });
          socket.on('connect', () => {
            socket.close();
            resolve({ connected: true });
          });
          socket.on('connect_error', (err: any) => resolve({ connected: false, message: err.message, code: err.data?.code }));
        }),
    );
    assert.deepEqual(outcome, { connected: false, message: 'No session found', code: 'ERR_NO_SESSION' });
    await mallory.close();
  });

  await t.test('shows the handshake decisions live: codes and counts, no secrets', async () => {
    // Three tabs were let in, one forged cookie was not.
    await expectDecisionCounts(aliceTab1, { OK: 3, ERR_NO_SESSION: 1 });
    const panel = String(await aliceTab1.locator('#decision-log').textContent());
    const cookie = (await alice.cookies(url)).find((c) => c.name === 'demo.sid')!;
    const sessionId = decodeURIComponent(cookie.value).slice(2).split('.')[0]!;
    assert.ok(!panel.includes(sessionId), 'the panel never shows a session id');
    assert.equal(await aliceTab1.locator('#decision-log li.rejected').count(), 1);
  });

  await t.test('renders the page for the README screenshot', async () => {
    const target = process.env.UPDATE_DEMO_SCREENSHOT ? join(__dirname, '../../docs/demo.png') : join(scratch, 'demo.png');
    await aliceTab1.locator('#text').blur();
    await aliceTab1.screenshot({ path: target });
    const png = readFileSync(target);
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.deepEqual({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) }, VIEWPORT);
    // A blank page compresses to a few kilobytes; text, lists and tables do not.
    assert.ok(png.length > 20_000, `the screenshot looks empty (${png.length} bytes)`);
  });

  await t.test('signing out in one tab disconnects the other tab of that user, and nobody else', async () => {
    await Promise.all([aliceTab2.waitForURL('**/login?signedOut', { timeout: UI_TIMEOUT_MS }), aliceTab2.click('#logout')]);
    assert.match(String(await aliceTab2.textContent('.notice')), /signed out/);

    await aliceTab1.waitForFunction(() => document.getElementById('status')?.classList.contains('closed'), null, {
      timeout: UI_TIMEOUT_MS,
    });
    assert.equal(await aliceTab1.textContent('#status'), 'Disconnected by the server. You signed out in another tab.');
    await expectPresence(bobTab, { bob: 1 });
    assert.match(String(await bobTab.textContent('#status')), /^Live/);

    // Passport regenerated the session on logout: the browser now holds a new, anonymous one, so a
    // new socket from Alice's browser is refused as not logged in, and a reload lands on the login page.
    const again = await aliceTab1.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const socket = (window as any).io({ reconnection: false, forceNew: true });
          socket.on('connect', () => {
            socket.close();
            resolve('connected');
          });
          socket.on('connect_error', (err: any) => resolve(err.data?.code ?? err.message));
        }),
    );
    assert.equal(again, 'ERR_PASSPORT_NOT_INITIALIZED');
    await aliceTab1.reload();
    assert.equal(new URL(aliceTab1.url()).pathname, '/login');
  });

  t.diagnostic(`browser test took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

async function signIn(context: BrowserContext, url: string, username: string, password: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(url);
  assert.equal(new URL(page.url()).pathname, '/login', 'an anonymous visitor is sent to the login page');
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL(`${url}/`), page.click('#login-form button[type=submit]')]);
  await expectLive(page);
  return page;
}

async function expectLive(page: Page): Promise<void> {
  await page.waitForFunction(() => document.getElementById('status')?.classList.contains('live'), null, { timeout: UI_TIMEOUT_MS });
}

async function send(page: Page, text: string): Promise<void> {
  await page.fill('#text', text);
  await page.click('#send-form button[type=submit]');
}

async function expectPresence(page: Page, expected: Record<string, number>): Promise<void> {
  await page
    .waitForFunction(
      (want) => {
        const seen = [...document.querySelectorAll('#presence li[data-user]')].map((li) => [li.dataset.user, Number(li.dataset.tabs)]);
        return JSON.stringify(seen.sort()) === JSON.stringify(Object.entries(want).sort());
      },
      expected,
      { timeout: UI_TIMEOUT_MS },
    )
    .catch(async () => {
      assert.fail(`presence should be ${JSON.stringify(expected)}, the page shows: ${await page.textContent('#presence')}`);
    });
}

async function expectDecisionCounts(page: Page, expected: Record<string, number>): Promise<void> {
  await page
    .waitForFunction(
      (want) => {
        const rows = document.querySelectorAll('#decision-counts tr[data-code]');
        const seen = [...rows].map((row) => [row.dataset.code, Number(row.cells[1]?.textContent)]);
        return JSON.stringify(seen.sort()) === JSON.stringify(Object.entries(want).sort());
      },
      expected,
      { timeout: UI_TIMEOUT_MS },
    )
    .catch(async () => {
      assert.fail(`decision counts should be ${JSON.stringify(expected)}, the page shows: ${await page.textContent('#decision-counts')}`);
    });
}
