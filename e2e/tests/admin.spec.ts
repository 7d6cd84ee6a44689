import { expect, test } from '@playwright/test';
import { uniqueName } from './fleet-api';
import { logInThroughForm, screenshot } from './ui';

test('an admin creates an enrollment token, sees it once, and finds the action in the audit log', async ({
  page,
}, testInfo) => {
  const name = uniqueName('edge-fleet');
  let secret = '';
  await test.step('Given the admin on the enrollment tokens page', async () => {
    await page.goto('/admin/enrollment-tokens');
    await logInThroughForm(page);
    await expect(page.getByRole('heading', { name: 'Enrollment tokens', level: 1 })).toBeVisible();
  });
  await test.step('When the admin creates a token for 5 nodes', async () => {
    const form = page.getByRole('form', { name: 'Create an enrollment token' });
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Nodes it may enroll').fill('5');
    await form.getByRole('button', { name: 'Create token' }).click();
  });
  await test.step('Then the token is shown once, and the list shows only its prefix', async () => {
    secret = (await page.getByTestId('created-secret').textContent()) ?? '';
    expect(secret).toMatch(/^iamenroll_/);
    const row = page.getByRole('row').filter({ hasText: name });
    await expect(row).toContainText('5');
    await expect(row).not.toContainText(secret);
    await screenshot(page, testInfo, 'enrollment-tokens');
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await expect(page.getByTestId('created-secret')).toHaveCount(0);
    await page.reload();
    await expect(page.getByRole('row').filter({ hasText: name })).toBeVisible();
    await expect(page.getByText(secret)).toHaveCount(0);
  });
  await test.step('When the admin opens the audit log filtered by that action', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Action').fill('enrollment_token.create');
  });
  await test.step('Then the creation is there, with who did it', async () => {
    await expect(page).toHaveURL(/action=enrollment_token\.create/);
    await expect(page.getByRole('row').filter({ hasText: 'auth.login' })).toHaveCount(0);
    await expect(page.getByRole('row').filter({ hasText: name }).first()).toContainText('admin');
    await screenshot(page, testInfo, 'audit-log');
  });
  await test.step('And the users page lists the admin', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await expect(page.getByRole('row').filter({ hasText: 'admin' }).first()).toContainText('(you)');
    await screenshot(page, testInfo, 'users');
  });
});
