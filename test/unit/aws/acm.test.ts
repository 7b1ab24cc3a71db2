import {
  ACMClient,
  DescribeCertificateCommand,
  ListCertificatesCommand,
  ListTagsForCertificateCommand,
  ResourceNotFoundException,
  ThrottlingException,
} from '@aws-sdk/client-acm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { AcmError, describeCertificate, listCertificates, listCertificateTags } from '../../../lambdas/aws/acm';
import { type Certificate, KEY_ALGORITHMS, KEY_PAIR_ORIGINS, type Target } from '../../../lambdas/core/model';

const target: Target = { accountId: '111111111111', accountName: 'prod', region: 'eu-west-1' };
const arn = (n: number) => `arn:aws:acm:eu-west-1:111111111111:certificate/${n}`;
const acm = mockClient(ACMClient);
const client = new ACMClient({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });

beforeEach(() => acm.reset());

describe('listCertificates', () => {
  it('asks for every key type and every key-pair origin, 1000 a page', async () => {
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [] });

    await listCertificates(client, target);

    const input = acm.commandCalls(ListCertificatesCommand)[0]?.args[0].input;
    expect(input?.Includes?.keyTypes).toEqual([...KEY_ALGORITHMS]);
    expect(input?.CertificateKeyPairOrigins).toEqual([...KEY_PAIR_ORIGINS]);
    expect(input?.MaxItems).toBe(1000);
  });

  it('follows NextToken through empty pages and returns each certificate once', async () => {
    acm
      .on(ListCertificatesCommand)
      .resolvesOnce({
        CertificateSummaryList: [{ CertificateArn: arn(1), DomainName: 'a.example.com' }],
        NextToken: 't1',
      })
      .resolvesOnce({ CertificateSummaryList: [], NextToken: 't2' })
      .resolvesOnce({
        CertificateSummaryList: [
          { CertificateArn: arn(1), DomainName: 'a.example.com' },
          { CertificateArn: arn(2), DomainName: 'b.example.com' },
        ],
      });

    const certificates = await listCertificates(client, target);

    expect(certificates.map((c) => c.arn)).toEqual([arn(1), arn(2)]);
    const tokens = acm.commandCalls(ListCertificatesCommand).map((call) => call.args[0].input.NextToken);
    expect(tokens).toEqual([undefined, 't1', 't2']);
  });

  it('maps a summary to a certificate without detail or tags', async () => {
    acm.on(ListCertificatesCommand).resolves({
      CertificateSummaryList: [
        {
          CertificateArn: arn(1),
          DomainName: 'api.example.com',
          SubjectAlternativeNameSummaries: ['api.example.com', 'www.example.com'],
          Status: 'ISSUED',
          Type: 'AMAZON_ISSUED',
          KeyAlgorithm: 'EC_secp384r1',
          CertificateKeyPairOrigin: 'ACME',
          InUse: true,
          Exported: false,
          RenewalEligibility: 'ELIGIBLE',
          NotBefore: new Date('2026-01-01T00:00:00Z'),
          NotAfter: new Date('2026-07-18T23:59:59Z'),
        },
      ],
    });

    const [certificate] = await listCertificates(client, target);

    expect(certificate).toEqual({
      accountId: '111111111111',
      accountName: 'prod',
      region: 'eu-west-1',
      arn: arn(1),
      domainName: 'api.example.com',
      subjectAlternativeNames: ['api.example.com', 'www.example.com'],
      type: 'AMAZON_ISSUED',
      status: 'ISSUED',
      keyAlgorithm: 'EC_secp384r1',
      keyPairOrigin: 'ACME',
      exported: false,
      notBefore: '2026-01-01T00:00:00.000Z',
      notAfter: '2026-07-18T23:59:59.000Z',
      renewalEligibility: 'ELIGIBLE',
      inUse: true,
      inUseBy: [],
      tags: {},
    });
  });

  it('reads key algorithms in the hyphenated spelling of ACM and reports them with underscores', async () => {
    acm.on(ListCertificatesCommand).resolves({
      CertificateSummaryList: [
        { CertificateArn: arn(1), KeyAlgorithm: 'RSA-2048' as 'RSA_2048' },
        { CertificateArn: arn(2), KeyAlgorithm: 'EC-prime256v1' as 'EC_prime256v1' },
        { CertificateArn: arn(3), KeyAlgorithm: 'EC_secp384r1' },
        { CertificateArn: arn(4), KeyAlgorithm: 'ML-DSA-65' as 'RSA_2048' },
      ],
    });

    const certificates = await listCertificates(client, target);

    expect(certificates.map((c) => c.keyAlgorithm)).toEqual(['RSA_2048', 'EC_prime256v1', 'EC_secp384r1', 'ML-DSA-65']);
  });

  it('marks a listing that holds only the first 100 names, and a describe clears the mark with the full list', async () => {
    const names = Array.from({ length: 120 }, (_, i) => `n${i}.example.com`);
    acm.on(ListCertificatesCommand).resolves({
      CertificateSummaryList: [
        {
          CertificateArn: arn(1),
          SubjectAlternativeNameSummaries: names.slice(0, 100),
          HasAdditionalSubjectAlternativeNames: true,
        },
      ],
    });
    acm.on(DescribeCertificateCommand).resolves({
      Certificate: { CertificateArn: arn(1), SubjectAlternativeNames: names },
    });

    const [listed] = await listCertificates(client, target);
    const described = await describeCertificate(client, listed as Certificate, new Date('2026-06-02T00:00:00Z'));

    expect(listed).toMatchObject({ hasAdditionalSubjectAlternativeNames: true });
    expect(listed?.subjectAlternativeNames).toHaveLength(100);
    expect(described.subjectAlternativeNames).toEqual(names);
    expect(described.hasAdditionalSubjectAlternativeNames).toBeUndefined();
  });

  it('turns a failure into an AcmError carrying account, region and AWS code', async () => {
    acm.on(ListCertificatesCommand).rejects(new ThrottlingException({ message: 'Rate exceeded', $metadata: {} }));

    const error = await listCertificates(client, target).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AcmError);
    expect(error).toMatchObject({
      accountId: '111111111111',
      region: 'eu-west-1',
      code: 'ThrottlingException',
      operation: 'ACM.ListCertificates',
    });
  });

  it('names the likely cause when the region rejects the token (opt-in region not enabled)', async () => {
    acm.on(ListCertificatesCommand).rejects(
      Object.assign(new Error('The security token included in the request is invalid'), {
        name: 'UnrecognizedClientException',
      }),
    );

    const error = await listCertificates(client, target).catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'UnrecognizedClientException' });
    expect((error as AcmError).message).toMatch(/not enabled/);
  });
});

