import { describe, expect, it } from 'vitest';
import type { DatabaseObservation, NodeObservation } from './observations';
import { pendingPreflightByDatabase, preflightGate, preflightRequests, stagesAhead } from './preflight-gate';
import { control, newDrive, step } from './testing-agents';
import { database, node, observations, specOf, T0 } from './testing';
import { previewRollout } from './preview';

const spec = specOf({ preflightMaxAgeSeconds: 600, preflightWaitSeconds: 120 });
const fresh = (
  isPassed: boolean,
  ageMs = 10_000,
  reason: string | null = isPassed ? null : 'rds-iam-member (ro): not a member of rds_iam',
) => [{ stage: 'ro_iam' as const, isPassed, checkedAtMs: T0 - ageMs, reason }];
const disabled: DatabaseObservation = database('replica', {
  iamCheck: {
    status: 'iam_disabled',
    message: 'IAM database authentication is disabled',
    fix: 'aws rds modify-db-instance --db-instance-identifier kong-ro --enable-iam-database-authentication --apply-immediately',
  },
});

describe('preflightGate: at switch time', () => {
  it.each<[string, Partial<NodeObservation>, readonly DatabaseObservation[], string, RegExp | null]>([
    ['an old agent without a verdict: not gated', {}, [], 'go', null],
    [
      'an old agent with a failing verdict',
      { preflight: fresh(false) },
      [],
      'block',
      /preflight for ro_iam failed: rds-iam-member \(ro\)/,
    ],
    [
      'an old agent with a too old verdict',
      { preflight: fresh(true, 700_000) },
      [],
      'block',
      /700 s old \(more than 600 s\): run it again/,
    ],
    ['a fresh passing verdict', { isPreflightCapable: true, preflight: fresh(true) }, [], 'go', null],
    [
      'a verdict for the other stage only',
      { isPreflightCapable: true, preflight: [{ stage: 'rw_iam', isPassed: true, checkedAtMs: T0, reason: null }] },
      [],
      'await',
      /asking its agent for a preflight for ro_iam/,
    ],
    ['a capable agent, no verdict, never asked', { isPreflightCapable: true }, [], 'await', /asking/],
    [
      'a capable agent, asked 30 s ago',
      { isPreflightCapable: true, preflightPending: { stages: ['ro_iam'], requestedAtMs: T0 - 30_000 } },
      [],
      'await',
      /waiting for its preflight for ro_iam \(asked 30 s ago\)/,
    ],
    [
      'a capable agent, asked for the other stage',
      { isPreflightCapable: true, preflightPending: { stages: ['rw_iam'], requestedAtMs: T0 - 30_000 } },
      [],
      'await',
      /asking/,
    ],
    [
      'a capable agent that never answered within the wait',
      { isPreflightCapable: true, preflightPending: { stages: ['ro_iam'], requestedAtMs: T0 - 121_000 } },
      [],
      'block',
      /no preflight verdict for ro_iam, and its agent did not answer the request within 120 s/,
    ],
    [
      'a capable agent with an old verdict: asked again, not blocked',
      { isPreflightCapable: true, preflight: fresh(true, 700_000) },
      [],
      'await',
      /asking/,
    ],
    [
      'a capable agent with an old verdict that never answered again',
      {
        isPreflightCapable: true,
        preflight: fresh(true, 700_000),
        preflightPending: { stages: ['ro_iam'], requestedAtMs: T0 - 200_000 },
      },
      [],
      'block',
      /700 s old .* did not answer/,
    ],
    [
      'a capable agent that answered the request with a verdict still too old: blocked, not asked again',
      { isPreflightCapable: true, preflight: fresh(true, 700_000), preflightLastAskedAtMs: T0 - 5_000 },
      [],
      'block',
      /700 s old .*as its agent answered the latest request: check the node's clock/,
    ],
    [
      'the same, once the wait has passed: asked again',
      { isPreflightCapable: true, preflight: fresh(true, 700_000), preflightLastAskedAtMs: T0 - 121_000 },
      [],
      'await',
      /asking/,
    ],
    [
      'a capable agent with a failing verdict',
      { isPreflightCapable: true, preflight: fresh(false) },
      [],
      'block',
      /failed: rds-iam-member/,
    ],
    [
      'an admin override of a failing verdict',
      { preflight: fresh(false), preflightOverride: { by: 'admin', reason: 'checked by hand' } },
      [],
      'go',
      null,
    ],
    [
      'an admin override of a missing verdict',
      { isPreflightCapable: true, preflightOverride: { by: 'admin', reason: 'agent broken' } },
      [],
      'go',
      null,
    ],
    [
      'its replica has IAM disabled',
      { preflight: fresh(true) },
      [disabled],
      'block',
      /database replica has IAM database authentication disabled .*modify-db-instance/,
    ],
    [
      'IAM disabled is not overridable',
      { preflightOverride: { by: 'admin', reason: 'x' } },
      [disabled],
      'block',
      /IAM database authentication disabled/,
    ],
  ])('%s → %s', (_, overrides, databases, kind, reason) => {
    const gate = preflightGate(spec, node('n1', overrides), 'ro_iam', [database('primary'), ...databases], T0);
    expect(gate.kind).toBe(kind);
    if (reason) expect('reason' in gate ? gate.reason : '').toMatch(reason);
  });

  it('IAM disabled on the primary does not touch a ro_iam switch, only rw_iam', () => {
    const primaryOff = database('primary', { iamCheck: { status: 'iam_disabled', message: 'off', fix: 'enable' } });
    expect(preflightGate(spec, node('n1'), 'ro_iam', [primaryOff], T0).kind).toBe('go');
    expect(preflightGate(spec, node('n1'), 'rw_iam', [primaryOff], T0).kind).toBe('block');
    expect(preflightGate(spec, node('n1'), 'password', [primaryOff], T0).kind).toBe('go');
  });
});

