// The JSON fragments `rotate` builds its lines from (src/scene/json.ts), and the lines of
// groupLines held to JSON.stringify of the same record written here as an object: the fragments
// must write exactly what JSON.stringify writes, byte for byte.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { jsonNumber, jsonString, jsonWith } from '../src/scene/json.js';
import { makeGroup, settings, type RelationRecord } from '../src/scene/generate.js';
import { captions, qa, sdg } from '../src/scene/text.js';
import { emptyCounts, groupLines } from '../src/scene/records.js';
import { groupVisibility } from '../src/scene/visibility.js';
import type { PresetName } from '../src/scene/preset.js';

describe('JSON fragments', () => {
  it('jsonString(s) === JSON.stringify(s) for every string (lone surrogates, controls, quotes and backslashes included)', () => {
    for (const s of ['', 'plain', 'a "quoted" word', 'back\\slash', 'tab\there', 'nl\n', '\u0000\u001f\u007f', '135° – “curly”',
      '\ud83d\ude00 pair', 'lone \ud800 high', 'lone \udfff low', '\udfff\ud800 reversed', '\u2028\u2029']) {
      expect(jsonString(s), JSON.stringify(s)).toBe(JSON.stringify(s));
    }
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => jsonString(s) === JSON.stringify(s)), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('a', '"', '\\', '\n', '\ud800', '\udc00', '°', ' ') }), (s) => jsonString(s) === JSON.stringify(s)));
  });

  it('jsonNumber(v) === JSON.stringify(v) for every number (NaN and ±Infinity → null, −0 → 0)', () => {
    for (const v of [0, -0, 1, -1.5, 0.1 + 0.2, 1e21, 1e-7, 5e-324, Number.MAX_VALUE, NaN, Infinity, -Infinity]) expect(jsonNumber(v)).toBe(JSON.stringify(v));
    fc.assert(fc.property(fc.double(), (v) => jsonNumber(v) === JSON.stringify(v)), { numRuns: 2000 });
  });

  it('jsonWith(rec, key, value) === JSON.stringify({...rec, [key]: value}), undefined fields left out', () => {
    expect(jsonWith({ a: 1, b: undefined, c: 'x"y' }, 'split', 'train')).toBe('{"a":1,"c":"x\\"y","split":"train"}');
    fc.assert(fc.property(fc.dictionary(fc.string().filter((k) => k !== 'split'), fc.jsonValue(), { minKeys: 1 }), fc.string({ unit: 'binary' }),
      (rec, v) => jsonWith(rec, 'split', v) === JSON.stringify({ ...rec, split: v })));
  });
});

describe('groupLines writes what JSON.stringify writes for the record as an object', () => {
  const a3 = (v: number): number => Math.floor(v * 1000) / 1000;
  const relation = (r: RelationRecord): object => ({
    ...(r.viewer !== undefined ? { viewer: r.viewer } : {}), target: r.target, reference: r.reference, objects: r.objects, angle: a3(r.angle), cardinal: r.cardinal, clock: r.clock,
  });

  it.each([['paper', true], ['small', false]] as [PresetName, boolean][])('%s preset (visibility %s, rays, masks; kept and dropped images): image, QA and SDG lines', async (preset, withVis) => {
    const image = [64, 64];
    const s = settings({ seed: 11, groups: 12, preset, qaGroups: 'both', ring: { count: 8, radius: 10, height: 6, fov: 40, image } });
    const groups = Array.from({ length: 12 }, (_, g) => makeGroup(s, g));
    const vis = withVis ? await groupVisibility(groups, { image, res: [16, 16], minVisible: 0.5, minPixels: 40 }) : null;
    const rays = Array.from({ length: 8 }, (_, k) => `rays/c${k}.npy`);
    let dropped = 0;
    groups.forEach((g, i) => {
      const kept = vis ? vis[i].map((v) => v.kept) : g.images.map(() => true);
      const text = { preset, answers: 'sentence' as const, kept };
      const lines = groupLines(g, emptyCounts(), { text, visibility: vis?.[i], rays, files: { masks: true } });
      const caps = captions(g, text);
      const expected = g.images.map((img, k) => {
        const v = vis?.[i][k];
        if (!kept[k]) dropped++;
        return JSON.stringify({
          image: img.id, group: img.group, subgroup: img.subgroup, camera: img.camera, split: g.split, yaw: g.yaws[img.subgroup], rays: rays[img.camera], kept: kept[k],
          ...(v && !kept[k] ? { drop: v.drop } : {}),
          ...(kept[k] ? { mask: `masks/${img.id.split('-')[0]}/${img.id}.png`, depth: `masks/${img.id.split('-')[0]}/${img.id}.depth.npy` } : {}),
          ...(v ? { visibility: v.objects } : {}),
          relations: { relative: g.relative[img.subgroup].map(relation), absolute: g.absolute[img.camera].map(relation) },
          captions: caps.filter((c) => c.image === img.id).map((c) => ({
            viewpoint: c.viewpoint, objects: c.objects, ...(c.viewer !== undefined ? { viewer: c.viewer } : {}), target: c.target, reference: c.reference,
            cardinal: c.cardinal, clock: c.clock, text: c.text,
          })),
        });
      });
      expect(lines.images).toBe(expected.join('\n') + '\n');
      const rows = (list: object[]): string => list.map((r) => JSON.stringify({ ...r, split: g.split }) + '\n').join('');
      expect(lines.qa).toBe(g.role === 'captions' ? '' : rows(qa(g, text)));
      expect(lines.sdg).toBe(rows(sdg(g, { kept })));
    });
    if (withVis) expect(dropped).toBeGreaterThan(0);
  }, 60_000);
});
