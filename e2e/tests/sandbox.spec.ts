import { expect, test, type Page } from '@playwright/test';
import { startSandbox, SANDBOX_ADMIN_PASSWORD, type RunningSandbox } from './sandbox-process';
import { describeFindings } from './log-scan';
import { screenshot } from './ui';

// The sandbox as a newcomer meets it: `iamroll start` with no configuration, then the browser.
test.describe.configure({ mode: 'serial' });

let sandbox: RunningSandbox;

test.beforeAll(async () => {
  sandbox = await startSandbox();
  console.log(`iamroll start: ready in ${sandbox.readyMs} ms`);
});

test.afterAll(async () => {
  const stopped = await sandbox?.stop();
  expect(stopped?.code, 'iamroll start stops cleanly on SIGTERM').toBe(0);
  console.log(`secrets scan: ${stopped?.scannedLines ?? 0} lines the sandbox printed and logged`);
  expect(describeFindings(stopped?.secretFindings ?? []), 'no secret in what the sandbox printed or logged').toBe('');
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
  await test.step("And a database's page shows the simulator's own counts beside the agents'", async () => {
    await page.getByTestId('database-card').getByRole('link', { name: 'sandbox-replica', exact: true }).click();
    await expect(page.getByRole('heading', { name: 'sandbox-replica', level: 1 })).toBeVisible();
    const simulator = page.getByTestId('source-rates').filter({ hasText: 'As the RDS simulator counts them' });
    await expect(simulator.getByTestId('source-summary')).toContainText('IAM logins', { timeout: 30_000 });
    await screenshot(page, testInfo, 'sandbox-database-simulator-counts');
  });
  await test.step('And the nodes page lists 24 nodes, some with findings', async () => {
    await page.getByRole('link', { name: 'Nodes', exact: true }).click();
    await expect(page.getByTestId('node-total')).toContainText('24 nodes');
    await expect(page.getByTestId('node-row').filter({ hasText: 'kong-001' })).toBeVisible();
    await screenshot(page, testInfo, 'sandbox-nodes');
  });
});

