import type { AuditList, DatabaseList, DatabaseView, ErrorBody, RateSeries } from '@iamroll/contracts';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/use-test-app';

describe('databases', () => {
  const t = useTestApp({}, {}, { isFreshPerTest: true });

  const create = async (payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/databases', headers: (await t.admin()).headers, payload });
  const base = {
    identifier: 'kong-main',
    host: 'kong-main.abc123.us-east-1.rds.amazonaws.com',
    port: 5432,
    region: 'us-east-1',
  };

  it('registers a database with the RDS defaults: 200 IAM authentications a second, warning at 80%', async () => {
    const response = await create({ ...base, reason: 'first cluster' });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json<DatabaseView>()).toMatchObject({
      ...base,
      budgetPerSecond: 200,
      warningThreshold: 0.8,
      ratePerSecond: 0,
      peakPerSecond: 0,
      peakAt: null,
      utilisation: 0,
      throttledLast10s: 0,
      nodes: { total: 0, rw: { password: 0, iam: 0 }, ro: { password: 0, iam: 0 } },
    });
  });

  it('refuses a second registration of the identifier or of the endpoint with 409', async () => {
    await create(base);
    const sameIdentifier = await create({ ...base, host: 'other.abc123.us-east-1.rds.amazonaws.com' });
    expect(sameIdentifier.statusCode).toBe(409);
    expect(sameIdentifier.json<ErrorBody>().error.message).toContain('kong-main');
    const sameEndpoint = await create({ ...base, identifier: 'kong-alias', host: base.host.toUpperCase() });
    expect(sameEndpoint.statusCode).toBe(409);
  });

  it('names invalid fields', async () => {
    const response = await create({
      ...base,
      identifier: 'x-1',
      region: 'Mars',
      warningThreshold: 1.5,
      budgetPerSecond: 0,
    });
    expect(response.statusCode).toBe(400);
    expect(
      response
        .json<ErrorBody>()
        .error.fields?.map((field) => field.path)
        .sort(),
    ).toEqual(['body.budgetPerSecond', 'body.region', 'body.warningThreshold']);
  });

  it('lists and details databases', async () => {
    await create(base);
    const created = (
      await create({
        ...base,
        identifier: 'kong-replica',
        host: 'kong-replica.abc123.us-east-1.rds.amazonaws.com',
        budgetPerSecond: 150,
      })
    ).json<DatabaseView>();
    const list = (
      await t.app.inject({ method: 'GET', url: '/api/v1/databases', headers: (await t.sessionAs('viewer')).headers })
    ).json<DatabaseList>();
    expect(Object.keys(list).sort()).toEqual(['items', 'total']);
    expect(list.items.map((database) => database.identifier)).toEqual(['kong-main', 'kong-replica']);
    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/v1/databases/${created.id}`,
      headers: (await t.admin()).headers,
    });
    expect(detail.json<DatabaseView>()).toMatchObject({ id: created.id, budgetPerSecond: 150 });
    const missing = await t.app.inject({
      method: 'GET',
      url: '/api/v1/databases/00000000-0000-4000-8000-000000000000',
      headers: (await t.admin()).headers,
    });
    expect(missing.statusCode).toBe(404);
  });

  it('changes the budget and threshold with an audited reason, and rate charts use the new budget', async () => {
    await create(base);
    const id = (
      await t.app.inject({ method: 'GET', url: '/api/v1/databases', headers: (await t.admin()).headers })
    ).json<DatabaseList>().items[0]!.id;
    const admin = await t.admin();
    const response = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/databases/${id}`,
      headers: admin.headers,
      payload: { budgetPerSecond: 120, warningThreshold: 0.5, reason: 'db.t3.medium admits less' },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json<DatabaseView>()).toMatchObject({ budgetPerSecond: 120, warningThreshold: 0.5 });

    const audit = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/audit?subjectType=database&subjectId=${id}`,
        headers: admin.headers,
      })
    ).json<AuditList>();
    expect(audit.items[0]).toMatchObject({
      action: 'database.update',
      reason: 'db.t3.medium admits less',
      actorName: 'admin',
      data: {
        identifier: 'kong-main',
        budgetPerSecond: { from: 200, to: 120 },
        warningThreshold: { from: 0.8, to: 0.5 },
      },
    });
    const rates = await t.app.inject({ method: 'GET', url: `/api/v1/databases/${id}/rates`, headers: admin.headers });
    expect(rates.json<RateSeries>().budgetPerSecond).toBe(120);

    const nothing = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/databases/${id}`,
      headers: admin.headers,
      payload: { reason: 'just because' },
    });
    expect(nothing.statusCode).toBe(400);
    const missing = await t.app.inject({
      method: 'PATCH',
      url: '/api/v1/databases/00000000-0000-4000-8000-000000000000',
      headers: admin.headers,
      payload: { budgetPerSecond: 10 },
    });
    expect(missing.statusCode).toBe(404);
    const asOperator = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/databases/${id}`,
      headers: (await t.sessionAs('operator')).headers,
      payload: { budgetPerSecond: 10 },
    });
    expect(asOperator.statusCode).toBe(403);
  });
});
