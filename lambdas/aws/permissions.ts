/**
 * IAM actions the audit role in each member account must allow: exactly what the scanner calls there, as each
 * adapter declares next to its code. The StackSet template is built from this list, so the role and the code
 * cannot drift.
 */
import { ACM_ACTIONS } from './acm';
import { ACCOUNT_ACTIONS } from './regions';
import { TAGGING_ACTIONS } from './tagging';

export const AUDIT_ROLE_ACTIONS = [...ACM_ACTIONS, ...TAGGING_ACTIONS, ...ACCOUNT_ACTIONS] as const;
