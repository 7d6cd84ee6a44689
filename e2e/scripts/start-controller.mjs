// Playwright's webServer: a fresh controller for one e2e run. Builds the
// dashboard when needed, wipes the data directory (so the first admin gets
// IAMROLL_ADMIN_PASSWORD), then runs `iamroll serve` until told to stop.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';

const build = spawnSync(process.execPath, ['apps/web/scripts/ensure-build.mjs'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const dataDir = process.env.IAMROLL_DATA_DIR;
if (!dataDir || !dataDir.includes('iamroll-e2e')) throw new Error('IAMROLL_DATA_DIR must be the e2e data directory');
rmSync(dataDir, { recursive: true, force: true });

const controller = spawn(process.execPath, ['apps/cli/bin/iamroll.js', 'serve'], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => controller.kill(signal));
controller.on('exit', (code) => {
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(code ?? 0);
});
