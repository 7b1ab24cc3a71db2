/**
 * Generates a realistic organization from a seed: the same options always give the same scenario.
 *
 * The mix follows what platform teams find in real organizations: mostly DNS-validated public certificates
 * (198-day validity, renewed by ACM) behind load balancers and CloudFront, a sizeable share of imported ones
 * (which never renew), a few private ones, and the long tail that monitors exist for: expired, revoked, failed
 * issuance, stuck renewals, unused and never-tagged certificates, and every key type.
 */
import { createHash } from 'node:crypto';
import type { CertificateType, KeyAlgorithm, RenewalStatus } from '../../lambdas/core/model';
import { DEFAULT_AUDIT_ROLE_NAME } from '../../lambdas/core/names';
import { DAY_MS, DEFAULT_SIM_START } from './clock';
import { CLOUDFRONT_REGION, DEFAULT_REGIONS, isOptInRegion, OPT_IN_REGIONS } from './regions';
import { Rng } from './rng';
import type {
  AccountState,
  FailureReason,
  Scenario,
  ScenarioAccount,
  ScenarioAccountInput,
  ScenarioCertificate,
  ScenarioDomainValidation,
} from './scenario';

export interface Range {
  min: number;
  max: number;
}

export interface GenerateOptions {
  seed: number;
  /** Accounts in the organization, the management account included. */
  accounts: number;
  /** Regions every account has; opt-in ones among them are enabled only in some accounts. Default: 17 commercial + 5 opt-in. */
  regions?: string[];
  /** Certificates in each region an account uses. Default 1–12. */
  certificatesPerTarget?: Range;
  /** Regions with certificates per account (home region, us-east-1 for CloudFront, ...). Default 1–3. */
  activeRegionsPerAccount?: Range;
  /** One target (a member account's home region) gets exactly this many certificates (ACM allows 2,500). */
  largestTarget?: number;
  /** The simulation clock's start (ISO-8601); certificate dates are spread around it. */
  start?: string;
  /** Audit role name in every account. Default CertAuditReadOnly. */
  roleName?: string;
  /** When set, every audit role requires this ExternalId. */
  externalId?: string;
  /** Member accounts whose tagging API is denied (exercises the ListTagsForCertificate fallback). Default 1 from 8 accounts. */
  taggingDeniedAccounts?: number;
  /** Member accounts listed with only the retired `Status` field. Default 0. */
  legacyStatusAccounts?: number;
  /** Member accounts where the audit role is missing (not deployed yet). Default 0. */
  accountsWithoutRole?: number;
  /** Let some member accounts be SUSPENDED, PENDING_CLOSURE, CLOSED or PENDING_ACTIVATION. Default true. */
  inactiveAccounts?: boolean;
  /**
   * Give accounts the Route 53 public hosted zones of their certificates' names, one per team (and one private
   * twin, which the monitor must skip); with three zones or more, the last by name is left outside the organization.
   * Draws nothing from the seed's random sequence, so a scenario is the same with or without it. Default false.
   */
  hostedZones?: boolean;
}

/** Public ACM certificates are valid about 198 days. */
export const PUBLIC_VALIDITY_DAYS = 198;
/** ACM starts managed renewal this many days before expiry and usually completes it by 45. */
const RENEWAL_START_DAYS = 60;
const RENEWAL_DONE_DAYS = 45;

const TEAMS = [
  'payments',
  'search',
  'identity',
  'checkout',
  'data',
  'platform',
  'mobile',
  'marketing',
  'analytics',
  'billing',
  'support',
  'media',
  'logistics',
  'catalog',
  'ml',
  'security',
  'networking',
  'web',
  'api',
  'partners',
] as const;
const ENVIRONMENTS = ['prod', 'staging', 'dev', 'sandbox', 'qa'] as const;
const SUBDOMAINS = [
  'api',
  'www',
  'app',
  'auth',
  'static',
  'cdn',
  'admin',
  'grafana',
  'vpn',
  'portal',
  'status',
  'docs',
  'shop',
  'login',
  'media',
  'search',
  'events',
  'hooks',
  'internal',
  'gateway',
] as const;
const PEOPLE = ['alice', 'bob', 'carol', 'dmitri', 'erin', 'farah', 'gus', 'hana', 'ivan', 'jules'] as const;
const HOME_REGIONS: ReadonlyArray<readonly [string, number]> = [
  ['us-east-1', 30],
  ['eu-west-1', 20],
  ['us-west-2', 14],
  ['eu-central-1', 10],
  ['us-east-2', 6],
  ['ap-southeast-2', 5],
  ['ap-northeast-1', 5],
  ['eu-west-2', 4],
  ['ca-central-1', 3],
  ['ap-south-1', 3],
];
const ISSUANCE_FAILURES: readonly FailureReason[] = [
  'CAA_ERROR',
  'DOMAIN_NOT_ALLOWED',
  'ADDITIONAL_VERIFICATION_REQUIRED',
  'INVALID_PUBLIC_DOMAIN',
  'NO_AVAILABLE_CONTACTS',
];
const RENEWAL_FAILURES: readonly FailureReason[] = ['CAA_ERROR', 'DOMAIN_VALIDATION_DENIED', 'OTHER'];