const capable = (id: string, overrides: Partial<NodeObservation> = {}) =>
  node(id, { isPreflightCapable: true, ...overrides });

describe('decide with preflight', () => {
  it('a capable node waits for its verdict (not switched, not blocked), then switches once it passes', () => {
    const drive = newDrive(specOf({ canary: 1, bakeSeconds: 0 }), observations([capable('a')]), T0);
    const first = step(drive, { controls: [control('start', T0)] });
    expect(first.intents.filter((i) => i.kind === 'switch')).toEqual([]);
    expect(first.state.nodes[0]).toMatchObject({ nodeId: 'a', state: 'waiting' });
    expect(first.message).toMatch(/waiting for preflight verdicts from 1 node/);
    // This phase's stage and the later phase's, in one request: rw_iam will not wait for it.
    expect(preflightRequests(drive.rollout.spec, drive.rollout.state, drive.observations, T0)).toEqual([
      { nodeId: 'a', stages: ['ro_iam', 'rw_iam'] },
    ]);
    drive.observations = {
      ...drive.observations,
      nodes: [capable('a', { preflight: [{ stage: 'ro_iam', isPassed: true, checkedAtMs: T0 + 500, reason: null }] })],
    };
    drive.nowMs = T0 + 1000;
    expect(step(drive).intents).toContainEqual({ kind: 'switch', phase: 'ro_iam', stage: 'ro_iam', nodeIds: ['a'] });
  });

  it('a node that never answers is blocked after preflightWaitSeconds; the others switch', () => {
    const pending = { stages: ['ro_iam' as const], requestedAtMs: T0 };
    const nodes = [capable('a', { preflightPending: pending }), node('b')];
    const drive = newDrive(specOf({ canary: 2, preflightWaitSeconds: 60, bakeSeconds: 0 }), observations(nodes), T0);
    const first = step(drive, { controls: [control('start', T0)] });
    expect(first.intents).toContainEqual({ kind: 'switch', phase: 'ro_iam', stage: 'ro_iam', nodeIds: ['b'] });
    drive.nowMs = T0 + 30_000;
    expect(step(drive).state.nodes.find((r) => r.nodeId === 'a')?.state).toBe('waiting');
    drive.nowMs = T0 + 61_000;
    const later = step(drive);
    expect(later.state.nodes.find((r) => r.nodeId === 'a')).toMatchObject({ state: 'blocked', blockedBy: 'preflight' });
    expect(later.state.nodes.find((r) => r.nodeId === 'a')?.reason).toMatch(/did not answer the request within 60 s/);
  });

  it('the canary is whichever asked node answered first: a later wave’s passing node trades places with it', () => {
    const passed = [{ stage: 'ro_iam' as const, isPassed: true, checkedAtMs: T0 + 400, reason: null }];
    const drive = newDrive(
      specOf({ canary: 1, waves: [0.5, 1], bakeSeconds: 0 }),
      observations([capable('a'), capable('b'), capable('c'), capable('d')]),
      T0,
    );
    const first = step(drive, { controls: [control('start', T0)] });
    const stepOf = (state: typeof first.state, id: string) => state.nodes.find((r) => r.nodeId === id)?.stepIndex;
    const canaryStep = stepOf(first.state, 'a');
    const [bStep, cStep, dStep] = ['b', 'c', 'd'].map((id) => stepOf(first.state, id));
    expect(cStep).toBeGreaterThan(canaryStep ?? Infinity);
    // Only c (wave 1) has answered; a, the canary, has not heard the request yet.
    drive.observations = {
      ...drive.observations,
      nodes: drive.observations.nodes.map((n) => (n.nodeId === 'c' ? { ...n, preflight: passed } : n)),
    };
    drive.nowMs = T0 + 500;
    const traded = step(drive);
    expect(traded.intents).toContainEqual({
      kind: 'switch',
      phase: 'ro_iam',
      stage: 'ro_iam',
      nodeIds: ['c'],
      startAtMs: T0 + 1000,
    });
    expect(stepOf(traded.state, 'c')).toBe(canaryStep);
    expect(stepOf(traded.state, 'a')).toBe(cStep);
    // b and d kept their places; a still waits for its verdict, in c's wave now.
    expect(stepOf(traded.state, 'b')).toBe(bStep);
    expect(stepOf(traded.state, 'd')).toBe(dStep);
    expect(traded.state.nodes.find((r) => r.nodeId === 'a')?.state).toBe('waiting');
  });

  it('a canary whose preflight fails gives its place to the next node: the bake follows a node that switched', () => {
    const failed = [{ stage: 'ro_iam' as const, isPassed: false, checkedAtMs: T0 + 400, reason: 'lint: cannot plan' }];
    const drive = newDrive(
      specOf({ canary: 1, waves: [1], bakeSeconds: 0 }),
      observations([capable('a'), capable('b'), capable('c')]),
      T0,
    );
    // Every node awaits its verdict: nothing switches, nobody trades places.
    const first = step(drive, { controls: [control('start', T0)] });
    expect(first.intents.filter((i) => i.kind === 'switch')).toEqual([]);
    const canaryStep = first.state.nodes.find((r) => r.nodeId === 'a')?.stepIndex;
    // a's verdict fails; b's passes (c has not answered).
    drive.observations = {
      ...drive.observations,
      nodes: [capable('a', { preflight: failed }), capable('b', { preflight: fresh(true, 0) }), capable('c')],
    };
    drive.nowMs = T0 + 1000;
    const refilled = step(drive);
    expect(refilled.state.nodes.find((r) => r.nodeId === 'a')).toMatchObject({ state: 'blocked', stepIndex: null });
    expect(refilled.state.nodes.find((r) => r.nodeId === 'b')?.stepIndex).toBe(canaryStep);
    expect(refilled.intents).toContainEqual({ kind: 'switch', phase: 'ro_iam', stage: 'ro_iam', nodeIds: ['b'] });
  });

  it('with no later node ready, the canary waits for its own verdict', () => {
    const drive = newDrive(
      specOf({ canary: 1, waves: [1], bakeSeconds: 0 }),
      observations([capable('a'), capable('b', { preflight: fresh(false, 0) })]),
      T0,
    );
    const first = step(drive, { controls: [control('start', T0)] });
    expect(first.intents.filter((i) => i.kind === 'switch')).toEqual([]);
    expect(first.message).toMatch(/waiting for preflight verdicts from 1 node/);
  });

  it('a failing verdict blocks at the phase start; an override given later lifts it into the current wave', () => {
    const failing = capable('a', { preflight: fresh(false, 0) });
    const drive = newDrive(
      specOf({ canary: 1, waves: [1], bakeSeconds: 0 }),
      observations([failing, node('b'), node('c')]),
      T0,
    );
    const started = step(drive, { controls: [control('start', T0)] });
    expect(started.state.nodes.find((r) => r.nodeId === 'a')).toMatchObject({
      state: 'blocked',
      blockedBy: 'preflight',
    });
    expect(started.state.nodes.find((r) => r.nodeId === 'a')?.reason).toMatch(/rds-iam-member/);
    drive.observations = {
      ...drive.observations,
      nodes: drive.observations.nodes.map((n) =>
        n.nodeId === 'a' ? { ...n, preflightOverride: { by: 'admin', reason: 'granted by hand' } } : n,
      ),
    };
    drive.nowMs += 1000;
    const lifted = step(drive);
    expect(lifted.state.nodes.find((r) => r.nodeId === 'a')?.state).not.toBe('blocked');
    for (let i = 0; i < 10; i += 1) {
      drive.nowMs += 1000;
      step(drive);
    }
    const switchedA = drive.decisions
      .flatMap((d) => d.intents)
      .filter((i) => i.kind === 'switch' && i.nodeIds.includes('a'))
      .map((i) => (i.kind === 'switch' ? i.stage : null));
    expect(switchedA[0]).toBe('ro_iam');
  });

  it('a database with IAM disabled blocks every node whose switch logs in there, with the fix; preview lists them', () => {
    const nodes = [node('a'), node('b', { roDatabaseId: 'replica-2' }), node('c')];
    const obs = observations(nodes, {
      databases: [database('primary'), database('replica'), { ...disabled, databaseId: 'replica-2' }],
    });
    const drive = newDrive(specOf({ canary: 1, bakeSeconds: 0 }), obs, T0);
    const started = step(drive, { controls: [control('start', T0)] });
    const b = started.state.nodes.find((r) => r.nodeId === 'b');
    expect(b).toMatchObject({ state: 'blocked', blockedBy: 'database-iam' });
    expect(b?.reason).toMatch(
      /replica-2 has IAM database authentication disabled.*--enable-iam-database-authentication/,
    );
    const preview = previewRollout(specOf(), obs);
    expect(preview.phases[0]?.blocked.map((entry) => entry.nodeId)).toEqual(['b']);
  });
});

