/**
 * Writes stacksets/audit-role.template.json from stacksets/audit-role.ts (run after changing the role or
 * AUDIT_ROLE_ACTIONS: `npx tsx stacksets/write-audit-role-template.ts`). The file is formatted with the
 * repository's formatter so `npm run lint` accepts it; a test checks it still matches the generator.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AUDIT_ROLE_TEMPLATE_FILE, buildAuditRoleTemplate } from './audit-role';

const root = fileURLToPath(new URL('..', import.meta.url));
const file = join(root, AUDIT_ROLE_TEMPLATE_FILE);
writeFileSync(file, `${JSON.stringify(buildAuditRoleTemplate(), null, 2)}\n`);
execFileSync(join(root, 'node_modules', '.bin', 'biome'), ['format', '--write', file], { cwd: root, stdio: 'inherit' });
console.log(`wrote ${AUDIT_ROLE_TEMPLATE_FILE}`);
