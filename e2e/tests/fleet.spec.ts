import { expect, test } from '@playwright/test';
import { createDatabase, enrollNodes, sendHeartbeat, signIn, uniqueName } from './fleet-api';
import { logInThroughForm, screenshot } from './ui';

test('the fleet overview shows each database against its budget, and its detail the rate graph', async ({
  page,
  request,
}, testInfo) => {
  const identifier = uniqueName('orders-db');
  const host = `${identifier}.abc.us-east-1.rds.amazonaws.com`;
  await test.step('Given a registered database with IAM nodes connecting to it', async () => {
    const admin = await signIn();
    await createDatabase(admin, { identifier, host, budgetPerSecond: 200 });
    await admin.dispose();
    const nodes = await enrollNodes(request, [uniqueName('kong-fleet'), uniqueName('kong-fleet')]);
    for (const node of nodes) {
      await sendHeartbeat(request, node, { seq: 0, host, iam: true, attempts: 0 });
      await sendHeartbeat(request, node, { seq: 1, host, iam: true, attempts: 40 });
    }
  });
  await test.step('When the admin opens the dashboard', async () => {
    await page.goto('/');
    await logInThroughForm(page);
  });
  await test.step('Then the database is there with its rate, peak, warning line and budget', async () => {
    const card = page.getByTestId('database-card').filter({ hasText: identifier });
    await expect(card).toBeVisible();
    await expect(card.getByRole('meter')).toHaveAttribute('aria-valuetext', /of 200\/s budget/);
    await expect(card.getByText('Budget', { exact: false }).first()).toBeVisible();
    await expect(card.getByText('200/s')).toBeVisible();
    await expect(card.getByText('160/s')).toBeVisible(); // the warning line at 80 %
    await expect(page.getByTestId('live-indicator')).toContainText('Live');
    await screenshot(page, testInfo, 'fleet-overview');
  });
  await test.step('When the admin opens the database and picks the last hour', async () => {
    await page
      .getByTestId('database-card')
      .filter({ hasText: identifier })
      .getByRole('link', { name: identifier })
      .click();
    await expect(page.getByRole('heading', { name: identifier, level: 1 })).toBeVisible();
    await page.getByRole('button', { name: 'Last hour' }).click();
  });
  await test.step('Then the rate graph for that range is drawn with its budget lines', async () => {
    await expect(page).toHaveURL(/range=1h/);
    await expect(page.getByRole('button', { name: 'Last hour' })).toHaveAttribute('aria-pressed', 'true');
    await expect(page.locator('.chart-canvas canvas')).toBeVisible();
    await expect(page.locator('.u-legend')).toContainText('budget');
    await screenshot(page, testInfo, 'database-detail');
  });
});
