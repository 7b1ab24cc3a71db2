import { describe, expect, it } from 'vitest';
import {
  ACM_DETAIL_TYPES,
  CLOUDTRAIL_DETAIL_TYPE,
  certificateArnsIn,
  classifyEvent,
  type OrganizationEvent,
} from '../../../../lambdas/core/events/classify';

const ACCOUNT = '111111111111';
const ARN = `arn:aws:acm:eu-west-1:${ACCOUNT}:certificate/0f1e2d3c-aaaa-bbbb-cccc-000000000001`;
const CLOUDFRONT_ARN = `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/0f1e2d3c-aaaa-bbbb-cccc-000000000002`;
const OTHER_ACCOUNT_ARN = 'arn:aws:acm:eu-west-1:999999999999:certificate/0f1e2d3c-aaaa-bbbb-cccc-000000000003';

function acmEvent(detailType: string, overrides: Partial<OrganizationEvent> = {}): OrganizationEvent {
  return {
    id: 'e-1',
    'detail-type': detailType,
    source: 'aws.acm',
    account: ACCOUNT,
    time: '2026-12-01T14:00:00Z',
    region: 'eu-west-1',
    resources: [ARN],
    detail: {},
    ...overrides,
  };
}

function apiCall(eventSource: string, eventName: string, detail: Record<string, unknown> = {}): OrganizationEvent {
  return {
    id: `ct-${eventName}`,
    'detail-type': CLOUDTRAIL_DETAIL_TYPE,
    source: `aws.${eventSource.replace('.amazonaws.com', '')}`,
    account: ACCOUNT,
    time: '2026-12-01T14:00:05Z',
    region: 'eu-west-1',
    detail: { eventSource, eventName, awsRegion: 'eu-west-1', eventTime: '2026-12-01T14:00:03Z', ...detail },
  };
}

describe('classifyEvent', () => {
  it.each([
    ACM_DETAIL_TYPES.expired,
    ACM_DETAIL_TYPES.available,
    ACM_DETAIL_TYPES.renewalActionRequired,
    ACM_DETAIL_TYPES.revoked,
    ACM_DETAIL_TYPES.rotated,
  ])('rescans the certificate’s target on "%s"', (detailType) => {
    const classified = classifyEvent(acmEvent(detailType));

    expect(classified).toMatchObject({
      action: 'rescan',
      target: { accountId: ACCOUNT, region: 'eu-west-1' },
      arns: [ARN],
      occurredAt: '2026-12-01T14:00:00Z',
    });
  });

  it('only marks the target dirty on Approaching Expiration: it never pages by itself', () => {
    const classified = classifyEvent(acmEvent(ACM_DETAIL_TYPES.approachingExpiration, { detail: { DaysToExpiry: 3 } }));

    expect(classified.action).toBe('mark-dirty');
    expect(classified.target).toEqual({ accountId: ACCOUNT, region: 'eu-west-1' });
  });

  it('marks the target dirty, without a rescan, on an ACM event type it does not know', () => {
    expect(classifyEvent(acmEvent('ACM Certificate Something New')).action).toBe('mark-dirty');
  });

  it.each([
    ['acm.amazonaws.com', 'DeleteCertificate', { requestParameters: { certificateArn: ARN } }],
    ['acm.amazonaws.com', 'AddTagsToCertificate', { requestParameters: { certificateArn: ARN, tags: [] } }],
    ['acm.amazonaws.com', 'RemoveTagsFromCertificate', { requestParameters: { certificateArn: ARN } }],
    ['acm.amazonaws.com', 'RenewCertificate', { requestParameters: { certificateArn: ARN } }],
    ['acm.amazonaws.com', 'RequestCertificate', { responseElements: { certificateArn: ARN } }],
    ['acm.amazonaws.com', 'ImportCertificate', { responseElements: { certificateArn: ARN } }],
    [
      'elasticloadbalancing.amazonaws.com',
      'CreateListener',
      { requestParameters: { certificates: [{ certificateArn: ARN }], port: 443 } },
    ],
    [
      'elasticloadbalancing.amazonaws.com',
      'AddListenerCertificates',
      { requestParameters: { certificates: [{ certificateArn: ARN }] } },
    ],
    ['apigateway.amazonaws.com', 'CreateDomainName', { requestParameters: { regionalCertificateArn: ARN } }],
  ])('rescans the named certificate’s target on %s %s', (source, name, detail) => {
    const classified = classifyEvent(apiCall(source, name, detail));

    expect(classified).toMatchObject({
      action: 'rescan',
      target: { accountId: ACCOUNT, region: 'eu-west-1' },
      arns: [ARN],
      occurredAt: '2026-12-01T14:00:03Z',
    });
  });

  it('rescans us-east-1 for a CloudFront distribution, where its certificate lives', () => {
    const updated = classifyEvent(
      apiCall('cloudfront.amazonaws.com', 'UpdateDistribution', {
        awsRegion: 'us-east-1',
        requestParameters: { distributionConfig: { viewerCertificate: { aCMCertificateArn: CLOUDFRONT_ARN } } },
      }),
    );
    const deleted = classifyEvent(
      apiCall('cloudfront.amazonaws.com', 'DeleteDistribution', { requestParameters: { id: 'E123' } }),
    );

    expect(updated).toMatchObject({ action: 'rescan', target: { region: 'us-east-1' }, arns: [CLOUDFRONT_ARN] });
    expect(deleted).toMatchObject({ action: 'rescan', target: { accountId: ACCOUNT, region: 'us-east-1' }, arns: [] });
  });

  it('rescans the region a listener was deleted in, though the call names no certificate', () => {
    const classified = classifyEvent(
      apiCall('elasticloadbalancing.amazonaws.com', 'DeleteListener', { requestParameters: { listenerArn: 'x' } }),
    );

    expect(classified).toMatchObject({ action: 'rescan', target: { region: 'eu-west-1' }, arns: [] });
  });

  it('ignores a call that failed, a read-only one and one that changes no certificate', () => {
    const failed = apiCall('acm.amazonaws.com', 'DeleteCertificate', {
      requestParameters: { certificateArn: ARN },
      errorCode: 'ResourceInUseException',
    });
    const readOnly = apiCall('acm.amazonaws.com', 'DeleteCertificate', { readOnly: true });
    const unrelated = apiCall('elasticloadbalancing.amazonaws.com', 'DescribeListeners');

    expect([failed, readOnly, unrelated].map((event) => classifyEvent(event).action)).toEqual([
      'ignore',
      'ignore',
      'ignore',
    ]);
  });

  it('ignores events of sources it does not watch', () => {
    const event = { ...acmEvent('EC2 Instance State-change Notification'), source: 'aws.ec2' };

    expect(classifyEvent(event).action).toBe('ignore');
  });

  it('never rescans another account than the event’s own for an ARN inside it', () => {
    const classified = classifyEvent(
      apiCall('acm.amazonaws.com', 'AddTagsToCertificate', {
        requestParameters: { certificateArn: OTHER_ACCOUNT_ARN },
      }),
    );

    expect(classified.target?.accountId).toBe(ACCOUNT);
    expect(classified.arns).toEqual([]);
  });
});

describe('certificateArnsIn', () => {
  it('finds certificate ARNs at any depth, once each, and nothing else', () => {
    const found = certificateArnsIn({
      a: [{ certificateArn: ARN }, { other: 'arn:aws:iam::111111111111:role/x' }],
      b: { c: { d: ARN, e: CLOUDFRONT_ARN } },
    });

    expect(found).toEqual([ARN, CLOUDFRONT_ARN]);
  });
});
