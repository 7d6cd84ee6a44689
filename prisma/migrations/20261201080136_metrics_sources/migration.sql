-- CreateTable
CREATE TABLE "source_metric_samples" (
    "database_id" UUID NOT NULL,
    "source" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "period_seconds" INTEGER NOT NULL,
    "bucket_start" TIMESTAMPTZ(3) NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "source_metric_samples_pkey" PRIMARY KEY ("database_id","source","metric","period_seconds","bucket_start")
);

-- CreateTable
CREATE TABLE "metrics_source_status" (
    "name" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "consecutive_failures" INTEGER NOT NULL DEFAULT 0,
    "error_kind" TEXT,
    "error_message" TEXT,
    "last_success_at" TIMESTAMPTZ(3),
    "last_failure_at" TIMESTAMPTZ(3),
    "next_attempt_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "metrics_source_status_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE INDEX "source_metric_samples_bucket_start_idx" ON "source_metric_samples"("bucket_start");

-- AddForeignKey
ALTER TABLE "source_metric_samples" ADD CONSTRAINT "source_metric_samples_database_id_fkey" FOREIGN KEY ("database_id") REFERENCES "databases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Not modelled by Prisma: the states and error kinds the leader writes.
ALTER TABLE "metrics_source_status" ADD CONSTRAINT "metrics_source_status_state_check" CHECK ("state" IN ('ok', 'degraded'));
ALTER TABLE "metrics_source_status" ADD CONSTRAINT "metrics_source_status_error_kind_check" CHECK ("error_kind" IS NULL OR "error_kind" IN ('throttled', 'denied', 'unreachable', 'error'));