describe('preflightRequests: paced against the budget', () => {
  it('asks at most what target × budget leaves per database (and PREFLIGHT_SHARE of it), counting requests still unanswered', () => {
    const many = Array.from({ length: 500 }, (_, i) => capable(`n${String(i).padStart(3, '0')}`));
    const drive = newDrive(
      specOf({ canary: { share: 1 }, bakeSeconds: 0, targetUtilisation: 0.5 }),
      observations(many),
      T0,
    );
    step(drive, { controls: [control('start', T0)], isAgentsIdle: true });
    const { spec: s, state } = drive.rollout;
    // ro_iam checks the read-only connection, rw_iam (asked with it) both: two logins each on the
    // replica (budget 200, target 100), one on the primary. 30/s measured leaves 70, but unanswered
    // requests hold at most a quarter of the target (25): 12 nodes.
    const replicaAt = (ratePerSecond: number) => ({
      ...drive.observations,
      databases: [database('primary'), database('replica', { ratePerSecond })],
    });
    const obs = replicaAt(30);
    const first = preflightRequests(s, state, obs, T0);
    expect(first).toHaveLength(12);
    // 90/s measured leaves 10: 5 nodes.
    expect(preflightRequests(s, state, replicaAt(90), T0)).toHaveLength(5);
    const asked = new Set(first.map((r) => r.nodeId));
    const stages = ['ro_iam', 'rw_iam'] as const;
    const after = {
      ...obs,
      nodes: obs.nodes.map((n) =>
        asked.has(n.nodeId) ? { ...n, preflightPending: { stages, requestedAtMs: T0 } } : n,
      ),
    };
    expect(preflightRequests(s, state, after, T0 + 500)).toEqual([]);
    // A budget whose share is below one node's checks (10/s: target 5, share 1.25) still asks one at a time.
    const small = {
      ...drive.observations,
      databases: [database('primary', { budgetPerSecond: 10 }), database('replica', { budgetPerSecond: 10 })],
    };
    expect(preflightRequests(s, state, small, T0)).toHaveLength(1);
    // The switches count them in flight too: 30 measured + 24 pending on the replica.
    expect(pendingPreflightByDatabase(s, after, T0 + 500)).toEqual({ primary: 12, replica: 24 });
    // Once those are older than the wait (answered or given up on), the next batch goes.
    expect(preflightRequests(s, state, after, T0 + 121_000)).toHaveLength(12);
  });

  it('a switch counts unanswered preflight requests in flight: they are logins still to land', () => {
    const stages = ['ro_iam', 'rw_iam'] as const;
    const asked = Array.from({ length: 50 }, (_, i) =>
      capable(`p${i}`, { preflightPending: { stages, requestedAtMs: T0 } }),
    );
    // a (an old agent: no preflight gate) is the canary; its ro_iam burst is 2 workers × 5 = 10 on the replica.
    const drive = newDrive(specOf({ canary: 1, bakeSeconds: 0 }), observations([node('a'), ...asked]), T0);
    const held = step(drive, { controls: [control('start', T0)] });
    expect(held.intents.filter((i) => i.kind === 'switch')).toEqual([]);
    expect(held.message).toMatch(
      /waiting for headroom on replica: 110\/s projected with a \(0\/s measured \+ 100\/s in flight/,
    );
    // Answered (no longer pending): a goes.
    drive.observations = {
      ...drive.observations,
      nodes: [node('a'), ...asked.map(({ preflightPending: _, ...n }) => n)],
    };
    drive.nowMs = T0 + 1_000;
    expect(step(drive).intents).toContainEqual({ kind: 'switch', phase: 'ro_iam', stage: 'ro_iam', nodeIds: ['a'] });
  });

  it('asks ahead for the next wave step while the current one runs, not beyond it', () => {
    const nodes = Array.from({ length: 8 }, (_, i) => capable(`n${i}`));
    const drive = newDrive(specOf({ bakeSeconds: 0 }), observations(nodes), T0);
    step(drive, { controls: [control('start', T0)], isAgentsIdle: true });
    // Canary n0 (step 0), wave 1 reaches 2 nodes (n1, step 2), wave 2 reaches 4 (step 4): not yet.
    expect(preflightRequests(drive.rollout.spec, drive.rollout.state, drive.observations, T0)).toEqual([
      { nodeId: 'n0', stages: ['ro_iam', 'rw_iam'] },
      { nodeId: 'n1', stages: ['ro_iam', 'rw_iam'] },
    ]);
  });

  it('asks a node whose ro_iam verdict is fresh for nothing more in ro_iam; rw_iam asks only for its own stage', () => {
    const fresh = { stage: 'ro_iam' as const, isPassed: true, checkedAtMs: T0 - 1_000, reason: null };
    const drive = newDrive(
      specOf({ canary: 1, bakeSeconds: 0 }),
      observations([capable('a', { preflight: [fresh] })]),
      T0,
    );
    step(drive, { controls: [control('start', T0)], isAgentsIdle: true });
    expect(preflightRequests(drive.rollout.spec, drive.rollout.state, drive.observations, T0)).toEqual([]);
    expect(stagesAhead(drive.rollout.spec, 'rw_iam')).toEqual(['rw_iam']);
  });

  it('asks nothing for a paused rollout, for nodes beyond the next wave step, or for old agents', () => {
    const drive = newDrive(
      specOf({ canary: 1, bakeSeconds: 0 }),
      // c, an old agent, is blocked (its verdict failed), so nobody trades places with a.
      observations([capable('a'), capable('b'), node('c', { preflight: fresh(false, 0) })]),
      T0,
    );
    step(drive, { controls: [control('start', T0)], isAgentsIdle: true });
    expect(
      preflightRequests(drive.rollout.spec, drive.rollout.state, drive.observations, T0).map((r) => r.nodeId),
    ).toEqual(['a']);
    const paused = { ...drive.rollout.state, status: 'paused' as const };
    expect(preflightRequests(drive.rollout.spec, paused, drive.observations, T0)).toEqual([]);
  });
});
