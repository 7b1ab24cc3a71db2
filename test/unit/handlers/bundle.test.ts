import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/**
 * Full zod with its locales is about 450 KB of minified code, half of a Lambda bundle and a good part of its cold
 * start. The handlers parse with zod/mini; this keeps full zod from coming back through a new import.
 */
async function bundledFiles(handler: string): Promise<string[]> {
  const result = await build({
    absWorkingDir: fileURLToPath(new URL('../../..', import.meta.url)),
    entryPoints: [`lambdas/handlers/${handler}.ts`],
    bundle: true,
    platform: 'node',
    format: 'esm',
    minify: true,
    mainFields: ['module', 'main'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs)[0];
  if (output === undefined) throw new Error(`no output for ${handler}`);
  return Object.entries(output.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path);
}

describe('Lambda bundles', () => {
  it.each(['list-targets', 'scan-target', 'finalize-run', 'heartbeat'])(
    '%s carries zod/mini and its English messages only',
    async (handler) => {
      const files = await bundledFiles(handler);
      const zod = files.filter((path) => path.includes('node_modules/zod/'));

      expect(zod.some((path) => path.includes('/v4/mini/'))).toBe(true);
      expect(zod.filter((path) => path.includes('/v4/classic/'))).toEqual([]);
      expect(zod.filter((path) => path.includes('/locales/') && !path.endsWith('/locales/en.js'))).toEqual([]);
      expect(files.filter((path) => path.includes('lambdas/core/report/schema'))).toEqual([]);
    },
  );
});
