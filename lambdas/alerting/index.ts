/** On-call alerting: incidents, one alert per incident with reminders and a resolution, and the dead-man heartbeat. */
export {
  type DeliveryFailure,
  type DeliveryResult,
  type FlushInput,
  flushPending,
  isWebhookBrokenError,
  type SendAlert,
  type SendHeartbeat,
} from './deliver';
export { type HeartbeatSchedule, type RunHeartbeatInput, type RunHeartbeatResult, runHeartbeat } from './heartbeat';
export {
  type AlertRouting,
  flushRouted,
  type RoutedDeliveryResult,
  routedNoticeId,
  type SendRouted,
} from './routed';
export { type AlertingConfig, type RunAlertingInput, type RunAlertingResult, runAlerting } from './run-alerting';
