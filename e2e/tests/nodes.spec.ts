import { expect, test } from '@playwright/test';
import { createEnrollmentToken, enrollNodes, sendHeartbeat, signIn, uniqueName } from './fleet-api';
import { logInThroughForm, screenshot } from './ui';

const NODE_COUNT = 120;

test('nodes that heartbeat show in the nodes table, filterable, with their findings and fixes', async ({
  page,
  request,
}, testInfo) => {
  const prefix = uniqueName('kong-edge');
  await test.step(`Given ${NODE_COUNT} enrolled nodes heartbeating, one with a lint finding`, async () => {
    const admin = await signIn();
    const token = await createEnrollmentToken(admin, NODE_COUNT);
    await admin.dispose();
    const hostnames = Array.from({ length: NODE_COUNT }, (_, index) => `${prefix}-${String(index).padStart(3, '0')}`);
    const nodes = await enrollNodes(request, hostnames, token);
    await Promise.all(
      nodes.map((node, index) =>
        sendHeartbeat(request, node, {
          seq: 0,
          findings:
            index === 7
              ? [
                  {
                    rule: 'pg-ssl-required',
                    severity: 'error',
                    key: 'pg_ssl',
                    message: 'IAM authentication needs TLS, and pg_ssl is off.',
                    fix: 'Set pg_ssl = on and pg_ssl_verify = on in kong.conf.',
                  },
                ]
              : [],
        }),
      ),
    );
  });
  await test.step('When the admin opens the nodes page and searches for them', async () => {
    await page.goto('/nodes');
    await logInThroughForm(page);
    await page.getByLabel('Search').fill(prefix);
  });
  await test.step('Then all of them are counted, and only the visible rows are in the page', async () => {
    await expect(page.getByTestId('node-total')).toContainText(`${NODE_COUNT} nodes`);
    await expect(page).toHaveURL(new RegExp(`q=${prefix}`));
    const rendered = await page.getByTestId('node-row').count();
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(NODE_COUNT);
    await screenshot(page, testInfo, 'nodes');
  });
  await test.step('And the auth-mode filters go to the API: none of them is on IAM', async () => {
    await page.getByLabel('Read-write auth').selectOption({ label: 'IAM' });
    await expect(page).toHaveURL(/rw=iam/);
    await expect(page.getByTestId('node-total')).toContainText('0 nodes');
    await page.getByLabel('Read-write auth').selectOption({ label: 'Password' });
    await expect(page.getByTestId('node-total')).toContainText(`${NODE_COUNT} nodes`);
    await page.getByLabel('Read-write auth').selectOption({ label: 'Any' });
  });
  await test.step('When the table, sorted by hostname, is sorted the other way', async () => {
    await expect(page.getByRole('columnheader', { name: /Hostname/ })).toHaveAttribute('aria-sort', 'ascending');
    await page.getByRole('button', { name: /^Hostname/ }).click();
  });
  await test.step('Then the last node comes first', async () => {
    await expect(page.getByTestId('node-row').first()).toContainText(`${prefix}-${NODE_COUNT - 1}`);
    await expect(page.getByRole('columnheader', { name: /Hostname/ })).toHaveAttribute('aria-sort', 'descending');
  });
  await test.step('When the admin opens the node with a finding', async () => {
    await page.getByLabel('Search').fill(`${prefix}-007`);
    await expect(page.getByTestId('node-total')).toContainText('1 node');
    await page.getByRole('link', { name: `${prefix}-007` }).click();
  });
  await test.step('Then it reads what is wrong and the fix', async () => {
    await expect(page.getByRole('heading', { name: `${prefix}-007`, level: 1 })).toBeVisible();
    await expect(page.getByText('IAM authentication needs TLS')).toBeVisible();
    await expect(page.getByText('Set pg_ssl = on and pg_ssl_verify = on in kong.conf.')).toBeVisible();
    // The planned edit of its next stage (read-write: it has no read-only connection), and no password in it.
    const plan = page.getByTestId('node-plan-changes');
    await expect(plan.getByRole('row', { name: /pg_user/ })).toContainText('kong_iam');
    await expect(plan.getByRole('row', { name: /pg_password/ })).toContainText('kept for rollback');
    await screenshot(page, testInfo, 'node-detail');
  });
});
