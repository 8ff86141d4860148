// Preloaded into a measured process: writes its peak resident set (KiB) and the CPU time it used, user +
// system (µs), to $RSS_PROBE_OUT on exit.
const { writeFileSync } = require('node:fs');
process.on('exit', () => {
  const usage = process.resourceUsage();
  if (process.env.RSS_PROBE_OUT)
    writeFileSync(process.env.RSS_PROBE_OUT, `${usage.maxRSS} ${usage.userCPUTime + usage.systemCPUTime}`);
});
