// Builds once before the browser tests: the server bundle always (fast), `next build` only when app/
// changed since the last build. Every spec then starts its own server on its own database (deck.ts).
import { spawnSync } from 'node:child_process';

export default function globalSetup(): void {
  const result = spawnSync(process.execPath, ['scripts/start.mjs', '--build-only'], {
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) throw new Error(`building the dashboard failed (exit ${result.status})`);
}
