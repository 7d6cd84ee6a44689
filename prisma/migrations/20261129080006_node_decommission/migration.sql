-- AlterTable
ALTER TABLE "nodes" ADD COLUMN     "decommissioned_at" TIMESTAMPTZ(3),
ADD COLUMN     "decommissioned_by" TEXT;

-- Both or neither: a decommissioned node always says who did it.
ALTER TABLE "nodes" ADD CONSTRAINT "nodes_decommissioned_check" CHECK (("decommissioned_at" IS NULL) = ("decommissioned_by" IS NULL));
