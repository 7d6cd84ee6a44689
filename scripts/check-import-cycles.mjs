// Fails when the runtime imports among the given folders' TypeScript files form a cycle.
// Runtime imports are what Node loads: `import type` and `export type … from` are left out
// (the compiler erases them). `import { type X }` still counts: under verbatimModuleSyntax it
// is kept as `import {} from`, which loads the module;
// dynamic `import()` counts. Only relative specifiers are followed: a cycle through a
// package would cross a workspace boundary, which the dependency direction already forbids.
//   node scripts/check-import-cycles.mjs apps/cli/src [more folders…]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

function* tsFiles(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'generated') continue;
    if (statSync(path).isDirectory()) yield* tsFiles(path);
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

function isTypeOnly(node) {
  if (ts.isImportDeclaration(node)) return node.importClause?.isTypeOnly === true;
  if (ts.isExportDeclaration(node)) return node.isTypeOnly;
  return false;
}

function runtimeSpecifiers(file) {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found = [];
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (!isTypeOnly(node) && ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function resolveRelative(from, specifier) {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(dirname(from), specifier).replace(/\.js$/, '');
  for (const candidate of [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

const roots = process.argv.slice(2);
if (roots.length === 0) {
  console.error('usage: node scripts/check-import-cycles.mjs <folder>...');
  process.exit(2);
}
const graph = new Map();
for (const root of roots) {
  for (const file of tsFiles(resolve(root))) {
    graph.set(
      file,
      runtimeSpecifiers(file)
        .map((s) => resolveRelative(file, s))
        .filter(Boolean),
    );
  }
}

// Depth-first search; a back edge to a file on the current path closes a cycle.
const cycles = [];
const state = new Map(); // undefined: unvisited, 1: on the path, 2: done
const path = [];
function visit(file) {
  state.set(file, 1);
  path.push(file);
  for (const next of graph.get(file) ?? []) {
    if (state.get(next) === 1) cycles.push([...path.slice(path.indexOf(next)), next]);
    else if (state.get(next) === undefined && graph.has(next)) visit(next);
  }
  path.pop();
  state.set(file, 2);
}
for (const file of graph.keys()) if (state.get(file) === undefined) visit(file);

const show = (file) => relative(process.cwd(), file);
if (cycles.length > 0) {
  for (const cycle of cycles) console.error(`import cycle: ${cycle.map(show).join(' -> ')}`);
  process.exit(1);
}
console.log(`no runtime import cycle among ${graph.size} files in ${roots.join(', ')}`);
