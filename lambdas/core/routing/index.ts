/** Owner routing of alerts and digests: the routing table, one certificate's route, a run's routes. */
export * from './config';
export * from './resolve';
export * from './run';
