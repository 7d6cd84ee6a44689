import type { MeResponse } from '@iamroll/contracts';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { authKeys } from '../api/auth-queries';
import { LoginPage } from './LoginPage';

function renderAt(url: string) {
  window.history.replaceState(null, '', url);
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={queryClient}>
      <LoginPage />
    </QueryClientProvider>,
  );
  return queryClient;
}

function signIn(username: string, password: string) {
  fireEvent.change(screen.getByLabelText('Username'), { target: { value: username } });
  fireEvent.change(screen.getByLabelText('Password'), { target: { value: password } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('LoginPage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('signs in, stores the session and goes back to the page in `next`', async () => {
    const me: MeResponse = { user: { id: 'u1', username: 'ops', role: 'operator' }, csrfToken: 'c1' };
    const fetch = vi.fn(() => Promise.resolve(new Response(JSON.stringify(me), { status: 200 })));
    vi.stubGlobal('fetch', fetch);
    const queryClient = renderAt('/login?expired=1&next=%2Fnodes%3Fstage%3Dro_iam');
    expect(screen.getByRole('status').textContent).toContain('Your session ended');
    signIn('ops', 'a long passphrase');
    await waitFor(() => expect(window.location.pathname).toBe('/nodes'));
    expect(window.location.search).toBe('?stage=ro_iam');
    expect(queryClient.getQueryData(authKeys.me())).toEqual(me);
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/auth/login');
    expect(JSON.parse(init.body as string)).toEqual({ username: 'ops', password: 'a long passphrase' });
  });

  it('says so when the password is wrong', async () => {
    const body = { error: { code: 'unauthenticated', message: 'Wrong username or password.' } };
    vi.stubGlobal('fetch', () => Promise.resolve(new Response(JSON.stringify(body), { status: 401 })));
    renderAt('/login');
    signIn('ops', 'nope');
    expect((await screen.findByRole('alert')).textContent).toBe('Wrong username or password.');
  });
});
