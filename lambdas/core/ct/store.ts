/**
 * What the CT watch keeps between polls (lambdas/aws/store/ct-store.ts on DynamoDB, an in-memory one for a one-shot
 * CLI audit): each domain's cursor, the issuances found (one per issuance event), and every serial the
 * organization's certificates have had, since after a renewal ACM holds only the current one.
 */
import type { CtIssuance, KnownSerial } from './model';

/** An issuance as stored, with the watched domain whose poll found it. */
export interface StoredIssuance {
  issuance: CtIssuance;
  matchedDomain: string;
}

export interface CtStore {
  /** The id of the last issuance recorded for the domain; undefined before its first poll. */
  loadCursor(domain: string): Promise<string | undefined>;
  /**
   * Records issuances found by the domain's poll, idempotently and keyed by the issuance event (tbsSha256): the
   * first record of an event is kept, so a precertificate and its certificate, or a page read twice after a crash,
   * stay one issuance with one id.
   */
  saveIssuances(domain: string, issuances: readonly CtIssuance[]): Promise<void>;
  /** Moves the domain's cursor; called only after the page's issuances are saved. */
  saveCursor(domain: string, after: string): Promise<void>;
  /** Every stored issuance not expired at `now`. */
  loadIssuances(now: Date): Promise<StoredIssuance[]>;
  /** Adds serials to the history (idempotent). */
  recordSerials(serials: readonly KnownSerial[]): Promise<void>;
  loadSerials(): Promise<KnownSerial[]>;
}
