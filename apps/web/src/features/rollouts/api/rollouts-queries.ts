import type {
  CreateRolloutBody,
  RolloutControl,
  RolloutList,
  RolloutPreview,
  RolloutStatus,
  RolloutSummary,
  RolloutView,
} from '@iamroll/contracts';
import { queryOptions } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

export const rolloutKeys = {
  all: ['rollouts'] as const,
  lists: () => [...rolloutKeys.all, 'list'] as const,
  list: (offset = 0) => [...rolloutKeys.lists(), { offset }] as const,
  details: () => [...rolloutKeys.all, 'detail'] as const,
  detail: (id: string) => [...rolloutKeys.details(), id] as const,
  preview: (body: CreateRolloutBody) => [...rolloutKeys.all, 'preview', body] as const,
};

export const ROLLOUTS_PAGE_SIZE = 50;

const ACTIVE: ReadonlySet<RolloutStatus> = new Set(['pending', 'running', 'paused', 'rolling_back']);

/** Still moving or waiting for a human: worth polling and showing on the overview. */
export function isActiveRollout(rollout: Pick<RolloutSummary, 'status'>): boolean {
  return ACTIVE.has(rollout.status);
}

export const rolloutsQuery = (offset = 0) =>
  queryOptions({
    queryKey: rolloutKeys.list(offset),
    queryFn: ({ signal }) => api.get<RolloutList>('/api/v1/rollouts', { limit: ROLLOUTS_PAGE_SIZE, offset }, signal),
    refetchInterval: (query) => (query.state.data?.items.some(isActiveRollout) ? 5_000 : 30_000),
  });

export const rolloutQuery = (id: string) =>
  queryOptions({
    queryKey: rolloutKeys.detail(id),
    queryFn: ({ signal }) => api.get<RolloutView>(`/api/v1/rollouts/${encodeURIComponent(id)}`, undefined, signal),
    // SSE rollout.updated invalidates at once; this is the safety net while it moves.
    refetchInterval: (query) => (query.state.data && isActiveRollout(query.state.data) ? 3_000 : false),
  });

/** The preview needs a reason like the create; a placeholder keeps it live before the operator types one. */
export const previewQuery = (body: CreateRolloutBody | null) =>
  queryOptions({
    queryKey: rolloutKeys.preview(body ?? { scope: null, reason: '' }),
    queryFn: () => {
      const { start: _start, ...spec } = body!;
      return api.post<RolloutPreview>('/api/v1/rollouts/preview', { ...spec, reason: spec.reason || 'preview' });
    },
    enabled: body !== null,
    retry: false,
    placeholderData: (previous) => previous,
  });

export function createRollout(body: CreateRolloutBody): Promise<RolloutView> {
  return api.post<RolloutView>('/api/v1/rollouts', body);
}

export function controlRollout(id: string, control: RolloutControl, reason: string): Promise<RolloutView> {
  return api.post<RolloutView>(`/api/v1/rollouts/${encodeURIComponent(id)}/${control}`, { reason });
}

/** What the operator types, as typed (strings), before it becomes a request body. */
export interface RolloutForm {
  readonly databaseId: string;
  readonly bakeSeconds: string;
  /** Percent of each database's budget (the API takes a share). */
  readonly targetUtilisationPercent: string;
  readonly maxUnavailable: string;
  readonly failureLimit: string;
  readonly onAlarm: '' | 'pause' | 'rollback_wave';
  readonly reason: string;
  readonly start: boolean;
}

export const EMPTY_FORM: RolloutForm = {
  databaseId: '',
  bakeSeconds: '',
  targetUtilisationPercent: '',
  maxUnavailable: '',
  failureLimit: '',
  onAlarm: '',
  reason: '',
  start: true,
};

function numberOrText(text: string): number | string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  // A non-number goes as typed: the API names the field in its 400.
  return Number.isFinite(value) ? value : trimmed;
}

/** Form → POST body: empty fields are left out (the engine's defaults apply). Null without a database. */
export function toRolloutBody(form: RolloutForm): CreateRolloutBody | null {
  if (!form.databaseId) return null;
  const body: Record<string, unknown> = { scope: { databaseId: form.databaseId }, reason: form.reason.trim() };
  const bake = numberOrText(form.bakeSeconds);
  if (bake !== undefined) body.bakeSeconds = bake;
  const target = numberOrText(form.targetUtilisationPercent);
  if (target !== undefined) body.targetUtilisation = typeof target === 'number' ? target / 100 : target;
  const maxUnavailable = numberOrText(form.maxUnavailable);
  if (maxUnavailable !== undefined) body.maxUnavailable = maxUnavailable;
  const failureLimit = numberOrText(form.failureLimit);
  if (failureLimit !== undefined) body.failureLimit = failureLimit;
  if (form.onAlarm) body.onAlarm = form.onAlarm;
  body.start = form.start;
  return body as CreateRolloutBody;
}

/** `body.targetUtilisation` → `targetUtilisationPercent`: where a 400's field error is shown. */
export function fieldOfPath(path: string): keyof RolloutForm | null {
  const name = path.replace(/^body\./, '').split('.')[0] ?? '';
  switch (name) {
    case 'scope':
      return 'databaseId';
    case 'targetUtilisation':
      return 'targetUtilisationPercent';
    case 'bakeSeconds':
    case 'waveBakeSeconds':
    case 'finalBakeSeconds':
      return 'bakeSeconds';
    case 'maxUnavailable':
    case 'failureLimit':
    case 'onAlarm':
    case 'reason':
      return name;
    default:
      return null;
  }
}

/** Which controls make sense in a status (the engine has the last word: a 409 says why not). */
export function controlsFor(status: RolloutStatus): ReadonlySet<RolloutControl> {
  switch (status) {
    case 'pending':
      return new Set(['start', 'abort']);
    case 'running':
      return new Set(['pause', 'promote', 'promote-all', 'abort', 'rollback']);
    case 'paused':
      return new Set(['resume', 'promote', 'promote-all', 'abort', 'rollback']);
    case 'completed':
      return new Set(['finalize', 'rollback']);
    case 'aborted':
      return new Set(['rollback']);
    case 'rolling_back':
      return new Set(['pause']);
    default:
      return new Set();
  }
}
