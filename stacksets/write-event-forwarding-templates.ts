/**
 * Writes stacksets/event-forwarding-role.template.json and stacksets/event-forwarding-rule.template.json from
 * stacksets/event-forwarding.ts (run after changing the forwarded patterns or the role:
 * `npx tsx stacksets/write-event-forwarding-templates.ts`). Formatted with the repository's formatter so
 * `npm run lint` accepts them; a test checks the committed files still match the generator.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildForwardingRoleTemplate,
  buildForwardingRuleTemplate,
  EVENT_FORWARDING_ROLE_TEMPLATE_FILE,
  EVENT_FORWARDING_RULE_TEMPLATE_FILE,
} from './event-forwarding';

const root = fileURLToPath(new URL('..', import.meta.url));
const files: Array<[string, unknown]> = [
  [join(root, EVENT_FORWARDING_ROLE_TEMPLATE_FILE), buildForwardingRoleTemplate()],
  [join(root, EVENT_FORWARDING_RULE_TEMPLATE_FILE), buildForwardingRuleTemplate()],
];
for (const [file, template] of files) writeFileSync(file, `${JSON.stringify(template, null, 2)}\n`);
execFileSync(join(root, 'node_modules', '.bin', 'biome'), ['format', '--write', ...files.map(([file]) => file)], {
  cwd: root,
  stdio: 'inherit',
});
console.log(`wrote ${files.map(([file]) => file).join(', ')}`);
