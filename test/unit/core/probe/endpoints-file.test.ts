import { describe, expect, it } from 'vitest';
import { EndpointListError, parseEndpointsFile } from '../../../../lambdas/core/probe/endpoints-file';

describe('the endpoints file', () => {
  it('reads one host[:port] a line, 443 by default, skipping comments, blanks and repeats', () => {
    const text =
      '# on premises\nvpn.example.com\n\nlegacy.example.com:8443  # old box\n[2001:db8::1]:443\nVPN.example.com\n10.0.0.1\n';

    const endpoints = parseEndpointsFile(text);

    expect(endpoints.map((e) => [e.host, e.port, e.sni, e.source])).toEqual([
      ['vpn.example.com', 443, 'vpn.example.com', 'file'],
      ['legacy.example.com', 8443, 'legacy.example.com', 'file'],
      ['2001:db8::1', 443, '2001:db8::1', 'file'],
      ['10.0.0.1', 443, '10.0.0.1', 'file'],
    ]);
    expect(endpoints.every((e) => e.expectedSerials.length === 0)).toBe(true);
  });

  it.each([
    ['a port out of range', 'a.example.com:70000', /line 1: "a.example.com:70000" has no valid port/],
    ['a port that is not a number', 'a.example.com:https', /has no valid port/],
    ['a URL instead of a host', 'https://a.example.com/x', /is a URL; give the host alone.*e\.g\. a\.example\.com\)/],
    ['a name with a space-free typo', 'a..example.com', /is not a host name or IP address/],
    ['two items on a line', 'a.example.com b.example.com', /line 1: .* holds more than one item/],
  ])('names the line and what is expected for %s', (_name, text, message) => {
    expect(() => parseEndpointsFile(text, 'endpoints.txt')).toThrow(EndpointListError);
    expect(() => parseEndpointsFile(text, 'endpoints.txt')).toThrow(message);
  });
});
