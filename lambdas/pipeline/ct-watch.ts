/**
 * The hourly CT watch of the deployed monitor (the CtWatch Lambda; `npm run demo` calls it as the schedule would):
 * the organization's certificates come from the state table's snapshot (what the daily scans stored, serials
 * included), the watch polls each domain from its cursor, and an issuance outside the organization alerts on-call
 * within the hour, once. Only CT incidents are planned here: the daily FinalizeRun owns every other incident, and
 * its digest lists the watched domains and the issuances still unknown.
 */
import { runAlerting } from '../alerting';
import type { AlertStore } from '../core/alerting/store';
import { watchedDomains } from '../core/ct/domains';
import type { CtAllowRule } from '../core/ct/model';
import type { Clock, RunStore } from '../core/ports';
import { type CtWatchDeps, type CtWatchResult, runCtWatch } from '../ct/watch';
import type { RunLogger } from '../run/complete-run';
import { alertSender, type SlackPosterFactory, type SlackSetup } from '../wiring/slack';

export interface CtWatchPipelineDeps extends CtWatchDeps {
  snapshot: Pick<RunStore, 'loadAllCertificates'>;
  alerts: AlertStore;
  slack: () => Promise<SlackSetup>;
  poster: SlackPosterFactory;
  clock: Clock;
  logger?: RunLogger;
}

export interface CtWatchPipelineInput {
  /** Absent: the registrable domains of the snapshot's certificates. */
  domains?: readonly string[];
  allow: readonly CtAllowRule[];
  ownerTagKey: string;
}

export interface CtWatchPipelineOutcome {
  watch: CtWatchResult;
  alerts: { sent: number; pending: number; outcome: 'sent' | 'failed' | 'not-configured' | 'secret-unreadable' };
}

export async function watchCertificateTransparency(
  deps: CtWatchPipelineDeps,
  input: CtWatchPipelineInput,
): Promise<CtWatchPipelineOutcome> {
  const now = deps.clock();
  const certificates = await deps.snapshot.loadAllCertificates();
  const domains =
    input.domains ?? watchedDomains(certificates.flatMap((cert) => [cert.domainName, ...cert.subjectAlternativeNames]));
  const watch = await runCtWatch(deps, { domains, certificates, allow: input.allow, now });
  for (const failure of watch.failures) {
    deps.logger?.warn('CT poll failed for a domain; the next poll resumes from its cursor', { ...failure });
  }
  const slack = await deps.slack();
  const url = slack.kind === 'configured' ? slack.webhooks.alertsWebhookUrl : undefined;
  if (url === undefined) {
    return {
      watch,
      alerts: { sent: 0, pending: 0, outcome: slack.kind === 'unreadable' ? 'secret-unreadable' : 'not-configured' },
    };
  }
  const result = await runAlerting({
    store: deps.alerts,
    send: alertSender(deps.poster(url, 'alerts'), input.ownerTagKey),
    certificates: [],
    targets: [],
    now,
    ct: watch.report.issuances,
    ctOnly: true,
  });
  if (result.failure) {
    deps.logger?.error('CT alert delivery stopped; the rest stays pending', { error: result.failure.message });
  }
  return {
    watch,
    alerts: { sent: result.sent.length, pending: result.pending.length, outcome: result.failure ? 'failed' : 'sent' },
  };
}
