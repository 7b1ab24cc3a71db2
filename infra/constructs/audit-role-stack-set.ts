/**
 * The audit role in every member account, through a service-managed StackSet with automatic deployment:
 * accounts that join a targeted OU later get the role without anyone deploying anything, and accounts that
 * leave lose it. The template is stacksets/audit-role.ts, passed inline (no assets, no bootstrap in members).
 */
import { Annotations } from 'aws-cdk-lib';
import { CfnStackSet } from 'aws-cdk-lib/aws-cloudformation';
import { Construct } from 'constructs';
import { PRODUCT_NAME } from '../../lambdas/core/names';
import { AUDIT_ROLE_PARAMETERS, renderAuditRoleTemplate, TEMPLATE_BODY_MAX_BYTES } from '../../stacksets/audit-role';

/** Which accounts get the audit role. */
export abstract class AuditRoleTargets {
  /** Every account of the organization, now and later (targets the root). */
  static organization(rootId: string): AuditRoleTargets {
    return new OrganizationalUnitTargets([rootId]);
  }

  /** The accounts in these organizational units (and their child OUs), now and later. */
  static organizationalUnits(ids: readonly string[]): AuditRoleTargets {
    if (ids.length === 0) throw new Error('AuditRoleTargets.organizationalUnits needs at least one OU id');
    return new OrganizationalUnitTargets([...ids]);
  }

  /** Root or OU ids, as StackSet deployment targets. */
  abstract readonly organizationalUnitIds: readonly string[];
}

class OrganizationalUnitTargets extends AuditRoleTargets {
  constructor(readonly organizationalUnitIds: readonly string[]) {
    super();
  }
}

/** SELF from the management account; DELEGATED_ADMIN from a StackSets delegated administrator account. */
export type StackSetCallAs = 'SELF' | 'DELEGATED_ADMIN';

export interface AuditRoleStackSetProps {
  readonly targets: AuditRoleTargets;
  /** The one region the stacks go to (the role is global; one stack per account is enough). */
  readonly region: string;
  readonly callAs: StackSetCallAs;
  readonly roleName: string;
  readonly externalId: string;
  /** The hub role ARNs the audit role trusts. */
  readonly trustedPrincipalArns: readonly string[];
  /** @default - callers are not also required to be in the organization */
  readonly principalOrgId?: string;
  /** Optional feature sets whose actions the role grants besides the core scan. @default none */
  readonly features?: readonly string[];
  /** @default 10 */
  readonly failureTolerancePercentage?: number;
  /** @default 25 */
  readonly maxConcurrentPercentage?: number;
  /** @default 'cert-monitor-audit-role' */
  readonly stackSetName?: string;
}

export class AuditRoleStackSet extends Construct {
  readonly stackSet: CfnStackSet;

  constructor(scope: Construct, id: string, props: AuditRoleStackSetProps) {
    super(scope, id);
    const templateBody = renderAuditRoleTemplate(props.features);
    const bytes = Buffer.byteLength(templateBody, 'utf8');
    if (bytes > TEMPLATE_BODY_MAX_BYTES) {
      throw new Error(
        `The audit role template is ${bytes} bytes; a StackSet templateBody holds ${TEMPLATE_BODY_MAX_BYTES}`,
      );
    }
    if (props.trustedPrincipalArns.length === 0) {
      Annotations.of(this).addError('The audit role must trust at least one hub role ARN');
    }
    const p = AUDIT_ROLE_PARAMETERS;
    this.stackSet = new CfnStackSet(this, 'StackSet', {
      stackSetName: props.stackSetName ?? `${PRODUCT_NAME}-audit-role`,
      description: `Read-only role for the ${PRODUCT_NAME} hub in every member account`,
      permissionModel: 'SERVICE_MANAGED',
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      callAs: props.callAs,
      managedExecution: { Active: true },
      templateBody,
      parameters: [
        { parameterKey: p.roleName, parameterValue: props.roleName },
        { parameterKey: p.externalId, parameterValue: props.externalId },
        { parameterKey: p.trustedPrincipalArns, parameterValue: props.trustedPrincipalArns.join(',') },
        { parameterKey: p.principalOrgId, parameterValue: props.principalOrgId ?? '' },
      ],
      stackInstancesGroup: [
        {
          deploymentTargets: { organizationalUnitIds: [...props.targets.organizationalUnitIds] },
          regions: [props.region],
        },
      ],
      operationPreferences: {
        failureTolerancePercentage: props.failureTolerancePercentage ?? 10,
        maxConcurrentPercentage: props.maxConcurrentPercentage ?? 25,
        regionConcurrencyType: 'PARALLEL',
      },
    });
  }
}
