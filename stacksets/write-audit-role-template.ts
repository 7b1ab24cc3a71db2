/**
 * Writes stacksets/audit-role.template.json from stacksets/audit-role.ts (run after changing the role or an
 * adapter's declared actions: `npx tsx stacksets/write-audit-role-template.ts`). The committed file grants the core
 * scan only; for a hand install with optional feature sets, name them and write elsewhere:
 * `npx tsx stacksets/write-audit-role-template.ts --out role.json probe`. The file is formatted with the
 * repository's formatter so `npm run lint` accepts it; a test checks the committed one still matches the generator.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AUDIT_ROLE_TEMPLATE_FILE, buildAuditRoleTemplate } from './audit-role';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const out = args.indexOf('--out');
const file = out >= 0 && args[out + 1] ? resolve(args[out + 1] as string) : join(root, AUDIT_ROLE_TEMPLATE_FILE);
const features = args.filter((_, i) => out < 0 || (i !== out && i !== out + 1));
writeFileSync(file, `${JSON.stringify(buildAuditRoleTemplate(features), null, 2)}\n`);
execFileSync(join(root, 'node_modules', '.bin', 'biome'), ['format', '--write', file], { cwd: root, stdio: 'inherit' });
console.log(`wrote ${file}`);
