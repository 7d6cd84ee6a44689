import { MetricsSourceList, SourceRateSeries, SourceRatesParams, SourceRatesQuery } from '@iamroll/contracts';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../http/responses';
import type { MetricsSourcesService } from './metrics-sources-service';

export interface MetricsSourcesRoutesOptions {
  readonly service: MetricsSourcesService;
}

/** Mounted at /api/v1. */
export const metricsSourcesRoutes: FastifyPluginCallbackTypebox<MetricsSourcesRoutesOptions> = (
  app,
  { service },
  done,
) => {
  app.get(
    '/metrics-sources',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: 'Metrics sources (CloudWatch, the RDS simulator): which parts run and whether each is degraded',
        description:
          'degraded: the last attempt failed (throttled, denied, unreachable) and the leader is backing off; local rates and alarms keep working.',
        tags: ['metrics-sources'],
        response: { 200: MetricsSourceList, ...errorResponses },
      },
    },
    () => service.list(),
  );

  app.get(
    '/databases/:id/rates/:source',
    {
      config: { auth: 'viewer' },
      schema: {
        summary: "A database's IAM metrics as a metrics source reports them, at the source's period",
        description:
          '`points`: IamDbAuthConnectionRequests per second (Sum / period), to set beside `GET /databases/{id}/rates`; `metrics`: every stored series by CloudWatch name. `from`/`to`: ISO 8601 or epoch ms (default the last hour).',
        tags: ['rates', 'metrics-sources'],
        params: SourceRatesParams,
        querystring: SourceRatesQuery,
        response: { 200: SourceRateSeries, ...errorResponses },
      },
    },
    (request) => service.sourceRates(request.params.id, request.params.source, request.query),
  );
  done();
};
