import { expect, test } from '@playwright/test';
import { createEnrollmentToken, enrollNodes, sendHeartbeat, signIn, uniqueName, type EnrolledNode } from './fleet-api';
import { logInThroughForm } from './ui';

// Opt-in (slow: 10,000 enrollments and heartbeats): E2E_SCALE_NODES=10000 npm run test:e2e -- nodes-scale
const NODE_COUNT = Number(process.env.E2E_SCALE_NODES ?? 0);
const CONCURRENCY = 32;

test.skip(NODE_COUNT === 0, 'set E2E_SCALE_NODES (e.g. 10000) to run the nodes table at scale');

test(`the nodes table stays responsive with ${NODE_COUNT} nodes`, async ({ page, request }, testInfo) => {
  test.setTimeout(20 * 60_000);
  const prefix = uniqueName('kong-scale');
  await test.step(`Given ${NODE_COUNT} nodes that have each sent a heartbeat`, async () => {
    const admin = await signIn();
    const token = await createEnrollmentToken(admin, NODE_COUNT);
    await admin.dispose();
    let next = 0;
    const worker = async () => {
      while (next < NODE_COUNT) {
        const index = next++;
        const [node] = (await enrollNodes(request, [`${prefix}-${String(index).padStart(5, '0')}`], token)) as [
          EnrolledNode,
        ];
        await sendHeartbeat(request, node, { seq: 0, intervalMs: 600_000 });
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  });
  await test.step('When the admin opens the nodes page and scrolls to the end and back', async () => {
    await page.addInitScript(() => {
      const w = window as unknown as { longTasks: number[] };
      w.longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) w.longTasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(`/nodes?q=${prefix}`);
    await logInThroughForm(page);
    await expect(page.getByTestId('node-total')).toContainText(`${NODE_COUNT.toLocaleString('en-US')} nodes`);
    const loading = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks.splice(0));
    console.log(
      `nodes page at ${NODE_COUNT} nodes: longest task while loading ${Math.round(Math.max(0, ...loading))} ms`,
    );
    const body = page.locator('.vbody');
    for (let step = 1; step <= 20; step++) {
      await body.evaluate((element, fraction) => (element.scrollTop = element.scrollHeight * fraction), step / 20);
      await page.waitForTimeout(150);
    }
    await expect(page.getByTestId('node-row').last()).toContainText(
      `${prefix}-${String(NODE_COUNT - 1).padStart(5, '0')}`,
    );
    await body.evaluate((element) => (element.scrollTop = 0));
    await expect(page.getByTestId('node-row').first()).toContainText(`${prefix}-00000`);
  });
  await test.step('Then no task blocked the page for 200 ms or more', async () => {
    const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks);
    const longest = Math.round(Math.max(0, ...longTasks));
    console.log(
      `nodes page at ${NODE_COUNT} nodes: ${longTasks.length} long tasks while scrolling, longest ${longest} ms`,
    );
    testInfo.annotations.push({ type: 'longest-task-ms', description: String(longest) });
    expect(longest).toBeLessThan(200);
  });
});
