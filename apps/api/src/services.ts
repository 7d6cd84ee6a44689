import type { FastifyInstance } from 'fastify';
import type { AppConfig } from './app';
import { createAuditRepository } from './modules/audit/audit-repository';
import { createApiTokensRepository } from './modules/api-tokens/api-tokens-repository';
import { createApiTokensService } from './modules/api-tokens/api-tokens-service';
import { createAuthService } from './modules/auth/auth-service';
import { createSessionsRepository } from './modules/auth/sessions-repository';
import { createEnrollmentRepository } from './modules/enrollment/enrollment-repository';
import { createEnrollmentService } from './modules/enrollment/enrollment-service';
import { createUsersRepository } from './modules/users/users-repository';
import { createUsersService } from './modules/users/users-service';

/**
 * The composition root: repositories over the app's database, services
 * over repositories. Routes receive the services they need as plugin
 * options; services never see the request.
 */
export function createServices(app: FastifyInstance, config: AppConfig) {
  const { prisma } = app;
  const repositories = {
    audit: createAuditRepository(prisma),
    users: createUsersRepository(prisma),
    sessions: createSessionsRepository(prisma),
    apiTokens: createApiTokensRepository(prisma),
    enrollment: createEnrollmentRepository(prisma),
  };
  const { audit, users, sessions } = repositories;
  return {
    repositories,
    auth: createAuthService({ prisma, users, sessions, audit, sessionTtlHours: config.sessionTtlHours }),
    users: createUsersService({ prisma, users, audit, events: app.events }),
    apiTokens: createApiTokensService({ prisma, tokens: repositories.apiTokens, audit }),
    enrollment: createEnrollmentService({ prisma, enrollment: repositories.enrollment, audit, events: app.events }),
  };
}

export type Services = ReturnType<typeof createServices>;
