import type { ReactNode } from 'react';

/**
 * A labelled form control: the label wraps its control, so its text is the control's
 * accessible name (screen readers, `getByLabel`) with no id to keep unique.
 */
export function Field({ label, className, children }: { label: ReactNode; className?: string; children: ReactNode }) {
  return (
    <label className={className}>
      {label}
      {children}
    </label>
  );
}
