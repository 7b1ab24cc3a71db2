/** The DNS diagnosis of failed validations and renewals, re-exported for the use cases and renderers. */
export * from './caa';
export * from './diagnose';
export * from './model';
export * from './run';
export * from './servers';
export * from './text';
export * from './zones';
