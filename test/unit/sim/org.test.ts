import { describe, expect, it } from 'vitest';
import {
  generateAccount,
  generateScenario,
  parseScenario,
  SimClock,
  SimOrganization,
  SimStateError,
} from '../../../local/sim';
import { arnOf, fixtureScenario, MEMBER, START } from './fixture';

const DAY = 86_400_000;

function fixture() {
  const clock = new SimClock(START);
  return { clock, org: new SimOrganization(parseScenario(fixtureScenario()), clock) };
}

describe('SimOrganization', () => {
  it('reads an ISSUED certificate as EXPIRED once the clock passes notAfter', () => {
    // Prepare
    const { clock, org } = fixture();
    const record = org.certificate(arnOf(MEMBER, 'eu-west-1', 1));

    // Act / Assess
    expect(org.statusOf(record?.certificate as never)).toBe('ISSUED');
    clock.set('2027-04-17T00:00:00.000Z');
    expect(org.statusOf(record?.certificate as never)).toBe('EXPIRED');
  });

  it('reads a request still pending validation 72 hours after it was made as VALIDATION_TIMED_OUT, as ACM sets it', () => {
    // Prepare
    const { clock, org } = fixture();
    const arn = 'arn:aws:acm:eu-west-1:222222222222:certificate/0000000b-0000-4000-8000-000000000072';
    org.addCertificate({
      arn,
      domainName: 'new.example.com',
      type: 'AMAZON_ISSUED',
      status: 'PENDING_VALIDATION',
      keyAlgorithm: 'RSA_2048',
      createdAt: clock.toISOString(),
      renewalEligibility: 'INELIGIBLE',
    });
    const certificate = org.certificate(arn)?.certificate as never;

    // Act / Assess
    clock.advanceMs(72 * 3_600_000 - 1);
    expect(org.statusOf(certificate)).toBe('PENDING_VALIDATION');
    clock.advanceMs(1);
    expect(org.statusOf(certificate)).toBe('VALIDATION_TIMED_OUT');
  });

  it('renews an ACM certificate for 198 days with renewal status SUCCESS', () => {
    // Prepare
    const { clock, org } = fixture();
    const arn = arnOf(MEMBER, 'eu-west-1', 1);

    // Act
    const mutation = org.renew(arn);

    // Assess
    const certificate = org.certificate(arn)?.certificate;
    expect(Date.parse(certificate?.notAfter as string)).toBe(clock.nowMs() + 198 * DAY);
    expect(certificate?.renewal?.status).toBe('SUCCESS');
    expect(mutation).toMatchObject({ kind: 'renew', arn, accountId: MEMBER, region: 'eu-west-1' });
    expect(mutation.changes).toEqual(['RENEWED', 'RENEWAL_STATUS_CHANGED']);
  });

  it('refuses to renew an expired certificate', () => {
    const { clock, org } = fixture();
    clock.set('2027-05-01T00:00:00.000Z');
    expect(() => org.renew(arnOf(MEMBER, 'eu-west-1', 1))).toThrow(/EXPIRED/);
  });

  it('refuses to renew an IMPORTED certificate and reimports it instead', () => {
    const { org } = fixture();
    const arn = arnOf(MEMBER, 'eu-west-1', 9);
    expect(() => org.renew(arn)).toThrow(SimStateError);

    const mutation = org.reimport(arn, '2027-12-01T00:00:00.000Z');

    expect(mutation.changes).toEqual(['REIMPORTED', 'STATUS_CHANGED']);
    expect(org.statusOf(org.certificate(arn)?.certificate as never)).toBe('ISSUED');
  });

  it('fails a renewal and asks for validation with DNS records', () => {
    const { org } = fixture();
    const arn = arnOf(MEMBER, 'eu-west-1', 1);

    expect(org.failRenewal(arn, 'CAA_ERROR').changes).toEqual(['RENEWAL_STATUS_CHANGED']);
    expect(org.certificate(arn)?.certificate.renewal).toMatchObject({ status: 'FAILED', reason: 'CAA_ERROR' });

    org.setPendingValidation(arn);
    const renewal = org.certificate(arn)?.certificate.renewal;
    expect(renewal?.status).toBe('PENDING_VALIDATION');
    expect(renewal?.domainValidationOptions[0]?.resourceRecord?.name).toBe('_abc.c1.example.com.');
  });

  it('detaches the last resource and makes an ACM certificate ineligible for renewal', () => {
    const { org } = fixture();
    const arn = arnOf(MEMBER, 'eu-west-1', 1);
    const resource = org.certificate(arn)?.certificate.inUseBy[0] as string;

    const detached = org.detach(arn, resource);
    const attached = org.attach(arn, 'arn:aws:elasticloadbalancing:eu-west-1:222222222222:loadbalancer/app/new/1');

    expect(detached.changes).toEqual(['DETACHED', 'BECAME_INELIGIBLE']);
    expect(attached.changes).toEqual(['ATTACHED']);
    expect(() => org.attach(arn, 'arn:aws:cloudfront::222222222222:distribution/E1')).toThrow(/us-east-1/);
  });

  it('deletes only unused certificates', () => {
    const { org } = fixture();
    expect(() => org.deleteCertificate(arnOf(MEMBER, 'eu-west-1', 1))).toThrow(/in use/);

    const mutation = org.deleteCertificate(arnOf(MEMBER, 'eu-west-1', 10));

    expect(mutation.changes).toEqual(['REMOVED']);
    expect(org.certificate(arnOf(MEMBER, 'eu-west-1', 10))).toBeUndefined();
    expect(org.certificatesIn(MEMBER, 'eu-west-1')).toHaveLength(11);
  });

  it('tags a never-tagged certificate', () => {
    const { org } = fixture();
    const arn = arnOf(MEMBER, 'eu-west-1', 10);
    expect(org.setTag(arn, 'owner', 'team-z').changes).toEqual(['TAGS_CHANGED']);
    expect(org.certificate(arn)?.certificate.tags).toEqual({ owner: 'team-z' });
  });

  it('adds an account that joined with its certificates', () => {
    const { org } = fixture();
    const account = generateAccount({ seed: 1, id: '121212121212', start: START, managementAccountId: '111111111111' });

    const mutation = org.addAccount(account);

    expect(mutation.kind).toBe('addAccount');
    expect(org.account('121212121212')).toBeDefined();
    expect(org.allCertificates().filter((r) => r.accountId === '121212121212')).toHaveLength(
      account.certificates?.length ?? -1,
    );
    expect(() => org.addAccount(account)).toThrow(SimStateError);
  });

  it('round-trips through toScenario', () => {
    const { org } = fixture();
    org.setTag(arnOf(MEMBER, 'eu-west-1', 10), 'owner', 'x');
    const again = new SimOrganization(parseScenario(JSON.parse(JSON.stringify(org.toScenario()))), new SimClock(START));
    expect(again.certificate(arnOf(MEMBER, 'eu-west-1', 10))?.certificate.tags).toEqual({ owner: 'x' });
    expect(again.allCertificates()).toHaveLength(org.allCertificates().length);
  });

  describe('churn', () => {
    function generated() {
      const scenario = generateScenario({ seed: 5, accounts: 12 });
      const clock = new SimClock(scenario.start as string);
      return new SimOrganization(scenario, clock);
    }

    it('changes the given fraction of visible certificates, deterministically per seed', () => {
      // Prepare
      const a = generated();
      const b = generated();
      const visible = a
        .accounts()
        .filter((account) => a.stateOf(account) === 'ACTIVE' && account.roles.length > 0)
        .flatMap((account) => [...account.targets.values()].flat());

      // Act
      const first = a.churn(9, { fraction: 0.2 });
      const second = b.churn(9, { fraction: 0.2 });

      // Assess
      expect(first).toEqual(second);
      const changedExisting = first.filter((m) => m.kind !== 'addCertificate');
      expect(changedExisting).toHaveLength(Math.round(visible.length * 0.2));
      expect(new Set(changedExisting.map((m) => m.arn)).size).toBe(changedExisting.length);
      expect(first.every((m) => m.changes.length > 0)).toBe(true);
      expect(new Set(first.map((m) => m.kind)).size).toBeGreaterThanOrEqual(5);
    });

    it('never touches accounts a scanner cannot reach', () => {
      const org = generated();
      const unreachable = new Set(
        org
          .accounts()
          .filter((account) => org.stateOf(account) !== 'ACTIVE' || account.roles.length === 0)
          .map((account) => account.id),
      );
      const mutations = org.churn(1, { fraction: 1 });
      expect(mutations.some((m) => unreachable.has(m.accountId))).toBe(false);
    });
  });
});
