import type { Role } from '@iamroll/contracts';
import { useState, type FormEvent, type ReactNode } from 'react';
import { Field } from '../../../components/Field';
import { RoleButton } from '../../../components/states';

interface Props {
  /** The form's accessible name. */
  readonly name: string;
  readonly label: string;
  readonly initial: number;
  readonly min: number;
  readonly max: number;
  readonly neededRole: Role;
  readonly isAllowed: boolean;
  readonly button: string;
  readonly pendingButton?: string;
  readonly isPending: boolean;
  readonly error: Error | null;
  /** Shown (as a status) once the last submit succeeded. */
  readonly done: ReactNode;
  readonly onSubmit: (value: number) => void;
}

/** The sandbox's one-number controls: a labelled number, a role-gated button, the outcome. */
export function NumberControl(props: Props) {
  const [value, setValue] = useState(String(props.initial));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    props.onSubmit(Number(value));
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label={props.name}>
      <Field label={props.label}>
        <input
          type="number"
          min={props.min}
          max={props.max}
          required
          value={value}
          disabled={!props.isAllowed}
          onChange={(e) => setValue(e.target.value)}
        />
      </Field>
      <RoleButton type="submit" isAllowed={props.isAllowed} neededRole={props.neededRole} disabled={props.isPending}>
        {props.isPending && props.pendingButton ? props.pendingButton : props.button}
      </RoleButton>
      {props.error && (
        <p className="error-text" role="alert">
          {props.error.message}
        </p>
      )}
      {props.done && (
        <p className="muted small" role="status">
          {props.done}
        </p>
      )}
    </form>
  );
}
