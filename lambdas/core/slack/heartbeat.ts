/** The dead-man heartbeat's messages: the monitor stopped completing runs, still has not, or runs again. */
import type { HeartbeatNotice } from '../notices';
import { type Block, context, fitMessage, header, type SlackMessage, section } from './blocks';
import { formatCount, isoMinute } from './text';

const HOUR_MS = 3_600_000;

/** "30 hours", "3 days and 4 hours". */
function durationPhrase(ms: number): string {
  const hours = Math.max(0, Math.floor(ms / HOUR_MS));
  if (hours < 48) return `${formatCount(hours)} hour${hours === 1 ? '' : 's'}`;
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return `${formatCount(days)} days${rest > 0 ? ` and ${rest} hour${rest === 1 ? '' : 's'}` : ''}`;
}

function sinceLast(notice: HeartbeatNotice): string {
  const last = isoMinute(notice.lastCompletedAt);
  if (last === undefined || notice.lastCompletedAt === undefined) return 'No run of the monitor has ever completed.';
  const ago = durationPhrase(Date.parse(notice.now) - Date.parse(notice.lastCompletedAt));
  return `No run has completed since *${last}* (${ago} ago).`;
}

const CHECKS =
  "*What to check*\n• The daily EventBridge schedule is enabled\n• The state machine's latest executions: failed, timed out or still running?\n• The FinalizeRun function's logs and errors";

export function renderHeartbeat(notice: HeartbeatNotice): SlackMessage {
  const expectation = `Runs are expected every ${formatCount(notice.periodHours)} h (+${formatCount(notice.graceHours)} h grace).`;
  let title: string;
  let blocks: Block[];
  switch (notice.stage) {
    case 'stale':
      title = '🚨 Certificate monitor has stopped';
      blocks = [
        header(title),
        section(
          `${sinceLast(notice)} ${expectation}\nUntil a run completes, *silence here does not mean certificates are fine*: expiring certificates and failed renewals are not being reported.`,
        ),
        section(CHECKS),
      ];
      break;
    case 'reminder':
      title = '⏰ Reminder: certificate monitor still stopped';
      blocks = [
        header(title),
        section(`${sinceLast(notice)} ${expectation}\nCertificates are still not being checked.`),
        section(CHECKS),
      ];
      break;
    case 'recovered': {
      title = '✅ Certificate monitor is running again';
      const last = isoMinute(notice.lastCompletedAt);
      blocks = [
        header(title),
        section(
          `${last ? `A run completed at *${last}*. ` : 'Runs complete again. '}Digests and alerts resume; the next digest covers everything found meanwhile.`,
        ),
      ];
      break;
    }
  }
  blocks.push(context(`Checked ${isoMinute(notice.now) ?? 'now'}`));
  const summary = notice.stage === 'recovered' ? '' : ` ${sinceLast(notice).replace(/\*/g, '')}`;
  return fitMessage({ text: `${title}.${summary}`, blocks });
}
