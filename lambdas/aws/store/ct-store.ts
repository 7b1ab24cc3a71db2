/**
 * The CT watch's state in the single table (docs/table.md): each domain's cursor (`CT#CURSORS`, one item per domain),
 * the issuances found (`CT#ISSUANCES`, one item per issuance event, keyed by its TBS hash, the first record kept),
 * and the serial history (`CT#SERIALS`, one item per serial and certificate). Issuances and serials carry a TTL past
 * their certificate's expiry: the API lists only unexpired issuances, so nothing older can be asked about.
 */
import type { CtIssuance, CtStore, KnownSerial, StoredIssuance } from '../../core/ct';
import { normalizeCtKey } from '../../core/ct';
import type { Item } from './batch';
import { PK, SK, TTL } from './keys';
import type { TableOperations } from './table';

export const CT_CURSORS_PK = 'CT#CURSORS';
export const CT_ISSUANCES_PK = 'CT#ISSUANCES';
export const CT_SERIALS_PK = 'CT#SERIALS';

/** Days an issuance or a serial is kept after its certificate expired. */
const KEPT_AFTER_EXPIRY_DAYS = 30;
/** Serials whose certificate's expiry is unknown (never described) are kept this long from when they were seen. */
const SERIAL_KEPT_DAYS = 400;

function epochAfter(iso: string | undefined, days: number, fallbackMs: number): number {
  const time = iso === undefined ? Number.NaN : Date.parse(iso);
  return Math.floor((Number.isNaN(time) ? fallbackMs : time) / 1000) + days * 86_400;
}

export class DynamoCtStore implements CtStore {
  constructor(
    private readonly table: TableOperations,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async loadCursor(domain: string): Promise<string | undefined> {
    return this.table.guard('loadCtCursor', async () => {
      const item = await this.table.get({ [PK]: CT_CURSORS_PK, [SK]: domain });
      return typeof item?.after === 'string' ? item.after : undefined;
    });
  }

  async saveIssuances(domain: string, issuances: readonly CtIssuance[]): Promise<void> {
    if (issuances.length === 0) return;
    await this.table.guard('saveCtIssuances', async () => {
      const items: Item[] = issuances.map((issuance) => ({
        [PK]: CT_ISSUANCES_PK,
        [SK]: issuance.tbsSha256,
        kind: 'ct-issuance',
        matchedDomain: domain,
        issuance: { ...issuance },
        [TTL]: epochAfter(issuance.notAfter, KEPT_AFTER_EXPIRY_DAYS, this.clock().getTime()),
      }));
      // The first record of an issuance event wins: its id stays the one alerts and reports use.
      await this.table.putAllIfAbsent(items, 'saveCtIssuances');
    });
  }

  async saveCursor(domain: string, after: string): Promise<void> {
    await this.table.guard('saveCtCursor', async () => {
      const item = { [PK]: CT_CURSORS_PK, [SK]: domain, kind: 'ct-cursor', after, savedAt: this.clock().toISOString() };
      await this.table.resent('saveCtCursor', () => this.table.put(item));
    });
  }

  async loadIssuances(now: Date): Promise<StoredIssuance[]> {
    return this.table.guard('loadCtIssuances', async () =>
      (await this.table.queryPartition(CT_ISSUANCES_PK, { consistent: true }))
        .map((item) => ({ issuance: item.issuance as CtIssuance, matchedDomain: String(item.matchedDomain) }))
        .filter(({ issuance }) => Date.parse(issuance.notAfter) > now.getTime()),
    );
  }

  async recordSerials(serials: readonly KnownSerial[]): Promise<void> {
    if (serials.length === 0) return;
    await this.table.guard('recordCtSerials', async () => {
      const now = this.clock().getTime();
      const unique = new Map(serials.map((serial) => [normalizeCtKey(serial), serial]));
      const items: Item[] = [...unique].map(([key, serial]) => ({
        [PK]: CT_SERIALS_PK,
        [SK]: key,
        kind: 'ct-serial',
        serial: serial.serial,
        arn: serial.arn,
        ...(serial.issuer !== undefined ? { issuer: serial.issuer } : {}),
        [TTL]: epochAfter(undefined, SERIAL_KEPT_DAYS, now),
      }));
      await this.table.putAllIfAbsent(items, 'recordCtSerials');
    });
  }

  async loadSerials(): Promise<KnownSerial[]> {
    return this.table.guard('loadCtSerials', async () =>
      (await this.table.queryPartition(CT_SERIALS_PK, { consistent: true })).map((item) => ({
        serial: String(item.serial),
        arn: String(item.arn),
        ...(typeof item.issuer === 'string' ? { issuer: item.issuer } : {}),
      })),
    );
  }
}
