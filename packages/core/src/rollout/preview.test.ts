import { describe, expect, it } from 'vitest';
import { previewRollout } from './preview';
import { database, node, observations, specOf } from './testing';

describe('previewRollout', () => {
  it('lists waves, batches, peaks per database and the expected duration', () => {
    const fleet = observations(
      [
        ...['a', 'b', 'c', 'd'].map((id) => node(id)),
        node('dp', { role: 'data_plane' }),
        node('old', { kongVersion: '3.1.0' }),
      ],
      {
        databases: [database('primary', { ratePerSecond: 20 }), database('replica', { ratePerSecond: 5 })],
      },
    );
    const preview = previewRollout(specOf(), fleet);
    const [ro, rw] = preview.phases;
    expect(ro?.waves.map((wave) => [wave.label, wave.nodeIds, wave.batches])).toEqual([
      ['canary', ['a'], [['a']]],
      ['wave 1 of 3 (25%)', [], []],
      ['wave 2 of 3 (50%)', ['b'], [['b']]],
      ['wave 3 of 3 (100%)', ['c', 'd'], [['c'], ['d']]],
    ]);
    expect(ro?.skipped).toEqual([
      { nodeId: 'dp', reason: 'role = data_plane: data planes never connect to PostgreSQL' },
    ]);
    expect(ro?.blocked.map((entry) => entry.nodeId)).toEqual(['old']);
    expect(rw?.blocked).toEqual([
      { nodeId: 'old', reason: 'its read-only connection is not on IAM yet: read-only goes first' },
    ]);
    expect(rw?.waves.flatMap((wave) => wave.nodeIds)).toEqual(['a', 'b', 'c', 'd']);
    expect(preview.databases).toEqual([
      {
        databaseId: 'primary',
        budgetPerSecond: 200,
        targetPerSecond: 100,
        measuredRatePerSecond: 20,
        projectedPeakPerSecond: 30,
        isOverTarget: false,
      },
      {
        databaseId: 'replica',
        budgetPerSecond: 200,
        targetPerSecond: 100,
        measuredRatePerSecond: 5,
        projectedPeakPerSecond: 15,
        isOverTarget: false,
      },
    ]);
    // 8 bakes × 300 s + 8 batches × (10 s switch + 2 s burst window).
    expect(preview.expectedDurationSeconds).toBe(2400 + 8 * 12);
    expect(preview.notes).toEqual(['rw_iam waits for an admin override: old cannot move read-only to IAM']);
  });

  it('batches by budget on every database the switch touches, within maxUnavailable', () => {
    const fleet = observations(
      ['a', 'b', 'c', 'd'].map((id) => node(id, { stage: 'ro_iam', workerCount: 4, poolSize: { rw: 10, ro: 10 } })),
      { databases: [database('primary', { ratePerSecond: 10 }), database('replica', { ratePerSecond: 50 })] },
    );
    const preview = previewRollout(specOf({ phases: ['rw_iam'], canary: 4, maxUnavailable: 3, bakeSeconds: 0 }), fleet);
    expect(preview.phases[0]?.waves[0]?.batches).toEqual([['a'], ['b'], ['c'], ['d']]);
    expect(preview.databases.map((d) => [d.databaseId, d.projectedPeakPerSecond])).toEqual([
      ['primary', 50],
      ['replica', 90],
    ]);
    expect(preview.expectedDurationSeconds).toBe(4 * 12);
  });

  it('names an oversized node and a node the measured rate leaves no room for', () => {
    const fleet = observations([node('big', { workerCount: 6, poolSize: { rw: 20, ro: 20 } }), node('small')], {
      databases: [database('primary'), database('replica', { ratePerSecond: 95 })],
    });
    const preview = previewRollout(specOf({ phases: ['ro_iam'], canary: 2, maxUnavailable: 2 }), fleet);
    expect(preview.notes).toEqual([
      expect.stringMatching(
        /^big cannot switch at today's rate: big's burst of 120\/s exceeds the 100\/s target on replica/,
      ),
      expect.stringMatching(/^small cannot switch at today's rate: waiting for headroom on replica/),
    ]);
    expect(preview.databases).toEqual([
      expect.objectContaining({ databaseId: 'replica', projectedPeakPerSecond: 215, isOverTarget: true }),
    ]);
  });
});
