// Development and test tooling only (the runtime never imports this): the
// Prisma schema engine compiled to WebAssembly, driven through adapter-pg,
// answers "what SQL turns this database into schema.prisma?" without the
// native engine binary the Prisma CLI would download.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  ColumnTypeEnum,
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlQuery,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils';
import type * as SchemaEngineBindings from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine as SchemaEngineType } from '@prisma/schema-engine-wasm/schema_engine_bg';

export const SCHEMA_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../prisma/schema.prisma');

/** Discrete fields, not a URL: adapter-pg's shadow database ignores `database` next to a connectionString. */
export interface PgTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
}

export interface SchemaDiff {
  /** SQL that would bring the database to schema.prisma; empty when they agree. */
  readonly script: string;
  /** The same as a human-readable summary ("No difference detected." when none). */
  readonly summary: string;
}

/** Diffs the live database against schema.prisma. CHECKs, functions and triggers are outside Prisma's model and ignored. */
export async function diffDatabaseToSchema(target: PgTarget, schemaPath: string = SCHEMA_PATH): Promise<SchemaDiff> {
  const engine = await startEngine(target, schemaPath);
  try {
    const files = [{ path: schemaPath, content: await readFile(schemaPath, 'utf8') }];
    const diff = (isScript: boolean) =>
      engine.diff({
        from: { tag: 'schemaDatasource', files, configDir: dirname(schemaPath) },
        to: { tag: 'schemaDatamodel', files },
        script: isScript,
        exitCode: null,
        filters: { externalTables: [], externalEnums: [] },
      });
    const script = (await diff(true)).stdout ?? '';
    const summary = (await diff(false)).stdout ?? '';
    return { script: script.replace(/^-- This is an empty migration\.\s*$/m, '').trim(), summary: summary.trim() };
  } finally {
    engine.free();
  }
}

async function startEngine(target: PgTarget, schemaPath: string): Promise<SchemaEngineType> {
  const { SchemaEngine } = await loadWasm();
  const factory = new PrismaPg({ ...target });
  const adapter = bindMigrationAwareSqlAdapterFactory({
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => withCharColumns(await factory.connect()),
    connectToShadowDb: async () => withCharColumns(await factory.connectToShadowDb()),
  });
  const schema = await readFile(schemaPath, 'utf8');
  // The engine logs through this callback; its INFO lines are noise here.
  return SchemaEngine.new({ datamodels: [[schemaPath, schema]] }, () => undefined, adapter);
}

type PgConnection = SqlDriverAdapter & {
  performIO(query: SqlQuery): Promise<{ fields: { dataTypeID: number }[] }>;
};

/**
 * adapter-pg 7.10 cannot map PostgreSQL's one-byte `"char"` type (oid 18),
 * which the engine's catalog queries return (e.g. pg_constraint.contype):
 * report those columns as Character, which the engine expects.
 */
function withCharColumns(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const connection = adapter as PgConnection;
  // Unbound on purpose: each call runs it with `this` = a probe that sees the fields.
  const queryRaw: (this: PgConnection, query: SqlQuery) => Promise<SqlResultSet> = Reflect.get(connection, 'queryRaw');
  const performIO = connection.performIO.bind(connection);
  connection.queryRaw = async (query: SqlQuery): Promise<SqlResultSet> => {
    const charColumns: number[] = [];
    const probe = Object.create(connection, {
      performIO: {
        value: async (inner: SqlQuery) => {
          const result = await performIO(inner);
          result.fields.forEach((field, index) => {
            if (field.dataTypeID === 18) {
              charColumns.push(index);
              field.dataTypeID = 25; // text, so adapter-pg's own mapping accepts it
            }
          });
          return result;
        },
      },
    }) as PgConnection;
    const result = await queryRaw.call(probe, query);
    for (const index of charColumns) result.columnTypes[index] = ColumnTypeEnum.Character;
    return result;
  };
  return connection;
}

/** The slice of the WebAssembly global used here (lib ES2023 does not declare it). */
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: Record<string, object>): Promise<{ exports: { __wbindgen_start(): void } }>;
}

type WasmModule = typeof SchemaEngineBindings;
let wasmModule: Promise<WasmModule> | undefined;

/** The package's entry imports `.wasm` as an ES module (bundler style); Node needs it instantiated by hand. */
function loadWasm(): Promise<WasmModule> {
  wasmModule ??= (async () => {
    const globals = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { set_message(message: string): void } };
    globals.PRISMA_WASM_PANIC_REGISTRY ??= {
      set_message: (message) => console.error(`schema engine panic: ${message}`),
    };
    const bindingsPath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bindings = (await import(bindingsPath)) as WasmModule & { __wbg_set_wasm(exports: unknown): void };
    const { WebAssembly } = globalThis as unknown as { WebAssembly: WasmApi };
    const module = await WebAssembly.compile(readFileSync(bindingsPath.replace(/\.js$/, '.wasm')));
    const instance = await WebAssembly.instantiate(module, { './schema_engine_bg.js': bindings });
    bindings.__wbg_set_wasm(instance.exports);
    instance.exports.__wbindgen_start();
    return bindings;
  })();
  return wasmModule;
}
