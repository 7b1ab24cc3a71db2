import { describe, expect, it } from 'vitest';
import { renderAlert, renderDigest, type SlackMessage } from '../../../../lambdas/core/slack';
import { bigDigest, cert, notice, target } from './fixtures';
import { allTexts, expectSafeMarkup, expectWithinSlackLimits } from './limits';

const text = (message: SlackMessage) => allTexts(message).join('\n');

describe('renderAlert with owner routing', () => {
  it.each([
    [{ destination: 'web', rule: 'certificateTag:team', value: 'web' }, 'routed by tag team=web'],
    [{ destination: 'web', rule: 'accountTag:team', value: 'web' }, 'routed by account tag team=web'],
    [{ destination: 'data', rule: 'ou:ou-ab12-11111111', value: 'ou-ab12-11111111' }, 'routed by OU ou-ab12-11111111'],
    [{ destination: 'platform', rule: 'default' }, 'no owner'],
  ])('says why it reached this channel (%j)', (route, line) => {
    const message = renderAlert(notice({}, { destination: route.destination, route }));
    expect(text(message)).toContain(line);
    expectWithinSlackLimits(message);
  });

  it('says nothing about routing when routing is off', () => {
    expect(text(renderAlert(notice()))).not.toMatch(/routed by|no owner/);
  });

  it('tells the default channel which team a fallen-back message was meant for, first', () => {
    const route = { destination: 'web', rule: 'certificateTag:team', value: 'web' };
    const message = renderAlert(notice({}, { destination: 'web', route }), { fallbackFrom: 'web' });
    expect(message.blocks[1]).toMatchObject({
      type: 'section',
      text: { text: expect.stringContaining('Meant for *web*, whose Slack webhook is broken (404/410)') },
    });
    expect(text(message)).toContain('routed by tag team=web');
  });

  it('escapes a hostile tag key or value so it cannot ping the channel', () => {
    const route = { destination: 'web', rule: 'certificateTag:<!channel>', value: '<!here>' };
    const message = renderAlert(notice({}, { destination: 'web', route }));
    expectSafeMarkup(message);
    expect(text(message)).not.toContain('<!channel>');
  });
});

describe('renderDigest with owner routing', () => {
  const routing = {
    byDestination: [
      { destination: 'platform', certificates: 3 },
      { destination: 'web', certificates: 2 },
    ],
    unowned: 3,
    problems: [{ value: 'Web', rule: 'certificateTag:team', reason: 'names no destination (did you mean "web"?)' }],
    brokenDestinations: ['payments'],
  };

  it('names the team in a team digest', () => {
    const message = renderDigest(
      {
        runId: 'r',
        generatedAt: '2026-12-01T06:00:00.000Z',
        expiryDays: 30,
        targets: [target(1)],
        certificates: [cert(1), cert(2)],
        changes: [],
      },
      { team: 'web' },
    );
    expect(message.blocks[0]).toMatchObject({
      type: 'header',
      text: { text: '📋 web: certificate digest 2026-12-01' },
    });
    expect(text(message)).toContain('Team digest for *web*: 2 certificates routed here');
  });

  it('shows who owns what, what nobody owns, the broken destinations and the values that named none in the default digest', () => {
    const message = renderDigest(bigDigest(), { routing });
    const all = text(message);
    expect(all).toContain('platform 3 · web 2');
    expect(all).toContain('*3 certificates* with no owner came here.');
    expect(all).toContain('*Broken webhook:* *payments*');
    expect(all).toContain('certificateTag:team value `Web`: names no destination');
    expectWithinSlackLimits(message);
  });

  it('lists no certificates in a summary-only organization digest, only the figures and the routing', () => {
    const full = renderDigest(bigDigest(), { routing });
    const summary = renderDigest(bigDigest(), { routing, summaryOnly: true });
    expect(summary.blocks.length).toBeLessThan(full.blocks.length);
    expect(text(summary)).toMatch(/Renewal problems \d+ · expiring in use \d+/);
    expect(text(summary)).not.toContain('c1.example.com');
    expect(text(summary)).toContain('📬 Routing');
  });
});
