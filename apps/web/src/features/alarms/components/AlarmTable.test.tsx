import type { AlarmView, MeResponse } from '@iamroll/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { authKeys } from '../../auth/api/auth-queries';
import { AlarmTable } from './AlarmTable';

const alarm: AlarmView = {
  id: '00000000-0000-4000-8000-000000000001',
  key: 'db-rate-critical:db1',
  kind: 'db-rate-critical',
  severity: 'critical',
  state: 'open',
  subjectType: 'database',
  subjectId: 'db1',
  message: 'prod-db is at 230/s, over its 200/s budget',
  value: 230,
  openedAt: new Date().toISOString(),
  acknowledgedAt: null,
  acknowledgedBy: null,
  resolvedAt: null,
};

function renderAs(role: 'viewer' | 'operator') {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const me: MeResponse = { user: { id: 'u1', username: 'pat', role }, csrfToken: 'c' };
  queryClient.setQueryData(authKeys.me(), me);
  render(
    <QueryClientProvider client={queryClient}>
      <AlarmTable alarms={[alarm]} caption="Open alarms" />
    </QueryClientProvider>,
  );
}

describe('AlarmTable', () => {
  it('lets an operator acknowledge', () => {
    renderAs('operator');
    const button = screen.getByRole('button', { name: /Acknowledge db-rate-critical/ });
    expect((button as HTMLButtonElement).disabled).toBe(false);
  });

  it('shows a viewer the button disabled, with the reason', () => {
    renderAs('viewer');
    const button = screen.getByRole('button', { name: /Acknowledge/ });
    expect((button as HTMLButtonElement).disabled).toBe(true);
    expect(button.getAttribute('title')).toBe('Needs the operator role');
  });
});
