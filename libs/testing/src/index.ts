export * from './test-env';
export * from './operator-keys';
export * from './tcp-proxy';
export * from './readiness';
export * from './session-messages';
