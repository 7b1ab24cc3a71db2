import {
  type ACMClient,
  type CertificateSummary,
  DescribeCertificateCommand,
  ListCertificatesCommand,
  type ListCertificatesCommandInput,
  ListTagsForCertificateCommand,
} from '@aws-sdk/client-acm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_QUOTAS, type SimCredentials } from '../../../local/sim';
import {
  ALL_KEY_TYPES,
  ALL_ORIGINS,
  arnOf,
  MEMBER,
  MEMBER_EU_DEFAULT_VISIBLE,
  MEMBER_EU_HIDDEN,
} from '../../unit/sim/fixture';
import { assumeAudit, clients, type Harness, startFixture } from './harness';

const EU = 'eu-west-1';
const everything = { Includes: { keyTypes: [...ALL_KEY_TYPES] }, CertificateKeyPairOrigins: [...ALL_ORIGINS] };

async function listAll(client: ACMClient, input: ListCertificatesCommandInput) {
  const pages: CertificateSummary[][] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListCertificatesCommand({ ...input, NextToken }));
    pages.push(page.CertificateSummaryList ?? []);
    NextToken = page.NextToken;
  } while (NextToken);
  return { pages, arns: pages.flat().map((summary) => summary.CertificateArn) };
}

const arns = (numbers: number[]) => numbers.map((n) => arnOf(MEMBER, EU, n));

