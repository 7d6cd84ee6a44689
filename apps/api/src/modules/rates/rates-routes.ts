import { IdParams, RateSeries, RatesQuery } from '@iamroll/contracts';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../http/responses';
import type { RatesService } from './rates-service';

export interface RatesRoutesOptions {
  readonly rates: RatesService;
}

const RANGE_HELP =
  '`from`/`to`: ISO 8601 or epoch ms (default the last 15 minutes); `step`: seconds per point. The last hour comes from memory at 1 s; older ranges from stored 10 s buckets (a day) or 1 min buckets (30 days).';

/** Mounted at /api/v1. */
export const ratesRoutes: FastifyPluginCallbackTypebox<RatesRoutesOptions> = (app, { rates }, done) => {
  app.get(
    '/databases/:id/rates',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'New IAM authentications per second against a database, with its budget',
        description: RANGE_HELP,
        tags: ['rates'],
        params: IdParams,
        querystring: RatesQuery,
        response: { 200: RateSeries, ...errorResponses },
      },
    },
    (request) => rates.databaseRates(request.params.id, request.query),
  );

  app.get(
    '/nodes/:id/rates',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'New connections per second of a node (read-write and read-only)',
        description: RANGE_HELP,
        tags: ['rates'],
        params: IdParams,
        querystring: RatesQuery,
        response: { 200: RateSeries, ...errorResponses },
      },
    },
    (request) => rates.nodeRates(request.params.id, request.query),
  );
  done();
};
