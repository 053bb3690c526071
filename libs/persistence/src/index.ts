export * from './data-source';
export { ALL_MIGRATIONS } from './migrations';
