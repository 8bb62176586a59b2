import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from './package-root.cjs';

/** The package version (from package.json). */
export const version: string = (JSON.parse(fs.readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
