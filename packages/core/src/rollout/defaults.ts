// The defaults of a rollout spec, each with the fact behind it.

/** Five minutes of bake after each wave and as the final bake (the contract). */
export const DEFAULT_BAKE_SECONDS = 300;

/** Cumulative shares of a phase's eligible nodes, after the canary. */
export const DEFAULT_WAVE_SHARES: readonly number[] = [0.25, 0.5, 1];

/**
 * Half of each database's IAM budget: the measured rate is a recent figure, bursts land
 * unevenly within their second, and RDS throttles (PAM authentication failed) above ~200/s.
 */
export const DEFAULT_TARGET_UTILISATION = 0.5;

/**
 * A Kong restart reconnects lazily: each worker opens connections as requests need them, so
 * a node's logins spread over the first ~1–2 s after the restart. The burst counts as in
 * flight from the switch intent until this long after the agent reports it applied; by then
 * the measured rate carries it. Callers that measure over a longer window must raise it.
 */
export const DEFAULT_BURST_WINDOW_SECONDS = 2;

/** A switch not reported within 10 minutes is a failure (agent gone, restart hung). */
export const DEFAULT_SWITCH_TIMEOUT_SECONDS = 600;

/** A preflight verdict older than an hour no longer speaks for the node's config. */
export const DEFAULT_PREFLIGHT_MAX_AGE_SECONDS = 3600;

/**
 * How long a switch waits for a preflight-capable agent to answer the preflight request the
 * reconciler sent (one heartbeat to hear it, a few seconds of checks, one heartbeat to report):
 * two minutes is generous; after it the node is blocked with the reason.
 */
export const DEFAULT_PREFLIGHT_WAIT_SECONDS = 120;

/** Kong Gateway 3.3 introduced pg_iam_auth; 3.8 the assume-role settings. */
export const KONG_IAM_MIN_VERSION = '3.3';
export const KONG_ASSUME_ROLE_MIN_VERSION = '3.8';

/** What the preview assumes a switch takes: heartbeat reply (≤ 1 s), restart, report back. */
export const DEFAULT_PREVIEW_SWITCH_SECONDS = 10;
