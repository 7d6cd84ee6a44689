-- CreateTable
CREATE TABLE "database_iam_checks" (
    "database_id" UUID NOT NULL,
    "status" TEXT NOT NULL,
    "checked_at" TIMESTAMPTZ(3) NOT NULL,
    "message" TEXT NOT NULL,
    "fix" TEXT NOT NULL DEFAULT '',
    "iam_enabled" BOOLEAN,
    "dbi_resource_id" TEXT,
    "endpoint_address" TEXT,
    "endpoint_port" INTEGER,
    "account_id" TEXT,

    CONSTRAINT "database_iam_checks_pkey" PRIMARY KEY ("database_id")
);

-- CreateTable
CREATE TABLE "node_preflight" (
    "node_id" UUID NOT NULL,
    "is_capable" BOOLEAN NOT NULL DEFAULT false,
    "pending_request_id" TEXT,
    "pending_stages" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "requested_at" TIMESTAMPTZ(3),
    "override_by" TEXT,
    "override_reason" TEXT,
    "override_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "node_preflight_pkey" PRIMARY KEY ("node_id")
);

-- CreateTable
CREATE TABLE "node_preflight_results" (
    "node_id" UUID NOT NULL,
    "stage" TEXT NOT NULL,
    "request_id" TEXT NOT NULL,
    "checked_at" TIMESTAMPTZ(3) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "is_passed" BOOLEAN NOT NULL,
    "checks" JSONB NOT NULL DEFAULT '[]',

    CONSTRAINT "node_preflight_results_pkey" PRIMARY KEY ("node_id","stage")
);

-- AddForeignKey
ALTER TABLE "database_iam_checks" ADD CONSTRAINT "database_iam_checks_database_id_fkey" FOREIGN KEY ("database_id") REFERENCES "databases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "node_preflight" ADD CONSTRAINT "node_preflight_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "node_preflight_results" ADD CONSTRAINT "node_preflight_results_node_id_fkey" FOREIGN KEY ("node_id") REFERENCES "nodes"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Not modelled by Prisma: the values the API writes.
ALTER TABLE "database_iam_checks" ADD CONSTRAINT "database_iam_checks_status_check" CHECK ("status" IN ('ok', 'iam_disabled', 'not_found', 'error', 'unchecked'));
ALTER TABLE "node_preflight_results" ADD CONSTRAINT "node_preflight_results_stage_check" CHECK ("stage" IN ('ro_iam', 'rw_iam'));
