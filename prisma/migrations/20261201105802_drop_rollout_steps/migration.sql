-- DropForeignKey
ALTER TABLE "rollout_steps" DROP CONSTRAINT "rollout_steps_rollout_id_fkey";

-- DropTable
DROP TABLE "rollout_steps";
