import type { MeResponse, RolloutView } from '@iamroll/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { authKeys } from '../../auth/api/auth-queries';
import { databaseKeys } from '../../databases/api/databases-queries';
import { rolloutKeys } from '../api/rollouts-queries';
import { countNodeStates, RolloutDetailPage } from './RolloutDetailPage';

const rollout: RolloutView = {
  id: '00000000-0000-4000-8000-0000000000aa',
  status: 'completed',
  phase: 'rw_iam',
  message: 'Completed: 1 of 1 nodes switched to rw_iam.',
  reason: 'move to IAM',
  createdBy: 'pat',
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
  startedAt: new Date().toISOString(),
  finishedAt: new Date().toISOString(),
  pause: null,
  finalizedAt: null,
  revision: 7,
  step: null,
  roBeforeRwOverride: null,
  spec: { scope: { databaseId: 'db1' } },
  nodes: [
    {
      id: '00000000-0000-4000-8000-000000000001',
      hostname: 'kong-1',
      phase: 'rw_iam',
      state: 'switched',
      fromStage: 'ro_iam',
      toStage: 'rw_iam',
      reason: null,
    },
  ],
};

function renderAs(role: 'viewer' | 'operator') {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  const me: MeResponse = { user: { id: 'u1', username: 'pat', role }, csrfToken: 'c' };
  queryClient.setQueryData(authKeys.me(), me);
  queryClient.setQueryData(rolloutKeys.detail(rollout.id), rollout);
  queryClient.setQueryData(databaseKeys.list(), { items: [], total: 0, limit: 500, offset: 0 });
  render(
    <QueryClientProvider client={queryClient}>
      <RolloutDetailPage id={rollout.id} />
    </QueryClientProvider>,
  );
}

afterEach(() => vi.unstubAllGlobals());

describe('countNodeStates', () => {
  it('counts the nodes by state, failures first, in the order the contract states are ranked', () => {
    const node = rollout.nodes[0]!;
    const nodes = (['switched', 'waiting', 'failed', 'switched'] as const).map((state) => ({ ...node, state }));
    expect(countNodeStates(nodes)).toBe('1 failed, 1 waiting, 2 switched');
    expect(countNodeStates([])).toBe('none');
  });
});

describe('RolloutDetailPage', () => {
  it('shows the status, message and per-node table', () => {
    renderAs('operator');
    expect(screen.getByTestId('rollout-status').textContent).toBe('completed');
    expect(screen.getByTestId('rollout-message').textContent).toContain('1 of 1 nodes');
    expect(screen.getByRole('cell', { name: 'kong-1' })).toBeTruthy();
    expect(screen.getByTestId('rollout-node-state').textContent).toBe('switched');
  });

  it('shows a viewer the controls disabled, with the reason', () => {
    renderAs('viewer');
    const button = screen.getByRole<HTMLButtonElement>('button', { name: 'Roll back…' });
    expect(button.disabled).toBe(true);
    expect(button.title).toBe('Needs the operator role');
  });

  it('asks an operator for a reason, and shows the engine’s 409 refusal', async () => {
    const fetchMock = vi
      .fn()
      .mockResolvedValue(
        new Response(
          JSON.stringify({ error: { code: 'conflict', message: 'finalized: nothing could restore the passwords' } }),
          { status: 409, headers: { 'content-type': 'application/json' } },
        ),
      );
    vi.stubGlobal('fetch', fetchMock);
    renderAs('operator');
    fireEvent.click(screen.getByRole('button', { name: 'Roll back…' }));
    const confirm = screen.getByRole<HTMLButtonElement>('button', { name: 'Roll back' });
    expect(confirm.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Reason (audit log)'), { target: { value: 'back out' } });
    fireEvent.click(confirm);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('nothing could restore'));
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe(`/api/v1/rollouts/${rollout.id}/rollback`);
    expect(JSON.parse(init.body as string)).toEqual({ reason: 'back out' });
  });
});
