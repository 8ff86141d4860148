// Preload for running server/ modules in plain Node (`node --import tsx --import ./server/server-only-in-node.mjs`):
// the token-secrecy test and the benchmarks' server do. Server modules start with `import 'server-only'`, the
// guard that fails Next's build when code bound for the browser reaches them. That package throws unless it is
// resolved under React's `react-server` condition (then it is an empty module). Node's own
// `--conditions=react-server` would switch React and Next's renderer to their server builds as well, so this
// hook adds the condition for that one package only. The bundled server (scripts/start.mjs) and Vitest
// (vitest.config.ts) do the same in their own resolvers.
import { register } from 'node:module';

const hooks = `export function resolve(specifier, context, next) {
  if (specifier !== 'server-only') return next(specifier, context);
  return next(specifier, { ...context, conditions: [...context.conditions, 'react-server'] });
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
