/** The Certificate Transparency watch's pure part: domains, allow list, verdicts and the finding. */
export * from './allow-list';
export * from './classify';
export * from './domains';
export * from './finding';
export * from './model';
export * from './store';
