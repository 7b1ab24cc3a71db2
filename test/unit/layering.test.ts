/**
 * The layering of `lambdas/` (lambdas/README.md), held by a test over the import graph rather than by a document:
 * each layer imports only the layers below it, the core imports no SDK and no I/O module, and no module imports
 * itself back through others. The imports are read with TypeScript's own parser, type-only imports included (a
 * type import still ties the layers together).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '../../lambdas');

/**
 * The rank of each top folder: a module may import its own folder and any folder of a lower rank. `wiring` (the
 * stores and Slack senders the CLI and the Lambdas build alike) sits on the adapters and the alerting it feeds;
 * `run` (a run's completion) uses it; `pipeline` (the state machine's steps) sits under `handlers` and `cli`, and so
 * does `events` (the event path's use case: it rescans with `scan` and alerts through `wiring`, beside the pipeline).
 */
const LAYERS: Record<string, number> = {
  core: 0,
  aws: 1,
  net: 1,
  slack: 1,
  config: 2,
  scan: 2,
  alerting: 2,
  ct: 2,
  wiring: 3,
  run: 4,
  pipeline: 5,
  events: 5,
  cli: 6,
  handlers: 6,
};

/** Imports against the layering that are known and have a plan, each with it. */
const KNOWN_UPWARD: ReadonlyArray<{ from: string; to: string; why: string }> = [];

/** Packages the core may not import: it is pure functions over plain data (STYLE.md, principle 3). */
const CORE_FORBIDDEN =
  /^(@aws-sdk\/|@smithy\/|@slack\/|@aws-lambda-powertools\/|aws-lambda$|commander$|node:|fs$|net$|dns$|http)/;

/** Node modules the core does use, each for a pure computation that does no I/O. */
const CORE_ALLOWED: ReadonlyArray<{ file: string; module: string; why: string }> = [
  {
    file: 'core/diagnosis/servers.ts',
    module: 'node:net',
    why: "isIP only: a pure check of an address's syntax, the one the resolver itself applies",
  },
  {
    file: 'core/report/html.ts',
    module: 'node:crypto',
    why: "createHash only: the report's Content-Security-Policy names its inline script by its SHA-256",
  },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every module specifier a file imports or re-exports, including `import type` and `import()` types. */
function importsOf(text: string, fileName = 'module.ts'): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const literal = node.argument.literal;
      if (ts.isStringLiteral(literal)) found.push(literal.text);
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

interface Edge {
  from: string;
  to: string;
}

/** The graph of `lambdas/`: files relative to it, relative imports resolved to files, packages kept as named. */
function importGraph(): { files: string[]; edges: Edge[]; packages: Edge[] } {
  const files = sourceFiles(ROOT).map((file) => relative(ROOT, file));
  const known = new Set(files);
  const edges: Edge[] = [];
  const packages: Edge[] = [];
  for (const file of files) {
    for (const specifier of importsOf(readFileSync(join(ROOT, file), 'utf8'), file)) {
      if (!specifier.startsWith('.')) {
        packages.push({ from: file, to: specifier });
        continue;
      }
      const base = relative(ROOT, resolve(ROOT, dirname(file), specifier));
      const target = [`${base}.ts`, join(base, 'index.ts'), base].find((candidate) => known.has(candidate));
      if (target === undefined) throw new Error(`${file}: cannot resolve ${specifier}`);
      edges.push({ from: file, to: target });
    }
  }
  return { files, edges, packages };
}

const layerOf = (file: string): string => file.split('/')[0] ?? '';

/** The cycles of a graph, one member path each (Tarjan's strongly connected components of more than one node). */
function cyclesOf(nodes: readonly string[], edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) next.set(from, [...(next.get(from) ?? []), to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const connect = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const to of next.get(node) ?? []) {
      if (!index.has(to)) {
        connect(to);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(to) ?? 0));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(to) ?? 0));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string | undefined;
      do {
        member = stack.pop();
        if (member === undefined) break;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      const selfLoop = (next.get(node) ?? []).includes(node);
      if (component.length > 1 || selfLoop) components.push(component.sort());
    }
  };
  for (const node of nodes) if (!index.has(node)) connect(node);
  return components;
}

