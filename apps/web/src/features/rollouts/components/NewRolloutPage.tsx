import type { FieldError } from '@iamroll/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent, type ReactNode } from 'react';
import { ErrorState, Loading } from '../../../components/states';
import { ApiError } from '../../../lib/api-client';
import { Link, navigate } from '../../../lib/router';
import { useCan } from '../../auth/hooks/use-session';
import { databasesQuery } from '../../databases/api/databases-queries';
import { nodesPageQuery } from '../../nodes/api/nodes-queries';
import {
  createRollout,
  EMPTY_FORM,
  fieldOfPath,
  previewQuery,
  rolloutKeys,
  toRolloutBody,
  type RolloutForm,
} from '../api/rollouts-queries';
import { useDebounced } from '../hooks/use-debounced';
import { RolloutPreviewView } from './RolloutPreviewView';

type FieldErrors = Partial<Record<keyof RolloutForm, string>>;

/** A 400's `fields` placed beside the form's fields; what has no field goes under the form. */
export function fieldErrorsOf(error: unknown): { byField: FieldErrors; other: string[] } {
  const byField: FieldErrors = {};
  const other: string[] = [];
  if (!(error instanceof ApiError)) return { byField, other };
  const fields: readonly FieldError[] = error.fields;
  for (const field of fields) {
    const name = fieldOfPath(field.path);
    if (name) byField[name] = byField[name] ? `${byField[name]}; ${field.message}` : field.message;
    else other.push(`${field.path}: ${field.message}`);
  }
  if (fields.length === 0) other.push(error.message);
  return { byField, other };
}

function Field({
  name,
  label,
  hint,
  error,
  children,
}: {
  name: string;
  label: string;
  hint?: string;
  error?: string | undefined;
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
}) {
  const id = `rollout-${name}`;
  const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
        ...(error ? { 'aria-invalid': true } : {}),
      })}
      {hint && (
        <span id={`${id}-hint`} className="small muted">
          {hint}
        </span>
      )}
      {error && (
        <span id={`${id}-error`} className="error-text">
          {error}
        </span>
      )}
    </div>
  );
}

