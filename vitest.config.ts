import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// When .ci/run sets VITEST_JSON_REPORT, Vitest also writes a JSON summary there
// so CI can print one `N passed, N failed` line across every suite.
const jsonReport = process.env.VITEST_JSON_REPORT;

// One Vitest run covers every workspace: each folder below is a project
// named after its package, so `vitest run --project @iamroll/core` works.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'bench'],
    // Most files wait on a real PostgreSQL, TLS logins and agents' timers rather than on the CPU:
    // Vitest's default of cores − 1 would run them one at a time on a 2-core machine (11.7 min
    // against 6.9 min with three at once, measured on one).
    maxWorkers: Math.max(3, availableParallelism() - 1),
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
  },
});