test('a running read-only-first rollout pauses on a throttling alarm, stays paused when acknowledged, and rolls back', async ({
  page,
}, testInfo) => {
  // Sandbox nodes restart, log in and report through real agents: generous deadlines, waits on state only.
  test.setTimeout(300_000);
  const replica = () => page.getByTestId('sandbox-instance').filter({ hasText: 'sandbox-replica' });
  let rolloutUrl = '';

  await test.step('Given a read-only-first rollout of the read replica, running: its canary switched, baking', async () => {
    await signInToSandbox(page, '/rollouts/new');
    await expect(page.getByRole('heading', { name: 'New rollout', level: 1 })).toBeVisible();
    await page.getByLabel('Database', { exact: true }).selectOption({ label: 'sandbox-replica' });
    // A long bake holds the rollout after its canary: running, and still running when the budget drops.
    await page.getByLabel('Bake (seconds)').fill('900');
    const preview = page.getByTestId('rollout-preview');
    await expect(preview.getByRole('region', { name: 'Read-only connections to IAM' })).toContainText('node', {
      timeout: 30_000,
    });
    await page.getByLabel('Reason (audit log)').fill('e2e: the sandbox journey');
    await page.getByRole('button', { name: 'Create and start' }).click();
    await expect(page.getByRole('heading', { name: /^Rollout /, level: 1 })).toBeVisible();
    rolloutUrl = page.url();
    await expect(page.getByTestId('rollout-status')).toHaveText('running', { timeout: 30_000 });
    await expect(page.getByTestId('rollout-node-state').filter({ hasText: /^switched$/ })).toHaveCount(1, {
      timeout: 120_000,
    });
    await expect(page.getByTestId('rollout-bake')).toContainText('Bake ends in', { timeout: 60_000 });
    await expect(page.getByTestId('rollout-wave')).toContainText('canary, then');
    await screenshot(page, testInfo, 'journey-rollout-baking');
  });

  await test.step('When the operator lowers what the replica admits to 0 IAM logins a second', async () => {
    await page.getByRole('link', { name: 'Demo controls' }).click();
    await expect(page.getByRole('heading', { name: 'Sandbox', level: 1 })).toBeVisible();
    await screenshot(page, testInfo, 'sandbox-controls');
    await replica().getByLabel('RDS throttles above (logins/s)').fill('0');
    await replica().getByRole('button', { name: 'Set RDS throttling' }).click();
    await expect(replica().getByRole('status')).toContainText('admits 0 IAM logins/s');
  });

  let alarmText = '';
  await test.step('Then an alarm on the replica appears, and the rollout shows paused with the alarm as its reason', async () => {
    // The simulator throttles the IAM logins of the nodes already on IAM (the rollout's canary, whose idle connections close after 1 s).
    await expect(replica().locator('.text-critical')).not.toHaveText('0', { timeout: 30_000 });
    await page.getByRole('link', { name: 'Alarms', exact: true }).click();
    const alarm = page.getByTestId('alarm-row').filter({ hasText: 'sandbox-replica' }).first();
    await expect(alarm).toBeVisible({ timeout: 60_000 });
    await screenshot(page, testInfo, 'sandbox-throttling-alarm');
    alarmText = (await alarm.locator('strong').first().textContent()) ?? '';
    await page.goto(rolloutUrl);
    await expect(page.getByTestId('rollout-status')).toHaveText('paused', { timeout: 60_000 });
    await expect(page.getByText(/^by iamroll at .*alarm/)).toBeVisible();
    await screenshot(page, testInfo, 'journey-rollout-paused');
  });

  await test.step('When the operator acknowledges the alarm', async () => {
    await page.getByRole('link', { name: 'Alarms', exact: true }).click();
    const row = page.getByTestId('alarm-row').filter({ hasText: 'sandbox-replica' }).filter({ hasText: alarmText });
    await row
      .first()
      .getByRole('button', { name: /^Acknowledge / })
      .click();
    // Acknowledged alarms leave the Open list: see them under Acknowledged.
    await page.getByRole('button', { name: 'Acknowledged', exact: true }).click();
    await expect(row.filter({ hasText: 'by admin' }).first()).toContainText('acknowledged', { timeout: 20_000 });
  });

  await test.step('Then the rollout stays paused: acknowledging never resumes it', async () => {
    await page.goto(rolloutUrl);
    // A few reconciler passes (one a second) after the acknowledgement: still paused on each.
    const id = rolloutUrl.split('/').at(-1)!;
    for (let pass = 0; pass < 5; pass++) {
      const response = await page.request.get(`${sandbox.url}/api/v1/rollouts/${id}`);
      expect((await response.json()) as { status: string }).toMatchObject({ status: 'paused' });
      await page.waitForTimeout(1_000);
    }
    await expect(page.getByTestId('rollout-status')).toHaveText('paused');
  });

  await test.step('When the operator rolls it back with a reason', async () => {
    await page.getByRole('button', { name: 'Roll back…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Roll back this rollout?' });
    await dialog.getByLabel('Reason (audit log)').fill('e2e: back to passwords after throttling');
    await dialog.getByRole('button', { name: 'Roll back', exact: true }).click();
    await expect(dialog).toBeHidden();
  });

  await test.step('Then every node the rollout moved is back on passwords', async () => {
    await expect(page.getByTestId('rollout-status')).toHaveText('rolled_back', { timeout: 120_000 });
    const states = page.getByTestId('rollout-node-state');
    await expect(states.filter({ hasText: /^(switched|switching)$/ })).toHaveCount(0);
    await expect(states.filter({ hasText: /^reverted$/ })).toHaveCount(1);
    await screenshot(page, testInfo, 'journey-rolled-back');
    // Every node of the sandbox is on passwords again, read-only and read-write.
    await page.goto(`${sandbox.url}/nodes?ro=iam`);
    await expect(page.getByTestId('node-total')).toContainText('0 nodes', { timeout: 30_000 });
    await page.goto(`${sandbox.url}/nodes?rw=iam`);
    await expect(page.getByTestId('node-total')).toContainText('0 nodes', { timeout: 30_000 });
  });

  await test.step('And RDS admits 200 IAM logins a second again', async () => {
    await page.goto(`${sandbox.url}/sandbox`);
    await replica().getByLabel('RDS throttles above (logins/s)').fill('200');
    await replica().getByRole('button', { name: 'Set RDS throttling' }).click();
    await expect(replica().getByRole('status')).toContainText('admits 200 IAM logins/s');
  });
});

