import { ACMClient, ListCertificatesCommand } from '@aws-sdk/client-acm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MANAGEMENT, MEMBER } from '../../unit/sim/fixture';
import { assumeAudit, clients, type Harness, startFixture } from './harness';

const AUTH = (service: string) =>
  `AWS4-HMAC-SHA256 Credential=KEY/20261201/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=00`;

describe('simulator protocol handling', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFixture();
  });
  afterAll(async () => {
    await h.sim.close();
  });

  it('answers an unknown awsJson operation with UnknownOperationException and logs it', async () => {
    const response = await fetch(h.sim.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'CertificateManager.Frobnicate',
        authorization: AUTH('acm'),
      },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'UnknownOperationException' });
    expect(h.lines.some((line) => line.includes('UnknownOperationException'))).toBe(true);
  });

  it('answers an unknown query action with InvalidAction in the STS XML error shape', async () => {
    const response = await fetch(h.sim.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: AUTH('sts') },
      body: 'Action=Frobnicate&Version=2011-06-15',
    });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(text).toMatch(/^<ErrorResponse[^>]*><Error><Type>Sender<\/Type><Code>InvalidAction<\/Code>/);
  });

  it('answers unreadable JSON with SerializationException and a missing signature with its own error', async () => {
    const garbled = await fetch(h.sim.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'CertificateManager.ListCertificates', authorization: AUTH('acm') },
      body: '{not json',
    });
    const unsigned = await fetch(h.sim.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'CertificateManager.ListCertificates' },
      body: '{}',
    });
    expect(await garbled.json()).toMatchObject({ __type: 'SerializationException' });
    expect(unsigned.status).toBe(403);
    expect(await unsigned.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
  });

  it('rejects keys it never issued (UnrecognizedClientException) and keeps serving', async () => {
    const stranger = clients.acm(h.sim, { credentials: { accessKeyId: 'AKIANOBODY', secretAccessKey: 'x' } });
    await expect(stranger.send(new ListCertificatesCommand({}))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
      $metadata: { httpStatusCode: 403 },
    });
    await expect(clients.sts(h.sim).send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({
      Account: MANAGEMENT,
    });
  });
});

describe('simulator endpoints from the environment', () => {
  let h: Harness;
  const saved = { ...process.env };
  beforeAll(async () => {
    h = await startFixture();
  });
  afterAll(async () => {
    await h.sim.close();
  });
  afterEach(() => {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  it('serves a client configured only by env() (AWS_ENDPOINT_URL and the management keys)', async () => {
    delete process.env.AWS_PROFILE;
    Object.assign(process.env, h.sim.env());
    const identity = await new STSClient({}).send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe(MANAGEMENT);
  });

  it('serves a client configured by the service-specific AWS_ENDPOINT_URL_ACM', async () => {
    process.env.AWS_ENDPOINT_URL_ACM = h.sim.url;
    const session = await assumeAudit(h.sim);
    const acm = new ACMClient({ region: 'eu-west-1', credentials: session });
    const page = await acm.send(new ListCertificatesCommand({}));
    expect(page.CertificateSummaryList?.length).toBeGreaterThan(0);
  });
});

describe('simulator counters', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startFixture();
  });
  afterAll(async () => {
    await h.sim.close();
  });

  it('counts every call exactly, by service, operation, account, region and outcome', async () => {
    // Prepare
    h.sim.counters.reset();

    // Act: 1 AssumeRole (management), 3 ListCertificates (member, eu-west-1), 1 denied ListCertificates (me-south-1)
    const session = await assumeAudit(h.sim);
    const acm = clients.acm(h.sim, { region: 'eu-west-1', credentials: session });
    for (let i = 0; i < 3; i++) await acm.send(new ListCertificatesCommand({}));
    await clients
      .acm(h.sim, { region: 'me-south-1', credentials: session })
      .send(new ListCertificatesCommand({}))
      .catch(() => undefined);

    // Assess
    expect(h.sim.counters.snapshot()).toEqual({
      total: 5,
      byOutcome: { ok: 4, throttled: 0, faulted: 0, error: 1 },
      byService: { STS: 1, ACM: 4 },
      byOperation: { 'STS.AssumeRole': 1, 'ACM.ListCertificates': 4 },
      byAccount: { [MANAGEMENT]: 1, [MEMBER]: 4 },
      byRegion: { 'us-east-1': 1, 'eu-west-1': 3, 'me-south-1': 1 },
      throttledByOperation: {},
    });
  });
});
