/**
 * The simulated organization's live state, and the changes a test, the demo or a benchmark makes to it.
 * Every mutation returns what it did, including the changes a correct change detector should report for the
 * certificate when it compares a scan from before with a scan from after.
 */
import { type CertificateStatus, type ChangeType, VALIDATION_TIMEOUT_HOURS } from '../../lambdas/core/model';
import { DAY_MS, type SimClock } from './clock';
import { dnsValidationOption, PUBLIC_VALIDITY_DAYS } from './generate';
import { CLOUDFRONT_REGION } from './regions';
import { hashSeed, Rng } from './rng';
import {
  type AccountState,
  type FailureReason,
  keyPairOriginOf,
  type LegacyAccountStatus,
  parseAccount,
  parseCertificate,
  parseCertificateArn,
  type Scenario,
  type ScenarioAccount,
  type ScenarioAccountInput,
  type ScenarioCertificate,
  type ScenarioCertificateInput,
  type ScenarioDomainValidation,
  type ScenarioOrganizationalUnit,
  type ScenarioRegion,
  type ScenarioRole,
} from './scenario';

/** ACM starts managed renewal at most this many days before a certificate expires (45 for today's 198-day ones). */
const ACM_RENEWAL_STARTS_DAYS = 60;
export interface CertRecord {
  accountId: string;
  region: string;
  /** Creation order within the organization; list pages follow it, so deletions never shift a page. */
  seq: number;
  certificate: ScenarioCertificate;
}

export interface SimAccount {
  id: string;
  name: string;
  email: string;
  state?: AccountState;
  status?: LegacyAccountStatus;
  joinedMethod: 'INVITED' | 'CREATED';
  joinedAt?: string;
  enabledRegions: ScenarioRegion[];
  disabledRegions: string[];
  roles: ScenarioRole[];
  taggingApiDenied: boolean;
  /** Tags in Organizations; absent: none. */
  tags?: Record<string, string> | undefined;
  /** The OU or root directly holding the account; absent: the root. */
  parentId?: string | undefined;
  /** Route 53 hosted zones, in creation order (Route 53 is global: no region). */
  hostedZones: Array<{ id: string; name: string; privateZone: boolean }>;
  /** Settings of the resources certificates are in use by (resources.ts). */
  resourceSettings?: ScenarioAccount['resourceSettings'];
  /** region → certificates in creation order. */
  targets: Map<string, CertRecord[]>;
}

export const MUTATION_KINDS = [
  'renew',
  'startRenewal',
  'failRenewal',
  'setPendingValidation',
  'reimport',
  'delete',
  'attach',
  'detach',
  'setTag',
  'removeTag',
  'addCertificate',
  'addAccount',
  'setAccountState',
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

/** One change made to the organization. */
export interface Mutation {
  kind: MutationKind;
  accountId: string;
  region?: string;
  arn?: string;
  domainName?: string;
  /**
   * What differs, for this certificate, between a scan before and a scan after, as the model's change types
   * (empty for account-level mutations). Derived from the visible fields, not from the kind.
   */
  changes: ChangeType[];
  /** One line a person can read. */
  summary: string;
  /** Simulation time of the mutation (ISO-8601). */
  at: string;
  /** The resource a certificate was attached to or detached from. */
  resourceArn?: string;
}

/**
 * Told of every mutation as it happens, with the certificate as it is after it (as it was, for a deletion): what the
 * simulator's event emitter (events.ts) turns into the ACM and CloudTrail events AWS would send.
 */
export type MutationObserver = (mutation: Mutation, certificate: ScenarioCertificate | undefined) => void;

/** A mutation that makes no sense for the target (unknown ARN, renewing an IMPORTED certificate...). */
export class SimStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SimStateError';
  }
}

export interface ChurnOptions {
  /** Share of detectable certificates (ACTIVE accounts that have an audit role) to change, 0–1. */
  fraction: number;
  /** New certificates to add, as a share of the changed ones. Default 0.05. */
  newCertificateShare?: number;
}

export class SimOrganization {
  readonly managementAccountId: string;
  readonly organizationId: string;
  readonly rootId: string;
  private readonly ous = new Map<string, ScenarioOrganizationalUnit>();
  private readonly accountList: SimAccount[] = [];
  private readonly byId = new Map<string, SimAccount>();
  private readonly byArn = new Map<string, CertRecord>();
  private nextSeq = 0;
  private readonly observers = new Set<MutationObserver>();

