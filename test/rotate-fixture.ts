// A small gold set in the qa.jsonl schema of `spatialkit rotate`, built here from angles alone so
// the metrics tests do not depend on the scene generator: per group, 2 subgroups × 8 cameras;
// per image, relative and absolute × judgement and prediction × cardinal and clock questions.
// Relative answers are the same at every camera of a subgroup and turn by 180° in subgroup 1
// (every yaw + 180°); absolute answers depend on the camera (ring azimuth 45k°) and are the same
// in both subgroups — which is what the `consistency` keys group.
import { CARDINALS, cardinalIndex as cardinalSector, clockHour as clockSector } from '../src/scene/relations.js';
import type { GoldQuestion } from '../src/metrics/evaluate.js';
import { rng } from './helpers.js';

export interface FixtureQuestion extends GoldQuestion {
  group: number; subgroup: number; camera: number; image: string; objects: number; question: string;
}

export function goldFixture(groups: number, seed: number): FixtureQuestion[] {
  const r = rng(seed);
  const out: FixtureQuestion[] = [];
  for (let g = 0; g < groups; g++) {
    const rel0 = 360 * r(), world = 360 * r(), objects = 2 + (g % 2);
    // Judgement candidates: one fixed per group and relation type (true at some cameras, not others).
    const candCard = Math.floor(8 * r()), candHour = 1 + Math.floor(12 * r());
    for (let s = 0; s < 2; s++) {
      for (let c = 0; c < 8; c++) {
        const image = `g${String(g).padStart(6, '0')}-s${s}-c${c}`;
        const angles = { relative: (rel0 + 180 * s) % 360, absolute: (world - 45 * c + 360) % 360 };
        let q = 0;
        for (const viewpoint of ['relative', 'absolute'] as const) {
          const theta = angles[viewpoint];
          const card = CARDINALS[cardinalSector(theta)], hour = clockSector(theta);
          const cons = (k: string): string => (viewpoint === 'relative' ? `g${g}-s${s}-rel-${k}` : `g${g}-c${c}-abs-${k}`);
          const base = { group: g, subgroup: s, camera: c, image, viewpoint, objects };
          const add = (task: 'judgement' | 'prediction', relation: 'cardinal' | 'clock', answer: string, question: string, key: string): void => {
            out.push({ id: `${image}-q${String(q++).padStart(2, '0')}`, ...base, task, relation, question, answer,
              consistency: cons(key), ...(task === 'prediction' ? { pair: `${image}-${viewpoint}` } : {}) });
          };
          add('judgement', 'cardinal', card === CARDINALS[candCard] ? 'yes' : 'no', `Is the chair ${CARDINALS[candCard]} of the table?`, 'jc');
          add('judgement', 'clock', hour === candHour ? 'yes' : 'no', `Is the chair at ${candHour} o'clock of the table?`, 'jk');
          add('prediction', 'cardinal', card, 'Where is the chair relative to the table?', 'pc');
          add('prediction', 'clock', String(hour), "At what o'clock is the chair?", 'pk');
        }
      }
    }
  }
  return out;
}

/** The answer set of a question: what a random guesser picks from. */
export function answerSet(q: GoldQuestion): string[] {
  if (q.task === 'judgement') return ['yes', 'no'];
  return q.relation === 'cardinal' ? [...CARDINALS] : Array.from({ length: 12 }, (_, i) => String(i + 1));
}
