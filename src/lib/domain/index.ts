/** The pure domain shared by the PWA and the sync-server. No framework, store or Node imports. */
export * from './doc-types';
export * from './errors';
export * from './text';
export * from './calendar';
export * from './sla';
export * from './reference';
export * from './case-state';
export * from './content-type';
export * from './phone';
export * from './validation';
export * from './routing';
export * from './rating';
