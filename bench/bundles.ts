/**
 * p3: each Lambda's bundle as it is deployed. The hub stack is synthesized with bundling on (NodejsFunction runs the
 * local esbuild with the settings in infra/, minified ESM), into a temporary directory; each function's asset is
 * weighed and loaded in fresh Node processes with the environment its configuration sets, the way a cold start
 * imports it (module scope included).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { App } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { buildApp, STACK_NAMES } from '../infra/build-app';
import { type CertMonitorConfig, CONFIG_CONTEXT_KEY, parseConfig } from '../infra/config';
import { NAG_CONTEXT_KEY } from '../infra/nag';
import { REPO_ROOT } from '../infra/paths';
import { HANDLERS } from '../lambdas/core/names';
import { round } from './scan';

const run = promisify(execFile);

/** A synthesized CloudFormation template: untyped JSON, read field by field below. */
export type Template = {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }>;
};

/** The deployment's configuration as cdk.json gives it to `cdk deploy`. */
export function deployedConfig(): unknown {
  const cdkJson = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context?.[CONFIG_CONTEXT_KEY];
}

export interface SynthesizedHub {
  template: Template;
  config: CertMonitorConfig;
  /** Where the assets are; remove it when done. */
  outdir: string;
}

/** The hub stack synthesized into a temporary directory; with `bundling` every function's asset is built. */
export function synthesizeHub(options: { bundling: boolean; config?: unknown }): SynthesizedHub {
  const raw = options.config ?? deployedConfig();
  const outdir = mkdtempSync(join(tmpdir(), 'cert-monitor-bench-'));
  const app = new App({
    outdir,
    builtinCloudFormationValidation: false,
    context: {
      [CONFIG_CONTEXT_KEY]: raw,
      // The checks do not change what is deployed; they only cost time here.
      [NAG_CONTEXT_KEY]: false,
      'aws:cdk:enable-path-metadata': true,
      'aws:cdk:enable-asset-metadata': true,
      ...(options.bundling ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  buildApp(app);
  const assembly = app.synth();
  const template = assembly.getStackByName(STACK_NAMES.hub).template as Template;
  return { template, config: parseConfig(raw), outdir };
}

export interface FunctionInfo {
  /** The construct id (ListTargets, ScanTarget, FinalizeRun, Heartbeat). */
  name: string;
  logicalId: string;
  memoryMb: number;
  timeoutSeconds: number;
  architecture: string;
  runtime: string;
  environment: Record<string, unknown>;
  /** The asset directory, when the stack was synthesized with bundling. */
  assetPath?: string;
}

/** The stack's Lambda functions with the settings that matter for size, start-up and cost. */
export function functionsOf(template: Template, outdir: string): FunctionInfo[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .map(([logicalId, resource]) => {
      const props = resource.Properties ?? {};
      const path = String(resource.Metadata?.['aws:cdk:path'] ?? logicalId);
      const asset = resource.Metadata?.['aws:asset:path'];
      const env = (props.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      return {
        name: path.split('/')[1] ?? logicalId,
        logicalId,
        memoryMb: Number(props.MemorySize ?? 128),
        timeoutSeconds: Number(props.Timeout ?? 3),
        architecture: String((props.Architectures as string[] | undefined)?.[0] ?? 'x86_64'),
        runtime: String(props.Runtime ?? ''),
        environment: env,
        ...(typeof asset === 'string' ? { assetPath: join(outdir, asset) } : {}),
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * A template value as a plausible deployed string: pseudo parameters become the hub's account and region, other
 * references stand-in names, joins are joined. Enough for a configuration check that looks at shapes.
 */
export function resolveValue(value: unknown, config: CertMonitorConfig): string {
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  const node = value as Record<string, unknown>;
  if (typeof node.Ref === 'string') {
    const pseudo: Record<string, string> = {
      'AWS::Partition': 'aws',
      'AWS::Region': config.hub.region,
      'AWS::AccountId': config.hub.accountId,
      'AWS::URLSuffix': 'amazonaws.com',
    };
    return pseudo[node.Ref] ?? `bench-${node.Ref.toLowerCase()}`.slice(0, 60);
  }
  const join = node['Fn::Join'] as [string, unknown[]] | undefined;
  if (join) return join[1].map((part) => resolveValue(part, config)).join(join[0]);
  const attribute = node['Fn::GetAtt'] as [string, string] | undefined;
  if (attribute) return `arn:aws:bench:${config.hub.region}:${config.hub.accountId}:${attribute[0].toLowerCase()}`;
  return 'bench-value';
}

/** The variables a function runs with: its configuration's, and those the Lambda runtime sets. */
export function lambdaEnvironment(fn: FunctionInfo, config: CertMonitorConfig): Record<string, string> {
  const variables = Object.fromEntries(
    Object.entries(fn.environment).map(([name, value]) => [name, resolveValue(value, config)]),
  );
  return {
    PATH: process.env.PATH ?? '',
    AWS_REGION: config.hub.region,
    AWS_DEFAULT_REGION: config.hub.region,
    AWS_LAMBDA_FUNCTION_NAME: `CertMonitorHub-${fn.name}`,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
    LAMBDA_TASK_ROOT: fn.assetPath ?? '',
    AWS_ACCESS_KEY_ID: 'ASIABENCHBENCHBENCH0',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    ...variables,
  };
}

/** The bundle's entry file (index.mjs for the ESM output) and the bytes of every file in the asset. */
export function weighAsset(assetPath: string): { entry: string; bytes: number; files: number } {
  const files = readdirSync(assetPath, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile());
  const bytes = files.reduce((sum, entry) => sum + statSync(join(entry.parentPath, entry.name)).size, 0);
  const entry = ['index.mjs', 'index.js', 'index.cjs']
    .map((name) => join(assetPath, name))
    .find((path) => {
      try {
        return statSync(path).isFile();
      } catch {
        return false;
      }
    });
  if (!entry) throw new Error(`no index.mjs or index.js in ${assetPath}`);
  return { entry, bytes, files: files.length };
}

/** Imports the bundle in a new Node process and reports how long the import (module scope included) took. */
const LOADER = `
const started = performance.now();
try {
  const module = await import(process.argv[1]);
  const ms = performance.now() - started;
  process.stdout.write(JSON.stringify({ ms, handler: typeof module.handler }));
} catch (error) {
  process.stdout.write(JSON.stringify({ ms: performance.now() - started, error: String(error && error.message || error) }));
}
`;

export interface InitSample {
  ms: number;
  handler?: string;
  error?: string;
}

export async function measureInit(entry: string, env: Record<string, string>): Promise<InitSample> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', LOADER, pathToFileURL(entry).href], {
    env,
    timeout: 60_000,
  });
  return JSON.parse(stdout) as InitSample;
}

/**
 * What a handler's bundle is made of, by package: the entry bundled again with esbuild's metafile and the settings
 * infra/constructs/monitor-function.ts gives NodejsFunction (minified ESM for Node 24, module before main).
 */
export async function bundleContents(handler: keyof typeof HANDLERS, top = 6): Promise<PackageShare[]> {
  const result = await build({
    entryPoints: [join(REPO_ROOT, HANDLERS[handler])],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    mainFields: ['module', 'main'],
    metafile: true,
    write: false,
    outfile: 'index.mjs',
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0];
  const bytes = new Map<string, number>();
  for (const [file, input] of Object.entries(output?.inputs ?? {})) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? '(this repository)';
    bytes.set(name, (bytes.get(name) ?? 0) + input.bytesInOutput);
  }
  return [...bytes.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, size]) => ({ name, bytes: size }));
}

export interface PackageShare {
  name: string;
  bytes: number;
}

export interface BundleResult {
  name: string;
  bundleBytes: number;
  initMs: number;
  /** Every sample, in milliseconds. */
  initSamplesMs: number[];
  memoryMb: number;
  architecture: string;
  runtime: string;
  /** An error the import raised (the module's start-up failed with this environment). */
  initError?: string;
  /** The largest packages in the bundle. */
  topPackages: PackageShare[];
}

export interface P3Result {
  functions: BundleResult[];
  /** What `p3` asks for: `{ name, bundleBytes, initMs }` per Lambda. */
  synthSeconds: number;
  nodeVersion: string;
}

export async function runP3(options: { samples?: number; log: (line: string) => void }): Promise<P3Result> {
  const samples = options.samples ?? 5;
  const started = performance.now();
  options.log('p3: synthesizing the hub stack with bundling (esbuild, minified ESM, as deployed)');
  const hub = synthesizeHub({ bundling: true });
  const synthSeconds = (performance.now() - started) / 1000;
  try {
    const results: BundleResult[] = [];
    for (const fn of functionsOf(hub.template, hub.outdir)) {
      if (!fn.assetPath) continue;
      const { entry, bytes } = weighAsset(fn.assetPath);
      const env = lambdaEnvironment(fn, hub.config);
      const runs: InitSample[] = [];
      for (let i = 0; i < samples; i++) runs.push(await measureInit(entry, env));
      const times = runs.map((sample) => round(sample.ms, 1)).sort((a, b) => a - b);
      const error = runs.find((sample) => sample.error)?.error;
      const handler = (fn.name.charAt(0).toLowerCase() + fn.name.slice(1)) as keyof typeof HANDLERS;
      const topPackages = handler in HANDLERS ? await bundleContents(handler) : [];
      results.push({
        name: fn.name,
        bundleBytes: bytes,
        initMs: times[Math.floor(times.length / 2)] ?? 0,
        initSamplesMs: times,
        memoryMb: fn.memoryMb,
        architecture: fn.architecture,
        runtime: fn.runtime,
        ...(error ? { initError: error } : {}),
        topPackages,
      });
      options.log(`p3: ${fn.name} ${(bytes / 1024).toFixed(0)} KiB, init ${times[Math.floor(times.length / 2)]} ms`);
    }
    return { functions: results, synthSeconds: round(synthSeconds, 1), nodeVersion: process.version };
  } finally {
    rmSync(hub.outdir, { recursive: true, force: true });
  }
}