describe('describeCertificate', () => {
  const summary = {
    accountId: '111111111111',
    region: 'eu-west-1',
    arn: arn(1),
    domainName: 'api.example.com',
    subjectAlternativeNames: ['api.example.com'],
    type: 'AMAZON_ISSUED' as const,
    status: 'ISSUED' as const,
    keyAlgorithm: 'RSA_2048',
    inUse: true,
    inUseBy: [],
    tags: { team: 'payments' },
    renewalStatus: 'SUCCESS' as const,
  };

  it('adds issuer, renewal summary, validation records, users and describedAt', async () => {
    acm.on(DescribeCertificateCommand, { CertificateArn: arn(1) }).resolves({
      Certificate: {
        CertificateArn: arn(1),
        DomainName: 'api.example.com',
        SubjectAlternativeNames: ['api.example.com', 'a.example.com', 'b.example.com'],
        Issuer: 'Amazon',
        Status: 'ISSUED',
        Type: 'AMAZON_ISSUED',
        InUseBy: ['arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/web/1'],
        RenewalSummary: {
          RenewalStatus: 'PENDING_VALIDATION',
          RenewalStatusReason: 'CAA_ERROR',
          UpdatedAt: new Date('2026-06-01T00:00:00Z'),
          DomainValidationOptions: [
            {
              DomainName: 'api.example.com',
              ValidationStatus: 'PENDING_VALIDATION',
              ResourceRecord: { Name: '_x.api.example.com.', Type: 'CNAME', Value: '_y.acm-validations.aws.' },
            },
            {
              DomainName: 'a.example.com',
              ValidationStatus: 'SUCCESS',
              ResourceRecord: { Name: '_a.a.example.com.', Type: 'CNAME', Value: '_b.acm-validations.aws.' },
            },
          ],
        },
      },
    });

    const described = await describeCertificate(client, summary, new Date('2026-06-02T00:00:00Z'));

    expect(described).toMatchObject({
      issuer: 'Amazon',
      renewalStatus: 'PENDING_VALIDATION',
      renewalStatusReason: 'CAA_ERROR',
      subjectAlternativeNames: ['api.example.com', 'a.example.com', 'b.example.com'],
      inUseBy: ['arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/web/1'],
      validationRecords: [
        { domainName: 'api.example.com', name: '_x.api.example.com.', type: 'CNAME', value: '_y.acm-validations.aws.' },
      ],
      describedAt: '2026-06-02T00:00:00.000Z',
      tags: { team: 'payments' },
    });
  });

  it("reads ACM's lower-case serial in the report's spelling, and drops one that is not hex", async () => {
    acm
      .on(DescribeCertificateCommand)
      .resolvesOnce({ Certificate: { CertificateArn: arn(1), Serial: '07:71:71:f4:6b:e7' } })
      .resolvesOnce({ Certificate: { CertificateArn: arn(1), Serial: 'n/a' } });

    const described = await describeCertificate(client, summary, new Date('2026-06-02T00:00:00Z'));
    const unreadable = await describeCertificate(
      client,
      { ...summary, serial: '01' },
      new Date('2026-06-02T00:00:00Z'),
    );

    expect(described.serial).toBe('07:71:71:F4:6B:E7');
    expect(unreadable.serial).toBeUndefined();
  });

  it('drops detail the new describe no longer has (a renewal summary that went away)', async () => {
    acm.on(DescribeCertificateCommand).resolves({ Certificate: { CertificateArn: arn(1), Type: 'IMPORTED' } });

    const described = await describeCertificate(client, summary, new Date('2026-06-02T00:00:00Z'));

    expect(described.renewalStatus).toBeUndefined();
    expect(described.type).toBe('IMPORTED');
  });

  it('gives the validation records of a first issuance still pending', async () => {
    acm.on(DescribeCertificateCommand).resolves({
      Certificate: {
        CertificateArn: arn(1),
        Status: 'PENDING_VALIDATION',
        DomainValidationOptions: [
          {
            DomainName: 'api.example.com',
            ResourceRecord: { Name: '_x.api.example.com.', Type: 'CNAME', Value: '_y.acm-validations.aws.' },
          },
        ],
      },
    });

    const described = await describeCertificate(client, { ...summary, status: 'PENDING_VALIDATION' }, new Date());

    expect(described.validationRecords).toHaveLength(1);
  });

  it('reports a deleted certificate as ResourceNotFoundException with its ARN', async () => {
    acm.on(DescribeCertificateCommand).rejects(new ResourceNotFoundException({ message: 'gone', $metadata: {} }));

    const error = await describeCertificate(client, summary, new Date()).catch((e: unknown) => e);

    expect(error).toMatchObject({
      code: 'ResourceNotFoundException',
      arn: arn(1),
      operation: 'ACM.DescribeCertificate',
    });
  });
  it('reads how the certificate validates, and the HTTP redirects ACM waits for', async () => {
    acm.on(DescribeCertificateCommand).resolves({
      Certificate: {
        CertificateArn: arn(1),
        Status: 'PENDING_VALIDATION',
        DomainValidationOptions: [
          {
            DomainName: 'cdn.example.com',
            ValidationMethod: 'HTTP',
            ValidationStatus: 'PENDING_VALIDATION',
            HttpRedirect: {
              RedirectFrom: 'http://cdn.example.com/.well-known/pki-validation/a.txt',
              RedirectTo: 'https://v.acm-validations.aws/a.txt',
            },
          },
        ],
      },
    });

    const described = await describeCertificate(client, summary, new Date('2026-06-02T00:00:00Z'));

    expect(described.validationMethod).toBe('HTTP');
    expect(described.httpRedirects).toEqual([
      {
        domainName: 'cdn.example.com',
        redirectFrom: 'http://cdn.example.com/.well-known/pki-validation/a.txt',
        redirectTo: 'https://v.acm-validations.aws/a.txt',
      },
    ]);
    expect(described.validationRecords).toBeUndefined();
  });

  it('reads email validation from the renewal summary', async () => {
    acm.on(DescribeCertificateCommand).resolves({
      Certificate: {
        CertificateArn: arn(1),
        Status: 'ISSUED',
        RenewalSummary: {
          RenewalStatus: 'PENDING_VALIDATION',
          UpdatedAt: new Date('2026-06-01T00:00:00Z'),
          DomainValidationOptions: [
            { DomainName: 'api.example.com', ValidationMethod: 'EMAIL', ValidationStatus: 'PENDING_VALIDATION' },
          ],
        },
      },
    });

    const described = await describeCertificate(client, summary, new Date('2026-06-02T00:00:00Z'));

    expect(described.validationMethod).toBe('EMAIL');
  });

  it('reports the described key algorithm with underscores whatever ACM spelled', async () => {
    acm.on(DescribeCertificateCommand).resolves({
      Certificate: { CertificateArn: arn(1), KeyAlgorithm: 'EC-secp384r1' as 'EC_secp384r1' },
    });

    const described = await describeCertificate(client, summary, new Date('2026-06-02T00:00:00Z'));

    expect(described.keyAlgorithm).toBe('EC_secp384r1');
  });
});

describe('listCertificateTags', () => {
  it('returns the tags as a record', async () => {
    acm.on(ListTagsForCertificateCommand).resolves({ Tags: [{ Key: 'owner', Value: 'team-a' }, { Key: 'flag' }] });

    expect(await listCertificateTags(client, { ...target, arn: arn(1) })).toEqual({ owner: 'team-a', flag: '' });
  });
});
