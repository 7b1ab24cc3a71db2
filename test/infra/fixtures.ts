/**
 * Apps for the infra tests: bundling skipped (no esbuild per test) and CloudFormation's built-in template
 * validation off (it takes tens of seconds; `npm run synth` still runs it).
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp, type CertMonitorApp } from '../../infra/build-app';
import { CONFIG_CONTEXT_KEY } from '../../infra/config';
import { NAG_CONTEXT_KEY } from '../../infra/nag';

/**
 * A piece of a synthesized CloudFormation template. Templates are untyped JSON; the tests assert their shape,
 * so this one alias is the only place the type checker is told to step aside.
 */
// biome-ignore lint/suspicious/noExplicitAny: synthesized templates are untyped JSON whose shape the tests assert
export type Cfn = any;

export const HUB_ACCOUNT = '222222222222';
export const MANAGEMENT_ACCOUNT = '111111111111';
export const HUB_REGION = 'eu-west-1';
export const EXTERNAL_ID = 'test-external-id-4f2a';

/** The smallest valid configuration: the hub, the external id, defaults for the rest. */
export function minimalConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { hub: { accountId: HUB_ACCOUNT, region: HUB_REGION }, externalId: EXTERNAL_ID, ...overrides };
}

/** A configuration with the organization stack, deployed from the management account. */
export function organizationConfig(
  organization: Record<string, unknown> = {},
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return minimalConfig({
    organization: { accountId: MANAGEMENT_ACCOUNT, organizationRootId: 'r-ab12', ...organization },
    ...overrides,
  });
}

export function testApp(config: unknown, context: Record<string, unknown> = {}): App {
  return new App({
    builtinCloudFormationValidation: false,
    context: { 'aws:cdk:bundling-stacks': [], [NAG_CONTEXT_KEY]: false, [CONFIG_CONTEXT_KEY]: config, ...context },
  });
}

export interface Synthesized {
  app: App;
  stacks: CertMonitorApp;
  hub: Template;
  organization?: Template;
}

export function synthesize(config: unknown): Synthesized {
  const app = testApp(config);
  const stacks = buildApp(app);
  return {
    app,
    stacks,
    hub: Template.fromStack(stacks.hub),
    organization: stacks.organization ? Template.fromStack(stacks.organization) : undefined,
  };
}

/** Resources of one type, by logical id. */
export function resourcesOf(template: Template, type: string): Record<string, { Properties: Record<string, Cfn> }> {
  return template.findResources(type) as Record<string, { Properties: Record<string, Cfn> }>;
}

/** The only resource of a type. */
export function onlyResource(template: Template, type: string): { Properties: Record<string, Cfn> } {
  const all = Object.values(resourcesOf(template, type));
  if (all.length !== 1) throw new Error(`expected one ${type}, found ${all.length}`);
  return all[0]!;
}

/**
 * A state machine's ASL as an object: the Fn::Join parts that are CloudFormation references become
 * `<LogicalId>` / `<AWS::Partition>` strings, which keeps the JSON valid (they sit inside JSON strings).
 */
export function stateMachineDefinition(template: Template): Cfn {
  const machine = onlyResource(template, 'AWS::StepFunctions::StateMachine');
  const definition = machine.Properties.DefinitionString;
  const parts: unknown[] = definition['Fn::Join'][1];
  const text = parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const ref = part as { Ref?: string; 'Fn::GetAtt'?: string[] };
      return `<${ref.Ref ?? ref['Fn::GetAtt']?.[0] ?? 'token'}>`;
    })
    .join('');
  return JSON.parse(text);
}

/** Every statement of every IAM policy (inline and AWS::IAM::Policy) in the template. */
export function policyStatements(template: Template): Array<{ path: string; statement: Record<string, Cfn> }> {
  const out: Array<{ path: string; statement: Record<string, Cfn> }> = [];
  for (const [id, policy] of Object.entries(resourcesOf(template, 'AWS::IAM::Policy'))) {
    for (const statement of policy.Properties.PolicyDocument.Statement) out.push({ path: id, statement });
  }
  for (const [id, role] of Object.entries(resourcesOf(template, 'AWS::IAM::Role'))) {
    for (const inline of role.Properties.Policies ?? []) {
      for (const statement of inline.PolicyDocument.Statement)
        out.push({ path: `${id}/${inline.PolicyName}`, statement });
    }
  }
  return out;
}

export function actionsOf(statement: Record<string, Cfn>): string[] {
  return ([] as string[]).concat(statement.Action);
}
