-- Every API process writes the liveness of every node it heard from once a second
-- (last_seen_at, boot_id, last_seq, last_counters: NodeStateRepository.writeLiveness), about
-- 1,900 rows a second for 10,000 nodes at the default keep-alive. This makes that write cheap.

-- 1. HOT updates. With last_seen_at indexed, no liveness update could be HOT: each wrote a new
-- entry into every index of nodes, and vacuum had to clean them all. Nothing looks nodes up by
-- last_seen_at (the stale filter and the alarm evaluator compare it row by row, and sorting the
-- node list by it sorts at most the fleet), so the index goes.
DROP INDEX "nodes_last_seen_at_idx";

-- Half of each page stays free: a pass over the fleet writes a new version of every row of a
-- page in one statement, and PostgreSQL prunes the old ones the next time it reads the page.
ALTER TABLE "nodes" SET (fillfactor = 50);

-- 2. The counters as 13 numbers, not a JSON object built per row (a third of the statement's
-- time, and 426 of a row's 1,251 bytes): [sentAtMs, then rw and ro each as attempts,
-- established, invalidToken, notAuthorized, throttled, other]. Empty: no heartbeat yet.
-- Processes still on the old code fail their liveness writes (and keep them pending) until they
-- restart on this one.
ALTER TABLE "nodes" ALTER COLUMN "last_counters" DROP DEFAULT;
ALTER TABLE "nodes" ALTER COLUMN "last_counters" TYPE DOUBLE PRECISION[] USING
  CASE WHEN jsonb_typeof("last_counters" -> 'sentAtMs') = 'number' AND jsonb_typeof("last_counters" -> 'rw') = 'object'
    THEN ARRAY[
      ("last_counters" ->> 'sentAtMs')::float8,
      COALESCE(("last_counters" -> 'rw' ->> 'attempts')::float8, 0),
      COALESCE(("last_counters" -> 'rw' ->> 'established')::float8, 0),
      COALESCE(("last_counters" -> 'rw' -> 'authFailures' ->> 'invalidToken')::float8, 0),
      COALESCE(("last_counters" -> 'rw' -> 'authFailures' ->> 'notAuthorized')::float8, 0),
      COALESCE(("last_counters" -> 'rw' -> 'authFailures' ->> 'throttled')::float8, 0),
      COALESCE(("last_counters" -> 'rw' -> 'authFailures' ->> 'other')::float8, 0),
      COALESCE(("last_counters" -> 'ro' ->> 'attempts')::float8, 0),
      COALESCE(("last_counters" -> 'ro' ->> 'established')::float8, 0),
      COALESCE(("last_counters" -> 'ro' -> 'authFailures' ->> 'invalidToken')::float8, 0),
      COALESCE(("last_counters" -> 'ro' -> 'authFailures' ->> 'notAuthorized')::float8, 0),
      COALESCE(("last_counters" -> 'ro' -> 'authFailures' ->> 'throttled')::float8, 0),
      COALESCE(("last_counters" -> 'ro' -> 'authFailures' ->> 'other')::float8, 0)
    ]
    ELSE ARRAY[]::DOUBLE PRECISION[]
  END;
ALTER TABLE "nodes" ALTER COLUMN "last_counters" SET DEFAULT ARRAY[]::DOUBLE PRECISION[];
