// The installed package's root folder, which doctor and doctor-self report: the nearest folder above the running
// script (bin/conveyor or dist/conveyor.cjs) that holds a package.json.
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function packageRoot(): string {
  let dir = dirname(realpathSync(process.argv[1] ?? process.cwd()));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}
