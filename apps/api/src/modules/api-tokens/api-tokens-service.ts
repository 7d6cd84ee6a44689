import {
  API_TOKEN_PREFIX,
  type ApiTokenList,
  type ApiTokenView,
  type CreateApiTokenBody,
  type CreatedApiToken,
  type PageQuery,
} from '@iamroll/contracts';
import type { PrismaClient } from '../../db/prisma-client';
import { AppError } from '../../errors';
import { CREDENTIAL_EVENTS, type EventBus } from '../../plugins/event-bus';
import type { AuditRepository } from '../audit/audit-repository';
import type { Actor } from '../auth/principal';
import { issueToken } from '../auth/secrets';
import type { ApiTokenRow, ApiTokensRepository } from './api-tokens-repository';

/** Never the hash: a token's secret exists only in the one creation response. */
function toView(row: ApiTokenRow): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    role: row.role,
    userId: row.userId,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    expiresAt: row.expiresAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

export function createApiTokensService(deps: {
  prisma: PrismaClient;
  tokens: ApiTokensRepository;
  audit: AuditRepository;
  /** `api_token.revoked` on commit: open event streams of the token end at once (plugins/events.ts). */
  events: EventBus;
  now?: () => Date;
}) {
  const { prisma, tokens, audit, events, now = () => new Date() } = deps;
  return {
    async list(page: PageQuery): Promise<ApiTokenList> {
      const { rows, total } = await tokens.list(page);
      return { items: rows.map(toView), total };
    },

    /** `userId` is whose behalf the token acts on (its creator). */
    async create(actor: Actor, userId: string, body: CreateApiTokenBody): Promise<CreatedApiToken> {
      const { token, tokenHash, prefix } = issueToken(API_TOKEN_PREFIX);
      const expiresAt = body.expiresInDays ? new Date(now().getTime() + body.expiresInDays * 86_400_000) : null;
      const row = await prisma.$transaction(async (tx) => {
        const created = await tokens.create(
          { name: body.name, tokenHash, prefix, role: body.role, userId, expiresAt },
          tx,
        );
        await audit.record(
          {
            actor,
            action: 'api_token.create',
            subjectType: 'api_token',
            subjectId: created.id,
            reason: body.reason,
            data: { name: created.name, role: created.role, expiresAt: expiresAt?.toISOString() ?? null },
          },
          tx,
        );
        return created;
      });
      return { token, apiToken: toView(row) };
    },

    async revoke(actor: Actor, id: string, reason: string | undefined): Promise<ApiTokenView> {
      const row = await prisma.$transaction(async (tx) => {
        const current = await tokens.findById(id, tx);
        if (!current) throw AppError.notFound('The API token');
        if (current.revokedAt) return current; // revoking twice changes nothing
        const revoked = await tokens.revoke(id, now(), tx);
        await audit.record(
          {
            actor,
            action: 'api_token.revoke',
            subjectType: 'api_token',
            subjectId: id,
            reason,
            data: { name: current.name },
          },
          tx,
        );
        await events.notifyIn(tx, CREDENTIAL_EVENTS.apiTokenRevoked, { id, userId: current.userId });
        return revoked;
      });
      return toView(row);
    },
  };
}

export type ApiTokensService = ReturnType<typeof createApiTokensService>;
