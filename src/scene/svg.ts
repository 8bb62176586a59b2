// A top-down SVG of a group: object boxes, facing arrows (solid: subgroup 0, dashed: subgroup 1),
// the camera ring with numbered cameras. Deterministic text (fixed decimals), no external assets.
import type { Group } from './generate.js';
import { sincosd } from './ring.js';

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf'];
const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Top-down picture of a group (+x right, +y up, as seen from above).
 * @param group from `generate`.
 * @param opts `{size = 480}` picture width and height in pixels.
 * @returns SVG document text.
 */
export function svg(group: Group, opts: { size?: number } = {}): string {
  const size = opts.size ?? 480;
  const cams = group.cameras;
  let reach = 1;
  for (const c of cams) reach = Math.max(reach, Math.hypot(c.position[0], c.position[1]));
  for (const o of group.objects) reach = Math.max(reach, Math.hypot(o.position[0], o.position[1]) + Math.hypot(o.size[0], o.size[1]) / 2);
  const scale = size / (2 * reach * 1.12);
  const f = (v: number): string => v.toFixed(2);
  const X = (x: number): string => f(size / 2 + x * scale);
  const Y = (y: number): string => f(size / 2 - y * scale);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}" font-family="sans-serif" font-size="11">`,
    `<title>group ${group.group}: ${esc(group.objects.map((o) => o.name).join(', '))}</title>`,
    `<rect width="${size}" height="${size}" fill="#fff"/>`,
    `<defs><marker id="a" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="context-stroke"/></marker></defs>`,
  ];
  if (cams.length) {
    const r = Math.hypot(cams[0].position[0] - cams[0].target[0], cams[0].position[1] - cams[0].target[1]);
    out.push(`<circle cx="${X(cams[0].target[0])}" cy="${Y(cams[0].target[1])}" r="${f(r * scale)}" fill="none" stroke="#bbb" stroke-dasharray="4 4"/>`);
  }
  cams.forEach((c, k) => {
    const [px, py] = c.position;
    const dx = c.target[0] - px, dy = c.target[1] - py, l = Math.hypot(dx, dy) || 1;
    const tip = Math.min(1.2, l);
    out.push(`<g><line x1="${X(px)}" y1="${Y(py)}" x2="${X(px + (dx / l) * tip)}" y2="${Y(py + (dy / l) * tip)}" stroke="#555" marker-end="url(#a)"/>` +
      `<circle cx="${X(px)}" cy="${Y(py)}" r="9" fill="#eee" stroke="#555"/><text x="${X(px)}" y="${Y(py)}" dy="4" text-anchor="middle">${k}</text></g>`);
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
  out.push(`<text x="6" y="${size - 8}" fill="#555">g${group.group} · solid arrow: subgroup 0, dashed: subgroup 1 (yaw + 180°) · +x right, +y up</text>`, '</svg>', '');
  return out.join('\n');
}
