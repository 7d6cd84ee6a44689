import { defineConfig } from '@playwright/test';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// End-to-end: a real controller (embedded PostgreSQL, fresh data each run) serving
// the built dashboard, driven in Debian's Chromium. See e2e/README.md.
// Below Linux's ephemeral range (32768–60999): a port the OS handed to some client cannot collide with it.
const port = Number(process.env.E2E_PORT ?? 28_080);
export const E2E = {
  baseURL: `http://127.0.0.1:${port}`,
  adminPassword: 'e2e-admin-password-0123',
  enrollmentToken: 'e2e-bootstrap-enrollment-token',
  dataDir: join(tmpdir(), `iamroll-e2e-${port}`),
};
// Read by the tests (they run in worker processes that load this file too).
process.env.E2E_BASE_URL = E2E.baseURL;
process.env.E2E_ADMIN_PASSWORD = E2E.adminPassword;
process.env.E2E_ENROLLMENT_TOKEN = E2E.enrollmentToken;
process.env.E2E_CONTROLLER_LOG = join(E2E.dataDir, 'api.log');

const jsonReport = process.env.PLAYWRIGHT_JSON_OUTPUT_NAME;

export default defineConfig({
  testDir: 'tests',
  outputDir: '../test-results',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // One controller, two cores: tests run one at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  // The secrets scan of the controller's log (the sandbox spec scans its own sandbox's).
  globalTeardown: './global-teardown.ts',
  forbidOnly: !!process.env.CI,
  // The JSON reporter writes to PLAYWRIGHT_JSON_OUTPUT_NAME (.ci/run counts it).
  reporter: jsonReport ? [['list'], ['json']] : [['list']],
  use: {
    baseURL: E2E.baseURL,
    browserName: 'chromium',
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    command: `node e2e/scripts/start-controller.mjs`,
    cwd: '..',
    url: `${E2E.baseURL}/api/ready`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
    env: {
      IAMROLL_PORT: String(port),
      IAMROLL_HOST: '127.0.0.1',
      IAMROLL_DATA_DIR: E2E.dataDir,
      IAMROLL_ADMIN_PASSWORD: E2E.adminPassword,
      IAMROLL_ENROLLMENT_TOKEN: E2E.enrollmentToken,
      IAMROLL_LOG_FILE: process.env.E2E_CONTROLLER_LOG,
      IAMROLL_LOGIN_ATTEMPTS_PER_MINUTE: '1000',
      // Every request in api.log (method, URL, status): more for the secrets scan to read.
      LOG_LEVEL: 'debug',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  },
});
