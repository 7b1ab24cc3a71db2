import {
  ACMClient,
  type CertificateSummary,
  DescribeCertificateCommand,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-acm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { OpenTargetClients } from '../../../lambdas/aws/clients';
import { AssumeRoleError } from '../../../lambdas/aws/credentials';
import { StateStoreError } from '../../../lambdas/aws/state-store';
import { STATE_TABLE_FAILED } from '../../../lambdas/core/failures';
import type { Certificate, Target } from '../../../lambdas/core/model';
import { type ScanOptions, scanTarget } from '../../../lambdas/scan/scan-target';
import { MemoryStore } from './memory-store';

const acm = mockClient(ACMClient);
const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
const target: Target = { accountId: '111111111111', accountName: 'prod', region: 'eu-west-1' };
const now = new Date('2026-11-27T06:00:00Z');
const options: ScanOptions = {
  describeConcurrency: 2,
  describeRatePerSecond: 1000,
  refreshDays: 7,
  thresholds: [30, 7],
};
const arn = (n: number) => `arn:aws:acm:eu-west-1:111111111111:certificate/${n}`;

const openClients: OpenTargetClients = async () => ({
  acm: new ACMClient({ region: target.region, credentials }),
  close: () => undefined,
});

function summary(n: number, extra: Partial<CertificateSummary> = {}): CertificateSummary {
  return {
    CertificateArn: arn(n),
    DomainName: `c${n}.example.com`,
    Status: 'ISSUED',
    Type: 'AMAZON_ISSUED',
    KeyAlgorithm: 'RSA_2048',
    InUse: true,
    RenewalEligibility: 'ELIGIBLE',
    NotBefore: new Date('2026-10-01T00:00:00Z'),
    NotAfter: new Date('2027-04-17T23:59:59Z'),
    ...extra,
  };
}

/**
 * Certificate n as a complete scan at `now` stored it (summary(n), described, no tags): written out rather than made
 * by running scanTarget, so a test of the second scan does not rest on the first being right.
 */
function described(n: number, extra: Partial<Certificate> = {}): Certificate {
  return {
    accountId: target.accountId,
    accountName: 'prod',
    region: target.region,
    arn: arn(n),
    domainName: `c${n}.example.com`,
    subjectAlternativeNames: [],
    type: 'AMAZON_ISSUED',
    status: 'ISSUED',
    keyAlgorithm: 'RSA_2048',
    notBefore: '2026-10-01T00:00:00.000Z',
    notAfter: '2027-04-17T23:59:59.000Z',
    renewalEligibility: 'ELIGIBLE',
    inUse: true,
    inUseBy: ['arn:aws:cloudfront::1:d/X'],
    tags: {},
    issuer: 'Amazon',
    describedAt: now.toISOString(),
    ...extra,
  };
}

function describes(): string[] {
  return acm.commandCalls(DescribeCertificateCommand).map((call) => call.args[0].input.CertificateArn ?? '');
}

beforeEach(() => {
  acm.reset();
  acm.on(DescribeCertificateCommand).callsFake(async (input: { CertificateArn: string }) => ({
    Certificate: { CertificateArn: input.CertificateArn, Issuer: 'Amazon', InUseBy: ['arn:aws:cloudfront::1:d/X'] },
  }));
  acm.on(ListTagsForCertificateCommand).resolves({ Tags: [] });
});

function tagReads(): string[] {
  return acm.commandCalls(ListTagsForCertificateCommand).map((call) => call.args[0].input.CertificateArn ?? '');
}

describe('scanTarget', () => {
  it('asks for no tags in an account-region that holds no certificate', async () => {
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [] });

    const { result, certificates } = await scanTarget({ openClients }, { runId: 'r1', target, now, options });

    expect(result.status).toBe('ok');
    expect(certificates).toEqual([]);
    expect(tagReads()).toHaveLength(0);
  });

  it('describes every certificate on a first scan and reads the tags of each with ACM', async () => {
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [summary(2), summary(1)] });
    acm
      .on(ListTagsForCertificateCommand, { CertificateArn: arn(1) })
      .resolves({ Tags: [{ Key: 'owner', Value: 'team-a' }] });

    const { result, certificates, changes } = await scanTarget({ openClients }, { runId: 'r1', target, now, options });

    expect(result).toMatchObject({
      status: 'ok',
      certificateCount: 2,
      accountName: 'prod',
      startedAt: now.toISOString(),
    });
    expect(describes().sort()).toEqual([arn(1), arn(2)]);
    expect(tagReads().sort()).toEqual([arn(1), arn(2)]);
    expect(certificates.map((c) => [c.arn, c.issuer, c.tags])).toEqual([
      [arn(1), 'Amazon', { owner: 'team-a' }],
      [arn(2), 'Amazon', {}],
    ]);
    expect(certificates.every((c) => c.describedAt === now.toISOString())).toBe(true);
    expect(changes.filter((c) => c.type === 'NEW')).toHaveLength(2);
  });

  it('describes on a second scan only what needs it and keeps the stored detail of the rest', async () => {
    const store = new MemoryStore();
    store.seed(target, [described(1), described(2)], now.toISOString());
    acm
      .on(ListCertificatesCommand)
      .resolves({ CertificateSummaryList: [summary(1), summary(2, { InUse: false }), summary(3)] });

    const later = new Date(now.getTime() + 3_600_000);
    const { result, certificates } = await scanTarget(
      { openClients, store },
      { runId: 'r2', target, now: later, options },
    );

    expect(result.status).toBe('ok');
    expect(describes().sort()).toEqual([arn(2), arn(3)]);
    const first = certificates.find((c) => c.arn === arn(1));
    expect(first).toMatchObject({ issuer: 'Amazon', describedAt: now.toISOString() });
  });

  it('reads tags only of the certificates it describes; the others keep their stored tags', async () => {
    const store = new MemoryStore();
    store.seed(target, [described(1, { tags: { owner: 'team-a' } }), described(2)], now.toISOString());
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [summary(1), summary(2, { InUse: false })] });
    acm
      .on(ListTagsForCertificateCommand, { CertificateArn: arn(2) })
      .resolves({ Tags: [{ Key: 'owner', Value: 'team-b' }] });

    const later = new Date(now.getTime() + 3_600_000);
    const { certificates } = await scanTarget({ openClients, store }, { runId: 'r2', target, now: later, options });

    expect(tagReads()).toEqual([arn(2)]);
    expect(certificates.map((c) => c.tags)).toEqual([{ owner: 'team-a' }, { owner: 'team-b' }]);
  });

  it('keeps the stored tags and is partial when a tag read fails', async () => {
    const store = new MemoryStore();
    store.seed(target, [described(1, { tags: { owner: 'team-a' } })], now.toISOString());
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [summary(1, { InUse: false })] });
    acm
      .on(ListTagsForCertificateCommand)
      .rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException', $metadata: {} }));

    const later = new Date(now.getTime() + 3_600_000);
    const { result, certificates, changes } = await scanTarget(
      { openClients, store },
      { runId: 'r2', target, now: later, options },
    );

    expect(result).toMatchObject({ status: 'partial', errorCode: 'AccessDeniedException' });
    expect(certificates[0]).toMatchObject({ tags: { owner: 'team-a' }, describedAt: later.toISOString() });
    expect(changes.some((c) => c.type === 'TAGS_CHANGED')).toBe(false);
  });

  it('is partial when one describe fails for good, returns every certificate and removes nothing', async () => {
    const store = new MemoryStore();
    const stored: Certificate = {
      accountId: target.accountId,
      region: target.region,
      arn: arn(9),
      domainName: 'old.example.com',
      subjectAlternativeNames: [],
      type: 'IMPORTED',
      status: 'ISSUED',
      keyAlgorithm: 'RSA_2048',
      inUse: false,
      inUseBy: [],
      tags: {},
    };
    store.seed(target, [stored], '2026-11-26T06:00:00.000Z');
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [summary(1), summary(2)] });
    acm
      .on(DescribeCertificateCommand, { CertificateArn: arn(2) })
      .rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));

    const { result, certificates, changes } = await scanTarget(
      { openClients, store },
      { runId: 'r1', target, now, options },
    );

    expect(result).toMatchObject({ status: 'partial', errorCode: 'ThrottlingException' });
    expect(certificates.map((c) => c.arn)).toEqual([arn(1), arn(2)]);
    expect(certificates[1]?.describedAt).toBeUndefined();
    expect(changes.some((c) => c.type === 'REMOVED')).toBe(false);
    expect(
      store
        .certificatesOf(target)
        .map((c) => c.arn)
        .sort(),
    ).toEqual([arn(1), arn(2), arn(9)]);
  });

  it('leaves out a certificate deleted between the listing and its describe', async () => {
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [summary(1), summary(2)] });
    acm
      .on(DescribeCertificateCommand, { CertificateArn: arn(1) })
      .rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));

    const { result, certificates } = await scanTarget({ openClients }, { runId: 'r1', target, now, options });

    expect(result.status).toBe('ok');
    expect(certificates.map((c) => c.arn)).toEqual([arn(2)]);
  });

  it('stops describing after DescribeCertificate is refused instead of trying every certificate', async () => {
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [1, 2, 3, 4, 5, 6].map((n) => summary(n)) });
    acm.on(DescribeCertificateCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));

    const { result, certificates } = await scanTarget(
      { openClients },
      { runId: 'r1', target, now, options: { ...options, describeConcurrency: 1 } },
    );

    expect(result).toMatchObject({ status: 'partial', errorCode: 'AccessDeniedException' });
    expect(result.likelyCause).toMatch(/audit role lacks a permission/);
    expect(describes()).toHaveLength(1);
    expect(certificates).toHaveLength(6);
  });

  it('stops starting describes when the time budget runs low: partial, stored detail kept', async () => {
    const store = new MemoryStore();
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [1, 2, 3, 4].map((n) => summary(n)) });
    let msLeft = 120_000;
    acm.on(DescribeCertificateCommand).callsFake(async (input: { CertificateArn: string }) => {
      msLeft -= 50_000;
      return { Certificate: { CertificateArn: input.CertificateArn, Issuer: 'Amazon' } };
    });

    const { result, certificates, changes } = await scanTarget(
      { openClients, store },
      {
        runId: 'r1',
        target,
        now,
        options: { ...options, describeConcurrency: 1, deadlineMs: () => msLeft, safetyMarginMs: 30_000 },
      },
    );

    expect(result).toMatchObject({ status: 'partial', errorCode: 'TimeBudgetExhausted' });
    expect(describes()).toHaveLength(2);
    expect(certificates).toHaveLength(4);
    expect(certificates.filter((c) => c.describedAt)).toHaveLength(2);
    expect(changes.some((c) => c.type === 'REMOVED')).toBe(false);
  });

  it('is an error when the role cannot be assumed, and saves nothing over the stored snapshot', async () => {
    const store = new MemoryStore();
    const stored = described(1);
    store.seed(target, [stored], '2026-11-26T06:00:00.000Z');
    const refused: OpenTargetClients = async () => {
      throw new AssumeRoleError(
        target.accountId,
        'arn:aws:iam::111111111111:role/R',
        Object.assign(new Error('denied'), { name: 'AccessDenied' }),
      );
    };

    const { result, certificates } = await scanTarget(
      { openClients: refused, store },
      { runId: 'r1', target, now, options },
    );

    expect(result).toMatchObject({ status: 'error', errorCode: 'AccessDenied', certificateCount: 0 });
    expect(result.errorMessage).toMatch(/trust policy/);
    expect(result.likelyCause).toMatch(/^the audit role is missing in this account/);
    expect(certificates).toEqual([]);
    expect(store.saves[0]).toMatchObject({ certificates: [], changes: [], result: { status: 'error' } });
    expect(store.certificatesOf(target).map((c) => c.arn)).toEqual([stored.arn]);
  });

  it('stops describing after an expired session too, and says the session expired', async () => {
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [1, 2, 3].map((n) => summary(n)) });
    acm.on(DescribeCertificateCommand).rejects(
      Object.assign(new Error('The security token included in the request is expired'), {
        name: 'ExpiredTokenException',
      }),
    );

    const { result } = await scanTarget(
      { openClients },
      { runId: 'r1', target, now, options: { ...options, describeConcurrency: 1 } },
    );

    expect(result).toMatchObject({ status: 'partial', errorCode: 'ExpiredTokenException' });
    expect(result.likelyCause).toMatch(/session expired/);
    expect(describes()).toHaveLength(1);
  });

  it('is an error when the certificates cannot be listed', async () => {
    acm
      .on(ListCertificatesCommand)
      .rejects(Object.assign(new Error('bad token'), { name: 'UnrecognizedClientException' }));

    const { result } = await scanTarget({ openClients }, { runId: 'r1', target, now, options });

    expect(result).toMatchObject({ status: 'error', errorCode: 'UnrecognizedClientException' });
    expect(result.likelyCause).toMatch(/region is probably not enabled/);
    expect(describes()).toEqual([]);
  });
});

