import { expect, test, type Page } from '@playwright/test';
import { startSandbox, SANDBOX_ADMIN_PASSWORD, type RunningSandbox } from './sandbox-process';
import { screenshot } from './ui';

// The sandbox as a newcomer meets it: `iamroll start` with no configuration, then the browser.
test.describe.configure({ mode: 'serial' });

let sandbox: RunningSandbox;

test.beforeAll(async () => {
  sandbox = await startSandbox();
  console.log(`iamroll start: ready in ${sandbox.readyMs} ms`);
});

test.afterAll(async () => {
  const code = await sandbox?.stop();
  expect(code, 'iamroll start stops cleanly on SIGTERM').toBe(0);
});

async function signInToSandbox(page: Page, path = '/'): Promise<void> {
  await page.goto(`${sandbox.url}${path}`);
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill(SANDBOX_ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('current-user')).toContainText('admin');
}

test('the sandbox shows a fleet of 24 simulated nodes on two simulated databases', async ({ page }, testInfo) => {
  await test.step('Given `iamroll start` has printed the dashboard URL and the admin credentials', () => {
    expect(sandbox.output()).toContain(`Dashboard:  ${sandbox.url}/`);
    expect(sandbox.output()).toContain(`password ${SANDBOX_ADMIN_PASSWORD}`);
    expect(sandbox.output()).not.toMatch(/AKIA[A-Z0-9]{16}/);
  });
  await test.step('When the admin signs in', async () => {
    await signInToSandbox(page);
  });
  await test.step('Then the page says it is a sandbox, and both databases are there at 200/s', async () => {
    await expect(page.getByTestId('sandbox-banner')).toContainText('Sandbox');
    for (const identifier of ['sandbox-primary', 'sandbox-replica']) {
      const card = page.getByTestId('database-card').filter({ hasText: identifier });
      await expect(card).toBeVisible();
      await expect(card.getByRole('meter')).toHaveAttribute('aria-valuetext', /of 200\/s budget/);
    }
    await screenshot(page, testInfo, 'sandbox-fleet-overview');
  });
  await test.step('And the nodes page lists 24 nodes, some with findings', async () => {
    await page.getByRole('link', { name: 'Nodes', exact: true }).click();
    await expect(page.getByTestId('node-total')).toContainText('24 nodes');
    await expect(page.getByTestId('node-row').filter({ hasText: 'kong-001' })).toBeVisible();
    await screenshot(page, testInfo, 'sandbox-nodes');
  });
});

test('lowering what RDS admits throttles the canary nodes and raises an alarm', async ({ page }, testInfo) => {
  await test.step('Given the sandbox page, with the read replica taking IAM logins from the canaries', async () => {
    await signInToSandbox(page, '/sandbox');
    await expect(page.getByRole('heading', { name: 'Sandbox', level: 1 })).toBeVisible();
    await screenshot(page, testInfo, 'sandbox-controls');
  });
  await test.step('When the operator lowers the replica to 0 IAM logins a second', async () => {
    const replica = page.getByTestId('sandbox-instance').filter({ hasText: 'sandbox-replica' });
    await replica.getByLabel('RDS throttles above (logins/s)').fill('0');
    await replica.getByRole('button', { name: 'Set RDS throttling' }).click();
    await expect(replica.getByRole('status')).toContainText('admits 0 IAM logins/s');
  });
  await test.step('Then the simulator throttles, and an alarm on the replica opens', async () => {
    const replica = page.getByTestId('sandbox-instance').filter({ hasText: 'sandbox-replica' });
    await expect(replica.locator('.text-critical')).not.toHaveText('0', { timeout: 20_000 });
    await page.getByRole('link', { name: 'Alarms', exact: true }).click();
    await expect(page.getByTestId('alarm-row').filter({ hasText: 'sandbox-replica' }).first()).toBeVisible({
      timeout: 30_000,
    });
    await screenshot(page, testInfo, 'sandbox-throttling-alarm');
  });
});

test('breaking a node: its agent stops and the node goes stale', async ({ page }, testInfo) => {
  await test.step('Given the sandbox page', async () => {
    await signInToSandbox(page, '/sandbox');
  });
  await test.step('When the operator makes kong-005 fail its next restart and stops its agent', async () => {
    const row = page.getByTestId('sandbox-node').filter({ hasText: 'kong-005' });
    await row.getByRole('button', { name: 'Make the next restart of kong-005 fail' }).click();
    await expect(row).toContainText('next restart fails');
    await row.getByRole('button', { name: 'Stop the agent of kong-005' }).click();
    await expect(row).toContainText('agent stopped');
  });
  await test.step('Then a stale-node alarm for kong-005 opens', async () => {
    await page.getByRole('link', { name: 'Alarms', exact: true }).click();
    await expect(page.getByTestId('alarm-row').filter({ hasText: 'kong-005' }).first()).toBeVisible({
      timeout: 30_000,
    });
    await screenshot(page, testInfo, 'sandbox-broken-node');
  });
  await test.step('And repairing it brings its agent back', async () => {
    await page.goto(`${sandbox.url}/sandbox`);
    const row = page.getByTestId('sandbox-node').filter({ hasText: 'kong-005' });
    await row.getByRole('button', { name: 'Repair kong-005' }).click();
    await expect(row).toContainText('healthy');
  });
});
