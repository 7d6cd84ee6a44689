import { describe, expect, it } from 'vitest';
import { compareVersions, isInScope, parseKongVersion, resolveNode, resolveScope } from './scope';
import { database, node, observations, specOf, T0 } from './testing';
import type { NodeObservation } from './observations';
import type { RolloutPhase } from './types';

const context = { nowMs: T0, isRoBeforeRwOverridden: false };
const databases = [database('primary'), database('replica')];

function verdictOf(overrides: Partial<NodeObservation>, phase: RolloutPhase, body: Record<string, unknown> = {}) {
  return resolveNode(specOf(body), node('n1', overrides), phase, databases, context);
}

describe('resolveNode', () => {
  it.each<[string, Partial<NodeObservation>, RolloutPhase, string, string, RegExp | null]>([
    ['a password node with a replica', {}, 'ro_iam', 'waiting', 'ro_iam', null],
    ['a data plane', { role: 'data_plane' }, 'ro_iam', 'skipped', 'password', /data_plane/],
    ['a DB-less node', { isDatabaseOff: true }, 'rw_iam', 'skipped', 'password', /database = off/],
    [
      'no pg_ro_host in ro_iam',
      { hasReadOnlyConnection: false, roDatabaseId: null },
      'ro_iam',
      'skipped',
      'password',
      /pg_ro_host/,
    ],
    [
      'no pg_ro_host in rw_iam',
      { hasReadOnlyConnection: false, roDatabaseId: null },
      'rw_iam',
      'waiting',
      'rw_iam',
      null,
    ],
    ['already ro_iam in ro_iam', { stage: 'ro_iam' }, 'ro_iam', 'skipped', 'ro_iam', /already on ro_iam/],
    ['ro_iam in rw_iam', { stage: 'ro_iam' }, 'rw_iam', 'waiting', 'rw_iam', null],
    ['already rw_iam', { stage: 'rw_iam' }, 'rw_iam', 'skipped', 'rw_iam', /already on rw_iam/],
    [
      'a mixed node in ro_iam',
      { stage: 'rw_iam_ro_password' },
      'ro_iam',
      'waiting',
      'rw_iam',
      /mixed.*forward to rw_iam/,
    ],
    ['a mixed node in rw_iam', { stage: 'rw_iam_ro_password' }, 'rw_iam', 'waiting', 'rw_iam', /mixed/],
    ['ro still on passwords in rw_iam', {}, 'rw_iam', 'blocked', 'rw_iam', /read-only goes first/],
    ['Kong 3.2', { kongVersion: '3.2.2.5' }, 'ro_iam', 'blocked', 'ro_iam', /no IAM database authentication/],
    ['an unknown version', { kongVersion: null }, 'ro_iam', 'blocked', 'ro_iam', /version unknown/],
    [
      'Kong 3.4 with assume-role',
      { kongVersion: '3.4.3', usesAssumeRole: true },
      'ro_iam',
      'blocked',
      'ro_iam',
      /assume-role/,
    ],
    [
      'Kong 3.8 with assume-role',
      { kongVersion: '3.8.0.0', usesAssumeRole: true },
      'ro_iam',
      'waiting',
      'ro_iam',
      null,
    ],
    ['no workers reported', { workerCount: null }, 'ro_iam', 'blocked', 'ro_iam', /workers and pool size/],
    ['an unknown replica', { roDatabaseId: null }, 'ro_iam', 'blocked', 'ro_iam', /no known database/],
    [
      'a burst over the whole budget',
      { workerCount: 16, poolSize: { rw: 20, ro: 20 } },
      'ro_iam',
      'blocked',
      'ro_iam',
      /whole IAM budget/,
    ],
    [
      'a failed preflight',
      { preflight: [{ stage: 'ro_iam', isPassed: false, checkedAtMs: T0, reason: 'no rds_iam grant' }] },
      'ro_iam',
      'blocked',
      'ro_iam',
      /preflight for ro_iam failed: no rds_iam grant/,
    ],
    [
      'an old preflight',
      { preflight: [{ stage: 'ro_iam', isPassed: true, checkedAtMs: T0 - 7_200_000, reason: null }] },
      'ro_iam',
      'blocked',
      'ro_iam',
      /7200 s old/,
    ],
    [
      'a failed preflight an admin overrode',
      {
        preflight: [{ stage: 'ro_iam', isPassed: false, checkedAtMs: T0, reason: 'x' }],
        preflightOverride: { by: 'admin', reason: 'grant checked by hand' },
      },
      'ro_iam',
      'waiting',
      'ro_iam',
      null,
    ],
    [
      'a preflight for another stage only',
      { preflight: [{ stage: 'rw_iam', isPassed: false, checkedAtMs: T0, reason: 'x' }] },
      'ro_iam',
      'waiting',
      'ro_iam',
      null,
    ],
  ])('%s → %s', (_name, overrides, phase, state, toStage, reason) => {
    const verdict = verdictOf(overrides, phase);
    expect(verdict.state).toBe(state);
    expect(verdict.toStage).toBe(toStage);
    if (reason === null) expect(verdict.reason).toBeNull();
    else expect(verdict.reason).toMatch(reason);
  });

  it('blocks Kong 3.4 when the plan needs assume-role', () => {
    expect(verdictOf({ kongVersion: '3.4.3' }, 'ro_iam', { needsAssumeRole: true }).state).toBe('blocked');
  });

  it('lets ro-before-rw be overridden', () => {
    const spec = specOf();
    const verdict = resolveNode(spec, node('n1'), 'rw_iam', databases, { ...context, isRoBeforeRwOverridden: true });
    expect(verdict).toMatchObject({
      state: 'waiting',
      toStage: 'rw_iam',
      burstByDatabase: { primary: 10, replica: 10 },
    });
  });

  it('counts the primary and the replica for rw_iam, the replica only for ro_iam', () => {
    expect(verdictOf({}, 'ro_iam').burstByDatabase).toEqual({ replica: 10 });
    expect(verdictOf({ stage: 'ro_iam' }, 'rw_iam').burstByDatabase).toEqual({ primary: 10, replica: 10 });
    expect(verdictOf({ observedPeakPerSecond: { ro: 2 } }, 'ro_iam').burstByDatabase).toEqual({ replica: 3 });
  });
});

