import { expect, test } from '@playwright/test';
import { ADMIN_PASSWORD } from './fleet-api';
import { logInThroughForm, screenshot } from './ui';

test.describe('Signing in', () => {
  test('a signed-out visitor is sent to the login page and comes back to where they were', async ({
    page,
  }, testInfo) => {
    await test.step('Given a signed-out browser', async () => {
      await page.context().clearCookies();
    });
    await test.step('When it opens the nodes page', async () => {
      await page.goto('/nodes?stage=password');
    });
    await test.step('Then it sees the login form, remembering the page', async () => {
      await expect(page).toHaveURL(/\/login\?next=%2Fnodes%3Fstage%3Dpassword/);
      await expect(page.getByRole('heading', { name: 'iamroll' })).toBeVisible();
      await screenshot(page, testInfo, 'login');
    });
    await test.step('When it signs in with a wrong password', async () => {
      await page.getByLabel('Username').fill('admin');
      await page.getByLabel('Password').fill('not-the-password');
      await page.getByRole('button', { name: 'Sign in' }).click();
    });
    await test.step('Then it is told so', async () => {
      await expect(page.getByRole('alert')).toContainText('Wrong username or password');
    });
    await test.step('When it signs in as the admin', async () => {
      await logInThroughForm(page, 'admin', ADMIN_PASSWORD);
    });
    await test.step('Then it is back on the page it asked for', async () => {
      await expect(page).toHaveURL(/\/nodes\?stage=password$/);
      await expect(page.getByRole('heading', { name: 'Nodes', level: 1 })).toBeVisible();
    });
  });

  test('a session that ends sends the user to the login page and back', async ({ page }) => {
    await test.step('Given a signed-in admin on the alarms page', async () => {
      await page.goto('/alarms');
      await logInThroughForm(page);
      await expect(page.getByRole('heading', { name: 'Alarms', level: 1 })).toBeVisible();
    });
    await test.step('When the session cookie is gone (expired or signed out elsewhere)', async () => {
      await page.context().clearCookies();
      await page.getByRole('button', { name: 'Resolved' }).click();
    });
    await test.step('Then the login page says the session ended, and signing in returns to the alarms', async () => {
      await expect(page).toHaveURL(/\/login\?expired=1&next=%2Falarms/);
      await expect(page.getByText('Your session ended')).toBeVisible();
      await logInThroughForm(page);
      await expect(page).toHaveURL(/\/alarms/);
    });
  });
});
