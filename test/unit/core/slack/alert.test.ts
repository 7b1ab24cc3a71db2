import { describe, expect, it } from 'vitest';
import { INCIDENT_KINDS, type NoticeStage } from '../../../../lambdas/core/notices';
import { renderAlert, renderPlainText } from '../../../../lambdas/core/slack';
import { certificateId, notice } from './fixtures';
import { allTexts, expectSafeMarkup, expectWithinSlackLimits } from './limits';

const STAGES: NoticeStage[] = ['opened', 'reminder', 'resolved'];

function body(message: ReturnType<typeof renderAlert>): string {
  return allTexts(message).join('\n');
}

describe('renderAlert', () => {
  // The monitor's own incident names no account (test/unit/core/monitor-health.test.ts renders it), nor does a CT
  // issuance outside the organization (test/unit/core/slack/ct.test.ts).
  const accountKinds = INCIDENT_KINDS.filter(
    (kind) => kind !== 'MONITOR_STATE_TABLE' && kind !== 'CT_UNKNOWN_ISSUANCE',
  );
  it.each(accountKinds.flatMap((kind) => STAGES.map((stage) => [kind, stage] as const)))(
    'renders %s %s within limits with a header, the account and a plain-text fallback',
    (kind, stage) => {
      const message = renderAlert(notice({ kind }, { stage, threshold: 7 }), { ownerTagKey: 'team' });

      expectWithinSlackLimits(message);
      expectSafeMarkup(message);
      expect(message.blocks[0]?.type).toBe('header');
      // The name is the member account's own (it can rename itself): shown as code, so it cannot format or link.
      expect(body(message)).toContain('`Prod` (100000000001)');
      expect(message.text).toContain('`Prod` (100000000001) eu-west-1');
    },
  );

  it('gives a failed renewal its reason, what to do, the owner and the console link', () => {
    const text = body(renderAlert(notice({ kind: 'RENEWAL_FAILED', reason: 'CAA_ERROR', owner: 'payments' })));

    expect(text).toContain('Certificate renewal failed');
    expect(text).toContain('*Reason:* `CAA_ERROR`');
    expect(text).toContain('CAA record');
    expect(text).toContain('*Owner:* `payments`');
    expect(text).toContain(
      `<https://eu-west-1.console.aws.amazon.com/acm/home?region=eu-west-1#/certificates/${certificateId(1)}|api.example.com>`,
    );
  });

  it('lists the DNS records to create for a pending validation, each once', () => {
    const record = {
      domainName: 'api.example.com',
      name: '_a1.api.example.com.',
      type: 'CNAME',
      value: '_b2.acm-validations.aws.',
    };
    const message = renderAlert(
      notice({
        kind: 'PENDING_VALIDATION',
        validationRecords: [record, { ...record, domainName: '*.api.example.com' }],
      }),
    );
    const text = body(message);

    expect(text).toContain('*DNS records to create*');
    expect(text).toContain('Name: `_a1.api.example.com.`');
    expect(text).toContain('Type: `CNAME`');
    expect(text).toContain('Value: `_b2.acm-validations.aws.`');
    expect(text.split('_a1.api.example.com.').length - 1).toBe(1);
    expect(text).toContain('Create this DNS record');
  });

  it('asks for the email approval, not DNS records, for a certificate validated by email', () => {
    const opened = body(renderAlert(notice({ kind: 'PENDING_VALIDATION', validationMethod: 'EMAIL' })));
    const failed = body(
      renderAlert(notice({ kind: 'RENEWAL_FAILED', reason: 'OTHER', validationMethod: 'EMAIL' }, { stage: 'opened' })),
    );
    const reminder = renderAlert(
      notice({ kind: 'PENDING_VALIDATION', validationMethod: 'EMAIL' }, { stage: 'reminder' }),
    );

    expect(opened).toContain('waiting for email validation');
    expect(opened).toContain('resend-validation-email');
    expect(opened).not.toMatch(/CNAME|DNS record/);
    expect(failed).toContain('renewal email');
    expect(failed).not.toMatch(/CNAME/);
    expect(reminder.blocks[0]).toMatchObject({
      text: { text: expect.stringContaining('still waiting for email validation') },
    });
  });

  it('lists the redirects to serve for a certificate validated over HTTP', () => {
    const message = renderAlert(
      notice({
        kind: 'PENDING_VALIDATION',
        validationMethod: 'HTTP',
        httpRedirects: [
          {
            domainName: 'cdn.example.com',
            redirectFrom: 'http://cdn.example.com/.well-known/pki-validation/a1.txt',
            redirectTo: 'https://validation.us-east-1.acm-validations.aws/123/.well-known/pki-validation/a1.txt',
          },
        ],
      }),
    );
    const text = body(message);

    expect(text).toContain('waiting for HTTP validation');
    expect(text).toContain('*Redirects to serve*');
    expect(text).toContain('Redirect from: `http://cdn.example.com/.well-known/pki-validation/a1.txt`');
    expect(text).not.toMatch(/CNAME|DNS record/);
    expectWithinSlackLimits(message);
    expectSafeMarkup(message);
  });

  it('gives an expiring email-validated certificate the email renewal advice', () => {
    const text = body(
      renderAlert(notice({ kind: 'EXPIRING_IN_USE', type: 'AMAZON_ISSUED', validationMethod: 'EMAIL' })),
    );

    expect(text).toContain('renewal email');
    expect(text).not.toMatch(/CNAME/);
  });

  it('caps many validation records and says where the rest are', () => {
    const records = Array.from({ length: 40 }, (_, n) => ({
      domainName: `d${n}.example.com`,
      name: `_n${n}.d${n}.example.com.`,
      type: 'CNAME',
      value: `_v${n}.acm-validations.aws.`,
    }));
    const message = renderAlert(notice({ kind: 'PENDING_VALIDATION', validationRecords: records }));

    expectWithinSlackLimits(message);
    expect(body(message)).toContain('+30 more (see the certificate in the console)');
  });

  it('says what an expired in-use certificate is attached to', () => {
    const inUseBy = [
      'arn:aws:cloudfront::100000000001:distribution/E123',
      'arn:aws:elasticloadbalancing:eu-west-1:100000000001:loadbalancer/app/web/1',
    ];
    const text = body(renderAlert(notice({ kind: 'EXPIRED_IN_USE', daysToExpiry: -2, inUseBy })));

    expect(text).toContain('Certificate in use has expired');
    expect(text).toContain('*Attached to* (2 resources)');
    expect(text).toContain('`arn:aws:cloudfront::100000000001:distribution/E123`');
    expect(text).toContain('*Expired:* 2026-01-20 (2 days ago)');
    expect(text).toContain('get certificate errors now');
  });

  it('tells how to renew an imported certificate that is expiring', () => {
    const text = body(renderAlert(notice({ kind: 'EXPIRING_IN_USE', type: 'IMPORTED', daysToExpiry: 6 })));

    expect(text).toContain('expires in 6 days');
    expect(text).toContain('import-certificate --certificate-arn');
  });

  it('explains a coverage gap with the error code and the likely cause its target carried', () => {
    const message = renderAlert(
      notice({
        kind: 'COVERAGE_GAP',
        arn: undefined,
        domainName: undefined,
        errorCode: 'AccessDenied',
        reason: 'User is not authorized to perform: sts:AssumeRole',
        likelyCause:
          'the audit role is missing in this account (StackSet not deployed there yet), its trust policy does not name the hub, the ExternalId does not match, or a service control policy denies sts:AssumeRole',
      }),
    );
    const text = body(message);

    expect(text).toContain('*Error:* `AccessDenied`');
    expect(text).toContain('ExternalId');
    expect(text).toContain('SCP');
    expect(text).not.toContain('*Certificate:*');
  });

  it('attributes an invalid-token coverage gap to a disabled region', () => {
    const text = body(renderAlert(notice({ kind: 'COVERAGE_GAP', errorCode: 'UnrecognizedClientException' })));

    expect(text).toContain('region is probably not enabled');
  });

  it('counts the days left in a reminder', () => {
    const message = renderAlert(
      notice({ kind: 'RENEWAL_FAILED', daysToExpiry: 7 }, { stage: 'reminder', threshold: 7 }),
    );

    expect(message.blocks[0]).toMatchObject({
      type: 'header',
      text: { text: '⏰ Reminder: renewal still failing — 7 days left' },
    });
  });

  it('keeps a resolved notice short: no advice, the time it was open since', () => {
    const message = renderAlert(notice({ kind: 'RENEWAL_FAILED', reason: 'CAA_ERROR' }, { stage: 'resolved' }));
    const text = body(message);

    expect(text).toContain('✅ Resolved');
    expect(text).not.toContain('What to do');
    expect(text).not.toContain('CAA_ERROR');
    expect(text).toContain('Was open since 2026-01-05 06:30 UTC');
  });

  it('shows owner and error message from member accounts as code, so they cannot format, link or ping', () => {
    const owner = '*urgent* <!channel> https://evil.example/login';
    const renewal = body(renderAlert(notice({ kind: 'RENEWAL_FAILED', reason: 'CAA_ERROR', owner })));
    const gap = body(
      renderAlert(notice({ kind: 'COVERAGE_GAP', errorCode: 'AccessDenied', reason: '_see_ https://evil.example' })),
    );

    expect(renewal).toContain('*Owner:* `*urgent* &lt;!channel&gt; https://evil.example/login`');
    expect(gap).toContain('*Message:* `_see_ https://evil.example`');
  });

  it('names the owner tag when the certificate has no owner', () => {
    const text = body(renderAlert(notice({ owner: undefined }), { ownerTagKey: 'team' }));

    expect(text).toContain('*Owner:* unknown (no `team` tag on the certificate)');
  });

  it('escapes hostile values and stays within limits', () => {
    const evil = `<!channel> ${'&'.repeat(2_000)} <@U1>`;
    const message = renderAlert(
      notice({
        domainName: evil,
        accountName: evil,
        owner: evil,
        reason: evil,
        inUseBy: Array.from({ length: 500 }, () => evil),
        kind: 'EXPIRED_IN_USE',
      }),
      { ownerTagKey: evil },
    );

    expectWithinSlackLimits(message);
    expectSafeMarkup(message);
    expect(renderPlainText(message)).toContain('<!channel>');
  });
});
