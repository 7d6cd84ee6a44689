/** The API as its first admin over HTTP (cookie + CSRF token), as the dashboard calls it. */
export interface ApiSession {
  call<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<{ status: number; body: T; text: string }>;
}

export async function signIn(origin: string, adminPassword: string): Promise<ApiSession> {
  const login = await fetch(`${origin}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: adminPassword }),
  });
  const text = await login.text();
  if (login.status !== 200) throw new Error(`admin login: ${login.status} ${text.slice(0, 300)}`);
  const cookie = login.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ');
  const { csrfToken } = JSON.parse(text) as { csrfToken?: string };
  const headers: Record<string, string> = { cookie, ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}) };
  return {
    async call<T>(method: 'GET' | 'POST', path: string, body?: object) {
      const response = await fetch(`${origin}${path}`, {
        method,
        headers: body ? { ...headers, 'content-type': 'application/json' } : headers,
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const reply = await response.text();
      let parsed: unknown;
      try {
        parsed = reply ? JSON.parse(reply) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: response.status, body: parsed as T, text: reply };
    },
  };
}
