/**
 * cdk-nag (AWS Solutions rules) as a CDK validation plugin, and the one way this app acknowledges a finding:
 * by its exact id (with the finding in brackets for rules that report several) and a reason a reviewer can
 * check. cdk-nag 3 reads acknowledgements from the construct and its parents.
 */
import { type App, CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/** Context key that turns the checks off (`-c certMonitor:nag=false`); they are on by default. */
export const NAG_CONTEXT_KEY = 'certMonitor:nag';

const FINDING_ID = /^AwsSolutions-[A-Z]+\d+(\[.+\])?$/;

export function acknowledgeFinding(scope: IConstruct, id: string, reason: string): void {
  if (!FINDING_ID.test(id)) throw new Error(`Not an AwsSolutions finding id: ${id}`);
  if (reason.trim().length < 20) throw new Error(`Acknowledging ${id} needs a reason a reviewer can check`);
  Validations.of(scope).acknowledge({ id, reason });
}

function nagEnabled(app: App): boolean {
  const value = app.node.tryGetContext(NAG_CONTEXT_KEY);
  return value !== false && value !== 'false';
}

/** Adds the AWS Solutions checks to the app unless they are turned off. */
export function addNagChecks(app: App): void {
  if (nagEnabled(app)) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
}

/**
 * The id of an AwsSolutions-IAM5 finding on `<resource ARN><suffix>`, e.g. `<Table1234.Arn>/index/*`, as
 * cdk-nag spells it (the resource's logical id in angle brackets).
 */
export function arnWildcardFinding(resource: IConstruct, suffix: string): string {
  const element = resource.node.defaultChild ?? resource;
  if (!CfnElement.isCfnElement(element)) throw new Error(`${resource.node.path} has no CloudFormation resource`);
  return `AwsSolutions-IAM5[Resource::<${Stack.of(resource).getLogicalId(element)}.Arn>${suffix}]`;
}
