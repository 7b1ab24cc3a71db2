/**
 * Each account's Route 53 hosted zones as its last listing found them: ScanTarget writes them when the dns-diagnosis
 * feature set is on, FinalizeRun's diagnosis reads them to name the zone where a validation record belongs.
 */
import type { AccountZones } from '../../core/diagnosis/zones';
import type { ZoneStore } from '../../core/ports';
import { isoTime, toAccountZones, zonesItem } from './items';
import { ZONES_PK } from './keys';
import type { TableOperations } from './table';

export class DynamoZoneStore implements ZoneStore {
  constructor(private readonly table: TableOperations) {}

  /**
   * One item per account, replaced whole by each listing: a zone deleted since the last listing must not stay.
   * Zones beyond what fits in one item (about 5,000 of them) are left out, the first by name kept.
   */
  async saveAccountZones(zones: AccountZones): Promise<void> {
    return this.table.guard('saveAccountZones', async () => {
      const item = zonesItem(zones, isoTime(zones.listedAt, 'listedAt'));
      await this.table.resent('saveAccountZones', () => this.table.put(item));
    });
  }

  async loadAllZones(): Promise<AccountZones[]> {
    return this.table.guard('loadAllZones', async () =>
      (await this.table.queryPartition(ZONES_PK)).map(toAccountZones),
    );
  }
}
