export * from './infrastructure.tokens';
export * from './managed-consumers';
export * from './infrastructure.module';
