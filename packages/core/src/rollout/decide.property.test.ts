import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from './decide';
import type { RolloutDecision } from './intents';
import type { DatabaseObservation, NodeObservation, RolloutObservations } from './observations';
import { inFlightByDatabase } from './pacing';
import { quantityOf } from './spec';
import { eligibleOf, initialRolloutState, recordsOf } from './state';
import { agentsApply, control } from './testing-agents';
import { node, specOf, T0 } from './testing';
import type { RolloutSpec } from './types';

// Under random fleets, budgets, measured rates and agent behaviour: on every database a
// decision's new switches touch, measured rate + bursts in flight (the new ones included)
// stays within target × budget — unless one node alone is switched whose burst by itself
// exceeds the target there, and then the message says so ("switched alone"). And never more
// than maxUnavailable nodes restart at once.

const DATABASES = ['p1', 'p2', 'r1'];

const nodeArb = (index: number) =>
  fc
    .record({
      stage: fc.constantFrom('password', 'ro_iam', 'rw_iam_ro_password' as const),
      hasReadOnlyConnection: fc.boolean(),
      rwDatabaseId: fc.constantFrom('p1', 'p2'),
      roDatabaseId: fc.constantFrom('r1', 'p2'),
      workerCount: fc.integer({ min: 1, max: 8 }),
      rwPool: fc.integer({ min: 1, max: 30 }),
      roPool: fc.integer({ min: 1, max: 30 }),
      observedRo: fc.option(fc.integer({ min: 1, max: 100 }), { nil: undefined }),
    })
    .map((n): NodeObservation =>
      node(`n${index}`, {
        stage: n.stage === 'rw_iam_ro_password' && !n.hasReadOnlyConnection ? 'password' : n.stage,
        hasReadOnlyConnection: n.hasReadOnlyConnection,
        rwDatabaseId: n.rwDatabaseId,
        roDatabaseId: n.hasReadOnlyConnection ? n.roDatabaseId : null,
        workerCount: n.workerCount,
        poolSize: { rw: n.rwPool, ro: n.roPool },
        ...(n.observedRo !== undefined ? { observedPeakPerSecond: { ro: n.observedRo } } : {}),
      }),
    );

const fleetArb = fc
  .integer({ min: 1, max: 8 })
  .chain((count) => fc.tuple(...Array.from({ length: count }, (_, i) => nodeArb(i))));

const ratesArb = fc.tuple(...DATABASES.map(() => fc.integer({ min: 0, max: 150 })));

const scenarioArb = fc.record({
  nodes: fleetArb,
  budgets: fc.tuple(...DATABASES.map(() => fc.integer({ min: 40, max: 300 }))),
  passes: fc.array(fc.record({ rates: ratesArb, agents: fc.constantFrom('apply', 'idle', 'fail') }), {
    minLength: 1,
    maxLength: 8,
  }),
  targetUtilisation: fc.double({ min: 0.2, max: 1, noNaN: true }),
  maxUnavailable: fc.integer({ min: 1, max: 4 }),
  canary: fc.integer({ min: 1, max: 8 }),
  burstWindowSeconds: fc.integer({ min: 0, max: 3 }),
  phases: fc.constantFrom(['ro_iam', 'rw_iam'], ['rw_iam']),
});

function checkDecision(
  spec: RolloutSpec,
  databases: readonly DatabaseObservation[],
  decision: RolloutDecision,
  nowMs: number,
): void {
  const fresh = decision.state.nodes.filter((r) => r.state === 'switching' && r.switchStartedAtMs === nowMs);
  const inFlight = inFlightByDatabase(spec, decision.state, nowMs);
  for (const database of databases) {
    const touching = fresh.filter((r) => (r.burstByDatabase[database.databaseId] ?? 0) > 0);
    if (touching.length === 0) continue;
    const target = spec.pacing.targetUtilisation * database.budgetPerSecond;
    const projected = database.ratePerSecond + (inFlight[database.databaseId] ?? 0);
    if (projected <= target + 1e-9) continue;
    // The only exception: one node, alone on this database, oversized there by itself.
    expect(touching).toHaveLength(1);
    const burst = touching[0]?.burstByDatabase[database.databaseId] ?? 0;
    expect(burst).toBeGreaterThan(target);
    expect(projected - burst).toBeLessThanOrEqual(database.ratePerSecond + 1e-9);
    expect(decision.message).toMatch(/switched alone/);
    expect(projected).toBeLessThanOrEqual(database.budgetPerSecond);
  }
  const phase = decision.state.phase;
  if (phase !== null) {
    const records = recordsOf(decision.state, phase);
    const limit = quantityOf(spec.pacing.maxUnavailable, eligibleOf(records).length);
    expect(
      new Set(decision.state.nodes.filter((r) => r.state === 'switching').map((r) => r.nodeId)).size,
    ).toBeLessThanOrEqual(Math.max(limit, 0));
  }
}

describe('decide under random observations', () => {
  it('keeps every database it switches against within target × budget, or says why not', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const spec = specOf({
          targetUtilisation: scenario.targetUtilisation,
          maxUnavailable: scenario.maxUnavailable,
          canary: scenario.canary,
          burstWindowSeconds: scenario.burstWindowSeconds,
          phases: scenario.phases,
          bakeSeconds: 0,
          scope: { roles: ['traditional'] },
        });
        let state = initialRolloutState();
        let nodes: NodeObservation[] = [...scenario.nodes];
        let nowMs = T0;
        const switched = new Set<string>();
        scenario.passes.forEach((pass, index) => {
          const databases = DATABASES.map((databaseId, i) => ({
            databaseId,
            budgetPerSecond: scenario.budgets[i] ?? 200,
            ratePerSecond: pass.rates[i] ?? 0,
          }));
          const observations: RolloutObservations = {
            nodes,
            databases,
            alarms: [],
            controls: index === 0 ? [control('start', nowMs)] : [],
          };
          const decision = decide({ spec, state }, observations, nowMs);
          checkDecision(spec, databases, decision, nowMs);
          // Level-triggered: the same inputs again issue nothing new.
          const again = decide({ spec, state: decision.state }, { ...observations, controls: [] }, nowMs);
          expect(again.intents.filter((i) => i.kind === 'switch' || i.kind === 'revert')).toEqual([]);
          // A node is switched at most once per phase (no wave rollback here).
          for (const intent of decision.intents)
            if (intent.kind === 'switch')
              for (const nodeId of intent.nodeIds) {
                expect(switched.has(`${intent.phase}:${nodeId}`)).toBe(false);
                switched.add(`${intent.phase}:${nodeId}`);
              }
          state = decision.state;
          if (pass.agents !== 'idle')
            nodes = agentsApply(
              nodes,
              decision.intents,
              nowMs,
              pass.agents === 'fail' ? { failing: new Set(nodes.map((n) => n.nodeId)) } : {},
            );
          nowMs += 1000;
        });
      }),
      { numRuns: 200 },
    );
  });
});
