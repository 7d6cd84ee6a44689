import { defineConfig } from 'vitest/config';

// When .ci/run sets VITEST_JSON_REPORT, Vitest also writes a JSON summary there
// so CI can print one `N passed, N failed` line across every suite.
const jsonReport = process.env.VITEST_JSON_REPORT;

// One Vitest run covers every workspace: each folder below is a project
// named after its package, so `vitest run --project @iamroll/core` works.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
    reporters: jsonReport ? ['default', ['json', { outputFile: jsonReport }]] : ['default'],
  },
});
