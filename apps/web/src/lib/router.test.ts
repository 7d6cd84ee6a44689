import { describe, expect, it } from 'vitest';
import { safeNext, loginPath } from '../features/auth/components/LoginPage';
import { matchPath } from './router';

describe('router', () => {
  it('matches parameters and decodes them', () => {
    expect(matchPath('/nodes/:id', '/nodes/abc%20d')).toEqual({ id: 'abc d' });
    expect(matchPath('/nodes/:id', '/nodes/abc/')).toEqual({ id: 'abc' });
    expect(matchPath('/nodes/:id', '/nodes')).toBeNull();
    expect(matchPath('/nodes/:id', '/nodes/a/b')).toBeNull();
  });

  it('only returns to same-origin paths after login', () => {
    expect(safeNext('/nodes?stage=ro_iam')).toBe('/nodes?stage=ro_iam');
    expect(safeNext('//evil.example')).toBe('/');
    expect(safeNext('https://evil.example')).toBe('/');
    expect(safeNext('/login?next=/x')).toBe('/');
    expect(safeNext(null)).toBe('/');
  });

  it('builds the login URL that remembers the page', () => {
    expect(loginPath('/nodes/1', true)).toBe('/login?expired=1&next=%2Fnodes%2F1');
    expect(loginPath('/', false)).toBe('/login');
  });
});
