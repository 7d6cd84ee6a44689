import type { HeartbeatBody, HeartbeatReply } from '@iamroll/contracts';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { createDatabase, enrollNodes, heartbeatBody, signIn, uniqueName, type EnrolledNode } from './fleet-api';
import { logInThroughForm, screenshot } from './ui';

type Stage = HeartbeatReply['desiredStage'];

/** A scripted agent: reports its stage, and applies the reply's desiredStage before its next beat. */
interface ScriptedAgent {
  readonly node: EnrolledNode;
  seq: number;
  stage: Stage;
  applied: number;
}

function agentBody(agent: ScriptedAgent, host: string): HeartbeatBody {
  const base = heartbeatBody({ seq: agent.seq, host, intervalMs: 500 });
  const rwIam = agent.stage === 'rw_iam';
  const roIam = agent.stage !== 'password';
  const rw = base.config.rw!;
  return {
    ...base,
    bootId: `e2e-boot-${agent.node.nodeId.slice(0, 8)}`,
    counters: { rw: base.counters.rw, ro: base.counters.rw },
    config: {
      ...base.config,
      // A small pool: each switch bursts 10 logins, well under the budget's target.
      workers: 2,
      poolSize: 5,
      stage: agent.stage,
      rw: { ...rw, iam: rwIam, user: rwIam ? 'kong_iam' : 'kong' },
      ro: { ...rw, iam: roIam, user: roIam ? 'kong_iam' : 'kong' },
    },
    transition: {
      status: 'idle',
      toStage: agent.applied > 0 ? agent.stage : null,
      failedSwitches: 0,
      completedSwitches: agent.applied,
      isPasswordRemoved: false,
      hasBackup: true,
    },
  };
}

async function beat(request: APIRequestContext, agent: ScriptedAgent, host: string): Promise<void> {
  agent.seq += 1;
  const response = await request.post(`/api/v1/nodes/${agent.node.nodeId}/heartbeat`, {
    headers: { authorization: `Bearer ${agent.node.credential}` },
    data: agentBody(agent, host),
  });
  if (!response.ok())
    throw new Error(`heartbeat ${agent.node.hostname}: ${response.status()} ${await response.text()}`);
  const reply = (await response.json()) as HeartbeatReply;
  if (reply.desiredStage !== agent.stage) {
    agent.stage = reply.desiredStage;
    agent.applied += 1;
  }
}

test('an operator rolls a database to IAM from the form, watches it complete, then rolls it back', async ({
  page,
  request,
}, testInfo) => {
  test.setTimeout(120_000);
  const identifier = uniqueName('orders-db');
  const host = `${identifier}.abc.us-east-1.rds.amazonaws.com`;
  let isBeating = true;
  let beats: Promise<void> = Promise.resolve();

  await test.step('Given a registered database and 4 nodes heartbeating on passwords', async () => {
    const admin = await signIn();
    await createDatabase(admin, { identifier, host, budgetPerSecond: 200 });
    await admin.dispose();
    const nodes = await enrollNodes(
      request,
      ['a', 'b', 'c', 'd'].map((suffix) => uniqueName(`kong-orders-${suffix}`)),
    );
    const agents: ScriptedAgent[] = nodes.map((node) => ({ node, seq: 0, stage: 'password', applied: 0 }));
    for (const agent of agents) await beat(request, agent, host);
    beats = (async () => {
      while (isBeating) {
        await Promise.all(agents.map((agent) => beat(request, agent, host)));
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
  });

  try {
    await test.step('When the admin creates a rollout with no bake from the form, after its preview', async () => {
      await page.goto('/rollouts');
      await logInThroughForm(page);
      await page.getByRole('button', { name: 'New rollout' }).click();
      await expect(page.getByRole('heading', { name: 'New rollout', level: 1 })).toBeVisible();
      await page.getByLabel('Database', { exact: true }).selectOption({ label: identifier });
      await page.getByLabel('Bake (seconds)').fill('0');
      const preview = page.getByTestId('rollout-preview');
      await expect(preview.getByRole('region', { name: 'Read-only connections to IAM' })).toContainText('node');
      await expect(preview.getByRole('meter', { name: `Projected peak on ${identifier}` })).toBeVisible();
      await screenshot(page, testInfo, 'rollout-preview');
      await page.getByLabel('Reason (audit log)').fill('e2e: move orders-db to IAM');
      await page.getByRole('button', { name: 'Create and start' }).click();
      await expect(page.getByRole('heading', { name: /^Rollout /, level: 1 })).toBeVisible();
    });

    await test.step('Then every node is switched and the rollout completed, live', async () => {
      await expect(page.getByTestId('rollout-status')).toHaveText('completed', { timeout: 60_000 });
      const states = page.getByTestId('rollout-node-state');
      await expect(states).toHaveCount(4);
      await expect(states).toHaveText(['switched', 'switched', 'switched', 'switched']);
      await screenshot(page, testInfo, 'rollout-completed');
    });

    await test.step('When the admin rolls it back with a reason', async () => {
      await page.getByRole('button', { name: 'Roll back…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Roll back this rollout?' });
      await expect(dialog).toBeVisible();
      await dialog.getByLabel('Reason (audit log)').fill('e2e: back to passwords');
      await dialog.getByRole('button', { name: 'Roll back', exact: true }).click();
      await expect(dialog).toBeHidden();
    });

    await test.step('Then the rollout is rolled back', async () => {
      await expect(page.getByTestId('rollout-status')).toHaveText('rolled_back', { timeout: 60_000 });
      await screenshot(page, testInfo, 'rollout-rolled-back');
    });
  } finally {
    isBeating = false;
    await beats;
  }
});