describe('scope', () => {
  it('holds nodes whose rw or ro connection targets the database', () => {
    const scope = { kind: 'database', databaseId: 'replica' } as const;
    expect(isInScope(scope, node('a'))).toBe(true);
    expect(isInScope(scope, node('b', { roDatabaseId: 'other' }))).toBe(false);
    expect(isInScope(scope, node('c', { rwDatabaseId: 'replica', hasReadOnlyConnection: false }))).toBe(true);
  });

  it.each([
    [{ nodeIds: ['a'] }, ['a']],
    [{ roles: ['control_plane'] }, ['c']],
    [{ kongVersions: ['3.4'] }, ['b']],
    [{ labels: { env: 'prod' } }, ['a', 'c']],
    [{ labels: { env: 'prod' }, roles: ['traditional'] }, ['a']],
  ])('a selector %j picks %j', (selector, expected) => {
    const nodes = [
      node('a', { labels: { env: 'prod' } }),
      node('b', { kongVersion: '3.4.3.12', labels: { env: 'dev' } }),
      node('c', { role: 'control_plane', kongVersion: '3.40.0', labels: { env: 'prod' } }),
    ];
    const spec = specOf({ scope: selector });
    const ids = resolveScope(spec, observations(nodes), 'ro_iam', context).map((v) => v.nodeId);
    expect(ids).toEqual(expected);
  });

  it('orders by node id', () => {
    const ids = resolveScope(specOf(), observations([node('z'), node('a'), node('m')]), 'ro_iam', context);
    expect(ids.map((v) => v.nodeId)).toEqual(['a', 'm', 'z']);
  });
});

describe('Kong versions', () => {
  it.each([
    ['3.4.3.12', [3, 4, 3, 12]],
    ['3.9.1-enterprise', [3, 9, 1]],
    ['v3.10', [3, 10]],
    ['latest', null],
  ])('%s parses as %j', (text, expected) => expect(parseKongVersion(text)).toEqual(expected));

  it('compares numerically', () => {
    expect(compareVersions([3, 10], [3, 8])).toBeGreaterThan(0);
    expect(compareVersions([3, 3], [3, 3, 0])).toBe(0);
  });
});