describe('simulated ACM', () => {
  let h: Harness;
  let session: SimCredentials;
  beforeAll(async () => {
    h = await startFixture();
    session = await assumeAudit(h.sim);
  });
  afterAll(async () => {
    await h.sim.close();
  });
  afterEach(() => {
    h.sim.faults.clear();
    h.sim.quotas.reset();
  });

  it('hides exactly what ACM hides without Includes.keyTypes and CertificateKeyPairOrigins', async () => {
    const acm = clients.acm(h.sim, { region: EU, credentials: session });

    const defaults = await listAll(acm, {});
    const all = await listAll(acm, everything);
    const allKeysNoAcme = await listAll(acm, { Includes: { keyTypes: [...ALL_KEY_TYPES] } });

    expect(defaults.arns).toEqual(arns(MEMBER_EU_DEFAULT_VISIBLE));
    expect(all.arns).toEqual(arns([...MEMBER_EU_DEFAULT_VISIBLE, ...MEMBER_EU_HIDDEN].sort((a, b) => a - b)));
    expect(allKeysNoAcme.arns).toEqual(arns([1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12]));
  });

  it('pages with MaxItems, including empty pages that still carry a NextToken', async () => {
    const acm = clients.acm(h.sim, { region: EU, credentials: session });

    const { pages, arns: listed } = await listAll(acm, { MaxItems: 2 });

    // windows of two in creation order: [1,2] [3,4] [5,6] [7,8] [9,10] [11,12]; 2, 4-8 are hidden by default
    expect(pages.map((page) => page.length)).toEqual([1, 1, 0, 0, 2, 2]);
    expect(listed).toEqual(arns(MEMBER_EU_DEFAULT_VISIBLE));
  });

  it('filters on the status ACM reports now (an ISSUED certificate past notAfter is EXPIRED)', async () => {
    const acm = clients.acm(h.sim, { region: EU, credentials: session });

    const expired = await listAll(acm, { ...everything, CertificateStatuses: ['EXPIRED'] });
    const failed = await listAll(acm, { ...everything, CertificateStatuses: ['FAILED'] });

    expect(expired.arns).toEqual(arns([9]));
    expect(failed.arns).toEqual(arns([12]));
    expect(expired.pages[0]?.[0]).toMatchObject({ Status: 'EXPIRED', Type: 'IMPORTED', InUse: true });
  });

  it('gives CertificateSummary fields with epoch timestamps read back as dates', async () => {
    const acm = clients.acm(h.sim, { region: EU, credentials: session });
    const { pages } = await listAll(acm, everything);
    const acme = pages.flat().find((summary) => summary.CertificateArn === arnOf(MEMBER, EU, 8));
    expect(acme).toMatchObject({
      DomainName: 'c8.example.com',
      KeyAlgorithm: 'RSA-2048',
      CertificateKeyPairOrigin: 'ACME',
      RenewalEligibility: 'INELIGIBLE',
      NotAfter: new Date('2027-04-17T00:00:00.000Z'),
    });
  });

  it('describes a certificate with RenewalSummary only for AMAZON_ISSUED', async () => {
    const acm = clients.acm(h.sim, { region: EU, credentials: session });

    const amazon = await acm.send(new DescribeCertificateCommand({ CertificateArn: arnOf(MEMBER, EU, 1) }));
    const privateCa = await acm.send(new DescribeCertificateCommand({ CertificateArn: arnOf(MEMBER, EU, 7) }));

    expect(amazon.Certificate).toMatchObject({
      Issuer: 'Amazon',
      InUseBy: [expect.stringContaining('loadbalancer/app/lb1')],
      RenewalSummary: {
        RenewalStatus: 'PENDING_AUTO_RENEWAL',
        UpdatedAt: new Date('2026-11-20T00:00:00.000Z'),
      },
      DomainValidationOptions: [{ ResourceRecord: { Name: '_abc.c1.example.com.', Type: 'CNAME' } }],
    });
    expect(privateCa.Certificate?.RenewalSummary).toBeUndefined();
    expect(privateCa.Certificate?.KeyAlgorithm).toBe('EC-secp521r1');
  });

  it('spells key algorithms with a hyphen in answers, as ACM does, while the keyTypes filter takes underscores', async () => {
    const acm = clients.acm(h.sim, { region: EU, credentials: session });

    const { pages } = await listAll(acm, everything);
    const refused = acm.send(new ListCertificatesCommand({ Includes: { keyTypes: ['RSA-2048' as 'RSA_2048'] } }));

    const spellings = new Set(pages.flat().map((summary) => summary.KeyAlgorithm));
    expect([...spellings].every((value) => /^(RSA|EC)-/.test(value ?? ''))).toBe(true);
    expect(spellings).toContain('EC-secp521r1');
    await expect(refused).rejects.toMatchObject({ name: 'ValidationException' });
  });

  it('lists at most 100 names with HasAdditionalSubjectAlternativeNames, and describes them all', async () => {
    const names = Array.from({ length: 130 }, (_, i) => `n${i}.many.example.com`);
    const arn = 'arn:aws:acm:eu-west-1:222222222222:certificate/0000000a-0000-4000-8000-000000000130';
    h.sim.org.addCertificate({
      arn,
      domainName: names[0] as string,
      subjectAlternativeNames: names,
      type: 'AMAZON_ISSUED',
      status: 'ISSUED',
      keyAlgorithm: 'RSA_2048',
      notBefore: '2026-10-01T00:00:00.000Z',
      notAfter: '2027-04-17T00:00:00.000Z',
      renewalEligibility: 'ELIGIBLE',
    });
    const acm = clients.acm(h.sim, { region: EU, credentials: session });

    const { pages } = await listAll(acm, everything);
    const described = await acm.send(new DescribeCertificateCommand({ CertificateArn: arn }));
    h.sim.org.deleteCertificate(arn);

    const summary = pages.flat().find((s) => s.CertificateArn === arn);
    expect(summary?.SubjectAlternativeNameSummaries).toEqual(names.slice(0, 100));
    expect(summary?.HasAdditionalSubjectAlternativeNames).toBe(true);
    expect(described.Certificate?.SubjectAlternativeNames).toEqual(names);
  });

  it('describes how a request validates: the HTTP redirect ACM waits for, or email without DNS records', async () => {
    const base = {
      type: 'AMAZON_ISSUED' as const,
      status: 'PENDING_VALIDATION' as const,
      keyAlgorithm: 'RSA_2048' as const,
      renewalEligibility: 'INELIGIBLE' as const,
    };
    const http = 'arn:aws:acm:eu-west-1:222222222222:certificate/0000000c-0000-4000-8000-000000000001';
    const email = 'arn:aws:acm:eu-west-1:222222222222:certificate/0000000c-0000-4000-8000-000000000002';
    const redirect = {
      redirectFrom: 'http://cdn.example.com/.well-known/pki-validation/a1.txt',
      redirectTo: 'https://validation.example.acm-validations.aws/a1.txt',
    };
    h.sim.org.addCertificate({
      ...base,
      arn: http,
      domainName: 'cdn.example.com',
      domainValidationOptions: [
        {
          domainName: 'cdn.example.com',
          validationStatus: 'PENDING_VALIDATION',
          validationMethod: 'HTTP',
          httpRedirect: redirect,
        },
      ],
    });
    h.sim.org.addCertificate({
      ...base,
      arn: email,
      domainName: 'mail.example.com',
      domainValidationOptions: [
        { domainName: 'mail.example.com', validationStatus: 'PENDING_VALIDATION', validationMethod: 'EMAIL' },
      ],
    });
    const acm = clients.acm(h.sim, { region: EU, credentials: session });

    const [byHttp, byEmail] = await Promise.all(
      [http, email].map((arn) => acm.send(new DescribeCertificateCommand({ CertificateArn: arn }))),
    );
    h.sim.org.deleteCertificate(http);
    h.sim.org.deleteCertificate(email);

    expect(byHttp?.Certificate?.DomainValidationOptions?.[0]).toMatchObject({
      ValidationMethod: 'HTTP',
      HttpRedirect: { RedirectFrom: redirect.redirectFrom, RedirectTo: redirect.redirectTo },
    });
    expect(byEmail?.Certificate?.DomainValidationOptions?.[0]).toMatchObject({ ValidationMethod: 'EMAIL' });
    expect(byEmail?.Certificate?.DomainValidationOptions?.[0]?.ResourceRecord).toBeUndefined();
  });

  it('answers ResourceNotFoundException for an unknown or foreign ARN', async () => {
    const acm = clients.acm(h.sim, { region: EU, credentials: session });
    for (const arn of [arnOf(MEMBER, EU, 999), arnOf('111111111111', 'us-east-1', 1)]) {
      await expect(acm.send(new DescribeCertificateCommand({ CertificateArn: arn }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        $metadata: { httpStatusCode: 400 },
      });
    }
    await expect(acm.send(new DescribeCertificateCommand({ CertificateArn: 'nope' }))).rejects.toMatchObject({
      name: 'InvalidArnException',
    });
  });

  it('lists tags, and none for a never-tagged certificate', async () => {
    const acm = clients.acm(h.sim, { region: EU, credentials: session });
    const tagged = await acm.send(new ListTagsForCertificateCommand({ CertificateArn: arnOf(MEMBER, EU, 1) }));
    const untagged = await acm.send(new ListTagsForCertificateCommand({ CertificateArn: arnOf(MEMBER, EU, 10) }));
    expect(tagged.Tags).toEqual([{ Key: 'owner', Value: 'team-a' }]);
    expect(untagged.Tags ?? []).toEqual([]);
  });

  it('answers UnrecognizedClientException (403) in a region the account has not enabled', async () => {
    const acm = clients.acm(h.sim, { region: 'me-south-1', credentials: session });
    await expect(acm.send(new ListCertificatesCommand({}))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
      $metadata: { httpStatusCode: 403 },
    });
    const optIn = clients.acm(h.sim, { region: 'af-south-1', credentials: session });
    await expect(optIn.send(new ListCertificatesCommand({}))).resolves.toMatchObject({ CertificateSummaryList: [] });
  });

  it('throttles beyond the quota; the SDK retries and every call succeeds', async () => {
    // Prepare: 15 concurrent describes against a quota cut to 3/s, so that even a slow, loaded machine that
    // spreads the requests over a few seconds sends more than the quota allows
    h.sim.counters.reset();
    h.sim.quotas.setQuota('DescribeCertificate', 3);
    const acm = clients.acm(h.sim, { region: EU, credentials: session, maxAttempts: 20 });

    // Act
    const answers = await Promise.all(
      Array.from({ length: 15 }, () =>
        acm.send(new DescribeCertificateCommand({ CertificateArn: arnOf(MEMBER, EU, 1) })),
      ),
    ).finally(() => h.sim.quotas.setQuota('DescribeCertificate', DEFAULT_QUOTAS.DescribeCertificate));

    // Assess
    const filter = { service: 'ACM', operation: 'DescribeCertificate' } as const;
    const throttled = h.sim.counters.throttled(filter);
    expect(answers).toHaveLength(15);
    expect(h.sim.counters.total({ ...filter, outcome: 'ok' })).toBe(15);
    expect(throttled).toBeGreaterThanOrEqual(5);
    expect(h.sim.counters.total(filter)).toBe(15 + throttled);
    expect(answers.reduce((sum, answer) => sum + (answer.$metadata.attempts ?? 1) - 1, 0)).toBe(throttled);
  });

  it('answers ThrottlingException and 500 InternalFailure as injected; the SDK retries both', async () => {
    // Prepare
    h.sim.counters.reset();
    h.sim.faults.throttle({ operation: 'ListCertificates', accountId: MEMBER, count: 1 });
    h.sim.faults.fail({ operation: 'ListCertificates', accountId: MEMBER, count: 1 });
    const patient = clients.acm(h.sim, { region: EU, credentials: session, maxAttempts: 3 });
    const impatient = clients.acm(h.sim, { region: EU, credentials: session, maxAttempts: 1 });

    // Act
    const answer = await patient.send(new ListCertificatesCommand({}));
    h.sim.faults.throttle({ operation: 'ListCertificates', count: 1 });
    const refused = impatient.send(new ListCertificatesCommand({}));

    // Assess
    expect(answer.$metadata.attempts).toBe(3);
    await expect(refused).rejects.toMatchObject({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } });
    expect(h.sim.counters.snapshot().byOutcome).toEqual({ ok: 1, throttled: 2, faulted: 1, error: 0 });
  });
});
