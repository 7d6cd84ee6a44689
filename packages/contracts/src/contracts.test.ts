import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import * as contracts from './index';
import { CreateUserBody, EnrollBody, ErrorBody, LoginBody, MeResponse, PageQuery, UpdateUserBody } from './index';

describe('contracts', () => {
  it('are plain JSON Schema (what Fastify, Ajv and OpenAPI consume)', () => {
    const schemas = Object.entries(contracts).filter(
      ([, value]) => typeof value === 'object' && value !== null && ('type' in value || 'enum' in value),
    );
    expect(schemas.length).toBeGreaterThan(20);
    for (const [name, schema] of schemas)
      expect(JSON.parse(JSON.stringify(schema)) as unknown, name).toEqual(expect.any(Object));
  });

  it('refuse unknown fields in request bodies', () => {
    expect(Value.Check(LoginBody, { username: 'admin', password: 'x' })).toBe(true);
    expect(Value.Check(LoginBody, { username: 'admin', password: 'x', isAdmin: true })).toBe(false);
    expect(
      Value.Check(EnrollBody, { hostname: 'k', kongVersion: '3.9', role: 'data_plane', agentVersion: '1', extra: 1 }),
    ).toBe(false);
  });

  it('hold usernames and passwords to their rules', () => {
    expect(Value.Check(CreateUserBody, { username: 'ops.alice', password: 'twelve chars', role: 'operator' })).toBe(
      true,
    );
    expect(Value.Check(CreateUserBody, { username: 'Ops Alice', password: 'twelve chars', role: 'operator' })).toBe(
      false,
    );
    expect(Value.Check(CreateUserBody, { username: 'ops', password: 'short', role: 'operator' })).toBe(false);
    expect(Value.Check(UpdateUserBody, {})).toBe(false);
  });

  it('default paging and type the shapes clients read', () => {
    expect(Value.Default(PageQuery, {})).toEqual({ limit: 50, offset: 0 });
    expect(
      Value.Check(MeResponse, {
        user: { id: '00000000-0000-4000-8000-000000000000', username: 'a', role: 'viewer' },
        csrfToken: null,
      }),
    ).toBe(true);
    expect(
      Value.Check(ErrorBody, {
        error: { code: 'validation', message: 'm', fields: [{ path: 'body.x', message: 'is required' }] },
      }),
    ).toBe(true);
    expect(Value.Check(ErrorBody, { error: { code: 'teapot', message: 'm' } })).toBe(false);
  });
});
