// A top-down SVG of a group: object boxes on a 1 m grid, facing arrows (solid: subgroup 0, dashed: subgroup 1),
// the camera ring (not to scale) with numbered cameras. Deterministic text (fixed decimals).
import { checkGroup, groupId, type Group } from './generate.js';
import { sincosd } from './ring.js';
import { integer, options } from '../validate.js';

/** Object colours by index (also the placeholder meshes' colours). */
export const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Top-down picture of a group (+x right, +y up, as seen from above).
 * @param group from `generate`.
 * @param opts `{size = 480}` picture width and height in pixels.
 * @returns SVG document text.
 */
export function svg(group: Group, opts: { size?: number } = {}): string {
  checkGroup(group);
  options(opts);
  const size = opts.size === undefined ? 480 : integer(opts.size, 'size', 16, 65536);
  const cams = group.cameras;
  // Zoom to the objects (at least ±3 m); the ring is drawn just outside them, not to scale, so
  // that small scenes stay readable next to a 10 m ring.
  let reach = 3;
  for (const o of group.objects) reach = Math.max(reach, Math.hypot(o.position[0], o.position[1]) + Math.hypot(o.size[0], o.size[1]) / 2 + 0.8);
  const ringPx = size * 0.43, scale = (ringPx * 0.82) / reach;
  const f = (v: number): string => v.toFixed(2);
  const X = (x: number): string => f(size / 2 + x * scale);
  const Y = (y: number): string => f(size / 2 - y * scale);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" font-family="sans-serif" font-size="11">`,
    `<title>group ${group.group}: ${esc(group.objects.map((o) => o.name).join(', '))}</title>`,
    `<rect width="${size}" height="${size}" fill="#fff"/>`,
    `<defs><marker id="a" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="context-stroke"/></marker></defs>`,
  ];
  // A 1 m grid over the zoomed area.
  for (let k = -Math.floor(reach); k <= Math.floor(reach); k++) {
    out.push(`<path d="M${X(k)} ${Y(-reach)}V${Y(reach)}M${X(-reach)} ${Y(k)}H${X(reach)}" stroke="#f0f0f0"/>`);
  }
  if (cams.length) out.push(`<circle cx="${f(size / 2)}" cy="${f(size / 2)}" r="${f(ringPx)}" fill="none" stroke="#bbb" stroke-dasharray="4 4"/>`);
  cams.forEach((c, k) => {
    const dx = c.position[0] - c.target[0], dy = c.position[1] - c.target[1], l = Math.hypot(dx, dy) || 1;
    const px = size / 2 + (ringPx * dx) / l, py = size / 2 - (ringPx * dy) / l;
    const ax = px - (28 * dx) / l, ay = py + (28 * dy) / l;
    out.push(`<g><line x1="${f(px)}" y1="${f(py)}" x2="${f(ax)}" y2="${f(ay)}" stroke="#555" marker-end="url(#a)"/>` +
      `<circle cx="${f(px)}" cy="${f(py)}" r="9" fill="#eee" stroke="#555"/><text x="${f(px)}" y="${f(py)}" dy="4" text-anchor="middle">${k}</text></g>`);
  });
  group.objects.forEach((o, i) => {
    const color = COLORS[i % COLORS.length];
    const [s, c] = sincosd(o.yaw);
    const hl = o.size[0] / 2, hw = o.size[1] / 2;
    const corners = [[hl, hw], [-hl, hw], [-hl, -hw], [hl, -hw]].map(([u, v]) => `${X(o.position[0] + u * c - v * s)},${Y(o.position[1] + u * s + v * c)}`);
    out.push(`<polygon points="${corners.join(' ')}" fill="${color}" fill-opacity="0.25" stroke="${color}"/>`);
    if (o.kind !== 'none') {
      const len = hl + 0.8;
      for (const sg of [0, 1] as const) {
        const [s2, c2] = sincosd(group.yaws[sg][i]);
        out.push(`<line x1="${X(o.position[0])}" y1="${Y(o.position[1])}" x2="${X(o.position[0] + len * c2)}" y2="${Y(o.position[1] + len * s2)}" stroke="${color}" stroke-width="2"${sg ? ' stroke-dasharray="3 3"' : ''} marker-end="url(#a)"/>`);
      }
    }
    out.push(`<text x="${X(o.position[0])}" y="${Y(o.position[1])}" dy="-6" text-anchor="middle" fill="${color}">${i}: ${esc(o.name)} (${o.kind})</text>`);
  });
  out.push(`<text x="6" y="${size - 8}" fill="#555">${groupId(group.group)} · 1 m grid · arrows: subgroup 0 solid, 1 dashed · ring not to scale</text>`, '</svg>', '');
  return out.join('\n');
}
