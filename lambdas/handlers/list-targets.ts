/** The ListTargets Lambda. Placeholder so the CDK app synthesizes; the real handler replaces this file. */
import type { Context } from 'aws-lambda';

export async function handler(_event: unknown, _context: Context): Promise<never> {
  throw new Error('not built yet');
}
