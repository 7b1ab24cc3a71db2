/**
 * The organization side of the event path: two service-managed StackSets with automatic deployment, so accounts
 * that join a targeted OU forward their events without anyone deploying anything. IAM roles are global, so the
 * forwarding role goes in a one-region StackSet; the rules go in every region chosen (an all-regions StackSet that
 * also held the role would fail in its second region on the role's fixed name). Service-managed StackSets never
 * deploy to the management account: the organization stack adds the same role and rules there itself.
 */
import { CfnStackSet } from 'aws-cdk-lib/aws-cloudformation';
import { Construct } from 'constructs';
import { PRODUCT_NAME } from '../../lambdas/core/names';
import { TEMPLATE_BODY_MAX_BYTES } from '../../stacksets/audit-role';
import {
  EVENT_FORWARDING_PARAMETERS,
  renderForwardingRoleTemplate,
  renderForwardingRuleTemplate,
} from '../../stacksets/event-forwarding';
import type { AuditRoleTargets, StackSetCallAs } from './audit-role-stack-set';

export interface EventForwardingStackSetsProps {
  readonly targets: AuditRoleTargets;
  /** The one region the role stacks go to. */
  readonly roleRegion: string;
  /** Every region the rules go to. */
  readonly ruleRegions: readonly string[];
  readonly callAs: StackSetCallAs;
  readonly hubEventBusArn: string;
  readonly roleName: string;
  /** @default 10 */
  readonly failureTolerancePercentage?: number;
  /** @default 25 */
  readonly maxConcurrentPercentage?: number;
}

export class EventForwardingStackSets extends Construct {
  readonly roleStackSet: CfnStackSet;
  readonly ruleStackSet: CfnStackSet;

  constructor(scope: Construct, id: string, props: EventForwardingStackSetsProps) {
    super(scope, id);
    if (props.ruleRegions.length === 0) throw new Error('EventForwardingStackSets: name at least one rule region');
    const p = EVENT_FORWARDING_PARAMETERS;
    const parameters = [
      { parameterKey: p.hubEventBusArn, parameterValue: props.hubEventBusArn },
      { parameterKey: p.roleName, parameterValue: props.roleName },
    ];
    const common = (name: string, description: string, templateBody: string, regions: readonly string[]) => {
      const bytes = Buffer.byteLength(templateBody, 'utf8');
      if (bytes > TEMPLATE_BODY_MAX_BYTES) {
        throw new Error(
          `The ${name} template is ${bytes} bytes; a StackSet templateBody holds ${TEMPLATE_BODY_MAX_BYTES}`,
        );
      }
      return {
        stackSetName: `${PRODUCT_NAME}-${name}`,
        description,
        permissionModel: 'SERVICE_MANAGED',
        autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
        callAs: props.callAs,
        managedExecution: { Active: true },
        templateBody,
        parameters,
        stackInstancesGroup: [
          {
            deploymentTargets: { organizationalUnitIds: [...props.targets.organizationalUnitIds] },
            regions: [...regions],
          },
        ],
        operationPreferences: {
          failureTolerancePercentage: props.failureTolerancePercentage ?? 10,
          maxConcurrentPercentage: props.maxConcurrentPercentage ?? 25,
          regionConcurrencyType: 'PARALLEL',
        },
      };
    };
    this.roleStackSet = new CfnStackSet(this, 'RoleStackSet', {
      ...common(
        'event-forwarding-role',
        `Role EventBridge uses to forward certificate events to the ${PRODUCT_NAME} hub (one region per account)`,
        renderForwardingRoleTemplate(),
        [props.roleRegion],
      ),
      capabilities: ['CAPABILITY_NAMED_IAM'],
    });
    this.ruleStackSet = new CfnStackSet(this, 'RuleStackSet', {
      ...common(
        'event-forwarding-rules',
        `Rules forwarding ACM and certificate-use events of every region to the ${PRODUCT_NAME} hub`,
        renderForwardingRuleTemplate(),
        props.ruleRegions,
      ),
    });
    // An existing account gets its role before its rules name it.
    this.ruleStackSet.addResourceDependency(this.roleStackSet);
  }
}