/** Key algorithms each type can have (ACM public certificates: RSA 2048, P-256, P-384). */
const KEYS_BY_TYPE: Record<CertificateType, ReadonlyArray<readonly [KeyAlgorithm, number]>> = {
  AMAZON_ISSUED: [
    ['RSA_2048', 72],
    ['EC_prime256v1', 20],
    ['EC_secp384r1', 8],
  ],
  IMPORTED: [
    ['RSA_2048', 52],
    ['RSA_4096', 15],
    ['EC_prime256v1', 12],
    ['RSA_3072', 7],
    ['EC_secp384r1', 7],
    ['RSA_1024', 4],
    ['EC_secp521r1', 3],
  ],
  PRIVATE: [
    ['RSA_2048', 50],
    ['EC_prime256v1', 20],
    ['RSA_4096', 10],
    ['RSA_3072', 10],
    ['EC_secp384r1', 5],
    ['EC_secp521r1', 5],
  ],
};

/** What one generated certificate is made to show. `issued` is the ordinary, randomly aged case. */
type Lifecycle =
  | 'issued'
  | 'renewal-pending-auto'
  | 'renewal-pending-validation'
  | 'renewal-success'
  | 'renewal-failed'
  | 'expired'
  | 'revoked'
  | 'failed'
  | 'pending-validation'
  | 'timed-out'
  | 'acme'
  | 'cloudfront'
  | 'unused';
type TagProfile = 'owner' | 'no-owner' | 'never';

interface Spec {
  accountIndex: number;
  region: string;
  type: CertificateType;
  lifecycle?: Lifecycle;
  keyAlgorithm?: KeyAlgorithm;
  tags?: TagProfile;
}

interface AccountPlan {
  id: string;
  name: string;
  team: string;
  env: string;
  state: AccountState;
  enabled: string[];
  disabled: string[];
  active: string[];
}

interface Context {
  rng: Rng;
  startMs: number;
  managementAccountId: string;
  caId: string;
  usedDomains: Map<string, Set<string>>;
}

/** A generated certificate's lifecycle fields (everything but identity, key and tags). */
type LifecycleFields = Omit<
  ScenarioCertificate,
  'arn' | 'domainName' | 'subjectAlternativeNames' | 'type' | 'keyAlgorithm' | 'serial' | 'tags'
>;

/**
 * A deterministic scenario for a seed. The output is valid by construction (the unit tests check it against
 * the schema); it is not re-validated here because Zod costs more than generating at 10,000+ certificates.
 */
