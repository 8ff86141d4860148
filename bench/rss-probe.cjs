// Preloaded into a measured process: writes its peak resident set (KiB) to $RSS_PROBE_OUT on exit.
const { writeFileSync } = require('node:fs');
process.on('exit', () => {
  if (process.env.RSS_PROBE_OUT) writeFileSync(process.env.RSS_PROBE_OUT, String(process.resourceUsage().maxRSS));
});
