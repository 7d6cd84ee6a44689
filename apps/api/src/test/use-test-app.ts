import { afterAll, beforeAll } from 'vitest';
import type { AppConfig, AppDeps } from '../app';
import { createTestApp, type TestApp } from './test-app';
import { startTestPostgres, type TestPostgres } from './test-postgres';

/**
 * The usual test file: one embedded PostgreSQL and one app on a fresh database,
 * started before the file's tests and stopped after them. Returns a TestApp
 * that forwards to the live one, so tests read `t.app.inject(...)`.
 */
export function useTestApp(
  overrides: Partial<AppConfig> = {},
  deps: AppDeps = {},
): TestApp & { readonly postgres: TestPostgres } {
  let postgres: TestPostgres | undefined;
  let current: TestApp | undefined;
  const live = (): TestApp => {
    if (!current) throw new Error('useTestApp: the app is only available inside tests (after beforeAll)');
    return current;
  };

  beforeAll(async () => {
    postgres = await startTestPostgres();
    current = await createTestApp(postgres, overrides, deps);
  }, 60_000);

  afterAll(async () => {
    await current?.close();
    await postgres?.stop();
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
