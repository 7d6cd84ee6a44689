import type { RolloutPreview } from '@iamroll/contracts';
import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/api-client';
import { fieldErrorsOf } from './NewRolloutPage';
import { formatDuration, RolloutPreviewView } from './RolloutPreviewView';

const id = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;

const preview: RolloutPreview = {
  phases: [
    {
      phase: 'ro_iam',
      waves: [
        { stepIndex: 0, label: 'canary', nodeIds: [id(1)], batches: [[id(1)]] },
        { stepIndex: 1, label: 'wave 1 (100%)', nodeIds: [id(2), id(3)], batches: [[id(2)], [id(3)]] },
      ],
      skipped: [{ nodeId: id(4), reason: 'data plane: no database' }],
      blocked: [{ nodeId: id(5), reason: 'preflight: rds_iam missing' }],
    },
    { phase: 'rw_iam', waves: [], skipped: [], blocked: [] },
  ],
  databases: [
    {
      databaseId: 'db1',
      budgetPerSecond: 200,
      targetPerSecond: 100,
      measuredRatePerSecond: 20,
      projectedPeakPerSecond: 140,
      isOverTarget: true,
    },
  ],
  expectedDurationSeconds: 930,
  notes: [],
};

describe('RolloutPreviewView', () => {
  it('shows the waves per phase with node counts, the peak against the budget, duration, skipped and blocked', () => {
    render(<RolloutPreviewView preview={preview} databaseName={() => 'prod-db'} />);
    const readOnly = screen.getByRole('region', { name: 'Read-only connections to IAM' });
    expect(within(readOnly).getByText('canary: 1 node')).toBeTruthy();
    expect(within(readOnly).getByText(/wave 1 \(100%\): 2 nodes/)).toBeTruthy();
    expect(within(readOnly).getByText(/data plane: no database/)).toBeTruthy();
    expect(within(readOnly).getByText(/rds_iam missing/)).toBeTruthy();
    expect(within(readOnly).getByRole('heading', { name: 'Blocked (1)' })).toBeTruthy();
    const meter = screen.getByRole('meter', { name: 'Projected peak on prod-db' });
    expect(meter.getAttribute('aria-valuetext')).toBe('140/s of 200/s budget');
    expect(screen.getByText('over target')).toBeTruthy();
    expect(screen.getByTestId('preview-duration').textContent).toBe('15 min 30 s');
    expect(screen.getByText('No node to switch in this phase.')).toBeTruthy();
  });
});

describe('fieldErrorsOf', () => {
  it('puts a 400 field error beside its field, the rest under the form', () => {
    const error = new ApiError('validation', 'bad spec', 400, [
      { path: 'body.targetUtilisation', message: 'must be within (0, 1]' },
      { path: 'body.canary', message: 'too big' },
    ]);
    const { byField, other } = fieldErrorsOf(error);
    expect(byField.targetUtilisationPercent).toBe('must be within (0, 1]');
    expect(other).toEqual(['body.canary: too big']);
  });

  it('formats durations', () => {
    expect(formatDuration(42)).toBe('42 s');
    expect(formatDuration(3_720)).toBe('1 h 2 min');
  });
});
