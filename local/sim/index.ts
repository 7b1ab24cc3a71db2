/**
 * The simulated AWS organization: a scenario (generated from a seed or loaded from JSON) served to the real
 * AWS SDK v3 clients over loopback, with quotas, faults and call counters; plus the hub's own S3 buckets and
 * Secrets Manager secrets, which the pipeline uses.
 */
export { DAY_MS, DEFAULT_SIM_START, SimClock } from './clock';
export {
  type CallFilter,
  type CallOutcome,
  type CallRecord,
  Counters,
  type CountersSnapshot,
  SIM_SERVICES,
  type SimService,
} from './counters';
export { type CallScope, Faults } from './faults';
export {
  type GenerateAccountOptions,
  type GenerateOptions,
  generateAccount,
  generateScenario,
  PUBLIC_VALIDITY_DAYS,
  type Range,
  simulatedZoneId,
} from './generate';
export {
  type CertRecord,
  type ChurnOptions,
  diffVisible,
  MUTATION_KINDS,
  type Mutation,
  type MutationKind,
  type SimAccount,
  SimOrganization,
  SimStateError,
} from './org';
export { DEFAULT_QUOTAS, type Quotas, RateLimiter } from './quotas';
export { CLOUDFRONT_REGION, DEFAULT_REGIONS, isOptInRegion, OPT_IN_REGIONS } from './regions';
export { hashSeed, Rng } from './rng';
export {
  ACCOUNT_STATES,
  type AccountState,
  FAILURE_REASONS,
  keyPairOriginOf,
  parseAccount,
  parseCertificate,
  parseCertificateArn,
  parseScenario,
  type Scenario,
  type ScenarioAccount,
  type ScenarioAccountInput,
  type ScenarioCertificate,
  type ScenarioCertificateInput,
  ScenarioError,
  type ScenarioInput,
  ScenarioSchema,
} from './scenario';
export {
  iamAction,
  MANAGEMENT_USER_NAME,
  type Principal,
  SERVICES,
  SIM_HOME_REGION,
  type SimCredentials,
  type Simulator,
  type SimulatorOptions,
  startSimulator,
} from './server';
export { ACM_DEFAULT_KEY_PAIR_ORIGINS, ACM_DEFAULT_KEY_TYPES } from './services/acm';
export { SimBuckets, SimSecrets, type StoredObject, type StoredSecret } from './storage';
