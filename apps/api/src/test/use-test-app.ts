import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { AppConfig, AppDeps } from '../app';
import { createTestApp, createTestAppOn, type TestApp } from './test-app';
import { startTestPostgres, type TestDatabase, type TestPostgres } from './test-postgres';

const SETUP_TIMEOUT_MS = 60_000;

/**
 * One embedded PostgreSQL for the enclosing describe (or file), started before its
 * tests and stopped after them. Returns a TestPostgres that forwards to the live one,
 * so tests read `postgres.createDatabase()`.
 */
export function useTestPostgres(): TestPostgres {
  let current: TestPostgres | undefined;
  const live = (): TestPostgres => {
    if (!current) throw new Error('useTestPostgres: PostgreSQL is only available inside tests (after beforeAll)');
    return current;
  };
  beforeAll(async () => {
    current = await startTestPostgres();
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await current?.stop();
  });
  return {
    get server() {
      return live().server;
    },
    createDatabase: () => live().createDatabase(),
    createEmptyDatabase: () => live().createEmptyDatabase(),
    stop: () => live().stop(),
  };
}

export interface UseTestAppOptions {
  /** A PostgreSQL shared with other apps of the file (from useTestPostgres); default: one of its own. */
  readonly postgres?: TestPostgres;
  /** Another API process on this app's database (declared before it, so it starts first and closes last). */
  readonly sameDatabaseAs?: { readonly database: TestDatabase };
  /** A new app on a new database for every test (for tests that each need the same starting state). */
  readonly isFreshPerTest?: boolean;
}

/**
 * The usual test file: one embedded PostgreSQL and one app on a fresh database,
 * started before the file's (or describe's) tests and stopped after them. Returns a
 * TestApp that forwards to the live one, so tests read `t.app.inject(...)`.
 */
export function useTestApp(
  overrides: Partial<AppConfig> = {},
  deps: AppDeps = {},
  options: UseTestAppOptions = {},
): TestApp & { readonly postgres: TestPostgres } {
  const isSharing = options.postgres !== undefined || options.sameDatabaseAs !== undefined;
  let postgres: TestPostgres | undefined = options.postgres;
  let current: TestApp | undefined;
  const live = (): TestApp => {
    if (!current) throw new Error('useTestApp: the app is only available inside tests (after beforeAll)');
    return current;
  };

  beforeAll(async () => {
    if (options.sameDatabaseAs) {
      current = await createTestAppOn(options.sameDatabaseAs.database, overrides, deps);
      return;
    }
    postgres ??= await startTestPostgres();
    if (!options.isFreshPerTest) current = await createTestApp(postgres, overrides, deps);
  }, SETUP_TIMEOUT_MS);

  if (options.isFreshPerTest) {
    beforeEach(async () => {
      current = await createTestApp(postgres!, overrides, deps);
    }, SETUP_TIMEOUT_MS);
    afterEach(async () => {
      await current?.close();
      current = undefined;
    });
  }

  afterAll(async () => {
    await current?.close();
    if (!isSharing) await postgres?.stop();
  });

  return {
    get postgres() {
      if (!postgres) throw new Error('useTestApp: PostgreSQL is only available inside tests (after beforeAll)');
      return postgres;
    },
    get app() {
      return live().app;
    },
    get database() {
      return live().database;
    },
    login: (username, password) => live().login(username, password),
    admin: () => live().admin(),
    sessionAs: (role, username) => live().sessionAs(role, username),
    close: () => live().close(),
  };
}