export function generateScenario(options: GenerateOptions): Scenario {
  if (!Number.isInteger(options.accounts) || options.accounts < 1) {
    throw new RangeError(`generateScenario: accounts must be a positive integer, got ${options.accounts}`);
  }
  const rng = new Rng(options.seed);
  const start = options.start ?? DEFAULT_SIM_START;
  const startMs = Date.parse(start);
  if (Number.isNaN(startMs)) throw new RangeError(`generateScenario: start is not an ISO-8601 date: ${start}`);
  const perTarget = options.certificatesPerTarget ?? { min: 1, max: 12 };
  const activePerAccount = options.activeRegionsPerAccount ?? { min: 1, max: 3 };
  checkRange('certificatesPerTarget', perTarget, 0);
  checkRange('activeRegionsPerAccount', activePerAccount, 1);

  const regions = options.regions ?? [...DEFAULT_REGIONS, ...OPT_IN_REGIONS];
  const plans = planAccounts(rng, options.accounts, regions, activePerAccount, options.inactiveAccounts ?? true);
  const managementAccountId = (plans[0] as AccountPlan).id;
  const ctx: Context = {
    rng,
    startMs,
    managementAccountId,
    caId: rng.uuid(),
    usedDomains: new Map(),
  };

  const specs: Spec[] = [];
  // The largest target sits in the first ACTIVE member account's home region (the management account if alone).
  const largestIndex = Math.max(
    0,
    plans.findIndex((plan, index) => index > 0 && plan.state === 'ACTIVE'),
  );
  plans.forEach((plan, accountIndex) => {
    for (const region of plan.active) {
      let count = rng.int(perTarget.min, perTarget.max);
      if (options.largestTarget !== undefined && accountIndex === largestIndex && region === plan.active[0]) {
        count = options.largestTarget;
      }
      for (let i = 0; i < count; i++) specs.push({ accountIndex, region, type: 'AMAZON_ISSUED' });
    }
  });
  assignTypes(rng, specs);
  assignCoverage(rng, specs);

  const certificates = plans.map(() => [] as ScenarioCertificate[]);
  for (const spec of specs) {
    const plan = plans[spec.accountIndex] as AccountPlan;
    (certificates[spec.accountIndex] as ScenarioCertificate[]).push(makeCertificate(ctx, plan, spec));
  }

  const members = plans.slice(1).filter((plan) => plan.state === 'ACTIVE');
  const denyTagging = new Set(
    pickSome(rng, members, options.taggingDeniedAccounts ?? (options.accounts >= 8 ? 1 : 0)).map((p) => p.id),
  );
  const legacy = new Set(pickSome(rng, plans.slice(1), options.legacyStatusAccounts ?? 0).map((p) => p.id));
  const roleless = new Set(pickSome(rng, members, options.accountsWithoutRole ?? 0).map((p) => p.id));
  const role = {
    name: options.roleName ?? DEFAULT_AUDIT_ROLE_NAME,
    externalId: options.externalId,
    maxSessionDurationSeconds: 3600,
  };

  const accounts: ScenarioAccount[] = plans.map((plan, index) => {
    const legacyStatus = legacy.has(plan.id) && isLegacyStatus(plan.state) ? plan.state : undefined;
    return {
      id: plan.id,
      name: plan.name,
      email: `aws+${plan.name}@example.com`,
      ...(legacyStatus ? { status: legacyStatus } : { state: plan.state }),
      joinedMethod: index === 0 ? 'INVITED' : 'CREATED',
      joinedAt: iso(startMs - (index === 0 ? 2000 : rng.int(30, 1500)) * DAY_MS),
      enabledRegions: plan.enabled.map((name) => ({
        name,
        optStatus: isOptInRegion(name) ? ('ENABLED' as const) : ('ENABLED_BY_DEFAULT' as const),
      })),
      disabledRegions: plan.disabled,
      roles: roleless.has(plan.id) ? [] : [{ ...role }],
      taggingApiDenied: denyTagging.has(plan.id),
      certificates: certificates[index] ?? [],
      hostedZones: [],
    };
  });
  if (options.hostedZones) placeHostedZones(accounts);
  return {
    managementAccountId,
    organizationId: `o-${rng.hex(10)}`,
    start: iso(startMs),
    accounts,
  };
}

/** A stable hosted zone id for a zone name, shaped like Route 53's (Z + 20 upper-case characters). */
export function simulatedZoneId(name: string, privateZone = false): string {
  const digest = createHash('sha256')
    .update(`${privateZone ? 'private:' : ''}${name}`)
    .digest('hex');
  return `Z${digest.slice(0, 20).toUpperCase()}`;
}

/** The zone a generated name lives in: its team's apex (`<team>.example.com`), which holds the env subdomains too. */
function teamZoneOf(name: string): string {
  return name.replace(/^\*\./, '').split('.').slice(-3).join('.');
}

/**
 * Each team's zone in the first account that uses it. With three zones or more, the last by name stays outside the
 * organization (a domain hosted with another DNS provider); the first gets a private twin of the same name.
 */
function placeHostedZones(accounts: ScenarioAccount[]): void {
  const owner = new Map<string, ScenarioAccount>();
  for (const account of accounts) {
    for (const certificate of account.certificates) {
      if (certificate.type !== 'AMAZON_ISSUED') continue;
      for (const name of [certificate.domainName, ...certificate.subjectAlternativeNames]) {
        const zone = teamZoneOf(name);
        if (!owner.has(zone)) owner.set(zone, account);
      }
    }
  }
  const names = [...owner.keys()].sort();
  if (names.length >= 3) names.pop();
  for (const [index, name] of names.entries()) {
    const account = owner.get(name) as ScenarioAccount;
    account.hostedZones.push({ id: simulatedZoneId(name), name, privateZone: false });
    // A split horizon: a private zone of the same name, which ACM's public validation never sees.
    if (index === 0) account.hostedZones.push({ id: simulatedZoneId(name, true), name, privateZone: true });
  }
}

