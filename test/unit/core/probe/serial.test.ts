import { describe, expect, it } from 'vitest';
import { normalizeSerial, SerialError, sameSerial } from '../../../../lambdas/core/probe/serial';

describe('certificate serials', () => {
  it("writes ACM's lower-case colon form and Node's bare upper-case form the same way", () => {
    expect(normalizeSerial('07:71:71:f4:6b:e7')).toBe('07:71:71:F4:6B:E7');
    expect(normalizeSerial('077171F46BE7')).toBe('07:71:71:F4:6B:E7');
  });

  it('compares serials as integers: a leading 00 byte that keeps DER positive does not make another serial', () => {
    expect(sameSerial('00:80:ab', '80:AB')).toBe(true);
    expect(normalizeSerial('3fab')).toBe('3F:AB');
    expect(normalizeSerial('fab')).toBe('0F:AB');
    expect(sameSerial('80:ab', '80:ac')).toBe(false);
  });

  it('refuses what is not hex, saying what a serial looks like', () => {
    expect(() => normalizeSerial('not-a-serial')).toThrow(SerialError);
    expect(() => normalizeSerial('')).toThrow(/expected hex bytes/);
    expect(sameSerial('zz', 'zz')).toBe(false);
  });
});
