import type { DatabaseView, MeResponse } from '@iamroll/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { authKeys } from '../../auth/api/auth-queries';
import { DatabaseIamPanel } from './DatabaseIamPanel';

const base: DatabaseView = {
  id: '00000000-0000-4000-8000-0000000000d1',
  identifier: 'kong-main',
  host: 'kong-main.abc.us-east-1.rds.amazonaws.com',
  port: 5432,
  region: 'us-east-1',
  budgetPerSecond: 200,
  warningThreshold: 0.8,
  ratePerSecond: 0,
  peakPerSecond: 0,
  peakAt: null,
  utilisation: 0,
  throttledLast10s: 0,
  nodes: { total: 2, rw: { password: 2, iam: 0 }, ro: { password: 0, iam: 0 } },
  createdAt: new Date().toISOString(),
  updatedAt: new Date().toISOString(),
};

function renderAs(role: 'viewer' | 'operator', database: DatabaseView) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const me: MeResponse = { user: { id: 'u1', username: 'pat', role }, csrfToken: 'c' };
  queryClient.setQueryData(authKeys.me(), me);
  render(
    <QueryClientProvider client={queryClient}>
      <DatabaseIamPanel database={database} />
    </QueryClientProvider>,
  );
}

describe('DatabaseIamPanel', () => {
  it('shows IAM enabled, the resource id, and the ready policy and SQL', () => {
    renderAs('viewer', {
      ...base,
      iam: {
        status: 'ok',
        checkedAt: new Date().toISOString(),
        message: 'IAM database authentication is enabled on kong-main (db-ABC).',
        fix: '',
        iamDatabaseAuthenticationEnabled: true,
        dbiResourceId: 'db-ABC',
        endpoint: { address: base.host, port: 5432 },
      },
      policy: {
        Version: '2012-10-17',
        Statement: [{ Resource: ['arn:aws:rds-db:us-east-1:123456789012:dbuser:db-ABC/kong_iam'] }],
      },
      sql: 'CREATE USER "kong_iam";\nGRANT rds_iam TO "kong_iam";\n',
      iamUsers: ['kong_iam'],
    });
    expect(screen.getByTestId('db-iam-status').textContent).toBe('IAM authentication enabled');
    expect(screen.getByText('db-ABC')).toBeTruthy();
    expect(screen.getByLabelText('IAM policy').textContent).toContain('dbuser:db-ABC/kong_iam');
    expect(screen.getByLabelText('SQL').textContent).toContain('GRANT rds_iam TO "kong_iam";');
    const check = screen.getByRole<HTMLButtonElement>('button', { name: 'Check now' });
    expect(check.disabled).toBe(true);
    expect(check.title).toBe('Needs the operator role');
  });

  it('shows IAM disabled with the command that enables it', () => {
    renderAs('operator', {
      ...base,
      iam: {
        status: 'iam_disabled',
        checkedAt: new Date().toISOString(),
        message: 'IAM database authentication is disabled on kong-main',
        fix: 'aws rds modify-db-instance --db-instance-identifier kong-main --enable-iam-database-authentication --apply-immediately --region us-east-1',
        iamDatabaseAuthenticationEnabled: false,
        dbiResourceId: 'db-ABC',
        endpoint: null,
      },
      policy: null,
      sql: null,
      iamUsers: [],
    });
    expect(screen.getByTestId('db-iam-status').textContent).toBe('IAM authentication disabled');
    expect(screen.getByLabelText('command enabling IAM authentication').textContent).toContain(
      '--enable-iam-database-authentication',
    );
    expect(screen.getByText(/No node targets this database yet/)).toBeTruthy();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Check now' }).disabled).toBe(false);
  });
});
