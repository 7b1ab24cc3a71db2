/** Where the repository is on disk, so Lambda entry files and the lock file resolve from any working directory. */
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
