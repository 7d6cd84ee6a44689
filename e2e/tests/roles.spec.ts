import { expect, test } from '@playwright/test';
import { createUser, enrollNodes, sendHeartbeat, signIn, uniqueName, openAlarms } from './fleet-api';
import { logInThroughForm, screenshot } from './ui';

const VIEWER_PASSWORD = 'viewer-password-0123';

test('a viewer sees everything but no enabled operator or admin button', async ({ page, request }, testInfo) => {
  let viewerName = '';
  await test.step('Given a viewer and an open alarm (a node gone silent)', async () => {
    const admin = await signIn();
    viewerName = (await createUser(admin, 'viewer', VIEWER_PASSWORD)).username;
    const [node] = await enrollNodes(request, [uniqueName('kong-silent')]);
    await sendHeartbeat(request, node!, { seq: 0, intervalMs: 100 });
    await expect.poll(async () => (await openAlarms(admin)).items.some((a) => a.subjectId === node!.nodeId)).toBe(true);
    await admin.dispose();
  });
  await test.step('When the viewer signs in', async () => {
    await page.goto('/');
    await logInThroughForm(page, viewerName, VIEWER_PASSWORD);
  });
  await test.step('Then the admin pages are not offered', async () => {
    const nav = page.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Nodes' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Users' })).toHaveCount(0);
    await expect(nav.getByRole('link', { name: 'Audit log' })).toHaveCount(0);
  });
  await test.step('And every Acknowledge button is disabled, saying which role it needs', async () => {
    const buttons = page.getByRole('button', { name: /Acknowledge/ });
    await expect(buttons.first()).toBeVisible();
    for (const button of await buttons.all()) {
      await expect(button).toBeDisabled();
      await expect(button).toHaveAttribute('title', 'Needs the operator role');
    }
    await screenshot(page, testInfo, 'viewer-fleet');
  });
  await test.step('And an admin page opened by its address says it needs the admin role', async () => {
    await page.goto('/admin/users');
    await expect(page.getByText('This page needs the admin role')).toBeVisible();
  });
});
