// `spatialkit view DIR` and `rotate --html`: the page is checked in headless Chromium against numbers
// computed here — every camera view's pixels against a raycast of boxes built in this file from
// scenes.jsonl (legend colour at each visible object's centroid, IoU per object, background), the
// text against images.jsonl and qa.jsonl, the heat maps against sk.rope.scoreMatrix — plus the
// command's bad input (one line, exit 2).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import * as sk from 'spatialkit';
import type { Browser, Page } from 'puppeteer-core';
import { checkBuilt, lines, rotate } from './rotate-run.js';
import { run as view } from '../src/cli/view.js';
// @ts-expect-error plain ESM script without types
import { chromiumPath, launch, NO_CHROMIUM } from '../scripts/chromium.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sk-view-'));
const DIR = path.join(tmp, 'run');
/** A tiny run: 2 groups of 2 objects, a 192 × 144 image, narrow lens; --min-pixels 1500 keeps some images of group 0 and drops others. */
const RUN = ['--groups', '2', '--objects', '2', '--preset', 'small', '--image', '192x144', '--fov', '25', '--min-pixels', '1500', '--seed', '0'];
const IMAGE = [192, 144] as const;
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs `spatialkit view` in-process with console output captured. */
async function viewCli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '', err = '';
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => { out += a.join(' ') + '\n'; });
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => { err += a.join(' ') + '\n'; });
  try { return { code: await view(args), out, err }; } finally { log.mockRestore(); error.mockRestore(); }
}

beforeAll(async () => {
  const r = await rotate(...RUN, '--out', DIR, '--html', '--quiet');
  expect(r.err).toBe('');
  expect(r.code).toBe(0);
}, 60_000);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Rec = Record<string, any>;
const scenes = (): Rec[] => lines(DIR, 'scenes.jsonl');

/**
 * The oracle: boxes of one group in one subgroup built here (a yaw about +z is the quaternion
 * (0, 0, sin(yaw/2), cos(yaw/2))), every camera of the ring, cast with sk.render at w × h.
 */
function oracle(scene: Rec, subgroup: number, w: number, h: number) {
  const yaws: number[] = scene.subgroups[subgroup].yaw;
  const boxes = new Float32Array(10 * scene.objects.length);
  scene.objects.forEach((o: Rec, i: number) => {
    const a = (yaws[i] * Math.PI) / 180;
    boxes.set([...o.position, o.size[0] / 2, o.size[1] / 2, o.size[2] / 2, 0, 0, Math.sin(a / 2), Math.cos(a / 2)], 10 * i);
  });
  const flat = (k: string) => Float32Array.from(scene.cameras.flatMap((c: Rec) => c[k]));
  const cameras = { K: flat('K'), R: flat('R'), t: flat('t') };
  const opts = { width: w, height: h, image: [IMAGE[0], IMAGE[1]] as [number, number] };
  const v = sk.render.visibility({ boxes }, cameras, { ...opts, maps: true });
  return { instance: v.instance!, depth: v.depth!, pixelsVisible: v.pixelsVisible, offsets: v.offsets, n: scene.objects.length };
}

const hexRgb = (h: string): number[] => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
const cssRgb = (s: string): number[] => (s.match(/\d+/g) ?? []).slice(0, 3).map(Number);
const dist = (a: ArrayLike<number>, b: ArrayLike<number>): number => Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
const luma = (c: ArrayLike<number>): number => 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];