export function NewRolloutPage() {
  const canOperate = useCan('operator');
  const queryClient = useQueryClient();
  const databases = useQuery(databasesQuery());
  // The first page of nodes names the skipped and blocked ones (an id otherwise).
  const nodes = useQuery({ ...nodesPageQuery({}, 0), refetchInterval: false });
  const [form, setForm] = useState<RolloutForm>(EMPTY_FORM);
  const set = <K extends keyof RolloutForm>(key: K, value: RolloutForm[K]) =>
    setForm((previous) => ({ ...previous, [key]: value }));
  // The preview ignores the reason and start (they change nothing in the plan).
  const previewBody = useDebounced(toRolloutBody({ ...form, reason: '', start: false }), 400);
  const preview = useQuery(previewQuery(previewBody));
  const create = useMutation({
    mutationFn: createRollout,
    onSuccess: (rollout) => {
      void queryClient.invalidateQueries({ queryKey: rolloutKeys.all });
      navigate(`/rollouts/${rollout.id}`);
    },
  });
  const submitErrors = fieldErrorsOf(create.error);
  const previewErrors = fieldErrorsOf(preview.error);
  const errors: FieldErrors = { ...previewErrors.byField, ...submitErrors.byField };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const body = toRolloutBody(form);
    if (body && body.reason) create.mutate(body);
  };
  const databaseName = (id: string) => databases.data?.items.find((database) => database.id === id)?.identifier ?? id;
  return (
    <>
      <p className="breadcrumb">
        <Link to="/rollouts">Rollouts</Link> /
      </p>
      <header className="page-header">
        <h1>New rollout</h1>
        <p className="muted">
          Empty fields take the engine&apos;s defaults (canary, waves 25 % / 50 % / 100 %, 300 s bakes, half the
          budget).
        </p>
      </header>
      {!canOperate && (
        <div className="state error" role="alert">
          <p>Creating a rollout needs the operator role. You can still look at the preview.</p>
        </div>
      )}
      <div className="two-col">
        <form className="card rollout-form" onSubmit={submit} aria-label="New rollout" noValidate>
          <Field name="databaseId" label="Database" error={errors.databaseId}>
            {(props) =>
              databases.isPending ? (
                <Loading label="Loading databases…" />
              ) : (
                <select
                  {...props}
                  required
                  value={form.databaseId}
                  onChange={(event) => set('databaseId', event.target.value)}
                >
                  <option value="">Choose a database…</option>
                  {databases.data?.items.map((database) => (
                    <option key={database.id} value={database.id}>
                      {database.identifier}
                    </option>
                  ))}
                </select>
              )
            }
          </Field>
          <Field name="bakeSeconds" label="Bake (seconds)" hint="Every bake; default 300." error={errors.bakeSeconds}>
            {(props) => (
              <input
                {...props}
                type="number"
                min={0}
                inputMode="numeric"
                value={form.bakeSeconds}
                onChange={(event) => set('bakeSeconds', event.target.value)}
              />
            )}
          </Field>
          <Field
            name="targetUtilisation"
            label="Target utilisation (% of budget)"
            hint="Default 50."
            error={errors.targetUtilisationPercent}
          >
            {(props) => (
              <input
                {...props}
                type="number"
                min={1}
                max={100}
                value={form.targetUtilisationPercent}
                onChange={(event) => set('targetUtilisationPercent', event.target.value)}
              />
            )}
          </Field>
          <Field name="maxUnavailable" label="Max unavailable (nodes)" error={errors.maxUnavailable}>
            {(props) => (
              <input
                {...props}
                type="number"
                min={1}
                value={form.maxUnavailable}
                onChange={(event) => set('maxUnavailable', event.target.value)}
              />
            )}
          </Field>
          <Field name="failureLimit" label="Failure limit (nodes)" error={errors.failureLimit}>
            {(props) => (
              <input
                {...props}
                type="number"
                min={0}
                value={form.failureLimit}
                onChange={(event) => set('failureLimit', event.target.value)}
              />
            )}
          </Field>
          <Field name="onAlarm" label="On alarm" error={errors.onAlarm}>
            {(props) => (
              <select
                {...props}
                value={form.onAlarm}
                onChange={(event) => set('onAlarm', event.target.value as RolloutForm['onAlarm'])}
              >
                <option value="">Default (pause)</option>
                <option value="pause">Pause for a human</option>
                <option value="rollback_wave">Roll back the wave</option>
              </select>
            )}
          </Field>
          <Field name="reason" label="Reason (audit log)" error={errors.reason}>
            {(props) => (
              <textarea
                {...props}
                required
                maxLength={500}
                rows={2}
                value={form.reason}
                onChange={(event) => set('reason', event.target.value)}
              />
            )}
          </Field>
          <label className="checkbox">
            <input type="checkbox" checked={form.start} onChange={(event) => set('start', event.target.checked)} />{' '}
            Start now
          </label>
          {submitErrors.other.length > 0 && (
            <div className="error-text" role="alert">
              {submitErrors.other.map((message) => (
                <p key={message}>{message}</p>
              ))}
            </div>
          )}
          <div className="actions">
            <button
              type="submit"
              className="primary"
              disabled={!canOperate || create.isPending || !form.databaseId || !form.reason.trim()}
              title={canOperate ? undefined : 'Needs the operator role'}
            >
              {form.start ? 'Create and start' : 'Create'}
            </button>
            <Link to="/rollouts">Cancel</Link>
          </div>
        </form>
        <section className="card" aria-labelledby="preview-title" aria-busy={preview.isFetching}>
          <h2 id="preview-title">Preview</h2>
          {!previewBody ? (
            <p className="muted">Choose a database to see the waves and the projected peak.</p>
          ) : preview.isError && previewErrors.other.length > 0 ? (
            <ErrorState error={preview.error} />
          ) : preview.isError ? (
            <p className="muted">Fix the fields marked beside them to see the preview.</p>
          ) : preview.data ? (
            <RolloutPreviewView
              preview={preview.data}
              databaseName={databaseName}
              hostname={(id) => nodes.data?.items.find((node) => node.id === id)?.hostname ?? id.slice(0, 8)}
            />
          ) : (
            <Loading label="Planning…" />
          )}
        </section>
      </div>
    </>
  );
}
