-- AlterEnum
CREATE TYPE "rollout_status_new" AS ENUM ('pending', 'running', 'paused', 'completed', 'aborted', 'rolling_back', 'rolled_back');
ALTER TABLE "public"."rollouts" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "rollouts" ALTER COLUMN "status" TYPE "rollout_status_new" USING ("status"::text::"rollout_status_new");
ALTER TYPE "rollout_status" RENAME TO "rollout_status_old";
ALTER TYPE "rollout_status_new" RENAME TO "rollout_status";
DROP TYPE "public"."rollout_status_old";
ALTER TABLE "rollouts" ALTER COLUMN "status" SET DEFAULT 'pending';

-- AlterTable
ALTER TABLE "nodes" ADD COLUMN     "finalize" TEXT;

-- AlterTable
ALTER TABLE "rollout_nodes" DROP COLUMN "previous_stage",
DROP COLUMN "status",
DROP COLUMN "step_index",
ADD COLUMN     "from_stage" TEXT NOT NULL,
ADD COLUMN     "is_holding" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "phase" TEXT NOT NULL,
ADD COLUMN     "state" TEXT NOT NULL,
ADD COLUMN     "to_stage" TEXT NOT NULL;

-- AlterTable
ALTER TABLE "rollouts" ADD COLUMN     "phase" TEXT,
ADD COLUMN     "reason" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "state" JSONB NOT NULL DEFAULT '{}';

-- CreateTable
CREATE TABLE "webhook_outbox" (
    "id" BIGSERIAL NOT NULL,
    "event" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "delivered_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "webhook_outbox_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "webhook_outbox_delivered_at_next_attempt_at_idx" ON "webhook_outbox"("delivered_at", "next_attempt_at");

-- CreateIndex
CREATE UNIQUE INDEX "rollout_nodes_holding_node_key" ON "rollout_nodes"("node_id") WHERE (is_holding);
