import { expect, type Page, type TestInfo } from '@playwright/test';
import { ADMIN_PASSWORD } from './fleet-api';

/** Signs in through the login form and waits for the dashboard. */
export async function logInThroughForm(page: Page, username = 'admin', password = ADMIN_PASSWORD): Promise<void> {
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('current-user')).toContainText(username);
}

/** A full-page screenshot kept with the test's artifacts (test-results/). */
export async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}
