import { AuditList, AuditQuery } from '@iamroll/contracts';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '../../http/responses';
import type { AuditRepository } from './audit-repository';

export interface AuditRoutesOptions {
  readonly audit: AuditRepository;
}

/** Reading the audit log is for admins: it shows who did what across the whole controller. */
export const auditRoutes: FastifyPluginCallbackTypebox<AuditRoutesOptions> = (app, { audit }, done) => {
  app.get(
    '',
    {
      config: { auth: 'admin' },
      schema: {
        summary: 'List audit events, newest first',
        tags: ['audit'],
        querystring: AuditQuery,
        response: { 200: AuditList, ...errorResponses },
      },
    },
    async (request) => audit.list(request.query),
  );
  done();
};
