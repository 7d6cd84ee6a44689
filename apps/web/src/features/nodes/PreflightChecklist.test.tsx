import type { MeResponse, NodePreflightView } from '@iamroll/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { authKeys } from '../auth/api/auth-queries';
import { preflightKeys } from './api/preflight-queries';
import { PreflightChecklist } from './PreflightChecklist';

const NODE = '00000000-0000-4000-8000-000000000001';
const view: NodePreflightView = {
  nodeId: NODE,
  results: [
    {
      stage: 'rw_iam',
      checkedAt: new Date(Date.now() - 120_000).toISOString(),
      ageSeconds: 120,
      isPassed: false,
      checks: [
        { id: 'credentials', connection: null, status: 'pass', message: 'credentials from the instance role', fix: '' },
        {
          id: 'rds-iam-member',
          connection: 'rw',
          status: 'fail',
          message: 'kong_iam is not a member of rds_iam',
          fix: 'GRANT rds_iam TO "kong_iam";',
        },
        { id: 'database-rights', connection: 'rw', status: 'skip', message: 'skipped: the login failed', fix: '' },
      ],
    },
  ],
  pending: null,
  override: null,
};

function renderAs(role: 'viewer' | 'operator' | 'admin', data: NodePreflightView = view) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } });
  const me: MeResponse = { user: { id: 'u1', username: 'pat', role }, csrfToken: 'c' };
  queryClient.setQueryData(authKeys.me(), me);
  queryClient.setQueryData(preflightKeys.detail(NODE), data);
  render(
    <QueryClientProvider client={queryClient}>
      <PreflightChecklist nodeId={NODE} />
    </QueryClientProvider>,
  );
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

afterEach(() => vi.unstubAllGlobals());

describe('PreflightChecklist', () => {
  it('shows each check with its status, message and fix (SQL as copyable code), and the age', () => {
    renderAs('viewer');
    expect(screen.getByTestId('preflight-verdict').textContent).toBe('not ready');
    expect(screen.getAllByTestId('preflight-check').map((li) => li.textContent)).toEqual([
      expect.stringContaining('credentials from the instance role'),
      expect.stringContaining('kong_iam is not a member of rds_iam'),
      expect.stringContaining('skipped: the login failed'),
    ]);
    expect(screen.getByLabelText('fix for rds-iam-member').textContent).toBe('GRANT rds_iam TO "kong_iam";');
    expect(screen.getByText('checked 2 min ago')).toBeTruthy();
  });

  it('disables run again and override for a viewer, with the role needed', () => {
    renderAs('viewer');
    const run = screen.getByRole<HTMLButtonElement>('button', { name: 'Run again' });
    expect(run.disabled).toBe(true);
    expect(run.title).toBe('Needs the operator role');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Override…' }).title).toBe('Needs the admin role');
  });

  it('lets an operator run it again, and shows the 409 of an agent without preflight', async () => {
    const fetchMock = vi
      .fn()
      .mockResolvedValue(
        json({ error: { code: 'conflict', message: "This node's agent does not run preflight" } }, 409),
      );
    vi.stubGlobal('fetch', fetchMock);
    renderAs('operator');
    fireEvent.click(screen.getByRole('button', { name: 'Run again' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('does not run preflight'));
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe(`/api/v1/nodes/${NODE}/preflight`);
    expect(init.method).toBe('POST');
  });

  it('asks an admin for a reason before overriding, then shows the override', async () => {
    const overridden: NodePreflightView = {
      ...view,
      override: { by: 'pat', reason: 'granted by hand', at: new Date().toISOString() },
    };
    const fetchMock = vi.fn().mockResolvedValue(json(overridden));
    vi.stubGlobal('fetch', fetchMock);
    renderAs('admin');
    fireEvent.click(screen.getByRole('button', { name: 'Override…' }));
    const confirm = screen.getByRole<HTMLButtonElement>('button', { name: 'Override' });
    expect(confirm.disabled).toBe(true);
    fireEvent.change(screen.getByLabelText('Reason (required, goes to the audit log)'), {
      target: { value: 'granted by hand' },
    });
    fireEvent.click(confirm);
    await waitFor(() => expect(screen.getByTestId('preflight-override').textContent).toContain('granted by hand'));
    const [url, init] = fetchMock.mock.calls[0] as [string, RequestInit];
    expect(url).toBe(`/api/v1/nodes/${NODE}/preflight/override`);
    expect(JSON.parse(init.body as string)).toEqual({ reason: 'granted by hand' });
  });

  it('says what to do when there is no result yet, and shows a pending run', () => {
    renderAs('operator', {
      ...view,
      results: [],
      pending: { requestId: 'pf-1', stages: ['ro_iam', 'rw_iam'], requestedAt: new Date().toISOString() },
    });
    expect(screen.getByText(/No preflight result yet/)).toBeTruthy();
    expect(screen.getByTestId('preflight-pending').textContent).toMatch(/its agent answers in a following heartbeat/);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Waiting for the agent…' }).disabled).toBe(true);
  });
});
