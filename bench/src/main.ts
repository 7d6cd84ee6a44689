import { ingest } from './ingest';
import { ratesMemory } from './rates-memory';
import { rollout } from './rollout';
import { storm } from './storm';

// `npm run bench -- <name> [options]`: each bench prints JSON only (with --json,
// the last line is one JSON object).
const benches: Record<string, (argv: readonly string[]) => Promise<void>> = {
  storm,
  ingest,
  rollout,
  'rates-memory': ratesMemory,
};

const [name, ...rest] = process.argv.slice(2);
const bench = name === undefined ? undefined : benches[name];
if (!bench) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [options]\n`);
  process.exitCode = 2;
} else {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  await bench(rest).catch((error: unknown) => {
    process.stderr.write(`bench ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
