// Preloaded into every measured process (`node -r bench/measure.js ...`): at exit it writes the
// process's own CPU time and peak memory to $BENCH_MEASURE_FILE. The harness times the wall
// clock of the whole process from outside.
'use strict';
const file = process.env.BENCH_MEASURE_FILE;
if (file) {
  process.on('exit', (code) => {
    const usage = process.resourceUsage();
    require('fs').writeFileSync(file, JSON.stringify({
      code,
      cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
      maxRssMiB: usage.maxRSS / 1024,
    }));
  });
}
