/**
 * The CT store of a one-shot audit without `--state-table`: the run starts from no cursor (every unexpired
 * issuance is read) and knows only the serials it saw, so nothing persists and nothing alerts twice.
 */
import { type CtIssuance, type CtStore, type KnownSerial, normalizeCtKey, type StoredIssuance } from '../core/ct';

export class MemoryCtStore implements CtStore {
  private readonly cursors = new Map<string, string>();
  private readonly issuances = new Map<string, StoredIssuance>();
  private readonly serials = new Map<string, KnownSerial>();

  async loadCursor(domain: string): Promise<string | undefined> {
    return this.cursors.get(domain);
  }

  async saveIssuances(domain: string, issuances: readonly CtIssuance[]): Promise<void> {
    for (const issuance of issuances) {
      if (!this.issuances.has(issuance.tbsSha256))
        this.issuances.set(issuance.tbsSha256, { issuance, matchedDomain: domain });
    }
  }

  async saveCursor(domain: string, after: string): Promise<void> {
    this.cursors.set(domain, after);
  }

  async loadIssuances(now: Date): Promise<StoredIssuance[]> {
    return [...this.issuances.values()].filter(({ issuance }) => Date.parse(issuance.notAfter) > now.getTime());
  }

  async recordSerials(serials: readonly KnownSerial[]): Promise<void> {
    for (const serial of serials) this.serials.set(normalizeCtKey(serial), serial);
  }

  async loadSerials(): Promise<KnownSerial[]> {
    return [...this.serials.values()];
  }
}
