// Headless Chromium for tests and benches: Debian's chromium driven by puppeteer-core (nothing
// downloads a browser), and a tiny in-memory http server on 127.0.0.1 (Chromium will not fetch
// wasm from file://).
import fs from 'node:fs';
import http from 'node:http';
import puppeteer from 'puppeteer-core';

/** Chromium's binary (the real one: /usr/bin/chromium is a shell wrapper), or undefined. */
export function chromiumPath() {
  return [process.env.CHROMIUM_PATH, '/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => p && fs.existsSync(p));
}
export const NO_CHROMIUM = 'no Chromium here (apt-get install chromium; .ci/run does) — set CHROMIUM_PATH to use another';

/** Launches headless Chromium (as root it needs --no-sandbox; facts in BUILD-NOTES.md). */
export function launch(viewport = { width: 1280, height: 800 }) {
  return puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    protocolTimeout: 900_000,  // oracle pages run for minutes on a loaded machine
    defaultViewport: { ...viewport, deviceScaleFactor: 1 },
    args: ['--no-sandbox', '--headless=new', '--disable-dev-shm-usage', '--enable-unsafe-swiftshader'],
  });
}

/**
 * Serves `assets` ({path: {type, body}}) at http://127.0.0.1:PORT; anything else is a 404
 * (the favicon a 204). `isolated` makes the pages cross-origin isolated.
 * @returns {Promise<{url: string, close(): Promise<void>}>}
 */
export async function serve(assets, { isolated = false } = {}) {
  // Cross-origin isolation (COOP + COEP) is what gives a page SharedArrayBuffer.
  const headers = isolated ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' } : {};
  const server = http.createServer((req, res) => {
    const name = new URL(req.url ?? '/', 'http://x').pathname;
    const a = assets[name];
    if (!a) { res.writeHead(name === '/favicon.ico' ? 204 : 404).end(); return; }  // no console error for the icon
    res.writeHead(200, { 'content-type': a.type, 'cache-control': 'no-store', ...headers }).end(a.body);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  // Chromium keeps its connections alive: close() alone waits ~100 s for them to time out.
  const close = () => new Promise((ok) => { server.close(() => ok()); server.closeAllConnections(); });
  return { url: `http://127.0.0.1:${port}`, close };
}

/**
 * Opens `url` in a new page of `browser`, waits until the page sets `globalThis[key]` (or throws
 * an uncaught error) and returns the value with every page error and console error seen.
 * `before(page)` runs before navigation (e.g. evaluateOnNewDocument).
 */
export async function pageValue(browser, url, key, { before, timeout = 600_000 } = {}) {
  const page = await browser.newPage();
  const errors = [];
  let failed;
  const uncaught = new Promise((ok) => { failed = ok; });
  page.on('pageerror', (e) => { errors.push(String(e)); failed(); });
  page.on('error', (e) => { errors.push(`the page crashed: ${e}`); failed(); });
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  try {
    if (before) await before(page);
    await page.goto(url);
    const set = page.waitForFunction(`globalThis[${JSON.stringify(key)}] !== undefined`, { timeout, polling: 250 });
    await Promise.race([set, uncaught]);
    return { value: await page.evaluate(`globalThis[${JSON.stringify(key)}]`), errors };
  } catch (e) {
    return { value: undefined, errors: [...errors, String(e)] };
  } finally {
    await page.close().catch(() => {});
  }
}
