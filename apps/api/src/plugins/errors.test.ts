import Fastify, { type FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors';
import errorsPlugin from './errors';

async function appWith(route: (app: FastifyInstance) => void) {
  const app = Fastify({ logger: false, ajv: { customOptions: { allErrors: true, removeAdditional: false } } });
  await app.register(errorsPlugin);
  route(app);
  await app.ready();
  return app;
}

describe('errors plugin', () => {
  it('answers 500 without leaking what went wrong', async () => {
    const app = await appWith((a) => {
      a.get('/boom', () => {
        throw new Error('connect ECONNREFUSED postgres://iamroll:hunter2@db:5432/iamroll');
      });
    });
    const response = await app.inject({ method: 'GET', url: '/boom' });
    expect(response.statusCode).toBe(500);
    expect(response.json().error.code).toBe('internal');
    expect(response.body).not.toMatch(/hunter2|postgres|ECONNREFUSED|stack/);
    expect(response.json().error.message).toMatch(/request req-/);
  });

  it('answers 503 with Retry-After when no database connection came free in time', async () => {
    const app = await appWith((a) => {
      a.post('/busy', () => {
        // What Prisma throws when an interactive transaction cannot start within its wait.
        throw Object.assign(new Error('Transaction API error: Unable to start a transaction in the given time.'), {
          code: 'P2028',
        });
      });
    });
    const response = await app.inject({ method: 'POST', url: '/busy' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json().error.code).toBe('unavailable');
    expect(response.json().error.message).toMatch(/nothing was changed.*Retry.*IAMROLL_DB_POOL_SIZE/);
    expect(response.body).not.toMatch(/Transaction API|P2028/);
  });

  it('maps AppError codes to their status', async () => {
    const app = await appWith((a) => {
      a.get('/missing', () => {
        throw AppError.notFound('The rollout');
      });
    });
    const response = await app.inject({ method: 'GET', url: '/missing' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'not_found', message: 'The rollout was not found.' } });
  });

  it('names nested fields in validation errors', async () => {
    const app = await appWith((a) => {
      a.post(
        '/nested',
        { schema: { body: Type.Object({ spec: Type.Object({ waves: Type.Array(Type.Integer({ minimum: 1 })) }) }) } },
        () => ({}),
      );
    });
    const response = await app.inject({ method: 'POST', url: '/nested', payload: { spec: { waves: [1, 0] } } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.fields).toEqual([{ path: 'body.spec.waves.1', message: 'must be >= 1' }]);
  });

  it("keeps Fastify's own client errors and their status", async () => {
    const app = await appWith((a) => {
      a.post('/json', () => ({}));
    });
    const response = await app.inject({
      method: 'POST',
      url: '/json',
      headers: { 'content-type': 'application/x-unknown' },
      payload: 'x',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json<{ error: { code: string } }>().error.code).toBe('validation');
  });

  it('answers unknown routes with a pointer to the docs', async () => {
    const app = await appWith(() => undefined);
    const response = await app.inject({ method: 'GET', url: '/api/v1/nope?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json().error).toEqual({
      code: 'not_found',
      message: 'There is no GET /api/v1/nope. The API is described at /docs.',
    });
  });
});
