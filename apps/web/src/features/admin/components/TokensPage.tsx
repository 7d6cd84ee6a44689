import type { ApiTokenView, EnrollmentTokenView, Role } from '@iamroll/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Field } from '../../../components/Field';
import { Empty, QueryView } from '../../../components/states';
import { formatAgo, formatTime, isPast } from '../../../lib/format';
import {
  apiTokenKeys,
  apiTokensQuery,
  createApiToken,
  createEnrollmentToken,
  enrollmentTokenKeys,
  enrollmentTokensQuery,
  revokeApiToken,
  revokeEnrollmentToken,
} from '../api/admin-queries';
import { SecretOnce } from './SecretOnce';
import { TokenTable, type TokenColumn } from './TokenTable';

const API_TOKEN_COLUMNS: readonly TokenColumn<ApiTokenView>[] = [
  { header: 'Role', cell: (token) => token.role },
  { header: 'Last used', cell: (token) => formatAgo(token.lastUsedAt) },
  { header: 'Expires', cell: (token) => (token.expiresAt ? formatTime(token.expiresAt) : 'never') },
];

const ENROLLMENT_TOKEN_COLUMNS: readonly TokenColumn<EnrollmentTokenView>[] = [
  { header: 'Uses left', cell: (token) => token.usesLeft },
  { header: 'Expires', cell: (token) => formatTime(token.expiresAt) },
];

function useRevoke(revoke: (id: string) => Promise<unknown>, key: readonly unknown[]) {
  const queryClient = useQueryClient();
  return useMutation({ mutationFn: revoke, onSettled: () => queryClient.invalidateQueries({ queryKey: key }) });
}

export function ApiTokensPage() {
  const queryClient = useQueryClient();
  const query = useQuery(apiTokensQuery());
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [days, setDays] = useState('90');
  const [secret, setSecret] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => createApiToken({ name: name.trim(), role, ...(days ? { expiresInDays: Number(days) } : {}) }),
    onSuccess: (created) => {
      setSecret(created.token);
      setName('');
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: apiTokenKeys.all }),
  });
  const revoke = useRevoke(revokeApiToken, apiTokenKeys.all);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <>
      <header className="page-header">
        <h1>API tokens</h1>
        <p className="muted">
          For scripts and CI: send as <code>Authorization: Bearer iam_…</code>.
        </p>
      </header>
      {secret && <SecretOnce label="Your new API token" secret={secret} onDone={() => setSecret(null)} />}
      <form className="inline-form card" onSubmit={submit} aria-label="Create an API token">
        <Field label="Name" className="grow">
          <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Role">
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option>viewer</option>
            <option>operator</option>
            <option>admin</option>
          </select>
        </Field>
        <Field label="Expires in (days, empty: never)">
          <input type="number" min={1} max={3650} value={days} onChange={(e) => setDays(e.target.value)} />
        </Field>
        <button type="submit" className="primary" disabled={create.isPending}>
          Create token
        </button>
        {create.isError && (
          <p className="error-text" role="alert">
            {create.error.message}
          </p>
        )}
      </form>
      <QueryView query={query} isEmpty={(data) => data.items.length === 0} empty={<Empty>No API tokens yet.</Empty>}>
        {(data) => (
          <TokenTable
            caption="API tokens"
            tokens={data.items}
            columns={API_TOKEN_COLUMNS}
            stateOf={(token) => (token.revokedAt ? 'revoked' : 'active')}
            isRevoking={revoke.isPending}
            onRevoke={(id) => revoke.mutate(id)}
          />
        )}
      </QueryView>
    </>
  );
}

export function EnrollmentTokensPage() {
  const queryClient = useQueryClient();
  const query = useQuery(enrollmentTokensQuery());
  const [name, setName] = useState('');
  const [uses, setUses] = useState('10');
  const [hours, setHours] = useState('24');
  const [secret, setSecret] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: () => createEnrollmentToken({ name: name.trim(), uses: Number(uses), expiresInHours: Number(hours) }),
    onSuccess: (created) => {
      setSecret(created.token);
      setName('');
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: enrollmentTokenKeys.all }),
  });
  const revoke = useRevoke(revokeEnrollmentToken, enrollmentTokenKeys.all);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <>
      <header className="page-header">
        <h1>Enrollment tokens</h1>
        <p className="muted">An agent enrolls its node once with one of these, then uses its own credential.</p>
      </header>
      {secret && <SecretOnce label="Your new enrollment token" secret={secret} onDone={() => setSecret(null)} />}
      <form className="inline-form card" onSubmit={submit} aria-label="Create an enrollment token">
        <Field label="Name" className="grow">
          <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Nodes it may enroll">
          <input type="number" required min={1} max={10000} value={uses} onChange={(e) => setUses(e.target.value)} />
        </Field>
        <Field label="Valid for (hours)">
          <input type="number" required min={1} max={2160} value={hours} onChange={(e) => setHours(e.target.value)} />
        </Field>
        <button type="submit" className="primary" disabled={create.isPending}>
          Create token
        </button>
        {create.isError && (
          <p className="error-text" role="alert">
            {create.error.message}
          </p>
        )}
      </form>
      <QueryView
        query={query}
        isEmpty={(data) => data.items.length === 0}
        empty={<Empty>No enrollment tokens yet.</Empty>}
      >
        {(data) => (
          <TokenTable
            caption="Enrollment tokens"
            tokens={data.items}
            columns={ENROLLMENT_TOKEN_COLUMNS}
            stateOf={(token) => (token.revokedAt ? 'revoked' : isPast(token.expiresAt) ? 'expired' : 'active')}
            isRevoking={revoke.isPending}
            onRevoke={(id) => revoke.mutate(id)}
          />
        )}
      </QueryView>
    </>
  );
}