describe('scanTarget when the monitor’s own table fails', () => {
  const throttled = () =>
    new StateStoreError(
      'saveTargetScan',
      'state',
      'ProvisionedThroughputExceededException',
      'saveTargetScan on table state failed: throttled',
    );

  it('reports the certificates read, partial with the state table’s code, and records only the outcome', async () => {
    // Prepare: the snapshot write fails (after the store's retries), recording the outcome alone works
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [summary(1), summary(2)] });
    const store = new MemoryStore();
    let failures = 1;
    const saveTargetScan = store.saveTargetScan.bind(store);
    store.saveTargetScan = async (scan) => {
      if (failures-- > 0) throw throttled();
      return saveTargetScan(scan);
    };
    // Act
    const { result, certificates } = await scanTarget({ openClients, store }, { runId: 'r1', target, now, options });
    // Assess
    expect(certificates.map((c) => c.arn)).toEqual([arn(1), arn(2)]);
    expect(result).toMatchObject({ status: 'partial', errorCode: STATE_TABLE_FAILED, certificateCount: 2 });
    expect(result.errorMessage).toMatch(/the monitor's state table could not store this scan/);
    expect(result.errorMessage).not.toMatch(/audit role|SCP|access/i);
    expect(store.saves.at(-1)).toMatchObject({ certificates: [], changes: [], result: { status: 'partial' } });
    expect(store.saves.at(-1)?.notStored?.map((c) => c.arn)).toEqual([arn(1), arn(2)]);
    expect(store.certificatesOf(target)).toEqual([]);
  });

  it('keeps an account’s own failure an error even when its outcome cannot be stored', async () => {
    // Prepare
    acm
      .on(ListCertificatesCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: {} }));
    const store = new MemoryStore();
    store.saveTargetScan = async () => {
      throw throttled();
    };
    // Act
    const { result } = await scanTarget({ openClients, store }, { runId: 'r1', target, now, options });
    // Assess
    expect(result).toMatchObject({ status: 'error', errorCode: 'AccessDeniedException' });
    expect(result.errorMessage).toMatch(/could not store this scan/);
  });

  it('reports every certificate, compares nothing and saves no snapshot when the stored one cannot be read', async () => {
    // Prepare
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [summary(1)] });
    const store = new MemoryStore();
    store.loadTarget = async () => {
      throw throttled();
    };
    // Act
    const { result, certificates, changes } = await scanTarget(
      { openClients, store },
      { runId: 'r1', target, now, options },
    );
    // Assess
    expect(result).toMatchObject({ status: 'partial', errorCode: STATE_TABLE_FAILED });
    expect(result.errorMessage).toMatch(/could not be read/);
    expect(certificates.map((c) => c.arn)).toEqual([arn(1)]);
    expect(changes).toEqual([]);
    expect(store.saves).toHaveLength(1);
    expect(store.saves[0]).toMatchObject({ certificates: [], changes: [] });
  });
});
