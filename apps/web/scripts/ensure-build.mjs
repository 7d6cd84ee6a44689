// Builds the dashboard when dist/ is missing or older than its sources, so
// `npm install && npm start` needs no extra step and a `git pull` is picked up.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const builtIndex = join(root, 'dist', 'index.html');

function newestMtimeMs(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) {
    if (entry.endsWith('.test.ts') || entry.endsWith('.test.tsx')) continue;
    newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  }
  return newest;
}

const sources = ['src', 'index.html', 'vite.config.ts', 'package.json', '../../packages/contracts/src'];
const sourcesMtimeMs = Math.max(...sources.map((source) => newestMtimeMs(join(root, source))));
if (existsSync(builtIndex) && statSync(builtIndex).mtimeMs >= sourcesMtimeMs) process.exit(0);

console.log('Building the dashboard (apps/web, once; a few seconds)…');
const result = spawnSync(
  process.execPath,
  [join(root, '../../node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