export interface GenerateAccountOptions {
  seed: number;
  id: string;
  name?: string;
  start: string;
  managementAccountId: string;
  regions?: string[];
  certificatesPerTarget?: Range;
  activeRegionsPerAccount?: Range;
  roleName?: string;
  externalId?: string;
}

/** One ACTIVE member account with certificates, for `SimOrganization.addAccount` (an account joining the org). */
export function generateAccount(options: GenerateAccountOptions): ScenarioAccountInput {
  const scenario = generateScenario({
    seed: options.seed,
    accounts: 2,
    regions: options.regions,
    certificatesPerTarget: options.certificatesPerTarget,
    activeRegionsPerAccount: options.activeRegionsPerAccount,
    start: options.start,
    roleName: options.roleName,
    externalId: options.externalId,
    taggingDeniedAccounts: 0,
    inactiveAccounts: false,
  });
  const source = scenario.accounts[1];
  if (!source) throw new Error('generateAccount: generator produced no member account');
  const name = options.name ?? source.name;
  return {
    ...source,
    id: options.id,
    name,
    email: `aws+${name}@example.com`,
    state: 'ACTIVE',
    joinedAt: options.start,
    certificates: source.certificates.map((certificate) => ({
      ...certificate,
      arn: certificate.arn.replace(`:${source.id}:`, `:${options.id}:`),
      inUseBy: certificate.inUseBy.map((resource) => resource.replace(`:${source.id}:`, `:${options.id}:`)),
    })),
  };
}

function checkRange(name: string, range: Range, floor: number): void {
  if (!Number.isInteger(range.min) || !Number.isInteger(range.max) || range.min < floor || range.max < range.min) {
    throw new RangeError(`generateScenario: ${name} must be integers with ${floor} <= min <= max`);
  }
}

function isLegacyStatus(state: AccountState): state is 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE' {
  return state === 'ACTIVE' || state === 'SUSPENDED' || state === 'PENDING_CLOSURE';
}

