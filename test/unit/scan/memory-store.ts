/** A SnapshotStore in memory with the port's semantics, for the scanner's tests. */
import type { Certificate, Target } from '../../../lambdas/core/model';
import type { SnapshotStore, StoredTarget, TargetScan } from '../../../lambdas/core/ports';

export class MemoryStore implements SnapshotStore {
  readonly saves: TargetScan[] = [];
  private readonly targets = new Map<string, { certificates: Map<string, Certificate>; scannedAt?: string }>();

  async loadTarget(target: Target): Promise<StoredTarget> {
    const stored = this.targets.get(key(target));
    if (!stored) return { certificates: [] };
    return {
      certificates: structuredClone([...stored.certificates.values()]),
      ...(stored.scannedAt ? { scannedAt: stored.scannedAt } : {}),
    };
  }

  async saveTargetScan(scan: TargetScan): Promise<void> {
    this.saves.push(structuredClone(scan));
    if (scan.result.status === 'error') return;
    const k = key(scan.result);
    const stored = this.targets.get(k) ?? { certificates: new Map<string, Certificate>() };
    if (scan.result.status === 'ok') stored.certificates.clear();
    for (const certificate of scan.certificates) stored.certificates.set(certificate.arn, structuredClone(certificate));
    stored.scannedAt = scan.scannedAt;
    this.targets.set(k, stored);
  }

  /** Seeds a target as if an earlier scan had stored it. */
  seed(target: Target, certificates: Certificate[], scannedAt: string): void {
    this.targets.set(key(target), {
      certificates: new Map(certificates.map((c) => [c.arn, structuredClone(c)])),
      scannedAt,
    });
  }

  certificatesOf(target: Target): Certificate[] {
    return [...(this.targets.get(key(target))?.certificates.values() ?? [])];
  }
}

function key(target: Pick<Target, 'accountId' | 'region'>): string {
  return `${target.accountId}/${target.region}`;
}
