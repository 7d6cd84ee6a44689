import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiError } from '../lib/api-client';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="state loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> {label}
    </p>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const message =
    error instanceof ApiError
      ? error.code === 'forbidden'
        ? `You cannot see this: ${error.message}`
        : error.message
      : 'Something went wrong while loading this.';
  return (
    <div className="state error" role="alert">
      <p>{message}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state empty">{children}</div>;
}

/** A button that needs a role: disabled (with the reason) for users who lack it; the API still checks. */
export function RoleButton({
  isAllowed,
  neededRole,
  children,
  className,
  ...rest
}: React.ButtonHTMLAttributes<HTMLButtonElement> & { isAllowed: boolean; neededRole: string }) {
  return (
    <button
      type="button"
      {...rest}
      className={className}
      disabled={!isAllowed || rest.disabled}
      title={isAllowed ? rest.title : `Needs the ${neededRole} role`}
    >
      {children}
    </button>
  );
}

/** What a query shows while loading, on error (with a retry), when empty, and once it has data. */
export function QueryView<T>({
  query,
  loadingLabel,
  isEmpty,
  empty,
  children,
}: {
  query: UseQueryResult<T>;
  loadingLabel?: string;
  isEmpty?: (data: T) => boolean;
  /** Shown instead of the data when isEmpty says so (an <Empty> with what to do next). */
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  if (query.isPending) return <Loading {...(loadingLabel ? { label: loadingLabel } : {})} />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => void query.refetch()} />;
  if (isEmpty?.(query.data)) return <>{empty}</>;
  return <>{children(query.data)}</>;
}
