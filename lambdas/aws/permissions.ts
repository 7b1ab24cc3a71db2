/**
 * What the audit role in each member account may do, from one definition: each adapter declares the IAM actions
 * it calls next to its code, each feature set names the adapters it uses and which hub function calls them, and
 * from that come both the role (the StackSet template grants the actions of the enabled feature sets) and the
 * session policies (each hub function assumes the role with a policy naming only the actions it calls). A feature
 * that is off adds nothing to the role; a function never holds another function's actions.
 */
import { ACM_ACTIONS } from './acm';
import { APIGATEWAY_ACTIONS } from './apigateway';
import { CLOUDFRONT_ACTIONS } from './cloudfront';
import { ELBV2_ACTIONS } from './elbv2';
import { ACCOUNT_ACTIONS } from './regions';
import { ROUTE53_ACTIONS } from './route53';

/**
 * The hub functions that assume the audit role; each gets a session limited to what it calls. Today that is the
 * ScanTarget Lambda alone (one session per account: its regions, then their certificates; the CLI's audit does the
 * same); ListTargets lists accounts through Organizations and never assumes the audit role. A feature whose calls
 * another function makes (e.g. an event-driven rescan or a probe) adds that function here, so its session cannot do
 * the scanner's reads and the scanner's cannot do its.
 */
export const AUDIT_ROLE_CALLERS = ['scanTarget'] as const;
export type AuditRoleCaller = (typeof AUDIT_ROLE_CALLERS)[number];

/** One feature set: the actions its adapters call in member accounts, by the hub function that calls them. */
export interface FeatureSetPermissions {
  readonly description: string;
  readonly actions: Readonly<Record<AuditRoleCaller, readonly string[]>>;
}

/**
 * Every feature set. `core` (the certificate scan) is always on; later ones (probe discovery through ELBv2,
 * CloudFront and API Gateway, DNS diagnosis through Route 53) are added here with their adapters' actions and
 * turned on by `certMonitor.features`.
 */
export const FEATURE_SETS = {
  core: {
    description: "the certificate scan: each account's enabled regions, its ACM certificates and their tags",
    actions: { scanTarget: [...ACCOUNT_ACTIONS, ...ACM_ACTIONS] },
  },
  'dns-diagnosis': {
    description:
      'the Route 53 public hosted zones of each account, so a diagnosis names the zone and account to fix a record in',
    actions: { scanTarget: [...ROUTE53_ACTIONS] },
  },
  probe: {
    description:
      'the load balancers, CloudFront distributions and API Gateway domain names that certificates are in use by, so the probe knows which endpoints serve each certificate',
    actions: { scanTarget: [...ELBV2_ACTIONS, ...CLOUDFRONT_ACTIONS, ...APIGATEWAY_ACTIONS] },
  },
} as const satisfies Record<string, FeatureSetPermissions>;

export type FeatureSet = keyof typeof FEATURE_SETS;
export const FEATURE_SET_NAMES = Object.keys(FEATURE_SETS) as FeatureSet[];

/** The feature set every deployment has. */
export const CORE_FEATURE_SET: FeatureSet = 'core';

/**
 * What each action lets the holder read, for the people who approve the role (the template's Metadata and
 * docs/deploy.md say the same). Every declared action must have an entry (a test holds it).
 */
export const ACTION_EXPOSURE: Readonly<Record<string, string>> = {
  'acm:ListCertificates':
    "the account-region's ACM certificates: ARN, domain names, status, type, key algorithm, validity dates, in-use flag",
  'acm:DescribeCertificate':
    'one certificate: issuer, serial, renewal status and reason, DNS validation records, the resources using it',
  'acm:ListTagsForCertificate': "one certificate's tags (keys and values)",
  'route53:ListHostedZones':
    "the account's hosted zones: id, name, public or private, record count, comment (never the records themselves)",
  'account:ListRegions': "the names of this account's regions and whether each is enabled",
  'elasticloadbalancing:DescribeLoadBalancers':
    "the account-region's load balancers: name, DNS name, scheme, type, VPC, state (no traffic, no targets)",
  'elasticloadbalancing:DescribeListeners':
    "each load balancer's listeners: port, protocol, TLS policy, default action",
  'elasticloadbalancing:DescribeListenerCertificates': 'the ARNs of the certificates on a TLS listener',
  'cloudfront:GetDistribution':
    "one distribution's configuration: its names, origins, cache behaviours, certificate ARN, enabled or not",
  'apigateway:GET':
    'API Gateway custom domain names only (scoped to /domainnames/*): their endpoint type, target names and certificate ARNs; never APIs, stages or API keys',
};

/**
 * Actions that can be limited to a resource of the account the role is in, as CloudFormation `Fn::Sub` text.
 * account:ListRegions called in the management account (or a delegated administrator) on "*" could list the
 * regions of every member account; on this account's own ARN it lists only its own.
 */
export const SCOPED_ACTION_RESOURCES: Readonly<Record<string, string>> = {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub text, not a JS template
  'account:ListRegions': 'arn:${AWS::Partition}:account::${AWS::AccountId}:account',
  // apigateway:GET on "*" would read every API, stage and API key (with its value) of the account; the probe needs
  // custom domain names only. (API Gateway resources carry no account id in their ARN: the role's account bounds them.)
  // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub text, not a JS template
  'apigateway:GET': 'arn:${AWS::Partition}:apigateway:*::/domainnames/*',
};

/** The enabled feature sets: core always, the others as configured, each once, in FEATURE_SETS order. */
export function enabledFeatureSets(features: readonly string[] = []): FeatureSet[] {
  const unknown = features.filter((name) => !FEATURE_SET_NAMES.includes(name as FeatureSet));
  if (unknown.length > 0) {
    throw new Error(`unknown feature set ${unknown.join(', ')}; known feature sets: ${FEATURE_SET_NAMES.join(', ')}`);
  }
  return FEATURE_SET_NAMES.filter((name) => name === CORE_FEATURE_SET || features.includes(name));
}

function unique(actions: Iterable<string>): string[] {
  return [...new Set(actions)];
}

/** The actions one hub function calls with the audit role when these feature sets are on. */
export function callerActions(caller: AuditRoleCaller, features: readonly string[] = []): string[] {
  return unique(enabledFeatureSets(features).flatMap((name) => FEATURE_SETS[name].actions[caller]));
}

/** The actions the audit role grants when these feature sets are on: what every caller calls, nothing more. */
export function auditRoleActions(features: readonly string[] = []): string[] {
  return unique(AUDIT_ROLE_CALLERS.flatMap((caller) => callerActions(caller, features)));
}

/** An IAM policy document, as AssumeRole's `Policy` takes it (JSON text). */
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Array<{ Sid: string; Effect: 'Allow'; Action: string[]; Resource: '*' }>;
}

/**
 * The session policy of one hub function: the session can do only what the role grants AND this policy allows, so
 * a function never holds actions the role carries for another function or for a feature it does not run. Resource
 * "*" here narrows nothing the role does not already narrow (the role's own statements scope resources).
 */
export function sessionPolicy(caller: AuditRoleCaller, features: readonly string[] = []): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: `${caller}Only`, Effect: 'Allow', Action: callerActions(caller, features), Resource: '*' }],
  };
}