function pickSome<T>(rng: Rng, items: readonly T[], count: number): T[] {
  return rng.shuffle([...items]).slice(0, Math.max(0, Math.min(count, items.length)));
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function planAccounts(rng: Rng, count: number, regions: string[], active: Range, inactive: boolean): AccountPlan[] {
  const ids = new Set<string>();
  const names = new Set<string>();
  const plans: AccountPlan[] = [];
  const byDefault = regions.filter((region) => !isOptInRegion(region));
  const optIn = regions.filter((region) => isOptInRegion(region));
  for (let index = 0; index < count; index++) {
    let id = rng.digits(12);
    while (ids.has(id)) id = rng.digits(12);
    ids.add(id);
    const team = index === 0 ? 'management' : rng.pick(TEAMS);
    const env = index === 0 ? 'prod' : rng.weighted(ENVIRONMENTS.map((e, i) => [e, 5 - i] as const));
    let name = index === 0 ? 'management' : `${team}-${env}`;
    for (let n = 2; names.has(name); n++) name = `${team}-${env}-${n}`;
    names.add(name);

    const enabledOptIn = optIn.filter(() => rng.chance(0.25));
    const enabled = [...byDefault, ...enabledOptIn];
    if (enabled.length === 0) enabled.push(rng.pick(optIn));
    const disabled = optIn.filter((region) => !enabled.includes(region));

    const home = pickHome(rng, enabled);
    const activeRegions = [home];
    const wanted = Math.min(rng.int(active.min, active.max), enabled.length);
    if (activeRegions.length < wanted && home !== CLOUDFRONT_REGION && enabled.includes(CLOUDFRONT_REGION)) {
      if (rng.chance(0.6)) activeRegions.push(CLOUDFRONT_REGION);
    }
    const others = rng.shuffle(enabled.filter((region) => !activeRegions.includes(region)));
    while (activeRegions.length < wanted && others.length > 0) activeRegions.push(others.shift() as string);

    let state: AccountState = 'ACTIVE';
    if (index > 0 && inactive) {
      state = rng.weighted<AccountState>([
        ['ACTIVE', 93],
        ['SUSPENDED', 3],
        ['PENDING_CLOSURE', 2],
        ['CLOSED', 1],
        ['PENDING_ACTIVATION', 1],
      ]);
    }
    plans.push({ id, name, team, env, state, enabled, disabled, active: activeRegions });
  }
  return plans;
}

function pickHome(rng: Rng, enabled: string[]): string {
  const candidates = HOME_REGIONS.filter(([region]) => enabled.includes(region));
  return candidates.length > 0 ? rng.weighted(candidates) : rng.pick(enabled);
}

/** Exact type shares over the whole organization: 20–32% imported, about 6% private, the rest ACM-issued. */
function assignTypes(rng: Rng, specs: Spec[]): void {
  const total = specs.length;
  const imported = Math.round(total * (0.2 + rng.next() * 0.12));
  const privateCount = total >= 10 ? Math.max(1, Math.round(total * 0.06)) : 0;
  const deck: CertificateType[] = specs.map((_, i) =>
    i < imported ? 'IMPORTED' : i < imported + privateCount ? 'PRIVATE' : 'AMAZON_ISSUED',
  );
  rng.shuffle(deck);
  specs.forEach((spec, i) => {
    spec.type = deck[i] as CertificateType;
  });
}

/**
 * Makes sure the organization shows every case a monitor must handle at least once (when it has enough
 * certificates of the right type): every key type, ACME origin, every renewal status, expired, revoked,
 * failed issuance, pending validation, unused, never tagged, CloudFront in us-east-1.
 */
function assignCoverage(rng: Rng, specs: Spec[]): void {
  const order = rng.shuffle(specs.map((_, i) => i));
  const claim = (accepts: (spec: Spec) => boolean, apply: (spec: Spec) => void): void => {
    const index = order.find((i) => {
      const spec = specs[i] as Spec;
      return (
        spec.lifecycle === undefined && spec.keyAlgorithm === undefined && spec.tags === undefined && accepts(spec)
      );
    });
    if (index !== undefined) apply(specs[index] as Spec);
  };
  const keys: Array<[KeyAlgorithm, CertificateType[]]> = [
    ['RSA_1024', ['IMPORTED']],
    ['RSA_3072', ['IMPORTED', 'PRIVATE']],
    ['RSA_4096', ['IMPORTED', 'PRIVATE']],
    ['EC_secp521r1', ['IMPORTED', 'PRIVATE']],
    ['EC_secp384r1', ['AMAZON_ISSUED', 'IMPORTED', 'PRIVATE']],
    ['EC_prime256v1', ['AMAZON_ISSUED', 'IMPORTED', 'PRIVATE']],
    ['RSA_2048', ['AMAZON_ISSUED', 'IMPORTED', 'PRIVATE']],
  ];
  for (const [keyAlgorithm, types] of keys) {
    claim(
      (spec) => types.includes(spec.type),
      (spec) => {
        spec.keyAlgorithm = keyAlgorithm;
        spec.lifecycle = 'issued';
      },
    );
  }
  const amazon: Lifecycle[] = [
    'acme',
    'renewal-pending-auto',
    'renewal-pending-validation',
    'renewal-success',
    'renewal-failed',
    'expired',
    'revoked',
    'failed',
    'pending-validation',
    'timed-out',
    'unused',
  ];
  for (const lifecycle of amazon) {
    claim(
      (spec) => spec.type === 'AMAZON_ISSUED',
      (spec) => {
        spec.lifecycle = lifecycle;
      },
    );
  }
  claim(
    (spec) => spec.type === 'AMAZON_ISSUED' && spec.region === CLOUDFRONT_REGION,
    (spec) => {
      spec.lifecycle = 'cloudfront';
    },
  );
  claim(
    (spec) => spec.type === 'IMPORTED',
    (spec) => {
      spec.lifecycle = 'expired';
    },
  );
  claim(
    () => true,
    (spec) => {
      spec.tags = 'never';
    },
  );
  claim(
    () => true,
    (spec) => {
      spec.tags = 'no-owner';
    },
  );
}

function makeCertificate(ctx: Context, plan: AccountPlan, spec: Spec): ScenarioCertificate {
  const { rng } = ctx;
  const domainName = uniqueDomain(ctx, plan);
  const apex = domainName.replace(/^[^.]+\./, '');
  const subjectAlternativeNames = [domainName];
  if (rng.chance(0.35)) subjectAlternativeNames.push(domainName.startsWith('*.') ? apex : `www.${domainName}`);
  const arn = `arn:aws:acm:${spec.region}:${plan.id}:certificate/${rng.uuid()}`;
  const keyAlgorithm = spec.keyAlgorithm ?? rng.weighted(KEYS_BY_TYPE[spec.type]);
  const base = {
    arn,
    domainName,
    subjectAlternativeNames,
    type: spec.type,
    keyAlgorithm,
    serial: serial(rng),
    tags: makeTags(ctx, plan, domainName, spec.tags),
  };
  let lifecycle: Lifecycle = spec.lifecycle ?? 'issued';
  if (spec.type === 'AMAZON_ISSUED' && spec.lifecycle === undefined) {
    lifecycle = rng.weighted<Lifecycle>([
      ['issued', 86],
      ['acme', 2],
      ['expired', 2],
      ['revoked', 1],
      ['failed', 2],
      ['pending-validation', 2],
      ['timed-out', 1],
      ['renewal-failed', 2],
      ['renewal-pending-validation', 2],
    ]);
  }
  if (spec.type === 'IMPORTED') {
    return { ...base, ...importedLifecycle(ctx, plan, spec.region, domainName, lifecycle, keyAlgorithm) };
  }
  if (spec.type === 'PRIVATE') return { ...base, ...privateLifecycle(ctx, plan, spec.region, domainName, lifecycle) };
  return { ...base, ...amazonLifecycle(ctx, plan, spec.region, lifecycle, subjectAlternativeNames) };
}

function uniqueDomain(ctx: Context, plan: AccountPlan): string {
  const { rng } = ctx;
  const zone = plan.env === 'prod' ? `${plan.team}.example.com` : `${plan.env}.${plan.team}.example.com`;
  let used = ctx.usedDomains.get(plan.id);
  if (!used) {
    used = new Set();
    ctx.usedDomains.set(plan.id, used);
  }
  const sub = rng.pick(SUBDOMAINS);
  let domain = rng.chance(0.1) ? `*.${zone}` : `${sub}.${zone}`;
  // A numbered name once the plain ones are taken; the set's size keeps it unique without searching.
  if (used.has(domain)) domain = `${sub}-${used.size + 1}.${zone}`;
  used.add(domain);
  return domain;
}

function serial(rng: Rng): string {
  return (rng.hex(32).match(/../g) as string[]).join(':');
}

function makeTags(
  ctx: Context,
  plan: AccountPlan,
  domain: string,
  profile?: TagProfile,
): Record<string, string> | undefined {
  const { rng } = ctx;
  const chosen =
    profile ??
    rng.weighted<TagProfile>([
      ['owner', 78],
      ['no-owner', 7],
      ['never', 15],
    ]);
  if (chosen === 'never') return undefined;
  const tags: Record<string, string> = { env: plan.env };
  if (rng.chance(0.5)) tags.app = domain.replace(/^\*\./, 'wildcard.').split('.')[0] as string;
  if (rng.chance(0.3)) tags['cost-center'] = `cc-${rng.digits(4)}`;
  if (chosen === 'owner') tags.owner = rng.chance(0.6) ? `team-${plan.team}` : `${rng.pick(PEOPLE)}@example.com`;
  return tags;
}

function resources(ctx: Context, plan: AccountPlan, region: string, domain: string, cloudfront: boolean): string[] {
  const { rng } = ctx;
  const count = rng.weighted([
    [1, 80],
    [2, 15],
    [3, 5],
  ] as const);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind =
      cloudfront && i === 0
        ? 'cloudfront'
        : rng.weighted([
            ['elb', 70],
            ['apigateway', 20],
            ['cloudfront', region === CLOUDFRONT_REGION ? 25 : 0],
          ] as const);
    if (kind === 'cloudfront') {
      out.push(`arn:aws:cloudfront::${plan.id}:distribution/E${rng.hex(13).toUpperCase()}`);
    } else if (kind === 'apigateway') {
      out.push(`arn:aws:apigateway:${region}::/domainnames/${domain.replace(/^\*\./, 'api.')}`);
    } else {
      out.push(
        `arn:aws:elasticloadbalancing:${region}:${plan.id}:loadbalancer/app/${plan.team}-${rng.hex(6)}/${rng.hex(16)}`,
      );
    }
  }
  return [...new Set(out)];
}

