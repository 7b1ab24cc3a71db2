/**
 * REFERENCE ONLY, NOT PRODUCT CODE: the scan as a typical home-grown script does it, to measure the product against.
 *
 * Accounts one after another, then regions one after another; in each, ListCertificates (all pages), then for every
 * certificate DescribeCertificate and ListTagsForCertificate, one call at a time. Real SDK clients with their default
 * retry settings, against the same simulated organization. To compare like with like it asks for every key type and
 * origin (many real scripts do not, and miss ECDSA and RSA-4096 certificates) and lists the organization's accounts.
 * A call that still fails after the SDK's retries is counted and skipped, as a script that survives would.
 */
import {
  ACMClient,
  DescribeCertificateCommand,
  ListCertificatesCommand,
  type ListCertificatesCommandOutput,
  ListTagsForCertificateCommand,
} from '@aws-sdk/client-acm';
import {
  ListAccountsCommand,
  type ListAccountsCommandOutput,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { KEY_ALGORITHMS, KEY_PAIR_ORIGINS } from '../lambdas/core/model';

export interface SequentialScanOptions {
  roleName: string;
  externalId?: string;
  regions: readonly string[];
}

export interface SequentialScanResult {
  wallSeconds: number;
  accounts: number;
  targets: number;
  certificates: number;
  /** Calls that failed after the SDK's own retries (throttling, mostly). */
  failedCalls: number;
}

export interface Endpoint {
  url: string;
  /** The hub principal's keys. */
  credentials: { accessKeyId: string; secretAccessKey: string };
}

export async function sequentialScan(aws: Endpoint, options: SequentialScanOptions): Promise<SequentialScanResult> {
  const started = performance.now();
  const hub = { endpoint: aws.url, region: 'us-east-1', credentials: aws.credentials };
  const organizations = new OrganizationsClient(hub);
  const sts = new STSClient(hub);
  let targets = 0;
  let certificates = 0;
  let failedCalls = 0;
  const accountIds: string[] = [];
  try {
    let nextToken: string | undefined;
    do {
      const page: ListAccountsCommandOutput = await organizations.send(
        new ListAccountsCommand({ NextToken: nextToken }),
      );
      for (const account of page.Accounts ?? [])
        if (account.Id && account.State === 'ACTIVE') accountIds.push(account.Id);
      nextToken = page.NextToken;
    } while (nextToken);

    for (const accountId of accountIds) {
      const assumed = await sts.send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${accountId}:role/${options.roleName}`,
          RoleSessionName: 'certificate-inventory',
          ExternalId: options.externalId,
        }),
      );
      const credentials = {
        accessKeyId: assumed.Credentials?.AccessKeyId ?? '',
        secretAccessKey: assumed.Credentials?.SecretAccessKey ?? '',
        sessionToken: assumed.Credentials?.SessionToken,
      };
      for (const region of options.regions) {
        targets++;
        const acm = new ACMClient({ endpoint: aws.url, region, credentials });
        try {
          const arns: string[] = [];
          let listToken: string | undefined;
          do {
            const page: ListCertificatesCommandOutput = await acm.send(
              new ListCertificatesCommand({
                Includes: { keyTypes: [...KEY_ALGORITHMS] },
                CertificateKeyPairOrigins: [...KEY_PAIR_ORIGINS],
                NextToken: listToken,
              }),
            );
            for (const summary of page.CertificateSummaryList ?? []) {
              if (summary.CertificateArn) arns.push(summary.CertificateArn);
            }
            listToken = page.NextToken;
          } while (listToken);
          for (const arn of arns) {
            certificates++;
            try {
              await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
            } catch {
              failedCalls++;
            }
            try {
              await acm.send(new ListTagsForCertificateCommand({ CertificateArn: arn }));
            } catch {
              failedCalls++;
            }
          }
        } finally {
          acm.destroy();
        }
      }
    }
  } finally {
    organizations.destroy();
    sts.destroy();
  }
  return {
    wallSeconds: (performance.now() - started) / 1000,
    accounts: accountIds.length,
    targets,
    certificates,
    failedCalls,
  };
}
