// Development tool: writes the next migration from the difference between
// the migrations so far and schema.prisma, using the WebAssembly schema
// engine (the Prisma CLI's `migrate dev` needs a native engine it cannot
// download here). Usage: npm run -w @iamroll/api prisma:new-migration -- <name>
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startEmbeddedPg } from '@iamroll/embedded-pg';
import pg from 'pg';
import { applyMigrations } from './migrate';
import { DEFAULT_MIGRATIONS_DIR, readMigrations } from './migrations';
import { SCHEMA_PATH, diffDatabaseToSchema } from './schema-diff';

export interface NewMigrationOptions {
  readonly name: string;
  readonly migrationsDir?: string;
  readonly schemaPath?: string;
  readonly now?: Date;
}

/** `20261129070000`: Prisma's migration timestamp (UTC). */
export function migrationTimestamp(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

/** Returns the new migration's directory, or null when the migrations already match schema.prisma. */
export async function createMigration(options: NewMigrationOptions): Promise<string | null> {
  const migrationsDir = options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const root = await mkdtemp(join(tmpdir(), 'iamroll-new-migration-'));
  await chmod(root, 0o755); // as root, PostgreSQL runs as `postgres`, which must enter it
  const server = await startEmbeddedPg({ dataDir: join(root, 'pg'), isPersistent: false, isDurable: false });
  try {
    await server.ensureDatabase('shadow');
    const pool = new pg.Pool({ connectionString: server.connectionString('shadow'), max: 1 });
    try {
      await applyMigrations(pool, await readMigrations(migrationsDir), {
        info: () => undefined,
        warn: () => undefined,
      });
    } finally {
      await pool.end();
    }
    const target = {
      host: server.host,
      port: server.port,
      user: server.user,
      password: server.password,
      database: 'shadow',
    };
    const { script } = await diffDatabaseToSchema(target, options.schemaPath ?? SCHEMA_PATH);
    if (!script) return null;
    const dir = join(migrationsDir, `${migrationTimestamp(options.now ?? new Date())}_${options.name}`);
    await mkdir(dir);
    await writeFile(join(dir, 'migration.sql'), `${script}\n`);
    return dir;
  } finally {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  }
}

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain) {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9_]+$/.test(name)) {
    process.stderr.write('usage: npm run -w @iamroll/api prisma:new-migration -- <name in snake_case>\n');
    process.exitCode = 2;
  } else {
    const dir = await createMigration({ name });
    if (dir) {
      process.stdout.write(
        `wrote ${relative(process.cwd(), join(dir, 'migration.sql'))}\n` +
          'Next: add what Prisma cannot express (CHECKs, triggers), run `npm run -w @iamroll/api prisma:generate`, ' +
          'then the migration test (src/db/migrate.test.ts).\n',
      );
    } else {
      process.stdout.write('schema.prisma and prisma/migrations already agree: no migration needed.\n');
    }
  }
}