/** One DNS validation option as ACM shows it; a fresh CNAME record unless the domain already has one. */
export function dnsValidationOption(
  rng: Rng,
  name: string,
  status: ScenarioDomainValidation['validationStatus'],
  resourceRecord?: ScenarioDomainValidation['resourceRecord'],
): ScenarioDomainValidation {
  const base = name.replace(/^\*\./, '');
  return {
    domainName: name,
    validationDomain: name,
    validationStatus: status,
    validationMethod: 'DNS',
    resourceRecord: resourceRecord ?? {
      name: `_${rng.hex(32)}.${base}.`,
      type: 'CNAME',
      value: `_${rng.hex(32)}.${rng.hex(10)}.acm-validations.aws.`,
    },
  };
}

function validationOptions(
  rng: Rng,
  names: string[],
  status: ScenarioDomainValidation['validationStatus'],
): ScenarioDomainValidation[] {
  return names.map((name) => dnsValidationOption(rng, name, status));
}

function amazonLifecycle(
  ctx: Context,
  plan: AccountPlan,
  region: string,
  lifecycle: Lifecycle,
  names: string[],
): LifecycleFields {
  const { rng, startMs } = ctx;
  const domain = names[0] as string;
  const validity = PUBLIC_VALIDITY_DAYS * DAY_MS;
  const dvo = (status: ScenarioDomainValidation['validationStatus']) => validationOptions(rng, names, status);

  if (lifecycle === 'pending-validation' || lifecycle === 'timed-out' || lifecycle === 'failed') {
    const createdAt = startMs - (lifecycle === 'timed-out' ? rng.int(4, 40) * DAY_MS : rng.int(1, 48) * 3_600_000);
    return {
      status:
        lifecycle === 'pending-validation'
          ? 'PENDING_VALIDATION'
          : lifecycle === 'failed'
            ? 'FAILED'
            : 'VALIDATION_TIMED_OUT',
      createdAt: iso(createdAt),
      renewalEligibility: 'INELIGIBLE',
      domainValidationOptions: dvo(lifecycle === 'failed' ? 'FAILED' : 'PENDING_VALIDATION'),
      failureReason: lifecycle === 'failed' ? rng.pick(ISSUANCE_FAILURES) : undefined,
      inUseBy: [],
      exported: false,
    };
  }

  const inUse =
    lifecycle === 'cloudfront' ||
    lifecycle.startsWith('renewal') ||
    (lifecycle === 'issued' && rng.chance(0.75)) ||
    (lifecycle === 'acme' && rng.chance(0.5));
  let ageDays: number;
  switch (lifecycle) {
    case 'expired':
      ageDays = rng.int(PUBLIC_VALIDITY_DAYS + 1, PUBLIC_VALIDITY_DAYS + 120);
      break;
    case 'renewal-pending-auto':
      ageDays = PUBLIC_VALIDITY_DAYS - rng.int(RENEWAL_DONE_DAYS, RENEWAL_START_DAYS - 1);
      break;
    case 'renewal-pending-validation':
    case 'renewal-failed':
      ageDays = PUBLIC_VALIDITY_DAYS - rng.int(3, RENEWAL_DONE_DAYS - 1);
      break;
    case 'renewal-success':
      ageDays = rng.int(1, 30);
      break;
    default:
      // ACM renews in-use certificates about 45 days before expiry, so those are rarely older than that.
      ageDays = inUse ? rng.int(0, PUBLIC_VALIDITY_DAYS - RENEWAL_DONE_DAYS) : rng.int(0, PUBLIC_VALIDITY_DAYS - 1);
  }
  const notBefore = startMs - ageDays * DAY_MS - rng.int(0, 86_399) * 1000;
  const notAfter = notBefore + validity;
  const createdAt = notBefore - rng.int(0, 3) * DAY_MS - rng.int(60, 3600) * 1000;
  const acme = lifecycle === 'acme';
  const eligible = inUse && !acme && lifecycle !== 'revoked';
  const daysLeft = (notAfter - startMs) / DAY_MS;

  let renewalStatus: RenewalStatus | undefined;
  if (lifecycle === 'renewal-pending-auto') renewalStatus = 'PENDING_AUTO_RENEWAL';
  else if (lifecycle === 'renewal-pending-validation') renewalStatus = 'PENDING_VALIDATION';
  else if (lifecycle === 'renewal-failed') renewalStatus = 'FAILED';
  else if (lifecycle === 'renewal-success') renewalStatus = 'SUCCESS';
  else if (eligible && daysLeft <= RENEWAL_START_DAYS) renewalStatus = 'PENDING_AUTO_RENEWAL';
  else if (eligible && ageDays < 30 && rng.chance(0.5)) renewalStatus = 'SUCCESS';

  const renewal = renewalStatus
    ? {
        status: renewalStatus,
        reason: renewalStatus === 'FAILED' ? rng.pick(RENEWAL_FAILURES) : undefined,
        updatedAt: iso(
          renewalStatus === 'SUCCESS'
            ? notBefore
            : Math.min(startMs - 3_600_000, notAfter - RENEWAL_START_DAYS * DAY_MS + rng.int(0, 10) * DAY_MS),
        ),
        domainValidationOptions: dvo(
          renewalStatus === 'SUCCESS' ? 'SUCCESS' : renewalStatus === 'FAILED' ? 'FAILED' : 'PENDING_VALIDATION',
        ),
      }
    : undefined;
  const revoked = lifecycle === 'revoked';
  return {
    status: revoked ? 'REVOKED' : 'ISSUED',
    keyPairOrigin: acme ? 'ACME' : 'AWS_MANAGED',
    managedBy: lifecycle === 'cloudfront' && rng.chance(0.3) ? 'CLOUDFRONT' : undefined,
    createdAt: iso(createdAt),
    issuedAt: iso(notBefore),
    notBefore: iso(notBefore),
    notAfter: iso(notAfter),
    revokedAt: revoked ? iso(Math.min(startMs - DAY_MS, notBefore + rng.int(1, 60) * DAY_MS)) : undefined,
    revocationReason: revoked
      ? rng.pick(['KEY_COMPROMISE', 'SUPERSEDED', 'CESSATION_OF_OPERATION'] as const)
      : undefined,
    renewalEligibility: eligible ? 'ELIGIBLE' : 'INELIGIBLE',
    renewal: acme ? undefined : renewal,
    domainValidationOptions: dvo('SUCCESS'),
    inUseBy: inUse && !revoked ? resources(ctx, plan, region, domain, lifecycle === 'cloudfront') : [],
    exported: false,
    issuer: 'Amazon',
  };
}

