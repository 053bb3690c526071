export * from './test-env';
export * from './operator-keys';
