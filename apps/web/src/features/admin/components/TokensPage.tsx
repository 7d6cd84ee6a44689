import type { Role } from '@iamroll/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
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
        <label className="grow">
          Name
          <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option>viewer</option>
            <option>operator</option>
            <option>admin</option>
          </select>
        </label>
        <label>
          Expires in (days, empty: never)
          <input type="number" min={1} max={3650} value={days} onChange={(e) => setDays(e.target.value)} />
        </label>
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
          <div className="table-scroll">
            <table className="data-table">
              <caption className="sr-only">API tokens</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Prefix</th>
                  <th scope="col">Role</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Expires</th>
                  <th scope="col">State</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((token) => (
                  <tr key={token.id}>
                    <td>{token.name}</td>
                    <td>
                      <code>{token.prefix}…</code>
                    </td>
                    <td>{token.role}</td>
                    <td>{formatAgo(token.lastUsedAt)}</td>
                    <td>{token.expiresAt ? formatTime(token.expiresAt) : 'never'}</td>
                    <td>{token.revokedAt ? 'revoked' : 'active'}</td>
                    <td>
                      {!token.revokedAt && (
                        <button
                          type="button"
                          className="danger"
                          disabled={revoke.isPending}
                          onClick={() => revoke.mutate(token.id)}
                        >
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
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
        <label className="grow">
          Name
          <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          Nodes it may enroll
          <input type="number" required min={1} max={10000} value={uses} onChange={(e) => setUses(e.target.value)} />
        </label>
        <label>
          Valid for (hours)
          <input type="number" required min={1} max={2160} value={hours} onChange={(e) => setHours(e.target.value)} />
        </label>
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
          <div className="table-scroll">
            <table className="data-table">
              <caption className="sr-only">Enrollment tokens</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Prefix</th>
                  <th scope="col">Uses left</th>
                  <th scope="col">Expires</th>
                  <th scope="col">State</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((token) => (
                  <tr key={token.id}>
                    <td>{token.name}</td>
                    <td>
                      <code>{token.prefix}…</code>
                    </td>
                    <td>{token.usesLeft}</td>
                    <td>{formatTime(token.expiresAt)}</td>
                    <td>{token.revokedAt ? 'revoked' : isPast(token.expiresAt) ? 'expired' : 'active'}</td>
                    <td>
                      {!token.revokedAt && (
                        <button
                          type="button"
                          className="danger"
                          disabled={revoke.isPending}
                          onClick={() => revoke.mutate(token.id)}
                        >
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryView>
    </>
  );
}
