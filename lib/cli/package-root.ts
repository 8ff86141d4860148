// Where this CLI is installed: the folder holding bin/conveyor (and skills/). Found from the running script, so a
// checkout and an npm install both work; only the CLI needs it (lib gets the paths it needs as input).
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function packageRoot(): string {
  const script = process.argv[1];
  if (script) {
    try {
      const root = dirname(dirname(realpathSync(script)));
      if (existsSync(join(root, 'package.json'))) return root;
    } catch {
      // fall through
    }
  }
  return process.cwd();
}

/** The package's bin/ folder when it holds conveyor (put on PATH inside legacy panes), else null. */
export function packageBinDir(): string | null {
  const bin = join(packageRoot(), 'bin');
  return existsSync(join(bin, 'conveyor')) ? bin : null;
}
