import type { NodePlan, NodeView } from '@iamroll/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NodePlanView } from './NodePlanView';

const node = { id: '00000000-0000-4000-8000-000000000001', configHash: 'abc' } as NodeView;

function plan(to: NodePlan['to']): NodePlan {
  return {
    nodeId: node.id,
    from: to === 'ro_iam' ? 'password' : 'ro_iam',
    to,
    changes:
      to === 'ro_iam'
        ? [
            { key: 'pg_ro_user', from: 'kong', to: 'kong_iam' },
            { key: 'pg_ro_iam_auth', from: 'off', to: 'on' },
          ]
        : [{ key: 'pg_user', from: 'kong', to: 'kong_iam' }],
    kept: [{ key: to === 'ro_iam' ? 'pg_ro_password' : 'pg_password', note: 'kept for rollback' }],
    blockers: [],
    notes: ['Before applying: create kong_iam and grant it rds_iam.'],
    error: null,
  };
}

describe('NodePlanView', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('shows each setting the next stage changes, old → new, and the passwords kept by name only', async () => {
    const urls: string[] = [];
    vi.stubGlobal('fetch', (url: string) => {
      urls.push(url);
      return Promise.resolve(Response.json(plan(url.includes('stage=rw_iam') ? 'rw_iam' : 'ro_iam')));
    });
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    render(
      <QueryClientProvider client={client}>
        <NodePlanView node={node} />
      </QueryClientProvider>,
    );
    const table = await screen.findByTestId('node-plan-changes');
    expect(table.textContent).toContain('pg_ro_iam_auth');
    expect(table.textContent).toContain('pg_ro_iam_authoff→on');
    expect(table.textContent).toContain('pg_ro_passwordunchanged: kept for rollback');
    expect(urls).toEqual([`/api/v1/nodes/${node.id}/plan`]);

    fireEvent.click(screen.getByRole('button', { name: 'Both on IAM' }));
    await waitFor(() => expect(screen.getByTestId('node-plan-changes').textContent).toContain('pg_passwordunchanged'));
    expect(urls.at(-1)).toBe(`/api/v1/nodes/${node.id}/plan?stage=rw_iam`);
  });
});
