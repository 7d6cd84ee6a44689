import { expect, test } from '@playwright/test';
import { createDatabase, enrollNodes, sendHeartbeat, signIn, uniqueName } from './fleet-api';
import { logInThroughForm, screenshot } from './ui';

test('lowering a database budget below its rate raises an alarm on the open page', async ({
  page,
  request,
}, testInfo) => {
  const identifier = uniqueName('billing-db');
  const host = `${identifier}.abc.us-east-1.rds.amazonaws.com`;
  let databaseId = '';
  let isBeating = true;
  let beats: Promise<void> = Promise.resolve();
  await test.step('Given a database taking about 30 IAM logins a second under its 200/s budget', async () => {
    const admin = await signIn();
    databaseId = (await createDatabase(admin, { identifier, host, budgetPerSecond: 200 })).id;
    await admin.dispose();
    const [node] = await enrollNodes(request, [uniqueName('kong-billing')]);
    // An agent's counters: 30 more IAM connection attempts every second.
    beats = (async () => {
      for (let seq = 0; isBeating; seq++) {
        await sendHeartbeat(request, node!, { seq, host, iam: true, attempts: seq * 30, intervalMs: 1_000 });
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    })();
  });
  try {
    await test.step('And the admin on its page', async () => {
      await page.goto(`/databases/${databaseId}`);
      await logInThroughForm(page);
      await expect(page.getByRole('heading', { name: identifier, level: 1 })).toBeVisible();
      await expect(page.getByRole('meter')).toHaveAttribute('aria-valuetext', /^(1\d|2\d|3\d)(\.\d)?\/s of 200\/s/, {
        timeout: 20_000,
      });
    });
    let savedAtMs = 0;
    await test.step('When the admin lowers the budget to 10/s, with a reason', async () => {
      await page.getByLabel('Budget (logins/s)').fill('10');
      await page.getByLabel('Reason (audit log)').fill('e2e: force throttling');
      await page.getByRole('button', { name: 'Save budget' }).click();
      savedAtMs = Date.now();
    });
    await test.step('Then a critical rate alarm appears on the page without a reload', async () => {
      const alarm = page.getByTestId('alarm-row').filter({ hasText: 'db-rate-critical' });
      await expect(alarm).toBeVisible({ timeout: 15_000 });
      const latencyMs = Date.now() - savedAtMs;
      console.log(`budget lowered → rate alarm visible: ${latencyMs} ms`);
      testInfo.annotations.push({ type: 'budget-alarm-latency-ms', description: String(latencyMs) });
      await expect(page.getByRole('meter')).toHaveAttribute('aria-valuetext', /of 10\/s budget/);
      await screenshot(page, testInfo, 'database-over-budget');
    });
  } finally {
    isBeating = false;
    await beats;
  }
});
