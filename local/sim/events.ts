/**
 * The events AWS would send for what happens in the simulated organization, written from the AWS documentation
 * ("Amazon EventBridge support for ACM", the ACM and ELB CloudTrail log examples), not from what the monitor reads:
 *
 * - a managed renewal that succeeds: `ACM Certificate Available` (Action RENEWAL);
 * - one that fails, or waits for validation: `ACM Certificate Renewal Action Required` (not for imported ones);
 * - a request: CloudTrail `RequestCertificate` (the ARN in `responseElements`), then `Available` (ISSUANCE) once
 *   issued; an import: CloudTrail `ImportCertificate` then `Available` (IMPORT); a reimport: `ImportCertificate`
 *   naming the ARN in `requestParameters`, then `Available` (REIMPORT);
 * - a deletion, a tag change: CloudTrail `DeleteCertificate`, `AddTagsToCertificate`, `RemoveTagsFromCertificate`;
 * - an attachment or detachment: the call of the service that uses it (ELBv2 `AddListenerCertificates` /
 *   `RemoveListenerCertificates`, CloudFront `UpdateDistribution` recorded in us-east-1, API Gateway
 *   `CreateDomainName` / `DeleteDomainName`);
 * - time passing: `ACM Certificate Approaching Expiration` daily for every certificate within 45 days of expiry
 *   (30 for public ones), and `ACM Certificate Expired` when one lapses (not for imported ones);
 * - a managed renewal starting, an account joining or changing state: nothing (AWS sends nothing either).
 *
 * Event ids are deterministic (a counter), so a seeded simulation emits the same events every time.
 */
import { CLOUDTRAIL_DETAIL_TYPE, type OrganizationEvent } from '../../lambdas/core/events/classify';
import { DAY_MS } from './clock';
import type { Mutation, SimOrganization } from './org';
import type { ScenarioCertificate } from './scenario';

/** ACM starts Approaching Expiration this many days before expiry: imported and private certificates, then public. */
export const APPROACHING_EXPIRATION_DAYS = { importedOrPrivate: 45, public: 30 } as const;

export class SimEventEmitter {
  private sequence = 0;

  constructor(private readonly org: SimOrganization) {}

  /** The events a mutation causes, in the order AWS would emit them. */
  forMutation(mutation: Mutation, certificate: ScenarioCertificate | undefined): OrganizationEvent[] {
    if (certificate === undefined || mutation.arn === undefined || mutation.region === undefined) return [];
    const at = mutation.at;
    const arn = mutation.arn;
    const region = mutation.region;
    const account = mutation.accountId;
    switch (mutation.kind) {
      case 'renew':
        return [
          this.acm('ACM Certificate Available', account, region, arn, at, this.available(certificate, 'RENEWAL')),
        ];
      case 'failRenewal':
      case 'setPendingValidation':
        return certificate.type === 'IMPORTED'
          ? []
          : [
              this.acm('ACM Certificate Renewal Action Required', account, region, arn, at, {
                ...this.certificateDetail(certificate),
                RenewalStatus: certificate.renewal?.status,
                ...(certificate.renewal?.reason ? { RenewalStatusReason: certificate.renewal.reason } : {}),
              }),
            ];
      case 'reimport':
        return [
          this.apiCall('acm.amazonaws.com', 'ImportCertificate', account, region, at, { certificateArn: arn }, null),
          this.acm('ACM Certificate Available', account, region, arn, at, this.available(certificate, 'REIMPORT')),
        ];
      case 'addCertificate':
        return this.created(certificate, account, region, at);
      case 'delete':
        return [this.apiCall('acm.amazonaws.com', 'DeleteCertificate', account, region, at, { certificateArn: arn })];
      case 'setTag':
        return [
          this.apiCall('acm.amazonaws.com', 'AddTagsToCertificate', account, region, at, {
            certificateArn: arn,
            tags: Object.entries(certificate.tags ?? {}).map(([key, value]) => ({ key, value })),
          }),
        ];
      case 'removeTag':
        return [
          this.apiCall('acm.amazonaws.com', 'RemoveTagsFromCertificate', account, region, at, { certificateArn: arn }),
        ];
      case 'attach':
      case 'detach':
        return mutation.resourceArn === undefined
          ? []
          : [this.useChanged(mutation.kind, mutation.resourceArn, arn, account, region, at)];
      default:
        return [];
    }
  }

  /**
   * What ACM sends as the clock moves from `fromMs` to `toMs`: Approaching Expiration once a simulated day for each
   * certificate in range (at the start of each day crossed), Expired for each one that lapsed in between.
   */
  forTimePassing(fromMs: number, toMs: number): OrganizationEvent[] {
    const events: OrganizationEvent[] = [];
    const firstDay = Math.floor(fromMs / DAY_MS) + 1;
    const lastDay = Math.floor(toMs / DAY_MS);
    for (const record of this.org.allCertificates()) {
      const { certificate } = record;
      if (certificate.status !== 'ISSUED' || certificate.notAfter === undefined) continue;
      const notAfter = Date.parse(certificate.notAfter);
      const range =
        certificate.type === 'AMAZON_ISSUED'
          ? APPROACHING_EXPIRATION_DAYS.public
          : APPROACHING_EXPIRATION_DAYS.importedOrPrivate;
      for (let day = firstDay; day <= lastDay; day++) {
        const at = day * DAY_MS;
        const days = Math.floor((notAfter - at) / DAY_MS);
        if (days < 0 || days > range) continue;
        events.push(
          this.acm(
            'ACM Certificate Approaching Expiration',
            record.accountId,
            record.region,
            certificate.arn,
            iso(at),
            {
              DaysToExpiry: days,
              CommonName: certificate.domainName,
            },
          ),
        );
      }
      if (certificate.type !== 'IMPORTED' && notAfter > fromMs && notAfter <= toMs) {
        events.push(
          this.acm('ACM Certificate Expired', record.accountId, record.region, certificate.arn, iso(notAfter), {
            ...this.certificateDetail(certificate),
          }),
        );
      }
    }
    return events.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  }

