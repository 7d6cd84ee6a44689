import type { RolloutControl } from '@iamroll/contracts';
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';

export const CONTROL_LABELS: Readonly<Record<RolloutControl, string>> = {
  start: 'Start',
  pause: 'Pause',
  resume: 'Resume',
  promote: 'Promote',
  'promote-all': 'Promote all',
  abort: 'Abort',
  rollback: 'Roll back',
  finalize: 'Finalize',
};

const CONTROL_HELP: Readonly<Record<RolloutControl, string>> = {
  start: 'Starts switching nodes, wave by wave.',
  pause: 'Stops issuing new switches; nodes already switching finish.',
  resume: 'Continues from where the rollout paused.',
  promote: 'Ends the current bake and moves to the next wave.',
  'promote-all': 'Skips every remaining bake.',
  abort: 'Stops the rollout; switched nodes stay where they are (roll back to return them).',
  rollback: 'Returns every switched node to its previous stage, paced like the rollout.',
  finalize: 'Removes the passwords from switched nodes; after the second finalize no rollback is possible.',
};

/** A modal confirmation with a required reason (native <dialog>: focus moves in, Escape closes, focus returns). */
export function ControlDialog({
  control,
  isPending,
  error,
  onConfirm,
  onClose,
}: {
  control: RolloutControl;
  isPending: boolean;
  error: string | null;
  onConfirm: (reason: string) => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const [reason, setReason] = useState('');
  const titleId = useId();
  const reasonId = useId();
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) {
      if (typeof dialog.showModal === 'function') dialog.showModal();
      else dialog.setAttribute('open', '');
    }
  }, []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim()) onConfirm(reason.trim());
  };
  const label = CONTROL_LABELS[control];
  return (
    <dialog
      ref={ref}
      className="confirm-dialog"
      aria-labelledby={titleId}
      onClose={onClose}
      onCancel={(event) => {
        event.preventDefault();
        onClose();
      }}
    >
      <form onSubmit={submit}>
        <h2 id={titleId}>{label} this rollout?</h2>
        <p>{CONTROL_HELP[control]}</p>
        <label htmlFor={reasonId}>Reason (audit log)</label>
        <textarea
          id={reasonId}
          required
          maxLength={500}
          rows={3}
          autoFocus
          value={reason}
          onChange={(event) => setReason(event.target.value)}
        />
        {error && (
          <p className="error-text" role="alert">
            {error}
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={isPending || !reason.trim()}>
            {label}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}
