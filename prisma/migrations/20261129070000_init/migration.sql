-- CreateEnum
CREATE TYPE "kong_role" AS ENUM ('traditional', 'control_plane', 'data_plane');

-- CreateEnum
CREATE TYPE "auth_mode" AS ENUM ('password', 'iam');

-- CreateEnum
CREATE TYPE "node_stage" AS ENUM ('password', 'ro_iam', 'rw_iam');

-- CreateEnum
CREATE TYPE "transition_status" AS ENUM ('idle', 'switching', 'reverting', 'failed');

-- CreateEnum
CREATE TYPE "series_kind" AS ENUM ('node', 'database');

-- CreateEnum
CREATE TYPE "alarm_severity" AS ENUM ('info', 'warning', 'critical');

-- CreateEnum
CREATE TYPE "rollout_status" AS ENUM ('pending', 'ro', 'rw', 'completed', 'paused', 'aborted', 'rolling_back', 'rolled_back');

-- CreateEnum
CREATE TYPE "connection_kind" AS ENUM ('ro', 'rw');

-- CreateEnum
CREATE TYPE "role" AS ENUM ('viewer', 'operator', 'admin');

-- CreateEnum
CREATE TYPE "actor_type" AS ENUM ('user', 'token', 'agent', 'system');

-- CreateTable
CREATE TABLE "databases" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "identifier" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "port" INTEGER NOT NULL DEFAULT 5432,
    "region" TEXT NOT NULL,
    "budget_per_second" INTEGER NOT NULL DEFAULT 200,
    "warning_threshold" DOUBLE PRECISION NOT NULL DEFAULT 0.8,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "databases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "nodes" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "hostname" TEXT NOT NULL,
    "kong_version" TEXT,
    "role" "kong_role" NOT NULL,
    "rw_database_id" UUID,
    "ro_database_id" UUID,
    "rw_auth_mode" "auth_mode" NOT NULL DEFAULT 'password',
    "ro_auth_mode" "auth_mode",
    "stage" "node_stage" NOT NULL DEFAULT 'password',
    "desired_stage" "node_stage" NOT NULL DEFAULT 'password',
    "status" "transition_status" NOT NULL DEFAULT 'idle',
    "status_reason" TEXT,
    "config_hash" TEXT,
    "agent_version" TEXT,
    "last_seen_at" TIMESTAMPTZ(3),
    "lint_findings" JSONB NOT NULL DEFAULT '[]',
    "effective_config" JSONB NOT NULL DEFAULT '{}',
    "workers" INTEGER,
    "pool_size" INTEGER,
    "boot_id" TEXT,
    "last_seq" INTEGER,
    "last_counters" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "nodes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rate_samples" (
    "series_kind" "series_kind" NOT NULL,
    "series_id" UUID NOT NULL,
    "metric" TEXT NOT NULL DEFAULT 'iam_connects',
    "resolution_seconds" INTEGER NOT NULL,
    "bucket_start" TIMESTAMPTZ(3) NOT NULL,
    "sum" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "max" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "rate_samples_pkey" PRIMARY KEY ("series_kind","series_id","metric","resolution_seconds","bucket_start")
);

-- CreateTable
CREATE TABLE "alarms" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "severity" "alarm_severity" NOT NULL,
    "subject_type" TEXT NOT NULL,
    "subject_id" TEXT,
    "message" TEXT NOT NULL,
    "value" DOUBLE PRECISION,
    "opened_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledged_by" TEXT,
    "resolved_at" TIMESTAMPTZ(3),

    CONSTRAINT "alarms_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rollouts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "status" "rollout_status" NOT NULL DEFAULT 'pending',
    "spec" JSONB NOT NULL,
    "step_hash" TEXT NOT NULL,
    "message" TEXT,
    "created_by" TEXT NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "rollouts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "rollout_steps" (
    "rollout_id" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "phase" "connection_kind" NOT NULL,
    "kind" TEXT NOT NULL,
    "spec" JSONB NOT NULL DEFAULT '{}',
    "status" TEXT NOT NULL DEFAULT 'pending',
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "rollout_steps_pkey" PRIMARY KEY ("rollout_id","index")
);

-- CreateTable
CREATE TABLE "rollout_nodes" (
    "rollout_id" UUID NOT NULL,
    "node_id" UUID NOT NULL,
    "step_index" INTEGER,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "previous_stage" "node_stage" NOT NULL,
    "reason" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rollout_nodes_pkey" PRIMARY KEY ("rollout_id","node_id")
);

-- CreateTable
CREATE TABLE "users" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "username" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "role" "role" NOT NULL,
    "disabled_at" TIMESTAMPTZ(3),
    "last_login_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "csrf_token" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "role" "role" NOT NULL,
    "user_id" UUID NOT NULL,
    "last_used_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "enrollment_tokens" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "created_by_id" UUID NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "uses_left" INTEGER NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "enrollment_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agent_credentials" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "node_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "last_used_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agent_credentials_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor_type" "actor_type" NOT NULL,
    "actor_id" TEXT,
    "actor_name" TEXT,
    "action" TEXT NOT NULL,
    "subject_type" TEXT,
    "subject_id" TEXT,
    "reason" TEXT,
    "data" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "databases_identifier_key" ON "databases"("identifier");

