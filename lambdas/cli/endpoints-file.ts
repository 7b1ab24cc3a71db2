/**
 * `--endpoints FILE`: the user's endpoints read from disk, with the file's name in every error (a missing file, a bad
 * line), so the one-line message says which file and which line to fix.
 */
import { readFile } from 'node:fs/promises';
import { parseEndpointsFile } from '../core/probe/endpoints-file';
import type { Endpoint } from '../core/probe/model';

export class EndpointsFileError extends Error {
  override readonly name = 'EndpointsFileError';
}

export async function readEndpointsFile(path: string): Promise<Endpoint[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new EndpointsFileError(
      `--endpoints ${path}: cannot read the file (${code}); give a text file with one host[:port] a line`,
    );
  }
  try {
    return parseEndpointsFile(text, path);
  } catch (error) {
    throw new EndpointsFileError(`--endpoints ${error instanceof Error ? error.message : String(error)}`);
  }
}
