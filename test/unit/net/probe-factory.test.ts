import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { ExtraCaCertificatesError, readExtraCaCertificates } from '../../../lambdas/net/probe-factory';

describe('NODE_EXTRA_CA_CERTS for the probe', () => {
  const dir = mkdtempSync(join(tmpdir(), 'probe-ca-'));

  it('reads every certificate of the file, and nothing when the variable is unset', () => {
    const file = join(dir, 'extra.pem');
    writeFileSync(file, `${rootCertificates[0]}\n${rootCertificates[1]}\n`);

    expect(readExtraCaCertificates(file)).toHaveLength(2);
    expect(readExtraCaCertificates(undefined)).toEqual([]);
  });

  it('refuses, naming the variable and the path, a file that cannot be read or holds no certificate', () => {
    const empty = join(dir, 'empty.pem');
    writeFileSync(empty, 'not a certificate');

    expect(() => readExtraCaCertificates(join(dir, 'missing.pem'))).toThrow(ExtraCaCertificatesError);
    expect(() => readExtraCaCertificates(join(dir, 'missing.pem'))).toThrow(
      /NODE_EXTRA_CA_CERTS names .*missing\.pem, which cannot be read \(ENOENT\)/,
    );
    expect(() => readExtraCaCertificates(empty)).toThrow(/holds no PEM certificate/);
  });
});