describe('the layering of lambdas/', () => {
  const graph = importGraph();

  it('places every top folder in a layer', () => {
    const unplaced = [...new Set(graph.files.filter((file) => file.includes('/')).map(layerOf))].filter(
      (layer) => LAYERS[layer] === undefined,
    );
    expect(unplaced).toEqual([]);
  });

  it('has each layer import only its own folder and the layers below it', () => {
    const upward = graph.edges
      .filter(({ from, to }) => layerOf(from) !== layerOf(to))
      .filter(({ from, to }) => (LAYERS[layerOf(to)] ?? 99) >= (LAYERS[layerOf(from)] ?? -1))
      .filter(({ from, to }) => !KNOWN_UPWARD.some((known) => known.from === from && known.to === to))
      .map(({ from, to }) => `${from} -> ${to}`);
    expect(upward).toEqual([]);
  });

  it('keeps the core free of SDKs, Slack, the Lambda runtime and I/O modules', () => {
    const forbidden = graph.packages
      .filter(({ from }) => layerOf(from) === 'core')
      .filter(({ to }) => CORE_FORBIDDEN.test(to))
      .filter(({ from, to }) => !CORE_ALLOWED.some((allowed) => allowed.file === from && allowed.module === to))
      .map(({ from, to }) => `${from} -> ${to}`);
    expect(forbidden).toEqual([]);
  });

  it('has no import cycle', () => {
    expect(cyclesOf(graph.files, graph.edges)).toEqual([]);
  });
});

/** Top-level names a file exports by declaration (`export function f`, `export const X`, `export interface I`...). */
function exportedNames(text: string, fileName: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  return source.statements.flatMap((statement) => {
    const exported = ts.canHaveModifiers(statement)
      ? (ts.getModifiers(statement) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword)
      : false;
    if (!exported) return [];
    if (ts.isVariableStatement(statement)) {
      return statement.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : []));
    }
    const named = statement as ts.Statement & { name?: ts.Node };
    return named.name && ts.isIdentifier(named.name) ? [named.name.text] : [];
  });
}

describe('the names of lambdas/ and infra/', () => {
  it('exports each name from one file only, so a name means one thing across the tree', () => {
    // Every Lambda entry point is `handler` by the runtime's convention; the file says which.
    const conventional = new Set(['handler']);
    const files = [...sourceFiles(ROOT), ...sourceFiles(resolve(ROOT, '../infra'))];
    const owners = new Map<string, string[]>();
    for (const file of files) {
      for (const name of exportedNames(readFileSync(file, 'utf8'), file)) {
        owners.set(name, [...(owners.get(name) ?? []), relative(resolve(ROOT, '..'), file)]);
      }
    }
    const shared = [...owners].filter(([name, where]) => where.length > 1 && !conventional.has(name));
    expect(Object.fromEntries(shared)).toEqual({});
  });
});

describe('the test tree', () => {
  /** Test folders for what is not under lambdas/: the simulator (local/sim) and the benchmarks (bench/). */
  const outsideLambdas = new Set(['sim', 'bench']);

  it('mirrors lambdas/: each folder of test/unit and test/integration is a folder of lambdas/', () => {
    const folders = (dir: string, prefix = ''): string[] =>
      readdirSync(dir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .flatMap((entry) => [`${prefix}${entry.name}`, ...folders(join(dir, entry.name), `${prefix}${entry.name}/`)]);
    const stray = ['unit', 'integration'].flatMap((kind) =>
      folders(resolve(ROOT, '../test', kind))
        .filter((folder) => !outsideLambdas.has(folder.split('/')[0] ?? ''))
        .filter((folder) => !statSync(join(ROOT, folder), { throwIfNoEntry: false })?.isDirectory())
        .map((folder) => `test/${kind}/${folder}`),
    );
    expect(stray).toEqual([]);
  });
});

describe('importsOf', () => {
  it('reads value, type-only, re-export and dynamic imports', () => {
    const text = [
      "import { a } from './a';",
      "import type { B } from '../b';",
      "export { c } from './c';",
      "type D = import('./d').D;",
      "const e = await import('node:fs');",
    ].join('\n');
    expect(importsOf(text)).toEqual(['./a', '../b', './c', './d', 'node:fs']);
  });
});

describe('cyclesOf', () => {
  it('finds a two-file cycle and ignores a chain', () => {
    const edges = [
      { from: 'aws/clients.ts', to: 'aws/credentials.ts' },
      { from: 'aws/credentials.ts', to: 'aws/clients.ts' },
      { from: 'scan/a.ts', to: 'aws/clients.ts' },
    ];
    expect(cyclesOf(['aws/clients.ts', 'aws/credentials.ts', 'scan/a.ts'], edges)).toEqual([
      ['aws/clients.ts', 'aws/credentials.ts'],
    ]);
  });
});
