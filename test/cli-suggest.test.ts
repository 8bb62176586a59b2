// "Did you mean …?" for every command: unknown commands (main), unknown flags of rotate, eval and
// bench (one parseArgs in src/cli/suggest.ts), and the distance behind it.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { closest, editDistance } from '../src/cli/suggest.js';
import { packageRoot } from '../src/backend/index.js';

const cli = path.join(packageRoot, 'dist', 'cli', 'main.js');
const built = fs.existsSync(path.join(packageRoot, 'dist', 'cli', 'suggest.js'));
const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

describe('suggestions', () => {
  it('edit distance counts a swap of neighbours as one edit; closest() needs a close or a unique-prefix match', () => {
    expect(editDistance('groups', 'groups')).toBe(0);
    expect(editDistance('grups', 'groups')).toBe(1);
    expect(editDistance('gorups', 'groups')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(closest('--grups', ['--groups', '--seed'])).toBe('--groups');
    expect(closest('--over', ['--overwrite', '--out'])).toBe('--overwrite');
    expect(closest('rotat', ['rotate', 'eval', 'bench', 'info'])).toBe('rotate');
    expect(closest('xyz', ['rotate', 'eval', 'bench', 'info'])).toBeNull();
    expect(closest('--o', ['--out', '--overwrite'])).toBeNull();  // an ambiguous prefix, two edits from the nearest
  });

  describe.skipIf(!built)(`through the built CLI${built ? '' : ' [skipped: run npm run build:ts first]'}`, () => {
    it('an unknown command names the closest one', () => {
      const r = run('rotat');
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/spatialkit: unknown command 'rotat'\. Did you mean rotate\? Commands: rotate, view, eval, bench, info\./);
      expect(run('evla').stderr).toMatch(/Did you mean eval\?/);
      expect(run('veiw').stderr).toMatch(/Did you mean view\?/);
      expect(run('frobnicate').stderr).not.toMatch(/Did you mean/);
    });

    it('unknown flags of rotate, view, eval and bench name the closest flag', () => {
      expect(run('rotate', '--seeed', '1').stderr).toMatch(/Unknown option '--seeed'\. Did you mean --seed\?/);
      expect(run('view', 'x', '--gruop', '1').stderr).toMatch(/spatialkit view: Unknown option '--gruop'\. Did you mean --group\?/);
      const e = run('eval', '--gld', 'x.jsonl');
      expect(e.status).toBe(2);
      expect(e.stderr).toMatch(/spatialkit eval: Unknown option '--gld'\. Did you mean --gold\?/);
      const b = run('bench', '--quik');
      expect(b.status).not.toBe(0);
      expect(b.stderr).toMatch(/Unknown option '--quik'\. Did you mean --quick\?/);
    });
  });
});
