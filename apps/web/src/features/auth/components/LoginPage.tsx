import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../../../lib/api-client';
import { navigate, useLocation } from '../../../lib/router';
import { authKeys, login } from '../api/auth-queries';

/** Only same-origin paths: `next` comes from the URL and must not send the user elsewhere. */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/login')) return '/';
  return next;
}

/** The login page's URL, remembering where to come back to. */
export function loginPath(currentHref: string, isExpired: boolean): string {
  const params = new URLSearchParams();
  if (isExpired) params.set('expired', '1');
  const next = safeNext(currentHref);
  if (next !== '/') params.set('next', next);
  const text = params.toString();
  return `/login${text ? `?${text}` : ''}`;
}

export function LoginPage() {
  const location = useLocation();
  const queryClient = useQueryClient();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const isExpired = location.search.get('expired') === '1';
  const mutation = useMutation({
    mutationFn: login,
    onSuccess: (me) => {
      queryClient.setQueryData(authKeys.me(), me);
      navigate(safeNext(location.search.get('next')), { replace: true });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate({ username: username.trim(), password });
  };
  const error = mutation.error;
  return (
    <main className="login" id="main">
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">
          <span className="brand-mark" aria-hidden="true">
            ◆
          </span>{' '}
          iamroll
        </h1>
        <p className="muted">Sign in to the controller.</p>
        {isExpired && !error && (
          <p className="notice" role="status">
            Your session ended. Sign in again to go back to where you were.
          </p>
        )}
        {error && (
          <p className="error-text" role="alert">
            {error instanceof ApiError && error.status === 401 ? 'Wrong username or password.' : error.message}
          </p>
        )}
        <label htmlFor="login-username">Username</label>
        <input
          id="login-username"
          name="username"
          autoComplete="username"
          autoFocus
          required
          value={username}
          onChange={(event) => setUsername(event.target.value)}
        />
        <label htmlFor="login-password">Password</label>
        <input
          id="login-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <button type="submit" className="primary" disabled={mutation.isPending}>
          {mutation.isPending ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted small">
          First start? The terminal that ran <code>npm start</code> printed the admin password.
        </p>
      </form>
    </main>
  );
}
