/**
 * Where the audit's words go: the report in the chosen format to stdout or a file (written atomically, so a reader
 * never sees half a report), the earlier report read back for --compare, the routing table of --routes, and a
 * progress bar on an interactive
 * terminal only. Failures are CliError: one line naming the path and what to do.
 */
import { randomBytes } from 'node:crypto';
import { access, constants, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { parseReport, type Report, ReportFormatError, renderCsv, renderHtml, renderTable } from '../core/report';
import { parseRoutes, type RoutesConfig, RoutesConfigError } from '../core/routing';
import type { ReportFormat } from './args';
import { CliError } from './errors';

/** The part of a stream the CLI writes to (process.stdout and stderr fit; tests pass a recorder). */
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface RenderOptions {
  /** ANSI colours in the table. */
  color?: boolean;
}

export function renderReport(report: Report, format: ReportFormat, options: RenderOptions = {}): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'csv':
      return renderCsv(report);
    case 'html':
      return renderHtml(report);
    case 'table':
      return renderTable(report, { color: options.color === true });
  }
}

function reason(error: unknown, missing = 'the directory does not exist'): string {
  const code = (error as { code?: unknown }).code;
  switch (code) {
    case 'ENOENT':
      return missing;
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Fails early (before a long scan) when the report could not be written: the directory is missing or not
 * writable, or the path names a directory.
 */
export async function checkWritable(path: string): Promise<void> {
  const target = resolve(path);
  try {
    const existing = await stat(target).catch((error: unknown) => {
      if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
      throw error;
    });
    if (existing?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    await access(dirname(target), constants.W_OK);
  } catch (error) {
    throw new CliError(`cannot write the report to ${path}: ${reason(error)}; choose another --output path`);
  }
}

/** Writes a temporary file next to the target and renames it over the target. */
export async function writeAtomically(path: string, content: string): Promise<void> {
  const target = resolve(path);
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temporary, content, { encoding: 'utf8', mode: 0o644 });
    await rename(temporary, target);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw new CliError(`cannot write the report to ${path}: ${reason(error)}; choose another --output path`);
  }
}

/** The earlier report of --compare, read and checked against the report schema. */
export async function readEarlierReport(path: string): Promise<Report> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read --compare ${path}: ${reason(error, 'the file does not exist')}`);
  }
  try {
    return parseReport(text);
  } catch (error) {
    if (error instanceof ReportFormatError) throw new CliError(`--compare ${path}: ${error.message}`);
    throw error;
  }
}

/**
 * The routing table of `--routes FILE`, checked before the scan so a typo costs seconds, not a whole audit. No
 * message quotes the file: its destinations are webhook URLs, which are credentials.
 */
export async function readRoutesFile(path: string): Promise<RoutesConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new CliError(`cannot read --routes ${path}: ${reason(error, 'the file does not exist')}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError(
      `--routes ${path} is not JSON; it holds {"destinations": {"name": "https://hooks.slack.com/..."}, "default": "name", "rules": [...]} (see docs/cli.md)`,
    );
  }
  try {
    return parseRoutes(json, 'url', `--routes ${path}`);
  } catch (error) {
    if (error instanceof RoutesConfigError) throw new CliError(`${error.message} (see docs/cli.md)`);
    throw error;
  }
}

/** Audit progress as the scan reports it. */
export interface ProgressView {
  update(done: number, total: number, certificates: number, failed: number): void;
  stop(): void;
}

const SILENT: ProgressView = { update: () => undefined, stop: () => undefined };

/** A progress bar on the stream when it is an interactive terminal; otherwise nothing at all. */
export function progressView(stream: OutputStream): ProgressView {
  if (stream.isTTY !== true) return SILENT;
  const bar = new SingleBar(
    {
      stream: stream as NodeJS.WritableStream,
      format: 'Scanning {bar} {value}/{total} accounts | {certificates} certificates | {failed} failed',
      clearOnComplete: true,
      hideCursor: true,
    },
    Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total, certificates, failed) {
      if (!started) {
        bar.start(total, done, { certificates, failed });
        started = true;
      } else {
        bar.setTotal(total);
        bar.update(done, { certificates, failed });
      }
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
