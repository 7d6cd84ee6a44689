-- AlterTable
ALTER TABLE "nodes" ADD COLUMN     "restore" TEXT;