function importedLifecycle(
  ctx: Context,
  plan: AccountPlan,
  region: string,
  domain: string,
  lifecycle: Lifecycle,
  keyAlgorithm: KeyAlgorithm,
): LifecycleFields {
  const { rng, startMs } = ctx;
  const validityDays = rng.weighted([
    [90, 40],
    [365, 30],
    [397, 30],
  ] as const);
  const ageDays =
    lifecycle === 'expired'
      ? validityDays + rng.int(1, 90)
      : rng.int(0, Math.floor(validityDays * (lifecycle === 'issued' ? 1.1 : 0.9)));
  const notBefore = startMs - ageDays * DAY_MS - rng.int(0, 86_399) * 1000;
  const notAfter = notBefore + validityDays * DAY_MS;
  const importedAt = notBefore + rng.int(600, 3 * 86_400) * 1000;
  const ec = keyAlgorithm.startsWith('EC_');
  const issuer =
    validityDays === 90
      ? ec
        ? 'E6'
        : 'R11'
      : rng.pick([
          'DigiCert Global G2 TLS RSA SHA256 2020 CA1',
          'Sectigo RSA Domain Validation Secure Server CA',
          'GlobalSign GCC R6 AlphaSSL CA 2023',
        ]);
  const inUse = lifecycle !== 'unused' && rng.chance(0.7);
  return {
    status: 'ISSUED',
    keyPairOrigin: 'CUSTOMER_PROVIDED',
    createdAt: iso(importedAt),
    importedAt: iso(Math.min(importedAt, startMs - 60_000)),
    notBefore: iso(notBefore),
    notAfter: iso(notAfter),
    renewalEligibility: 'INELIGIBLE',
    inUseBy: inUse ? resources(ctx, plan, region, domain, false) : [],
    exported: false,
    issuer,
  };
}

function privateLifecycle(
  ctx: Context,
  plan: AccountPlan,
  region: string,
  domain: string,
  lifecycle: Lifecycle,
): LifecycleFields {
  const { rng, startMs } = ctx;
  const validityDays = 395;
  const notBefore = startMs - rng.int(0, validityDays - 20) * DAY_MS - rng.int(0, 86_399) * 1000;
  const exported = rng.chance(0.2);
  const inUse = lifecycle !== 'unused' && rng.chance(0.6);
  return {
    status: 'ISSUED',
    keyPairOrigin: 'AWS_MANAGED',
    createdAt: iso(notBefore - 60_000),
    issuedAt: iso(notBefore),
    notBefore: iso(notBefore),
    notAfter: iso(notBefore + validityDays * DAY_MS),
    renewalEligibility: inUse || exported ? 'ELIGIBLE' : 'INELIGIBLE',
    inUseBy: inUse ? resources(ctx, plan, region, domain, false) : [],
    exported,
    exportOption: exported ? 'ENABLED' : 'DISABLED',
    certificateAuthorityArn: `arn:aws:acm-pca:${region}:${ctx.managementAccountId}:certificate-authority/${ctx.caId}`,
    issuer: 'Example Corp Issuing CA G2',
  };
}
