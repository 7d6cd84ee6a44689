-- CreateEnum
CREATE TYPE "reported_status" AS ENUM ('ok', 'degraded', 'error');

-- AlterTable
ALTER TABLE "nodes" ADD COLUMN     "heartbeat_interval_ms" INTEGER,
ADD COLUMN     "reported_status" "reported_status",
ADD COLUMN     "status_message" TEXT;

-- AddCheckConstraints (not modelled by Prisma)
ALTER TABLE "nodes" ADD CONSTRAINT "nodes_heartbeat_interval_ms_check" CHECK ("heartbeat_interval_ms" IS NULL OR "heartbeat_interval_ms" > 0);