  private created(certificate: ScenarioCertificate, account: string, region: string, at: string): OrganizationEvent[] {
    const arn = certificate.arn;
    if (certificate.type === 'IMPORTED') {
      return [
        this.apiCall('acm.amazonaws.com', 'ImportCertificate', account, region, at, {}, { certificateArn: arn }),
        this.acm('ACM Certificate Available', account, region, arn, at, this.available(certificate, 'IMPORT')),
      ];
    }
    const requested = this.apiCall(
      'acm.amazonaws.com',
      'RequestCertificate',
      account,
      region,
      at,
      { domainName: certificate.domainName, validationMethod: 'DNS' },
      { certificateArn: arn },
    );
    return certificate.status === 'ISSUED'
      ? [
          requested,
          this.acm('ACM Certificate Available', account, region, arn, at, this.available(certificate, 'ISSUANCE')),
        ]
      : [requested];
  }

  private useChanged(
    kind: 'attach' | 'detach',
    resourceArn: string,
    arn: string,
    account: string,
    region: string,
    at: string,
  ): OrganizationEvent {
    if (resourceArn.includes(':cloudfront:')) {
      const id = resourceArn.slice(resourceArn.lastIndexOf('/') + 1);
      const viewerCertificate =
        kind === 'attach'
          ? { aCMCertificateArn: arn, sSLSupportMethod: 'sni-only' }
          : { cloudFrontDefaultCertificate: true };
      return this.apiCall('cloudfront.amazonaws.com', 'UpdateDistribution', account, 'us-east-1', at, {
        id,
        distributionConfig: { viewerCertificate },
      });
    }
    if (resourceArn.includes(':apigateway:')) {
      const domainName = resourceArn.slice(resourceArn.lastIndexOf('/') + 1);
      return kind === 'attach'
        ? this.apiCall('apigateway.amazonaws.com', 'CreateDomainName', account, region, at, {
            domainName,
            regionalCertificateArn: arn,
          })
        : this.apiCall('apigateway.amazonaws.com', 'DeleteDomainName', account, region, at, { domainName });
    }
    // A load balancer: the certificate goes onto (or off) its HTTPS listener.
    const listenerArn = `${resourceArn.replace(':loadbalancer/', ':listener/')}/443`;
    return this.apiCall(
      'elasticloadbalancing.amazonaws.com',
      kind === 'attach' ? 'AddListenerCertificates' : 'RemoveListenerCertificates',
      account,
      region,
      at,
      { listenerArn, certificates: [{ certificateArn: arn }] },
    );
  }

  private certificateDetail(certificate: ScenarioCertificate): Record<string, unknown> {
    return {
      CertificateType: certificate.type,
      CommonName: certificate.domainName,
      ...(certificate.createdAt ? { CertificateCreatedDate: certificate.createdAt } : {}),
      ...(certificate.notAfter ? { CertificateExpirationDate: certificate.notAfter } : {}),
      InUse: certificate.inUseBy.length > 0 ? 'TRUE' : 'FALSE',
      Exported: certificate.exported ? 'TRUE' : 'FALSE',
    };
  }

  private available(certificate: ScenarioCertificate, action: string): Record<string, unknown> {
    return { Action: action, ...this.certificateDetail(certificate) };
  }

  private nextId(): string {
    this.sequence += 1;
    return `sim-event-${String(this.sequence).padStart(8, '0')}`;
  }

  private acm(
    detailType: string,
    account: string,
    region: string,
    arn: string,
    at: string,
    detail: Record<string, unknown>,
  ): OrganizationEvent {
    return {
      id: this.nextId(),
      'detail-type': detailType,
      source: 'aws.acm',
      account,
      time: at,
      region,
      resources: [arn],
      detail,
    };
  }

  private apiCall(
    eventSource: string,
    eventName: string,
    account: string,
    region: string,
    at: string,
    requestParameters: Record<string, unknown>,
    responseElements: Record<string, unknown> | null = null,
  ): OrganizationEvent {
    const id = this.nextId();
    return {
      id,
      'detail-type': CLOUDTRAIL_DETAIL_TYPE,
      source: `aws.${eventSource.replace('.amazonaws.com', '')}`,
      account,
      time: at,
      region,
      resources: [],
      detail: {
        eventVersion: '1.09',
        userIdentity: { type: 'AssumedRole', accountId: account },
        eventTime: at,
        eventSource,
        eventName,
        awsRegion: region,
        sourceIPAddress: '192.0.2.10',
        userAgent: 'cert-monitor-simulator',
        requestParameters,
        responseElements,
        requestID: id,
        eventID: id,
        readOnly: false,
        eventType: 'AwsApiCall',
        managementEvent: true,
        recipientAccountId: account,
        eventCategory: 'Management',
      },
    };
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
