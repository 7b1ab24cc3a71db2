/**
 * One spelling of certificate serials in every report: upper-case hex, colon-separated. ACM's `Serial` is
 * colon-separated hex in lower case (its own examples), Node's X509Certificate gives upper-case hex without colons,
 * and DER may carry a leading 00 byte to keep a serial positive that ACM does not print. A serial is an integer, so
 * two spellings of one integer must compare equal: leading zero bytes are dropped, case and separators ignored.
 */

export class SerialError extends Error {
  override readonly name = 'SerialError';
}

/** `07:71:f4`, `0771F4`, `00:07:71:f4` → `07:71:F4`. Throws SerialError for anything that is not hex. */
export function normalizeSerial(serial: string): string {
  const hex = serial.replace(/[:\s-]/g, '').toUpperCase();
  if (hex === '' || !/^[0-9A-F]+$/.test(hex)) {
    throw new SerialError(`"${serial}" is not a certificate serial (expected hex bytes, e.g. 07:71:71:F4)`);
  }
  const even = hex.length % 2 === 0 ? hex : `0${hex}`;
  const bytes = even.match(/../g) as string[];
  let first = 0;
  while (first < bytes.length - 1 && bytes[first] === '00') first++;
  return bytes.slice(first).join(':');
}

/** Whether two spellings name the same serial; false when either is not a serial. */
export function sameSerial(a: string, b: string): boolean {
  try {
    return normalizeSerial(a) === normalizeSerial(b);
  } catch {
    return false;
  }
}

/** Hex without separators (any case) as colon-separated upper-case pairs; for fingerprints, where zeros count. */
export function colonHex(hex: string): string {
  const clean = hex.replace(/[:\s]/g, '').toUpperCase();
  return (clean.match(/../g) ?? []).join(':');
}
