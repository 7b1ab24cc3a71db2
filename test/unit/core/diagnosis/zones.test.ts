/**
 * The zone a diagnosis names: the organization's hosted zone whose name is the longest suffix of the record's name
 * (trailing dots and case as DNS compares them), the command that writes the record there, quoted so a name from
 * AWS cannot break out of it, and the words when no zone, or several, could be named.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  type AccountZones,
  type DiagnosisEntry,
  type DiagnosisRecord,
  locateZone,
  shellQuote,
  upsertCommand,
  zonesHolding,
} from '../../../../lambdas/core/diagnosis';
import { diagnosisBlocks } from '../../../../lambdas/core/slack/diagnosis';

const LISTED_AT = '2026-12-01T06:00:00.000Z';
const ORG: AccountZones[] = [
  {
    accountId: '111122223333',
    accountName: 'prod-dns',
    zones: [
      { id: 'Z123', name: 'example.com' },
      { id: 'Z456', name: 'Shop.Example.COM.' },
    ],
    listedAt: LISTED_AT,
  },
  { accountId: '444455556666', zones: [{ id: 'Z789', name: 'example.org' }], listedAt: LISTED_AT },
];

const missing: DiagnosisEntry = {
  domain: 'web.example.com',
  code: 'VALIDATION_CNAME_MISSING',
  ok: false,
  detail: '_a1.web.example.com has no CNAME record (NXDOMAIN); ACM cannot validate web.example.com.',
  record: { name: '_a1.web.example.com', type: 'CNAME', value: '_b2.acm-validations.aws' },
  fix: 'Create the CNAME record _a1.web.example.com → _b2.acm-validations.aws in the zone that holds web.example.com, and keep it: ACM validates within minutes and retries renewal on its own.',
};

describe('zonesHolding', () => {
  it('picks the longest suffix, whatever the case and trailing dots of either name', () => {
    expect(zonesHolding('_X.cart.SHOP.example.com.', ORG).map((zone) => zone.hostedZoneId)).toEqual(['Z456']);
    expect(zonesHolding('_x.web.example.com', ORG).map((zone) => zone.hostedZoneId)).toEqual(['Z123']);
    expect(zonesHolding('example.com.', ORG).map((zone) => zone.hostedZoneId)).toEqual(['Z123']);
  });

  it('matches whole labels only: notexample.com is not in example.com', () => {
    expect(zonesHolding('www.notexample.com', ORG)).toEqual([]);
  });

  it('reads Route 53 octal escapes in zone names', () => {
    const escaped: AccountZones[] = [
      { accountId: '1', zones: [{ id: 'Z1', name: '\\052.example.net.' }], listedAt: '' },
    ];

    expect(zonesHolding('a.*.example.net', escaped).map((zone) => zone.name)).toEqual(['*.example.net']);
  });
});

describe('upsertCommand', () => {
  it('writes the record with trailing dots, as one shell word a shell gives back unchanged', () => {
    const command = upsertCommand('Z123', {
      name: '_a1.web.example.com',
      type: 'CNAME',
      value: '_b2.acm-validations.aws',
    });

    expect(command).toBe(
      `aws route53 change-resource-record-sets --hosted-zone-id Z123 --change-batch '{"Changes":[{"Action":"UPSERT","ResourceRecordSet":{"Name":"_a1.web.example.com.","Type":"CNAME","TTL":300,"ResourceRecords":[{"Value":"_b2.acm-validations.aws."}]}}]}'`,
    );
  });

  it('quotes a name carrying a quote or shell syntax so the shell passes it as data', () => {
    const hostile = "x'; rm -rf / #.example.com";
    const word = shellQuote(hostile);

    const echoed = execFileSync('sh', ['-c', `printf %s ${word}`]).toString();

    expect(echoed).toBe(hostile);
  });
});

describe('locateZone', () => {
  it('fills the zone and gives the command in the zone and account that hold the record', () => {
    const located = locateZone(missing, ORG);

    expect(located.zone).toEqual({ accountId: '111122223333', hostedZoneId: 'Z123', name: 'example.com' });
    expect(located.fix).toMatch(
      /^Add this CNAME \(_a1\.web\.example\.com → _b2\.acm-validations\.aws\) to zone example\.com \(Z123\) in account prod-dns \(111122223333\): `aws route53 change-resource-record-sets --hosted-zone-id Z123 /,
    );
  });

  it('shows the CAA set before replacing it, since an UPSERT of Amazon alone would drop the other CAs', () => {
    const caa: DiagnosisEntry = {
      domain: 'shop.example.org',
      code: 'CAA_FORBIDS_AMAZON',
      ok: false,
      detail: 'The CAA records at example.org ...',
      record: { name: 'example.org', type: 'CAA', value: '0 issue "letsencrypt.org"' },
      fix: 'Add the CAA record example.org CAA 0 issue "amazon.com" next to the existing ones (keep the CAs you still use); ACM retries on its own.',
    };

    const located = locateZone(caa, ORG);

    expect(located.zone?.hostedZoneId).toBe('Z789');
    expect(located.fix).toContain('In zone example.org (Z789) in account 444455556666');
    expect(located.fix).toContain(
      'aws route53 list-resource-record-sets --hosted-zone-id Z789 --start-record-name example.org. --start-record-type CAA --max-items 1',
    );
    expect(located.fix).toContain('add 0 issue "amazon.com" to its values, keeping the others');
  });

  it('says the zone is outside the organization when no zone holds the name', () => {
    const outside = {
      ...missing,
      record: { name: '_a1.web.example.net', type: 'CNAME', value: '_b2.acm-validations.aws' },
    };

    const located = locateZone(outside, ORG);

    expect(located.zone).toBeUndefined();
    expect(located.fix).toContain('its zone is hosted outside the organization');
  });

  it('says no zones are known when none was ever listed (the feature set is off)', () => {
    const located = locateZone(missing, []);

    expect(located.zone).toBeUndefined();
    expect(located.fix).toContain('turn on the dns-diagnosis feature set');
  });

  it('names every candidate and fills no zone when two accounts host a zone of the same name', () => {
    const twice = [
      ...ORG,
      { accountId: '777788889999', zones: [{ id: 'Z999', name: 'example.com' }], listedAt: LISTED_AT },
    ];

    const located = locateZone(missing, twice);

    expect(located.zone).toBeUndefined();
    expect(located.fix).toContain('Several accounts host a public zone example.com');
    expect(located.fix).toContain('Z999');
  });

  it('leaves entries without a record to write as they are', () => {
    const ok: DiagnosisEntry = { domain: 'web.example.com', code: 'OK', ok: true, detail: 'fine', fix: 'nothing' };

    expect(locateZone(ok, ORG)).toBe(ok);
  });
});

describe('a located fix in the alert', () => {
  it('shows the whole command even for the longest names, four problems to a certificate', () => {
    const label = (c: string) => c.repeat(63);
    const name = `_${label('a').slice(1)}.${label('b')}.${label('c')}.example.com`;
    const entry = locateZone(
      {
        ...missing,
        record: { name, type: 'CNAME', value: `_${label('d').slice(1)}.${label('e')}.acm-validations.aws` },
      },
      ORG,
    );
    const command = upsertCommand('Z123', entry.record as DiagnosisRecord);

    const text = diagnosisBlocks([entry, entry, entry, entry])
      .map((block) => (block.type === 'section' ? block.text.text : ''))
      .join('\n');

    expect(text).toContain(command);
  });
});