test('losing rds_iam: the rollout’s canary fails its switch, reverts to passwords, and the rollout pauses', async ({
  page,
}, testInfo) => {
  test.setTimeout(240_000);
  const iamUser = () => page.getByTestId('sandbox-iam-user').filter({ hasText: 'kong_iam' });
  let rolloutUrl = '';
  await test.step('Given the sandbox page, with kong_iam granted rds_iam', async () => {
    await signInToSandbox(page, '/sandbox');
    await expect(iamUser()).toContainText('granted rds_iam');
  });
  await test.step('When the operator revokes rds_iam from kong_iam', async () => {
    await iamUser().getByRole('button', { name: 'Revoke rds_iam from kong_iam' }).click();
    await expect(iamUser()).toContainText('rds_iam revoked');
    await screenshot(page, testInfo, 'sandbox-rds-iam-revoked');
  });
  await test.step('And starts a read-only-first rollout of the primary that stops at the first failure', async () => {
    await page.goto(`${sandbox.url}/rollouts/new`);
    await page.getByLabel('Database', { exact: true }).selectOption({ label: 'sandbox-primary' });
    await page.getByLabel('Bake (seconds)').fill('900');
    await page.getByLabel('Failure limit (nodes)').fill('0');
    await page.getByLabel('Reason (audit log)').fill('e2e: a rollout without rds_iam');
    await page.getByRole('button', { name: 'Create and start' }).click();
    await expect(page.getByRole('heading', { name: /^Rollout /, level: 1 })).toBeVisible();
    rolloutUrl = page.url();
  });
  await test.step('Then its canary fails the switch, with the reason, and the rollout pauses', async () => {
    const failed = page
      .getByTestId('rollout-node-row')
      .filter({ has: page.getByTestId('rollout-node-state').getByText('failed', { exact: true }) });
    await expect(failed).toHaveCount(1, { timeout: 120_000 });
    await expect(page.getByTestId('rollout-status')).toHaveText('paused', { timeout: 60_000 });
    await screenshot(page, testInfo, 'rollout-canary-failed-without-rds-iam');
    // The agent restored the node's kong.conf: it is on passwords.
    await failed.getByRole('link').click();
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
    await expect(page.locator('dt:text-is("Stage") + dd')).toHaveText(/^passwords/, { timeout: 30_000 });
  });
  await test.step('And once rds_iam is granted back and the rollout aborted, the sandbox is as before', async () => {
    await page.goto(`${sandbox.url}/sandbox`);
    await iamUser().getByRole('button', { name: 'Grant rds_iam to kong_iam' }).click();
    await expect(iamUser()).toContainText('granted rds_iam');
    await page.goto(rolloutUrl);
    await page.getByRole('button', { name: 'Abort…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Reason (audit log)').fill('e2e: done with the rds_iam demo');
    await dialog.getByRole('button', { name: 'Abort', exact: true }).click();
    await expect(page.getByTestId('rollout-status')).toHaveText('aborted', { timeout: 30_000 });
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
    // Stale after three missed heartbeats: an idle node's keep-alive is 10 s, so 30 s and a pass or two.
    await expect(page.getByTestId('alarm-row').filter({ hasText: 'kong-005' }).first()).toBeVisible({
      timeout: 90_000,
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