  constructor(
    scenario: Scenario,
    private readonly clock: SimClock,
  ) {
    this.managementAccountId = scenario.managementAccountId;
    this.organizationId =
      scenario.organizationId ?? `o-${hashSeed(scenario.managementAccountId).toString(36).padEnd(10, '0')}`;
    this.rootId = scenario.rootId ?? `r-${hashSeed(this.organizationId).toString(36).slice(0, 4).padEnd(4, '0')}`;
    for (const ou of structuredClone(scenario.organizationalUnits ?? [])) this.ous.set(ou.id, ou);
    for (const account of structuredClone(scenario.accounts)) this.insertAccount(account);
  }

  /** Calls `observer` after every mutation from now on; returns what stops it. */
  observe(observer: MutationObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** The OU or root directly holding an account or OU (Organizations allows one parent); undefined if unknown. */
  parentOf(childId: string): { id: string; type: 'ROOT' | 'ORGANIZATIONAL_UNIT' } | undefined {
    const parentId = this.byId.get(childId)?.parentId ?? this.ous.get(childId)?.parentId;
    if (!this.byId.has(childId) && !this.ous.has(childId)) return undefined;
    if (parentId === undefined || parentId === this.rootId) return { id: this.rootId, type: 'ROOT' };
    return { id: parentId, type: 'ORGANIZATIONAL_UNIT' };
  }

  /** The Organizations tags of an account, OU or the root; undefined when no such resource exists. */
  organizationTags(resourceId: string): Record<string, string> | undefined {
    if (resourceId === this.rootId) return {};
    const account = this.byId.get(resourceId);
    if (account) return account.tags ?? {};
    return this.ous.get(resourceId)?.tags;
  }

  /** Moves an account under another OU or the root (MoveAccount), as an administrator would. */
  moveAccount(accountId: string, parentId: string): void {
    const account = this.byId.get(accountId);
    if (!account) throw new SimStateError(`moveAccount: no account ${accountId}`);
    if (parentId !== this.rootId && !this.ous.has(parentId)) throw new SimStateError(`moveAccount: no OU ${parentId}`);
    account.parentId = parentId;
  }

  /** Adds an OU under another OU or the root (CreateOrganizationalUnit). */
  addOrganizationalUnit(ou: { id: string; name: string; parentId?: string }): void {
    if (this.ous.has(ou.id)) throw new SimStateError(`addOrganizationalUnit: ${ou.id} exists`);
    if (ou.parentId !== undefined && ou.parentId !== this.rootId && !this.ous.has(ou.parentId))
      throw new SimStateError(`addOrganizationalUnit: no parent ${ou.parentId}`);
    this.ous.set(ou.id, { ...ou, tags: {} });
  }

  /** Sets an account's tag in Organizations (TagResource), as an administrator would. */
  setAccountTag(accountId: string, key: string, value: string): void {
    const account = this.byId.get(accountId);
    if (!account) throw new SimStateError(`setAccountTag: no account ${accountId}`);
    account.tags = { ...account.tags, [key]: value };
  }

  // ---- reading -------------------------------------------------------------------------------------------

  accounts(): readonly SimAccount[] {
    return this.accountList;
  }

  account(accountId: string): SimAccount | undefined {
    return this.byId.get(accountId);
  }

  /** `State`, or the legacy `Status` when the scenario only has that. */
  stateOf(account: SimAccount): AccountState {
    return account.state ?? account.status ?? 'ACTIVE';
  }

  isRegionEnabled(accountId: string, region: string): boolean {
    return this.byId.get(accountId)?.enabledRegions.some((r) => r.name === region) ?? false;
  }

  role(accountId: string, roleName: string): ScenarioRole | undefined {
    return this.byId.get(accountId)?.roles.find((role) => role.name === roleName);
  }

  certificate(arn: string): CertRecord | undefined {
    return this.byArn.get(arn);
  }

  certificatesIn(accountId: string, region: string): readonly CertRecord[] {
    return this.byId.get(accountId)?.targets.get(region) ?? [];
  }

  allCertificates(): CertRecord[] {
    return [...this.byArn.values()].sort((a, b) => a.seq - b.seq);
  }

  /**
   * The status ACM reports now: an ISSUED certificate past its notAfter reads EXPIRED, and a request still pending
   * validation 72 hours after it was made reads VALIDATION_TIMED_OUT (ACM stops trying then; a request pending for
   * days does not exist in AWS).
   */
  statusOf(certificate: ScenarioCertificate): CertificateStatus {
    const now = this.clock.nowMs();
    if (certificate.status === 'ISSUED' && certificate.notAfter && Date.parse(certificate.notAfter) <= now) {
      return 'EXPIRED';
    }
    if (
      certificate.status === 'PENDING_VALIDATION' &&
      certificate.createdAt &&
      now - Date.parse(certificate.createdAt) >= VALIDATION_TIMEOUT_HOURS * 3_600_000
    ) {
      return 'VALIDATION_TIMED_OUT';
    }
    return certificate.status;
  }

  /** The organization as a scenario again (for `--dump`, or to restart from the current state). */
  toScenario(): Scenario {
    return structuredClone({
      managementAccountId: this.managementAccountId,
      organizationId: this.organizationId,
      start: this.clock.toISOString(),
      accounts: this.accountList.map((account): ScenarioAccount => {
        const { targets, ...rest } = account;
        const certificates = [...targets.values()]
          .flat()
          .sort((a, b) => a.seq - b.seq)
          .map((record) => record.certificate);
        return { ...rest, certificates };
      }),
    });
  }

  // ---- certificate mutations ----------------------------------------------------------------------------

  /**
   * Managed renewal completed: a new ~198-day validity (PRIVATE: the same validity as before), renewal SUCCESS.
   * Only ISSUED certificates renew (not IMPORTED, not expired).
   */
  renew(arn: string): Mutation {
    return this.mutate('renew', arn, (certificate) => {
      if (certificate.type === 'IMPORTED')
        throw new SimStateError(`${arn} is IMPORTED: ACM never renews it (reimport it)`);
      const status = this.statusOf(certificate);
      // ACM renews only certificates that are still valid; an expired one has to be requested again.
      if (status !== 'ISSUED') throw new SimStateError(`${arn} is ${status}: it cannot renew`);
      const now = this.clock.nowMs();
      const validity =
        certificate.type === 'PRIVATE' && certificate.notBefore && certificate.notAfter
          ? Date.parse(certificate.notAfter) - Date.parse(certificate.notBefore)
          : PUBLIC_VALIDITY_DAYS * DAY_MS;
      certificate.status = 'ISSUED';
      certificate.notBefore = iso(now);
      certificate.notAfter = iso(now + validity);
      certificate.issuedAt = iso(now);
      certificate.serial = serialFor(arn, now);
      if (certificate.type === 'AMAZON_ISSUED') {
        certificate.renewal = {
          status: 'SUCCESS',
          updatedAt: iso(now),
          domainValidationOptions: validationFor(certificate, 'SUCCESS'),
        };
      }
      return `renewed: valid until ${certificate.notAfter.slice(0, 10)}`;
    });
  }

  /** ACM started managed renewal (renewal status PENDING_AUTO_RENEWAL). */
  startRenewal(arn: string): Mutation {
    return this.setRenewal('startRenewal', arn, 'PENDING_AUTO_RENEWAL', 'PENDING_VALIDATION');
  }

  /** Managed renewal failed (renewal status FAILED with a reason). */
  failRenewal(arn: string, reason: FailureReason = 'CAA_ERROR'): Mutation {
    return this.setRenewal('failRenewal', arn, 'FAILED', 'FAILED', reason);
  }

  /** Managed renewal waits for DNS validation (renewal status PENDING_VALIDATION, with the records to create). */
  setPendingValidation(arn: string): Mutation {
    return this.setRenewal('setPendingValidation', arn, 'PENDING_VALIDATION', 'PENDING_VALIDATION');
  }

  /** An IMPORTED certificate replaced by a new one under the same ARN. */
  reimport(arn: string, notAfter: string): Mutation {
    return this.mutate('reimport', arn, (certificate) => {
      if (certificate.type !== 'IMPORTED')
        throw new SimStateError(`${arn} is ${certificate.type}: only IMPORTED reimports`);
      const now = this.clock.nowMs();
      const end = Date.parse(notAfter);
      if (Number.isNaN(end) || end <= now)
        throw new SimStateError(`reimport: notAfter ${notAfter} must be a date after now`);
      certificate.status = 'ISSUED';
      certificate.notBefore = iso(now);
      certificate.notAfter = iso(end);
      certificate.importedAt = iso(now);
      certificate.serial = serialFor(arn, now);
      return `reimported: valid until ${certificate.notAfter.slice(0, 10)}`;
    });
  }

  /** Deletes a certificate. Like ACM, refuses while it is in use. */
  deleteCertificate(arn: string): Mutation {
    const record = this.require(arn);
    if (record.certificate.inUseBy.length > 0) {
      throw new SimStateError(`${arn} is in use by ${record.certificate.inUseBy.length} resource(s): detach first`);
    }
    const before = visible(this, record.certificate);
    const list = this.certificatesIn(record.accountId, record.region) as CertRecord[];
    list.splice(list.indexOf(record), 1);
    this.byArn.delete(arn);
    return this.record('delete', record, before, undefined, 'deleted');
  }

  attach(arn: string, resourceArn: string): Mutation {
    return this.mutate(
      'attach',
      arn,
      (certificate, record) => {
        if (resourceArn.startsWith('arn:aws:cloudfront:') && record.region !== CLOUDFRONT_REGION) {
          throw new SimStateError(`CloudFront only uses certificates in ${CLOUDFRONT_REGION}`);
        }
        if (certificate.inUseBy.includes(resourceArn))
          throw new SimStateError(`${arn} is already used by ${resourceArn}`);
        certificate.inUseBy.push(resourceArn);
        this.updateEligibility(certificate);
        return `attached to ${resourceArn}`;
      },
      resourceArn,
    );
  }

  detach(arn: string, resourceArn: string): Mutation {
    return this.mutate(
      'detach',
      arn,
      (certificate) => {
        const index = certificate.inUseBy.indexOf(resourceArn);
        if (index < 0) throw new SimStateError(`${arn} is not used by ${resourceArn}`);
        certificate.inUseBy.splice(index, 1);
        this.updateEligibility(certificate);
        return `detached from ${resourceArn}`;
      },
      resourceArn,
    );
  }

  setTag(arn: string, key: string, value: string): Mutation {
    return this.mutate('setTag', arn, (certificate) => {
      certificate.tags = { ...(certificate.tags ?? {}), [key]: value };
      return `tag ${key}=${value}`;
    });
  }

  removeTag(arn: string, key: string): Mutation {
    return this.mutate('removeTag', arn, (certificate) => {
      if (!certificate.tags || !(key in certificate.tags)) throw new SimStateError(`${arn} has no tag ${key}`);
      const { [key]: _removed, ...rest } = certificate.tags;
      certificate.tags = rest;
      return `tag ${key} removed`;
    });
  }

  /** A new certificate in an account (validated like a scenario certificate; its ARN names account and region). */
  addCertificate(certificate: ScenarioCertificateInput): Mutation {
    const parsed = parseCertificate(certificate);
    const { accountId, region } = parseCertificateArn(parsed.arn);
    const account = this.byId.get(accountId);
    if (!account) throw new SimStateError(`addCertificate: no account ${accountId}`);
    if (!this.isRegionEnabled(accountId, region)) throw new SimStateError(`addCertificate: ${region} is not enabled`);
    if (this.byArn.has(parsed.arn)) throw new SimStateError(`addCertificate: ${parsed.arn} exists`);
    const record = this.insertCertificate(account, parsed);
    return this.record('addCertificate', record, undefined, visible(this, parsed), `new ${parsed.type} certificate`);
  }

  // ---- account mutations --------------------------------------------------------------------------------

  /** An account joins the organization (with its regions, roles and certificates). */
  addAccount(input: ScenarioAccountInput): Mutation {
    const account = parseAccount(input);
    if (this.byId.has(account.id)) throw new SimStateError(`addAccount: account ${account.id} exists`);
    for (const certificate of account.certificates) {
      if (this.byArn.has(certificate.arn)) throw new SimStateError(`addAccount: ${certificate.arn} exists`);
    }
    this.insertAccount(account);
    return {
      kind: 'addAccount',
      accountId: account.id,
      changes: [],
      summary: `account ${account.name} (${account.id}) joined with ${account.certificates.length} certificate(s)`,
      at: this.clock.toISOString(),
    };
  }

  setAccountState(accountId: string, state: AccountState): Mutation {
    const account = this.byId.get(accountId);
    if (!account) throw new SimStateError(`setAccountState: no account ${accountId}`);
    const before = this.stateOf(account);
    account.state = state;
    account.status = undefined;
    return {
      kind: 'setAccountState',
      accountId,
      changes: [],
      summary: `account ${account.name}: ${before} → ${state}`,
      at: this.clock.toISOString(),
    };
  }

  // ---- churn --------------------------------------------------------------------------------------------

  /**
   * A realistic random mix of mutations on a fraction of the certificates a scanner can see (ACTIVE accounts
   * with an audit role): renewals, stuck and failed renewals, reimports, attach/detach, owner changes,
   * deletions of unused certificates, a few new certificates. Each chosen certificate changes once.
   */
  churn(seed: number, options: ChurnOptions): Mutation[] {
    if (!(options.fraction >= 0 && options.fraction <= 1)) throw new RangeError('churn: fraction must be within 0–1');
    const rng = new Rng(seed);
    const visibleAccounts = this.accountList.filter(
      (account) => this.stateOf(account) === 'ACTIVE' && account.roles.length > 0,
    );
    const candidates = visibleAccounts
      .flatMap((account) => [...account.targets.values()].flat())
      .sort((a, b) => a.seq - b.seq);
    const chosen = rng.shuffle(candidates).slice(0, Math.round(candidates.length * options.fraction));
    const mutations: Mutation[] = [];
    for (const record of chosen) {
      const mutation = this.churnOne(rng, record);
      if (mutation) mutations.push(mutation);
    }
    const additions = Math.round(chosen.length * (options.newCertificateShare ?? 0.05));
    const targets = visibleAccounts.flatMap((account) =>
      [...account.targets.keys()].map((region) => ({ account, region })),
    );
    for (let i = 0; i < additions && targets.length > 0; i++) {
      const { account, region } = rng.pick(targets);
      mutations.push(this.addCertificate(newCertificate(rng, account, region, this.clock.nowMs())));
    }
    return mutations;
  }

  private churnOne(rng: Rng, record: CertRecord): Mutation | undefined {
    const { certificate } = record;
    const status = this.statusOf(certificate);
    const live = status === 'ISSUED' || status === 'EXPIRED';
    const managed = certificate.type === 'AMAZON_ISSUED' && keyPairOriginOf(certificate) !== 'ACME';
    const inUse = certificate.inUseBy.length > 0;
    const options: Array<readonly [() => Mutation, number]> = [
      [() => this.setTag(certificate.arn, 'owner', rng.pick(OWNERS.filter((o) => o !== certificate.tags?.owner))), 2],
    ];
    if (!inUse) options.push([() => this.deleteCertificate(certificate.arn), live ? 1 : 3]);
    if (live) {
      options.push([() => this.attach(certificate.arn, newResource(rng, record)), 1]);
      if (inUse) options.push([() => this.detach(certificate.arn, rng.pick(certificate.inUseBy)), 1]);
    }
    // ACM attempts managed renewal only for valid, eligible certificates, and only in the last weeks before expiry.
    const daysLeft = certificate.notAfter ? (Date.parse(certificate.notAfter) - this.clock.nowMs()) / DAY_MS : 0;
    const renewable =
      status === 'ISSUED' && certificate.renewalEligibility === 'ELIGIBLE' && daysLeft <= ACM_RENEWAL_STARTS_DAYS;
    if (renewable && managed) {
      options.push([() => this.renew(certificate.arn), 4]);
      options.push([
        () => this.failRenewal(certificate.arn, rng.pick(['CAA_ERROR', 'DOMAIN_VALIDATION_DENIED', 'OTHER'])),
        1,
      ]);
      options.push([() => this.setPendingValidation(certificate.arn), 1]);
      if (certificate.renewal?.status !== 'PENDING_AUTO_RENEWAL')
        options.push([() => this.startRenewal(certificate.arn), 1]);
    }
    if (renewable && certificate.type === 'PRIVATE') options.push([() => this.renew(certificate.arn), 2]);
    if (certificate.type === 'IMPORTED') {
      const days = rng.pick([90, 365, 397]);
      options.push([() => this.reimport(certificate.arn, iso(this.clock.nowMs() + days * DAY_MS)), 4]);
    }
    return rng.weighted(options)();
  }

  // ---- internals ----------------------------------------------------------------------------------------

  private setRenewal(
    kind: MutationKind,
    arn: string,
    status: 'PENDING_AUTO_RENEWAL' | 'PENDING_VALIDATION' | 'FAILED',
    validation: ScenarioDomainValidation['validationStatus'],
    reason?: FailureReason,
  ): Mutation {
    return this.mutate(kind, arn, (certificate) => {
      if (certificate.type !== 'AMAZON_ISSUED') {
        throw new SimStateError(`${arn} is ${certificate.type}: only AMAZON_ISSUED has a renewal summary`);
      }
      certificate.renewal = {
        status,
        reason,
        updatedAt: this.clock.toISOString(),
        domainValidationOptions: validationFor(certificate, validation),
      };
      return `renewal status ${status}${reason ? ` (${reason})` : ''}`;
    });
  }

  private updateEligibility(certificate: ScenarioCertificate): void {
    if (certificate.type === 'IMPORTED' || keyPairOriginOf(certificate) === 'ACME') return;
    const live = this.statusOf(certificate) === 'ISSUED';
    certificate.renewalEligibility =
      live && (certificate.inUseBy.length > 0 || certificate.exported) ? 'ELIGIBLE' : 'INELIGIBLE';
  }

  private require(arn: string): CertRecord {
    const record = this.byArn.get(arn);
    if (!record) throw new SimStateError(`no certificate ${arn}`);
    return record;
  }

  private mutate(
    kind: MutationKind,
    arn: string,
    apply: (certificate: ScenarioCertificate, record: CertRecord) => string,
    resourceArn?: string,
  ): Mutation {
    const record = this.require(arn);
    const before = visible(this, record.certificate);
    const draft = structuredClone(record.certificate);
    const summary = apply(draft, record);
    record.certificate = draft;
    return this.record(kind, record, before, visible(this, draft), summary, resourceArn);
  }

  private record(
    kind: MutationKind,
    record: CertRecord,
    before: Visible | undefined,
    after: Visible | undefined,
    summary: string,
    resourceArn?: string,
  ): Mutation {
    const mutation: Mutation = {
      kind,
      accountId: record.accountId,
      region: record.region,
      arn: record.certificate.arn,
      domainName: record.certificate.domainName,
      changes: diffVisible(before, after),
      summary,
      at: this.clock.toISOString(),
      ...(resourceArn === undefined ? {} : { resourceArn }),
    };
    for (const observer of this.observers) observer(mutation, record.certificate);
    return mutation;
  }

  private insertAccount(account: ScenarioAccount): void {
    const { certificates, ...rest } = account;
    const simAccount: SimAccount = {
      ...rest,
      email: rest.email ?? `aws+${rest.name}@example.com`,
      targets: new Map(),
    };
    this.accountList.push(simAccount);
    this.byId.set(account.id, simAccount);
    for (const certificate of certificates) this.insertCertificate(simAccount, certificate);
  }

  private insertCertificate(account: SimAccount, certificate: ScenarioCertificate): CertRecord {
    const { region } = parseCertificateArn(certificate.arn);
    const record: CertRecord = { accountId: account.id, region, seq: this.nextSeq++, certificate };
    let list = account.targets.get(region);
    if (!list) {
      list = [];
      account.targets.set(region, list);
    }
    list.push(record);
    this.byArn.set(certificate.arn, record);
    return record;
  }
}

/** The fields a scanner sees and a change detector compares. */
interface Visible {
  type: string;
  status: CertificateStatus;
  notAfter?: string;
  importedAt?: string;
  renewalStatus?: string;
  renewalEligibility: string;
  inUseBy: string[];
  tags: Record<string, string>;
}

function visible(org: SimOrganization, certificate: ScenarioCertificate): Visible {
  return {
    type: certificate.type,
    status: org.statusOf(certificate),
    notAfter: certificate.notAfter,
    importedAt: certificate.importedAt,
    renewalStatus: certificate.type === 'AMAZON_ISSUED' ? certificate.renewal?.status : undefined,
    renewalEligibility: certificate.renewalEligibility,
    inUseBy: [...certificate.inUseBy],
    tags: { ...(certificate.tags ?? {}) },
  };
}

/** The model's change types between two views of one certificate. */
export function diffVisible(before: Visible | undefined, after: Visible | undefined): ChangeType[] {
  if (!before && !after) return [];
  if (!before) return ['NEW'];
  if (!after) return ['REMOVED'];
  const changes: ChangeType[] = [];
  if (after.type === 'IMPORTED' && (before.notAfter !== after.notAfter || before.importedAt !== after.importedAt)) {
    changes.push('REIMPORTED');
  } else if (before.notAfter !== after.notAfter) {
    changes.push('RENEWED');
  }
  if (before.status !== after.status) changes.push('STATUS_CHANGED');
  if (before.renewalStatus !== after.renewalStatus) changes.push('RENEWAL_STATUS_CHANGED');
  if (after.inUseBy.some((resource) => !before.inUseBy.includes(resource))) changes.push('ATTACHED');
  if (before.inUseBy.some((resource) => !after.inUseBy.includes(resource))) changes.push('DETACHED');
  if (before.renewalEligibility === 'ELIGIBLE' && after.renewalEligibility === 'INELIGIBLE')
    changes.push('BECAME_INELIGIBLE');
  if (!sameTags(before.tags, after.tags)) changes.push('TAGS_CHANGED');
  return changes;
}

function sameTags(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}

const OWNERS = ['team-platform', 'team-payments', 'team-identity', 'team-web', 'alice@example.com', 'bob@example.com'];

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function serialFor(arn: string, ms: number): string {
  const rng = new Rng(hashSeed(arn, ms));
  return (rng.hex(32).match(/../g) as string[]).join(':');
}

function validationFor(
  certificate: ScenarioCertificate,
  status: ScenarioDomainValidation['validationStatus'],
): ScenarioDomainValidation[] {
  const names =
    certificate.subjectAlternativeNames.length > 0 ? certificate.subjectAlternativeNames : [certificate.domainName];
  const known = new Map((certificate.domainValidationOptions ?? []).map((option) => [option.domainName, option]));
  return names.map((name) =>
    dnsValidationOption(new Rng(hashSeed(certificate.arn, name)), name, status, known.get(name)?.resourceRecord),
  );
}

function newResource(rng: Rng, record: CertRecord): string {
  if (record.region === CLOUDFRONT_REGION && rng.chance(0.4)) {
    return `arn:aws:cloudfront::${record.accountId}:distribution/E${rng.hex(13).toUpperCase()}`;
  }
  return `arn:aws:elasticloadbalancing:${record.region}:${record.accountId}:loadbalancer/app/churn-${rng.hex(6)}/${rng.hex(16)}`;
}

function newCertificate(rng: Rng, account: SimAccount, region: string, nowMs: number): ScenarioCertificateInput {
  const domainName = `new-${rng.hex(6)}.${account.name}.example.com`;
  const arn = `arn:aws:acm:${region}:${account.id}:certificate/${rng.uuid()}`;
  return {
    arn,
    domainName,
    subjectAlternativeNames: [domainName],
    type: 'AMAZON_ISSUED',
    status: 'ISSUED',
    keyAlgorithm: rng.chance(0.7) ? 'RSA_2048' : 'EC_prime256v1',
    keyPairOrigin: 'AWS_MANAGED',
    createdAt: iso(nowMs - 600_000),
    issuedAt: iso(nowMs),
    notBefore: iso(nowMs),
    notAfter: iso(nowMs + PUBLIC_VALIDITY_DAYS * DAY_MS),
    renewalEligibility: 'ELIGIBLE',
    inUseBy: [`arn:aws:elasticloadbalancing:${region}:${account.id}:loadbalancer/app/new-${rng.hex(6)}/${rng.hex(16)}`],
    tags: { owner: rng.pick(OWNERS), env: 'prod' },
    issuer: 'Amazon',
    serial: (rng.hex(32).match(/../g) as string[]).join(':'),
  };
}
