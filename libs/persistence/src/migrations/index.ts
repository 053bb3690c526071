import { InitialSchema1732190000000 } from './1732190000000-initial-schema';

/** Every migration, in order. New ones are appended; applied ones are never edited. */
export const ALL_MIGRATIONS = [InitialSchema1732190000000];
