import { connect } from 'node:net';
import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/use-test-app';

const expectSecurityHeaders = (response: LightMyRequestResponse, what: string) => {
  expect(response.headers['content-security-policy'], what).toContain("frame-ancestors 'none'");
  expect(response.headers['x-content-type-options'], what).toBe('nosniff');
  expect(response.headers['x-frame-options'], what).toBe('DENY');
  expect(response.headers['referrer-policy'], what).toBe('no-referrer');
};

const expectErrorShape = (response: LightMyRequestResponse, code: string) => {
  const body = response.json<{ error: Record<string, unknown> }>();
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error).toMatchObject({ code, message: expect.any(String) });
  expect(Object.keys(body.error).filter((key) => !['code', 'message', 'fields'].includes(key))).toEqual([]);
};

/** Issue 8, finding 9: the same headers and error shape on every response. */
describe('security headers and the error shape on every response', () => {
  const t = useTestApp();

  it('sets them on 401 and 403 from the auth check', async () => {
    const unauthenticated = await t.app.inject({ method: 'GET', url: '/api/v1/users' });
    expect(unauthenticated.statusCode).toBe(401);
    expectSecurityHeaders(unauthenticated, '401');
    const viewer = await t.sessionAs('viewer');
    const forbidden = await t.app.inject({ method: 'GET', url: '/api/v1/users', headers: viewer.headers });
    expect(forbidden.statusCode).toBe(403);
    expectSecurityHeaders(forbidden, '403');
  });

  it('sets them on 404, 400 and 2xx', async () => {
    const notFound = await t.app.inject({ method: 'GET', url: '/api/v1/nothing-here' });
    expect(notFound.statusCode).toBe(404);
    expectSecurityHeaders(notFound, '404');
    const invalid = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: {} });
    expect(invalid.statusCode).toBe(400);
    expectSecurityHeaders(invalid, '400');
    const health = await t.app.inject({ method: 'GET', url: '/api/health' });
    expectSecurityHeaders(health, '200');
  });

  it('answers an over-long path parameter with 414 in the usual error shape, with the headers', async () => {
    const response = await t.app.inject({ method: 'GET', url: `/api/v1/nodes/${'a'.repeat(200)}` });
    expect(response.statusCode).toBe(414);
    expectErrorShape(response, 'validation');
    expectSecurityHeaders(response, '414');
  });

  it('answers a malformed percent-encoding in a path parameter with 400 in the usual shape', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/nodes/%zz' });
    expect(response.statusCode).toBe(400);
    expectErrorShape(response, 'validation');
    expectSecurityHeaders(response, 'bad url');
  });

  it('marks credential-bearing responses Cache-Control: no-store (/auth/me, login, new tokens)', async () => {
    const admin = await t.admin();
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: admin.headers });
    expect(me.headers['cache-control']).toBe('no-store');
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'admin', password: 'admin-password-for-tests' },
    });
    expect(login.headers['cache-control']).toBe('no-store');
    const token = await t.app.inject({
      method: 'POST',
      url: '/api/v1/api-tokens',
      headers: admin.headers,
      payload: { name: 'ci', role: 'viewer' },
    });
    expect(token.statusCode).toBe(201);
    expect(token.headers['cache-control']).toBe('no-store');
  });

  it('answers a request Node cannot parse in the same shape, with the headers', async () => {
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = t.app.server.address() as { port: number };
    const raw = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = connect(port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (text += chunk));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    const [head = '', body = ''] = raw.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 400 /);
    expect(head.toLowerCase()).toContain('x-content-type-options: nosniff');
    expect(head.toLowerCase()).toContain("content-security-policy: default-src 'self'");
    expect(JSON.parse(body)).toEqual({ error: { code: 'validation', message: 'The request is not valid HTTP.' } });
  });
});
