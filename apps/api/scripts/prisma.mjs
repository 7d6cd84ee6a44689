#!/usr/bin/env node
// Runs the Prisma CLI offline. Every Prisma command first tries to download
// the native schema engine, which fails without network access; pointing
// PRISMA_SCHEMA_ENGINE_BINARY at a stub satisfies that check. `generate`,
// `validate` and `format` never run the engine, so they work; `migrate` does
// not (the app applies migrations itself: src/db/migrate.ts).
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const cli = createRequire(import.meta.url).resolve('prisma/build/index.js');
const stubDir = mkdtempSync(join(tmpdir(), 'iamroll-prisma-'));
const stub = join(stubDir, 'schema-engine');
writeFileSync(stub, '#!/bin/sh\necho "schema-engine-cli offline-stub"\n');
chmodSync(stub, 0o755);

const env = { ...process.env, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= stub;
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { cwd: repoRoot, env, stdio: 'inherit' });
rmSync(stubDir, { recursive: true, force: true });
process.exitCode = result.status ?? 1;
