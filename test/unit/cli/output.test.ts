import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CliError, failureMessage } from '../../../lambdas/cli/errors';
import {
  checkWritable,
  progressView,
  readEarlierReport,
  renderReport,
  writeAtomically,
} from '../../../lambdas/cli/output';
import { buildReport } from '../../../lambdas/core/report';
import { certificate } from '../core/certificate-fixture';

const dir = mkdtempSync(join(tmpdir(), 'audit-output-'));
afterAll(() => {
  chmodSync(join(dir, 'locked'), 0o755);
});

const report = buildReport({
  runId: 'r1',
  generatedAt: new Date('2026-12-01T00:00:00Z'),
  targets: [
    {
      accountId: '111111111111',
      region: 'us-east-1',
      status: 'ok',
      certificateCount: 1,
      apiCalls: {},
      durationMs: 1,
      startedAt: '2026-12-01T00:00:00Z',
    },
  ],
  certificates: [certificate({ domainName: 'a.example.com', notAfter: '2026-12-05T00:00:00Z' })],
});

describe('renderReport', () => {
  it('renders each format', () => {
    expect(JSON.parse(renderReport(report, 'json'))).toEqual(report);
    expect(renderReport(report, 'csv')).toMatch(/^account_id,/);
    expect(renderReport(report, 'html')).toMatch(/^<!doctype html>/i);
    expect(renderReport(report, 'table')).toMatch(/^DOMAIN +ACCOUNT/);
  });

  it('colours the table only when asked', () => {
    expect(renderReport(report, 'table')).not.toContain('\u001b[');
    expect(renderReport(report, 'table', { color: true })).toContain('\u001b[');
  });
});

describe('writeAtomically', () => {
  it('replaces the file in one step and leaves no temporary file behind', async () => {
    const path = join(dir, 'report.json');
    writeFileSync(path, 'old');

    await writeAtomically(path, 'new content');

    expect(readFileSync(path, 'utf8')).toBe('new content');
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('names the path and the reason when the directory is missing', async () => {
    const path = join(dir, 'missing', 'report.json');
    await expect(writeAtomically(path, 'x')).rejects.toThrow(
      new CliError(`cannot write the report to ${path}: the directory does not exist; choose another --output path`),
    );
  });
});

describe('checkWritable', () => {
  it('accepts a new file in a writable directory', async () => {
    await expect(checkWritable(join(dir, 'new.html'))).resolves.toBeUndefined();
  });

  it('refuses a directory, a missing directory and, for other users than root, a read-only one', async () => {
    mkdirSync(join(dir, 'locked'));
    chmodSync(join(dir, 'locked'), 0o555);

    await expect(checkWritable(dir)).rejects.toThrow(/: it is a directory; choose another --output path$/);
    await expect(checkWritable(join(dir, 'nope', 'r.json'))).rejects.toThrow(/the directory does not exist/);
    if (process.getuid?.() !== 0) {
      await expect(checkWritable(join(dir, 'locked', 'r.json'))).rejects.toThrow(/permission denied/);
    }
  });
});

describe('readEarlierReport', () => {
  it('reads a report written by --format json', async () => {
    const path = join(dir, 'earlier.json');
    writeFileSync(path, renderReport(report, 'json'));
    await expect(readEarlierReport(path)).resolves.toEqual(report);
  });

  it('says the file is missing, not JSON, or not a report', async () => {
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, 'DOMAIN ACCOUNT');
    const notReport = join(dir, 'other.json');
    writeFileSync(notReport, JSON.stringify({ schemaVersion: 2 }));

    await expect(readEarlierReport(join(dir, 'none.json'))).rejects.toThrow(
      `cannot read --compare ${join(dir, 'none.json')}: the file does not exist`,
    );
    await expect(readEarlierReport(notJson)).rejects.toThrow(/^--compare .*not\.json: Not valid JSON/);
    await expect(readEarlierReport(notReport)).rejects.toThrow(/Unsupported report schemaVersion 2/);
  });
});

describe('progressView', () => {
  it('draws nothing when the stream is not a terminal', () => {
    const written: string[] = [];
    const view = progressView({ write: (text: string) => written.push(text), isTTY: false });
    view.update(1, 4, 10, 0);
    view.stop();
    expect(written).toEqual([]);
  });

  it('draws a bar with accounts, certificates and failures on a terminal, and clears it when done', () => {
    let written = '';
    const terminal = {
      isTTY: true,
      columns: 120,
      write: (text: string) => {
        written += text;
        return true;
      },
    };
    const view = progressView(terminal);
    view.update(0, 4, 0, 0);
    view.update(4, 4, 20, 1);
    view.stop();
    expect(written).toContain('Scanning ');
    expect(written).toContain('4/4 accounts | 20 certificates | 1 failed');
    expect(written.endsWith('\u001b[2K')).toBe(true);
  });
});

describe('failureMessage', () => {
  it('prints a CliError as it is', () => {
    expect(failureMessage(new CliError('no AWS credentials found: ...'), false)).toBe(
      'audit: no AWS credentials found: ...',
    );
  });

  it('prints an unexpected error on one line with a pointer to --debug', () => {
    const message = failureMessage(new TypeError('cannot read\nproperty x'), false);
    expect(message).toBe('audit: unexpected error: TypeError: cannot read property x (run with --debug for details)');
  });

  it('prints the stack with --debug', () => {
    expect(failureMessage(new Error('boom'), true)).toMatch(/^audit: unexpected error\nError: boom\n {4}at /);
  });
});