-- CreateIndex
CREATE INDEX "databases_host_port_idx" ON "databases"("host", "port");

-- CreateIndex
CREATE INDEX "nodes_rw_database_id_idx" ON "nodes"("rw_database_id");

-- CreateIndex
CREATE INDEX "nodes_ro_database_id_idx" ON "nodes"("ro_database_id");

-- CreateIndex
CREATE INDEX "nodes_hostname_idx" ON "nodes"("hostname");

-- CreateIndex
CREATE INDEX "nodes_last_seen_at_idx" ON "nodes"("last_seen_at");

-- CreateIndex
CREATE INDEX "rate_samples_resolution_seconds_bucket_start_idx" ON "rate_samples"("resolution_seconds", "bucket_start");

-- CreateIndex
CREATE INDEX "alarms_subject_type_subject_id_idx" ON "alarms"("subject_type", "subject_id");

-- CreateIndex
CREATE INDEX "alarms_opened_at_idx" ON "alarms"("opened_at");

-- CreateIndex
CREATE UNIQUE INDEX "alarms_open_key_key" ON "alarms"("key") WHERE (resolved_at IS NULL);

-- CreateIndex
CREATE INDEX "rollouts_status_idx" ON "rollouts"("status");

-- CreateIndex
CREATE INDEX "rollout_nodes_node_id_idx" ON "rollout_nodes"("node_id");

-- CreateIndex
CREATE UNIQUE INDEX "users_username_key" ON "users"("username");

-- CreateIndex
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");

-- CreateIndex
CREATE INDEX "sessions_expires_at_idx" ON "sessions"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

-- CreateIndex
CREATE INDEX "api_tokens_user_id_idx" ON "api_tokens"("user_id");

-- CreateIndex
CREATE UNIQUE INDEX "enrollment_tokens_token_hash_key" ON "enrollment_tokens"("token_hash");

-- CreateIndex
CREATE UNIQUE INDEX "agent_credentials_token_hash_key" ON "agent_credentials"("token_hash");

-- CreateIndex
CREATE INDEX "agent_credentials_node_id_idx" ON "agent_credentials"("node_id");

-- CreateIndex
CREATE INDEX "audit_events_at_idx" ON "audit_events"("at");

-- CreateIndex
CREATE INDEX "audit_events_subject_type_subject_id_idx" ON "audit_events"("subject_type", "subject_id");

-- AddForeignKey
ALTER TABLE "nodes" ADD CONSTRAINT "nodes_rw_database_id_fkey" FOREIGN KEY ("rw_database_id") REFERENCES "databases"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "nodes" ADD CONSTRAINT "nodes_ro_database_id_fkey" FOREIGN KEY ("ro_database_id") REFERENCES "databases"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rollout_steps" ADD CONSTRAINT "rollout_steps_rollout_id_fkey" FOREIGN KEY ("rollout_id") REFERENCES "rollouts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rollout_nodes" ADD CONSTRAINT "rollout_nodes_rollout_id_fkey" FOREIGN KEY ("rollout_id") REFERENCES "rollouts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "rollout_nodes" ADD CONSTRAINT "rollout_nodes_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "enrollment_tokens" ADD CONSTRAINT "enrollment_tokens_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "agent_credentials" ADD CONSTRAINT "agent_credentials_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Below: what schema.prisma cannot express. Prisma's diff ignores CHECK
-- constraints, functions and triggers, so these never show up as drift.

-- AddCheckConstraints
ALTER TABLE "rate_samples" ADD CONSTRAINT "rate_samples_resolution_seconds_check" CHECK ("resolution_seconds" IN (10, 60));
ALTER TABLE "databases" ADD CONSTRAINT "databases_budget_per_second_check" CHECK ("budget_per_second" > 0);
ALTER TABLE "databases" ADD CONSTRAINT "databases_warning_threshold_check" CHECK ("warning_threshold" > 0 AND "warning_threshold" <= 1);
ALTER TABLE "enrollment_tokens" ADD CONSTRAINT "enrollment_tokens_uses_left_check" CHECK ("uses_left" >= 0);

-- AuditEventsAppendOnly: the audit log is evidence, so no role the app
-- connects as may rewrite it. Dropping the trigger is a deliberate act.
CREATE FUNCTION "audit_events_reject_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'integrity_constraint_violation';
END;
$$;

CREATE TRIGGER "audit_events_no_update_delete"
BEFORE UPDATE OR DELETE ON "audit_events"
FOR EACH ROW EXECUTE FUNCTION "audit_events_reject_change"();

CREATE TRIGGER "audit_events_no_truncate"
BEFORE TRUNCATE ON "audit_events"
FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_reject_change"();