describe('spatialkit view: the files and the command line', () => {
  it('rotate --html wrote view/g000000.html, and `view DIR` writes the same bytes (one implementation)', async () => {
    const page = fs.readFileSync(path.join(DIR, 'view', 'g000000.html'));
    const out = path.join(tmp, 'again.html');
    const r = await viewCli(DIR, '--out', out);
    expect(r.err).toBe('');
    expect([r.code, r.out]).toEqual([0, expect.stringMatching(/^Wrote .*again\.html \(g000000, \d+ kB, [\d.]+ s\)\n$/)]);
    expect(fs.readFileSync(out).equals(page)).toBe(true);
  });
  it('the page is self-contained: no script, nothing fetched (a CSP allows only data: images and inline style), every image a data: URI', () => {
    const html = fs.readFileSync(path.join(DIR, 'view', 'g000000.html'), 'utf8');
    expect(/<script|<link|<iframe|@import|url\((?!#)/i.exec(html)?.[0]).toBeUndefined();  // url(#a): the SVG's own arrow marker
    expect(html).toContain(`content="default-src 'none'; img-src data:; style-src 'unsafe-inline'"`);
    const srcs = [...html.matchAll(/\ssrc="([^"]*)"/g)].map((m) => m[1]);
    expect(srcs.length).toBe(32);
    expect(srcs.every((s) => s.startsWith('data:image/png;base64,'))).toBe(true);
  });
  it('text from the files is escaped: an object named like markup shows as text', async () => {
    const dir = path.join(tmp, 'markup');
    fs.cpSync(DIR, dir, { recursive: true });
    const f = path.join(dir, 'scenes.jsonl');
    fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace('"name":"', '"name":"<img src=x onerror=alert(1)>'));
    expect((await viewCli(dir)).code).toBe(0);
    const html = fs.readFileSync(path.join(dir, 'view', 'g000000.html'), 'utf8');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });
  it('bad input: one line naming the problem, exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [[path.join(tmp, 'missing')], /missing: no such folder$/],
      [[tmp], /is not a spatialkit rotate output \(no manifest\.json\)$/],
      [[DIR, '--group', '5'], /holds groups 0\.\.1; there is no group 5$/],
      [[DIR, '--group', 'five'], /--group expects a group number \(e\.g\. 12\) or id \(g000012\) but received 'five'$/],
      [[DIR, '--res', '0x10'], /--res expects WxH with integers in \[1, 1024\]/],
      [[DIR, '--res', '2048x2048'], /--res expects WxH with integers in \[1, 1024\]/],
      [[DIR, '--grup', '1'], /Unknown option '--grup'\. Did you mean --group\?/],
      [[], /expects one folder/],
      [[path.join(DIR, 'scenes.jsonl')], /is not a folder/],
      [[DIR, '--out', tmp], /^spatialkit view: cannot write .*: /],  // a folder where the page should go
      [[DIR, '--out', path.join(DIR, 'scenes.jsonl', 'x.html')], /^spatialkit view: --out .*: cannot create or write this folder/],
    ];
    for (const [args, re] of cases) {
      const r = await viewCli(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.split('\n')[0]).toMatch(re);
      expect(r.out).toBe('');
    }
  });
  it('a Parquet-only run: rotate --html and view read its Parquet tables into the same page as the JSONL run', async () => {
    const pq = path.join(tmp, 'pq', 'run');  // the same folder name: the page's title names it
    const r = await rotate(...RUN, '--format', 'parquet', '--out', pq, '--html', '--quiet');
    expect([r.code, r.err]).toEqual([0, '']);
    expect(fs.existsSync(path.join(pq, 'images.jsonl'))).toBe(false);
    const page = fs.readFileSync(path.join(DIR, 'view', 'g000000.html'));
    expect(fs.readFileSync(path.join(pq, 'view', 'g000000.html')).equals(page)).toBe(true);
    const out = path.join(tmp, 'pq-g1.html'), again = path.join(tmp, 'jsonl-g1.html');
    expect((await viewCli(pq, '--group', '1', '--out', out)).code).toBe(0);
    expect((await viewCli(DIR, '--group', '1', '--out', again)).code).toBe(0);
    expect(fs.readFileSync(out).equals(fs.readFileSync(again))).toBe(true);
  });
  it('an unfinished run and a folder of shards say what to do', async () => {
    const part = path.join(tmp, 'part');
    fs.cpSync(DIR, part, { recursive: true });
    fs.rmSync(path.join(part, 'manifest.json'));
    fs.writeFileSync(path.join(part, '.rotate-state.json'), '{}');
    expect((await viewCli(part)).err).toMatch(/holds an unfinished rotate run .* run the same rotate command again/);
    const shards = path.join(tmp, 'shards');
    expect((await rotate('--groups', '2', '--shard', '0/2', '--out', shards, '--quiet', '--visibility-res', 'off', '--html')).code).toBe(0);
    expect(fs.readdirSync(path.join(shards, 'view'))).toEqual(['g000000.html']);  // the shard's first group
    expect((await viewCli(shards)).err).toMatch(/holds shards of a rotate run .*--merge N` first/);
    expect((await rotate('--groups', '2', '--shard', '1/2', '--out', shards, '--quiet', '--visibility-res', 'off', '--html')).code).toBe(0);
    fs.rmSync(path.join(shards, 'view'), { recursive: true });
    expect((await rotate('--out', shards, '--merge', '2', '--quiet', '--html')).code).toBe(0);
    expect(fs.readdirSync(path.join(shards, 'view'))).toEqual(['g000000.html']);  // the merged run's first group
    const empty = await rotate('--groups', '0', '--out', path.join(tmp, 'empty'), '--html');
    expect([empty.code, empty.out.trim().split('\n').at(-1)]).toEqual([0, 'No page written (--html): the run has no groups.']);
  });
  it('the CLI lists `view` in --help, and exits 2 with one line on bad input (child process)', () => {
    checkBuilt(['main', 'view']);
    const help = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli/main.js'), '--help'], { encoding: 'utf8' });
    expect(help.stdout).toMatch(/^ {2}view {4}write a self-contained HTML page/m);
    const bad = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli/main.js'), 'view', path.join(tmp, 'missing')], { encoding: 'utf8' });
    expect([bad.status, bad.stderr.trim().split('\n').length, bad.stdout]).toEqual([2, 1, '']);
  });
});

const chromium = chromiumPath();
describe.skipIf(!chromium)(`the page in headless Chromium${chromium ? '' : ` — skipped: ${NO_CHROMIUM}`}`, () => {
  let browser: Browser;
  beforeAll(async () => { browser = await launch({ width: 1400, height: 900 }); }, 60_000);
  afterAll(async () => { await browser?.close(); });

  /** Opens a page file, collecting console errors, page errors and every request that is not a data: URI. */
  async function open(file: string): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warn') problems.push(`console ${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e}`));
    page.on('request', (r) => { if (!r.url().startsWith('data:')) problems.push(`request: ${r.url()}`); });
    await page.setContent(fs.readFileSync(file, 'utf8'), { waitUntil: 'load' });
    return { page, problems };
  }

  /**
   * Every camera view of the page against the oracle: the screenshot's colour class per pixel
   * (nearest legend or background colour within 40 of 441) vs the raycast's instance map.
   */
  async function checkViews(page: Page, scene: Rec, w: number, h: number): Promise<string[]> {
    const legend = await page.$$eval('#legend .legend-row .swatch', (els) => els.map((e) => getComputedStyle(e).backgroundColor));
    expect(legend.length).toBe(scene.objects.length);
    const colours = legend.map(cssRgb);
    const bgText = await page.$eval('p .swatch', (e) => getComputedStyle(e).backgroundColor);
    const bg = cssRgb(bgText);
    const report: string[] = [];
    let multi = 0;
    for (const s of [0, 1]) {
      const o = oracle(scene, s, w, h);
      for (let c = 0; c < scene.cameras.length; c++) {
        const id = `${scene.id}-s${s}-c${c}`;
        const el = await page.$(`section[id="${id}"] img.mask`);
        expect(el, id).not.toBeNull();
        const shot = PNG.sync.read(Buffer.from(await el!.screenshot({ type: 'png' })));
        expect([shot.width, shot.height], id).toEqual([w, h]);
        const inst = o.instance.subarray(c * w * h, (c + 1) * w * h);
        const cls = new Int32Array(w * h);
        for (let p = 0; p < w * h; p++) {
          const px = shot.data.subarray(4 * p, 4 * p + 3);
          let best = -2, bd = 40;
          if (dist(px, bg) < bd) { best = -1; bd = dist(px, bg); }
          colours.forEach((col, k) => { if (dist(px, col) < bd) { best = k; bd = dist(px, col); } });
          cls[p] = best;
        }
        let bgAgree = 0, bgTotal = 0;
        for (let p = 0; p < w * h; p++) if (inst[p] < 0) { bgTotal++; if (cls[p] === -1) bgAgree++; }
        expect(bgAgree / bgTotal, `${id} background`).toBeGreaterThanOrEqual(0.99);
        const visible = Array.from({ length: o.n }, (_, k) => o.pixelsVisible[o.offsets[c] + k] > 0);
        if (visible.filter(Boolean).length >= 2) multi++;
        const ious: string[] = [];
        for (let k = 0; k < o.n; k++) {
          if (!visible[k]) continue;
          let inter = 0, union = 0, sx = 0, sy = 0, cnt = 0;
          for (let p = 0; p < w * h; p++) {
            const a = inst[p] === k, b = cls[p] === k;
            if (a && b) inter++;
            if (a || b) union++;
            if (a) { sx += p % w + 0.5; sy += Math.floor(p / w) + 0.5; cnt++; }
          }
          // The object's pixel nearest its centroid (a partly hidden object need not cover its centroid).
          const cx = sx / cnt, cy = sy / cnt;
          let at = -1, ad = Infinity;
          for (let p = 0; p < w * h; p++) {
            if (inst[p] !== k) continue;
            const d = Math.hypot(p % w + 0.5 - cx, Math.floor(p / w) + 0.5 - cy);
            if (d < ad) { ad = d; at = p; }
          }
          expect(dist(shot.data.subarray(4 * at, 4 * at + 3), colours[k]), `${id} object ${k} at its centroid pixel`).toBeLessThan(12);
          expect(inter / union, `${id} object ${k} IoU`).toBeGreaterThanOrEqual(0.95);
          ious.push(`${k}: ${(inter / union).toFixed(3)}`);
        }
        // Depth view: black exactly where no object is hit, and nearer pixels brighter (sampled pairs of one object 0.1 m apart).
        const dshot = PNG.sync.read(Buffer.from(await (await page.$(`section[id="${id}"] img.depth`))!.screenshot({ type: 'png' })));
        const dep = o.depth.subarray(c * w * h, (c + 1) * w * h);
        let agree = 0, ordered = 0, pairs = 0;
        const objPx: number[] = [];
        for (let p = 0; p < w * h; p++) {
          const dark = dshot.data[4 * p] < 8;
          if (dark === (inst[p] < 0)) agree++;
          if (inst[p] >= 0) objPx.push(p);
        }
        for (let i = 0; i + 37 < objPx.length; i += 7) {
          const p = objPx[i], q = objPx[i + 37];
          if (Math.abs(dep[p] - dep[q]) < 0.1) continue;
          pairs++;
          if ((dep[p] < dep[q]) === (dshot.data[4 * p] > dshot.data[4 * q])) ordered++;
        }
        expect(agree / (w * h), `${id} depth background`).toBeGreaterThanOrEqual(0.99);
        if (pairs) expect(ordered / pairs, `${id} depth order`).toBeGreaterThanOrEqual(0.95);
        report.push(`${id} IoU ${ious.join(', ')}`);
      }
    }
    expect(multi, 'views where at least two objects are visible').toBeGreaterThan(0);
    return report;
  }

  it('group 0 (rotate --html, views at the image size 192 × 144): no console errors, no requests; every view matches the raycast', async () => {
    const { page, problems } = await open(path.join(DIR, 'view', 'g000000.html'));
    try {
      const report = await checkViews(page, scenes()[0], 192, 144);
      console.log(`IoU per object, group 0:\n  ${report.join('\n  ')}`);
      expect(problems).toEqual([]);
    } finally { await page.close(); }
  }, 60_000);

  it('group 1 at --res 96x72 (K scaled, not cropped): every view matches a raycast at 96 × 72', async () => {
    const out = path.join(tmp, 'g1.html');
    expect((await viewCli(DIR, '--group', 'g000001', '--res', '96x72', '--out', out)).code).toBe(0);
    const { page, problems } = await open(out);
    try {
      await checkViews(page, scenes()[1], 96, 72);
      expect(problems).toEqual([]);
    } finally { await page.close(); }
  }, 60_000);

  it('each image lists its captions (images.jsonl), its QA (qa.jsonl), its relations and kept/dropped with the causes', async () => {
    const { page } = await open(path.join(DIR, 'view', 'g000000.html'));
    try {
      const imgs = lines(DIR, 'images.jsonl').filter((r) => r.group === 0);
      const qa = lines(DIR, 'qa.jsonl').filter((r) => r.group === 0);
      expect(imgs.length).toBe(16);
      expect(imgs.some((r) => r.kept) && imgs.some((r) => !r.kept)).toBe(true);  // the run exercises both
      let captions = 0, questions = 0;
      for (const r of imgs) {
        const got = await page.$eval(`section[id="${r.image}"]`, (s) => ({
          kept: s.getAttribute('data-kept'),
          title: s.querySelector('h3')!.textContent,
          captions: [...s.querySelectorAll('li.caption')].map((e) => e.textContent),
          qa: [...s.querySelectorAll('li.qa')].map((e) => [e.querySelector('.q')!.textContent, e.querySelector('.a')!.textContent]),
          relations: s.querySelectorAll('table.relations tr').length - 1,
        }));
        expect(got.kept).toBe(String(r.kept));
        expect(got.title).toMatch(r.kept ? /: kept$/ : new RegExp(`: dropped \\(${r.drop.join(', ')}\\)$`));
        expect(got.captions).toEqual(r.captions.map((c: Rec) => `[${c.viewpoint}] ${c.text}`));
        const mine = qa.filter((q) => q.image === r.image);
        expect(got.qa).toEqual(mine.map((q) => [q.question, q.answer]));
        expect(got.relations).toBe(r.relations.relative.length + r.relations.absolute.length);
        captions += got.captions.length;
        questions += got.qa.length;
      }
      expect(captions).toBeGreaterThan(0);
      expect(questions).toBe(qa.length);
    } finally { await page.close(); }
  }, 60_000);

  it('the heat maps follow sk.rope.scoreMatrix: brighter cell ⇔ higher score, the brightest/darkest cells where the matrices are max/min', async () => {
    const { page } = await open(path.join(DIR, 'view', 'g000000.html'));
    try {
      const positions = Float32Array.from(scenes()[0].objects.flatMap((o: Rec) => o.position));
      const cells: { value: number; lum: number; where: string }[] = [];
      for (const enc of ['quatrope', 'igre', 'rope1d', 'mrope', 'mixed3d'] as const) {
        const G = sk.rope.scoreMatrix(enc, positions), n = positions.length / 3;
        const svg = await page.$(`svg.heat[data-encoding="${enc}"]`);
        expect(svg, enc).not.toBeNull();
        const shot = PNG.sync.read(Buffer.from(await svg!.screenshot({ type: 'png' })));
        // Cell corners relative to the picture (measured together: the screenshot scrolls the page).
        const rects = await svg!.$$eval('rect', (rs) => rs.map((r) => {
          const b = r.getBoundingClientRect(), o = r.ownerSVGElement!.getBoundingClientRect();
          return { i: Number(r.getAttribute('data-i')), j: Number(r.getAttribute('data-j')), x: b.x - o.x, y: b.y - o.y };
        }));
        expect(rects.length).toBe(n * n);
        for (const r of rects) {
          // A corner of the cell, away from its printed value.
          const x = Math.round(r.x) + 4, y = Math.round(r.y) + 4, p = 4 * (y * shot.width + x);
          expect(x >= 0 && y >= 0 && x < shot.width && y < shot.height, `${enc} cell inside the screenshot`).toBe(true);
          cells.push({ value: G[r.i * n + r.j], lum: luma(shot.data.subarray(p, p + 3)), where: `${enc}[${r.i}, ${r.j}]` });
        }
      }
      const values = cells.map((c) => c.value), lums = cells.map((c) => c.lum);
      const brightest = cells[lums.indexOf(Math.max(...lums))], darkest = cells[lums.indexOf(Math.min(...lums))];
      // Colours have 8 bits: scores closer than a fiftieth of the range may share one (the diagonal's 1 ± 1e-7 do).
      const max = Math.max(...values), min = Math.min(...values), step = (max - min) / 50;
      expect(max - min).toBeGreaterThan(0.05);  // the run's objects give distinct scores
      expect(brightest.value).toBeGreaterThan(max - step);
      expect(darkest.value).toBeLessThan(min + step);
      for (const a of cells) {
        for (const b of cells) {
          if (a.value > b.value + step) expect(a.lum, `${a.where} ${a.value} vs ${b.where} ${b.value}`).toBeGreaterThan(b.lum);
        }
      }
    } finally { await page.close(); }
  }, 60_000);
});
