import type { Role } from '@iamroll/contracts';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppConfig, type AppDeps } from '../app';
import { CLOUDWATCH_OFF } from '../config';
import type { TestDatabase, TestPostgres } from './test-postgres';
import { SESSION_COOKIE } from '../modules/auth/authenticate';

export const TEST_ADMIN_PASSWORD = 'admin-password-for-tests';
export const TEST_USER_PASSWORD = 'user-password-for-tests';

/** A config as loadConfig would give, quiet and with a known admin password. */
export function testConfig(databaseUrl: string, overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    databaseUrl,
    dataDir: '.data/test',
    host: '127.0.0.1',
    port: 0,
    publicUrl: undefined,
    isCookieSecure: false,
    isProxyTrusted: false,
    adminPassword: TEST_ADMIN_PASSWORD,
    enrollmentToken: undefined,
    sessionTtlHours: 12,
    loginAttemptsPerMinute: 1000,
    loginAttemptsPerClientPerMinute: 1000,
    dbPoolSize: 5,
    embeddedPgNice: 0,
    logFile: undefined,
    logLevel: 'silent',
    cloudWatch: CLOUDWATCH_OFF,
    metricsToken: undefined,
    metricsListen: undefined,
    // The keep-alive governor off: a busy test worker's event loop must not lengthen what tests expect.
    heartbeatKeepAliveMaxMs: 10_000,
    ...overrides,
  };
}

/** A signed-in browser: send `headers` with every request (cookie + CSRF token). */
export interface TestSession {
  readonly user: { readonly id: string; readonly username: string; readonly role: Role };
  readonly cookie: string;
  readonly csrfToken: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface TestApp {
  readonly app: FastifyInstance;
  readonly database: TestDatabase;
  /** Signs in; throws unless the login succeeds. */
  login(username: string, password: string): Promise<TestSession>;
  /** The first admin (`admin` / TEST_ADMIN_PASSWORD), signed in. */
  admin(): Promise<TestSession>;
  /** Creates a user with this role (through the API, as admin) and signs in as them. */
  sessionAs(role: Role, username?: string): Promise<TestSession>;
  close(): Promise<void>;
}

let userCounter = 0;

/** A ready app on its own fresh database. Close it in afterAll/afterEach. */
export async function createTestApp(
  postgres: TestPostgres,
  overrides: Partial<AppConfig> = {},
  deps: AppDeps = {},
): Promise<TestApp> {
  const database = await postgres.createDatabase();
  return createTestAppOn(database, overrides, deps);
}

/** An app on an existing database (several apps sharing one database, as several API processes would). */
export async function createTestAppOn(
  database: TestDatabase,
  overrides: Partial<AppConfig> = {},
  deps: AppDeps = {},
): Promise<TestApp> {
  const app = await buildApp(testConfig(database.url, overrides), deps);
  await app.ready();
  let adminSession: TestSession | undefined;

  const login = async (username: string, password: string): Promise<TestSession> => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
    if (response.statusCode !== 200)
      throw new Error(`login as ${username} failed: ${response.statusCode} ${response.body}`);
    const cookie = sessionCookieOf(response);
    const body = response.json<{ user: TestSession['user']; csrfToken: string }>();
    return { user: body.user, cookie, csrfToken: body.csrfToken, headers: { cookie, 'x-csrf-token': body.csrfToken } };
  };
  const admin = async () => (adminSession ??= await login('admin', TEST_ADMIN_PASSWORD));

  return {
    app,
    database,
    login,
    admin,
    async sessionAs(role, username = `user${++userCounter}-${role}`) {
      if (role === 'admin' && username === 'admin') return admin();
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/users',
        headers: (await admin()).headers,
        payload: { username, password: TEST_USER_PASSWORD, role },
      });
      if (created.statusCode !== 201)
        throw new Error(`creating ${username} failed: ${created.statusCode} ${created.body}`);
      return login(username, TEST_USER_PASSWORD);
    },
    close: () => app.close(),
  };
}

/** `iamroll_session=…` from a login response's Set-Cookie. */
export function sessionCookieOf(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((c) => c.name === SESSION_COOKIE);
  if (!cookie) throw new Error('no session cookie in the response');
  return `${cookie.name}=${cookie.value}`;
}

/** Polls until `check` holds (or fails after timeoutMs): for things that happen "within seconds". */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  intervalMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
