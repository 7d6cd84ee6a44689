import { describe, expect, it } from 'vitest';
import { controlsFor, EMPTY_FORM, fieldOfPath, isActiveRollout, rolloutKeys, toRolloutBody } from './rollouts-queries';

describe('rolloutKeys', () => {
  it('nests every key under the root, so one invalidation reaches lists and details', () => {
    expect(rolloutKeys.list(0)).toEqual(['rollouts', 'list', { offset: 0 }]);
    expect(rolloutKeys.detail('r1')).toEqual(['rollouts', 'detail', 'r1']);
    expect(rolloutKeys.list().slice(0, 2)).toEqual(rolloutKeys.lists());
    expect(rolloutKeys.detail('r1').slice(0, 2)).toEqual(rolloutKeys.details());
    expect(rolloutKeys.preview({ scope: { databaseId: 'd' }, reason: '' })[0]).toBe('rollouts');
  });
});

describe('toRolloutBody', () => {
  it('is null without a database', () => {
    expect(toRolloutBody(EMPTY_FORM)).toBeNull();
  });

  it('leaves empty fields out so the engine defaults apply', () => {
    expect(toRolloutBody({ ...EMPTY_FORM, databaseId: 'db1', reason: '  move to IAM ' })).toEqual({
      scope: { databaseId: 'db1' },
      reason: 'move to IAM',
      start: true,
    });
  });

  it('maps every override, the utilisation percent as a share', () => {
    expect(
      toRolloutBody({
        databaseId: 'db1',
        bakeSeconds: '0',
        targetUtilisationPercent: '40',
        maxUnavailable: '2',
        failureLimit: '1',
        onAlarm: 'rollback_wave',
        reason: 'r',
        start: false,
      }),
    ).toEqual({
      scope: { databaseId: 'db1' },
      reason: 'r',
      bakeSeconds: 0,
      targetUtilisation: 0.4,
      maxUnavailable: 2,
      failureLimit: 1,
      onAlarm: 'rollback_wave',
      start: false,
    });
  });

  it('sends what is not a number as typed, for the API to name in its 400', () => {
    expect(toRolloutBody({ ...EMPTY_FORM, databaseId: 'db1', bakeSeconds: 'soon' })?.bakeSeconds).toBe('soon');
  });
});

describe('fieldOfPath', () => {
  it('places the API field errors beside the form fields', () => {
    expect(fieldOfPath('body.targetUtilisation')).toBe('targetUtilisationPercent');
    expect(fieldOfPath('body.scope.databaseId')).toBe('databaseId');
    expect(fieldOfPath('body.waveBakeSeconds')).toBe('bakeSeconds');
    expect(fieldOfPath('body.failureLimit')).toBe('failureLimit');
    expect(fieldOfPath('body.canary')).toBeNull();
  });
});

describe('status helpers', () => {
  it('knows which rollouts are active and which controls fit', () => {
    expect(isActiveRollout({ status: 'paused' })).toBe(true);
    expect(isActiveRollout({ status: 'rolled_back' })).toBe(false);
    expect(controlsFor('completed').has('rollback')).toBe(true);
    expect(controlsFor('paused').has('resume')).toBe(true);
    expect(controlsFor('rolled_back').size).toBe(0);
  });
});
