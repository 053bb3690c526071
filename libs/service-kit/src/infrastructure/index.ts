export * from './infrastructure.tokens';
export * from './managed-consumers';
export * from './projection-runners';
export * from './infrastructure.module';
