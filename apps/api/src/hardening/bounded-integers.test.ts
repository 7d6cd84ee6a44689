import { describe, expect, it } from 'vitest';
import { useTestApp } from '../test/use-test-app';

const LISTS = [
  '/api/v1/users',
  '/api/v1/api-tokens',
  '/api/v1/enrollment-tokens',
  '/api/v1/audit',
  '/api/v1/databases',
  '/api/v1/nodes',
  '/api/v1/alarms',
];

/** Issue 8, finding 6: offsets past what the database can take are a 400 naming the field, not a 500 or page one. */
describe('bounded integers on list endpoints', () => {
  const t = useTestApp();

  it.each(LISTS)('%s refuses offset=9223372036854775807 and offset=9007199254740992', async (url) => {
    const admin = await t.admin();
    for (const offset of ['9223372036854775807', '9007199254740992', '-1']) {
      const response = await t.app.inject({ method: 'GET', url: `${url}?offset=${offset}`, headers: admin.headers });
      expect(response.statusCode, `${url}?offset=${offset}`).toBe(400);
      expect(response.json().error).toMatchObject({
        code: 'validation',
        fields: [{ path: 'query.offset', message: expect.stringMatching(/^must be [<>]=/) }],
      });
    }
  });

  it.each(LISTS)(
    '%s refuses offset=1e309 (Ajv coerces it to Infinity, which passes its integer and maximum checks)',
    async (url) => {
      const admin = await t.admin();
      const response = await t.app.inject({ method: 'GET', url: `${url}?offset=1e309`, headers: admin.headers });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.fields).toEqual([{ path: 'query.offset', message: 'must be a finite number' }]);
    },
  );

  it('still answers the largest allowed offset with an empty page', async () => {
    const admin = await t.admin();
    const response = await t.app.inject({ method: 'GET', url: '/api/v1/users?offset=1000000', headers: admin.headers });
    expect(response.statusCode).toBe(200);
    expect(response.json().items).toEqual([]);
  });
});
