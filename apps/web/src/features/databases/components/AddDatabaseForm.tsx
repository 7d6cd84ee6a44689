import type { CreateDatabaseBody, DatabaseView } from '@iamroll/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api } from '../../../lib/api-client';
import { databaseKeys } from '../api/databases-queries';
import { Field } from '../../../components/Field';

function createDatabase(body: CreateDatabaseBody): Promise<DatabaseView> {
  return api.post<DatabaseView>('/api/v1/databases', body);
}

/** Admin only (the caller decides): register an RDS instance so nodes connecting to its host and port are counted. */
export function AddDatabaseForm() {
  const queryClient = useQueryClient();
  const [isOpen, setOpen] = useState(false);
  const [identifier, setIdentifier] = useState('');
  const [host, setHost] = useState('');
  const [port, setPort] = useState('5432');
  const [region, setRegion] = useState('us-east-1');
  const [budget, setBudget] = useState('200');
  const mutation = useMutation({
    mutationFn: () =>
      createDatabase({
        identifier: identifier.trim(),
        host: host.trim(),
        port: Number(port),
        region: region.trim(),
        budgetPerSecond: Number(budget),
        warningThreshold: 0.8,
      }),
    onSuccess: () => {
      setOpen(false);
      setIdentifier('');
      setHost('');
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: databaseKeys.all }),
  });
  if (!isOpen) {
    return (
      <button type="button" onClick={() => setOpen(true)}>
        Add a database…
      </button>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate();
  };
  return (
    <form className="inline-form card" onSubmit={submit} aria-label="Add a database">
      <Field label="DB instance identifier">
        <input
          required
          maxLength={63}
          pattern="[A-Za-z][A-Za-z0-9\-]*"
          value={identifier}
          onChange={(e) => setIdentifier(e.target.value)}
        />
      </Field>
      <Field label="Endpoint host (as in pg_host)" className="grow">
        <input required maxLength={255} value={host} onChange={(e) => setHost(e.target.value)} />
      </Field>
      <Field label="Port">
        <input type="number" required min={1} max={65535} value={port} onChange={(e) => setPort(e.target.value)} />
      </Field>
      <Field label="Region">
        <input required value={region} onChange={(e) => setRegion(e.target.value)} />
      </Field>
      <Field label="Budget (IAM logins/s)">
        <input type="number" required min={1} max={100000} value={budget} onChange={(e) => setBudget(e.target.value)} />
      </Field>
      <div className="actions">
        <button type="submit" className="primary" disabled={mutation.isPending}>
          Add database
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          Cancel
        </button>
      </div>
      {mutation.isError && (
        <p className="error-text" role="alert">
          {mutation.error.message}
        </p>
      )}
    </form>
  );
}
