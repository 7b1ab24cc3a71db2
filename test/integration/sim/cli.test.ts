import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliIo, runSimCli } from '../../../local/sim-cli';
import { fixtureScenario } from '../../unit/sim/fixture';

function recorder(): CliIo & { out_: string[]; err_: string[] } {
  const out_: string[] = [];
  const err_: string[] = [];
  return { out_, err_, out: (line) => out_.push(line), err: (line) => err_.push(line) };
}

describe('npm run sim', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sim-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints export lines that point an SDK client at the generated organization', async () => {
    // Act
    const io = recorder();
    const { code, simulator } = await runSimCli(
      ['--seed', '3', '--accounts', '4', '--start', '2026-12-01T00:00:00Z'],
      io,
    );

    // Assess
    try {
      expect(code).toBe(0);
      const env = Object.fromEntries(
        io.out_
          .filter((line) => line.startsWith('export '))
          .map((line) => line.slice(7).split('=') as [string, string]),
      );
      expect(Object.keys(env).sort()).toEqual([
        'AWS_ACCESS_KEY_ID',
        'AWS_ENDPOINT_URL',
        'AWS_REGION',
        'AWS_SECRET_ACCESS_KEY',
      ]);
      const sts = new STSClient({
        endpoint: env.AWS_ENDPOINT_URL,
        region: env.AWS_REGION,
        credentials: {
          accessKeyId: env.AWS_ACCESS_KEY_ID as string,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY as string,
        },
      });
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      expect(identity.Account).toBe(simulator?.org.managementAccountId);
      expect(io.out_[0]).toContain('4 accounts');
    } finally {
      await simulator?.close();
    }
  });

  it('serves a scenario file', async () => {
    const file = join(dir, 'good.json');
    await writeFile(file, JSON.stringify(fixtureScenario()));
    const io = recorder();
    const { code, simulator } = await runSimCli(['--scenario', file], io);
    await simulator?.close();
    expect(code).toBe(0);
    expect(simulator?.org.accounts()).toHaveLength(5);
  });

  it('names the bad field of a scenario file and exits 1 (in process and as a process)', async () => {
    // Prepare
    const scenario = fixtureScenario() as unknown as { accounts: Array<{ enabledRegions: unknown[] }> };
    (scenario.accounts[2] as { enabledRegions: unknown[] }).enabledRegions = [];
    const file = join(dir, 'bad.json');
    await writeFile(file, JSON.stringify(scenario));

    // Act
    const io = recorder();
    const inProcess = await runSimCli(['--scenario', file], io);
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/sim-cli.ts', '--scenario', file], {
      cwd: process.cwd(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exitCode = await new Promise<number | null>((resolve) => child.on('close', resolve));

    // Assess
    expect(inProcess.code).toBe(1);
    expect(io.err_.join('\n')).toContain('accounts[2].enabledRegions');
    expect(exitCode).toBe(1);
    expect(stderr).toContain('accounts[2].enabledRegions');
  });

  it('exits 1 for a file that is not JSON', async () => {
    const file = join(dir, 'garbage.json');
    await writeFile(file, '{ nope');
    const io = recorder();
    expect((await runSimCli(['--scenario', file], io)).code).toBe(1);
    expect(io.err_[0]).toMatch(/garbage\.json is not JSON/);
  });
});
