/**
 * Which Route 53 hosted zone of the organization holds a record a diagnosis asks to create or change, and the exact
 * command to change it there. The zones are listed per account by the scan (the `dns-diagnosis` feature set) and
 * read back here as plain data, so this stays a pure function of the diagnosis and the zones.
 */
import type { DiagnosisEntry, DiagnosisRecord, DiagnosisZone } from './model';
import { normalizeDnsName } from './model';

/** The public hosted zones one account held when its scan last listed them. */
export interface AccountZones {
  accountId: string;
  accountName?: string;
  /** Ids without the `/hostedzone/` prefix, names without the trailing dot. */
  zones: Array<{ id: string; name: string }>;
  /** When the zones were listed (ISO-8601). */
  listedAt: string;
}

/** TTL of a record the fix creates: short, so a mistake in it is corrected quickly; ACM does not care. */
export const FIX_RECORD_TTL = 300;

/** The codes whose fix is a record to create or change in a zone. */
const ZONE_CODES = new Set<DiagnosisEntry['code']>([
  'VALIDATION_CNAME_MISSING',
  'VALIDATION_CNAME_WRONG',
  'CAA_FORBIDS_AMAZON',
]);

/** A zone name as Route 53 may send it (octal escapes such as `\052` for `*`), compared as DNS compares names. */
function zoneKey(name: string): string {
  return normalizeDnsName(
    name.replace(/\\(\d{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8))),
  );
}

/** A zone with the account that holds it. */
export interface LocatedZone extends DiagnosisZone {
  accountName?: string;
}

/**
 * The zones whose name is the longest suffix (label-wise) of `name`: the one that holds it, or several when more than
 * one account hosts a zone of that name (only the one the parent delegates to is seen by ACM). Empty: none does.
 */
export function zonesHolding(name: string, accounts: readonly AccountZones[]): LocatedZone[] {
  const wanted = normalizeDnsName(name);
  let best: LocatedZone[] = [];
  let bestLength = -1;
  for (const account of accounts) {
    for (const zone of account.zones) {
      const key = zoneKey(zone.name);
      if (key === '' || !(wanted === key || wanted.endsWith(`.${key}`))) continue;
      const located: LocatedZone = {
        accountId: account.accountId,
        hostedZoneId: zone.id,
        name: key,
        ...(account.accountName ? { accountName: account.accountName } : {}),
      };
      if (key.length > bestLength) {
        best = [located];
        bestLength = key.length;
      } else if (key.length === bestLength) {
        best.push(located);
      }
    }
  }
  return best.sort((a, b) => a.accountId.localeCompare(b.accountId) || a.hostedZoneId.localeCompare(b.hostedZoneId));
}

/** A word for a POSIX shell: as is when it holds only safe characters, else single-quoted. */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `aws route53 change-resource-record-sets` creating or replacing one record set with one value. */
export function upsertCommand(hostedZoneId: string, record: DiagnosisRecord): string {
  const batch = {
    Changes: [
      {
        Action: 'UPSERT',
        ResourceRecordSet: {
          Name: `${normalizeDnsName(record.name)}.`,
          Type: record.type,
          TTL: FIX_RECORD_TTL,
          ResourceRecords: [{ Value: record.type === 'CNAME' ? `${normalizeDnsName(record.value)}.` : record.value }],
        },
      },
    ],
  };
  return `aws route53 change-resource-record-sets --hosted-zone-id ${shellQuote(hostedZoneId)} --change-batch ${shellQuote(JSON.stringify(batch))}`;
}

/** `aws route53 list-resource-record-sets` showing one record set, to be read before it is replaced. */
export function showRecordSetCommand(hostedZoneId: string, name: string, type: string): string {
  const owner = `${normalizeDnsName(name)}.`;
  return `aws route53 list-resource-record-sets --hosted-zone-id ${shellQuote(hostedZoneId)} --start-record-name ${shellQuote(owner)} --start-record-type ${shellQuote(type)} --max-items 1`;
}

function describeZone(zone: LocatedZone): string {
  const account = zone.accountName ? `${zone.accountName} (${zone.accountId})` : zone.accountId;
  return `zone ${zone.name} (${zone.hostedZoneId}) in account ${account}`;
}

/** Where the fix's record is to be written: the CNAME's own name, or the owner of the CAA set in the way. */
function fixName(entry: DiagnosisEntry): string | undefined {
  return entry.record?.name;
}

function locatedFix(entry: DiagnosisEntry, zone: LocatedZone): string {
  const record = entry.record as DiagnosisRecord;
  const where = describeZone(zone);
  if (entry.code === 'CAA_FORBIDS_AMAZON') {
    // UPSERT replaces the whole CAA set: a command carrying only Amazon's value would drop the CAs still in use, so
    // the fix shows the set first and says what to add to it.
    const tag = record.value.split(' ')[1] ?? 'issue';
    const change =
      tag === 'issue' || tag === 'issuewild'
        ? `add 0 ${tag} "amazon.com" to its values, keeping the others`
        : `remove the critical flag (or the record) from ${record.value}`;
    return `In ${where}: read the CAA set at ${record.name} (\`${showRecordSetCommand(zone.hostedZoneId, record.name, 'CAA')}\`), ${change}, and write it back with an UPSERT of the whole set; ACM retries on its own.`;
  }
  const verb = entry.code === 'VALIDATION_CNAME_MISSING' ? 'Add' : 'Point';
  const what =
    entry.code === 'VALIDATION_CNAME_MISSING'
      ? `this CNAME (${record.name} → ${record.value}) to ${where}`
      : `the CNAME ${record.name} to ${record.value} in ${where}`;
  return `${verb} ${what}: \`${upsertCommand(zone.hostedZoneId, record)}\``;
}

/**
 * The entry with its zone filled and a fix that names it, when a zone of the organization holds the record; with a
 * fix saying the zone is outside the organization when none does. `accounts` empty: no zone was ever listed (the
 * `dns-diagnosis` feature is off, or every listing failed), and the fix says that instead.
 */
export function locateZone(entry: DiagnosisEntry, accounts: readonly AccountZones[]): DiagnosisEntry {
  const name = fixName(entry);
  if (!ZONE_CODES.has(entry.code) || name === undefined) return entry;
  if (accounts.length === 0) {
    return {
      ...entry,
      fix: `${entry.fix} (The zone is not named: no account's hosted zones are known; turn on the dns-diagnosis feature set to have them listed.)`,
    };
  }
  const zones = zonesHolding(name, accounts);
  const [first] = zones;
  if (first === undefined) {
    return {
      ...entry,
      fix: `${entry.fix} No Route 53 public hosted zone in the organization's accounts holds ${normalizeDnsName(name)}: its zone is hosted outside the organization, so change it with that DNS provider.`,
    };
  }
  if (zones.length > 1) {
    return {
      ...entry,
      fix: `${entry.fix} Several accounts host a public zone ${first.name}: ${zones.map(describeZone).join('; ')}. Only the one the parent zone delegates to counts (compare its name servers with \`dig NS ${first.name}\`).`,
    };
  }
  const { accountName: _name, ...zone } = first;
  return { ...entry, zone, fix: locatedFix(entry, first) };
}

/** Every entry located (see locateZone). */
export function locateZones(entries: readonly DiagnosisEntry[], accounts: readonly AccountZones[]): DiagnosisEntry[] {
  return entries.map((entry) => locateZone(entry, accounts));
}
