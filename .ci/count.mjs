// Sums the test reports written during `npm test` into CI's closing line.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [outDir, statusText] = process.argv.slice(2);
const status = Number(statusText);
const log = readFileSync(join(outDir, 'test.log'), 'utf8');
let passed = 0;
let failed = 0;

// Format check, lint and type check are gates before the suites: one test each.
const vitestPath = join(outDir, 'vitest.json');
if (existsSync(vitestPath)) {
  passed += 3; // format check, lint and type check passed, or Vitest would not have run
  const report = JSON.parse(readFileSync(vitestPath, 'utf8'));
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  // A file that fails to load has no tests but is a failure.
  for (const file of report.testResults ?? []) {
    if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) failed += 1;
  }
} else {
  failed += 1;
  const gate = /error TS\d+/.test(log)
    ? 'type check'
    : /Code style issues|prettier --write/.test(log)
      ? 'format check'
      : 'lint';
  console.log(`${gate} failed before the test suites ran: see the output above`);
}

const playwrightPath = join(outDir, 'playwright.json');
if (existsSync(playwrightPath)) {
  const report = JSON.parse(readFileSync(playwrightPath, 'utf8'));
  passed += report.stats?.expected ?? 0;
  failed += (report.stats?.unexpected ?? 0) + (report.stats?.flaky ?? 0);
}

if (status !== 0 && failed === 0) {
  console.log(`npm test exited with status ${status}: see the output above`);
  failed = 1;
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || status !== 0 ? 1 : 0);
