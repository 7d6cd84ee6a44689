import { useState } from 'react';

/** A token shown once, right after it was created: the API never returns it again. */
export function SecretOnce({ label, secret, onDone }: { label: string; secret: string; onDone: () => void }) {
  const [isCopied, setCopied] = useState(false);
  const copy = () => {
    void navigator.clipboard?.writeText(secret).then(() => setCopied(true));
  };
  return (
    <div className="secret-once" role="alert" aria-live="assertive">
      <p>
        <strong>{label}</strong> — copy it now: it is shown this once and cannot be read again.
      </p>
      <code className="secret" data-testid="created-secret">
        {secret}
      </code>
      <div className="actions">
        <button type="button" onClick={copy}>
          {isCopied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="primary" onClick={onDone}>
          I have stored it
        </button>
      </div>
    </div>
  );
}
