import { describe, expect, it } from 'vitest';
import { normaliseRolloutSpec, quantityOf, stepHash } from './spec';
import { specOf } from './testing';

describe('normaliseRolloutSpec', () => {
  it('fills every default from the minimal body', () => {
    const result = normaliseRolloutSpec({ scope: { databaseId: 'db-1' }, reason: 'go' });
    expect(result.isValid).toBe(true);
    if (!result.isValid) return;
    const { spec } = result;
    expect(spec.scope).toEqual({ kind: 'database', databaseId: 'db-1' });
    expect(spec.phases).toEqual(['ro_iam', 'rw_iam']);
    expect(spec.pacing).toEqual({
      targetUtilisation: 0.5,
      maxUnavailable: { kind: 'count', count: 1 },
      burstWindowSeconds: 2,
      switchTimeoutSeconds: 600,
    });
    expect(spec.failureLimit).toEqual({ kind: 'count', count: 1 });
    expect(spec.onAlarm).toBe('pause');
    const roSteps = spec.steps.filter((step) => step.phase === 'ro_iam');
    expect(roSteps.map((step) => step.kind)).toEqual([
      'canary',
      'bake',
      'wave',
      'bake',
      'wave',
      'bake',
      'wave',
      'bake',
    ]);
    expect(roSteps[0]).toEqual({ kind: 'canary', phase: 'ro_iam', quantity: { kind: 'count', count: 1 } });
    expect(roSteps.filter((step) => step.kind === 'wave').map((step) => step.cumulativeShare)).toEqual([0.25, 0.5, 1]);
    expect(roSteps.filter((step) => step.kind === 'bake').every((step) => step.bakeSeconds === 300)).toBe(true);
    expect(roSteps.at(-1)).toEqual({ kind: 'bake', phase: 'ro_iam', bakeSeconds: 300, isFinal: true });
  });

  it('bakeSeconds sets every bake at once; finalBakeSeconds overrides the last', () => {
    const spec = specOf({ bakeSeconds: 60, finalBakeSeconds: 900 });
    const bakes = spec.steps.filter((step) => step.kind === 'bake');
    expect(bakes.filter((step) => !step.isFinal).every((step) => step.bakeSeconds === 60)).toBe(true);
    expect(bakes.filter((step) => step.isFinal).map((step) => step.bakeSeconds)).toEqual([900, 900]);
  });

  it.each([
    [{ canary: { share: 0.1 } }, 'canary', { kind: 'share', share: 0.1 }],
    [{ canary: 3 }, 'canary', { kind: 'count', count: 3 }],
    [{ maxUnavailable: '20%' }, 'maxUnavailable', { kind: 'share', share: 0.2 }],
    [{ failureLimit: 0 }, 'failureLimit', { kind: 'count', count: 0 }],
    [{ failureLimit: { count: 2 } }, 'failureLimit', { kind: 'count', count: 2 }],
  ])('reads %j', (body, field, expected) => {
    const spec = specOf(body) as unknown as Record<string, unknown>;
    const value = field === 'maxUnavailable' ? (spec.pacing as Record<string, unknown>)[field] : spec[field];
    if (field === 'canary') expect((spec.steps as { quantity?: unknown }[])[0]?.quantity).toEqual(expected);
    else expect(value).toEqual(expected);
  });

  it('grows waves exponentially up to 1', () => {
    const spec = specOf({ waves: { growthFactor: 2, initialShare: 0.1 } });
    const shares = spec.steps.flatMap((s) => (s.kind === 'wave' && s.phase === 'ro_iam' ? [s.cumulativeShare] : []));
    expect(shares).toEqual([0.1, 0.2, 0.4, 0.8, 1]);
  });

  it.each([
    [{}, 'scope'],
    [{ scope: { databaseId: '' } }, 'scope.databaseId'],
    [{ scope: {} }, 'scope'],
    [{ scope: { roles: ['router'] } }, 'scope.roles'],
    [{ scope: { databaseId: 'x' }, targetUtilisation: 1.5 }, 'targetUtilisation'],
    [{ scope: { databaseId: 'x' }, targetUtilisation: 0 }, 'targetUtilisation'],
    [{ scope: { databaseId: 'x' }, maxUnavailable: 0 }, 'maxUnavailable'],
    [{ scope: { databaseId: 'x' }, failureLimit: -1 }, 'failureLimit'],
    [{ scope: { databaseId: 'x' }, failureLimit: '150%' }, 'failureLimit'],
    [{ scope: { databaseId: 'x' }, onAlarm: 'explode' }, 'onAlarm'],
    [{ scope: { databaseId: 'x' }, waves: [0.5, 0.25, 1] }, 'waves'],
    [{ scope: { databaseId: 'x' }, waves: [0.5] }, 'waves'],
    [{ scope: { databaseId: 'x' }, waves: { growthFactor: 1 } }, 'waves.growthFactor'],
    [{ scope: { databaseId: 'x' }, phases: ['rw_iam', 'ro_iam'] }, 'phases'],
    [{ scope: { databaseId: 'x' }, bakeSeconds: -5 }, 'bakeSeconds'],
  ])('refuses %j naming %s', (body, field) => {
    const result = normaliseRolloutSpec(body);
    expect(result.isValid).toBe(false);
    if (result.isValid) return;
    expect(result.errors.map((error) => error.field)).toContain(field);
  });

  it('reports every problem at once', () => {
    const result = normaliseRolloutSpec({ scope: { databaseId: 'x' }, targetUtilisation: 2, onAlarm: 'x', canary: 0 });
    expect(result.isValid ? [] : result.errors.map((error) => error.field)).toEqual([
      'canary',
      'targetUtilisation',
      'onAlarm',
    ]);
  });
});

describe('stepHash', () => {
  it('is stable for equal specs and changes with any step', () => {
    expect(stepHash(specOf())).toBe(stepHash(specOf()));
    expect(stepHash(specOf({ bakeSeconds: 60 }))).not.toBe(stepHash(specOf()));
    expect(stepHash(specOf({ waves: [0.5, 1] }))).not.toBe(stepHash(specOf()));
  });
});

describe('quantityOf', () => {
  it.each([
    [{ kind: 'count', count: 1 } as const, 10, 1],
    [{ kind: 'count', count: 5 } as const, 3, 3],
    [{ kind: 'share', share: 0.1 } as const, 10, 1],
    [{ kind: 'share', share: 0.25 } as const, 10, 3],
    [{ kind: 'share', share: 0.01 } as const, 10, 1],
    [{ kind: 'count', count: 0 } as const, 10, 0],
    [{ kind: 'share', share: 0.5 } as const, 0, 0],
  ])('%j of %i nodes is %i', (quantity, total, expected) => {
    expect(quantityOf(quantity, total)).toBe(expected);
  });
});
