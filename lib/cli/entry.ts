// Process entry of bin/conveyor (bundled to dist/conveyor.mjs).
import { main } from './main.js';

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => controller.abort());
}
const code = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  signal: controller.signal,
});
// process.exitCode, not process.exit(): pending writes to a pipe still flush.
process.exitCode = code;
