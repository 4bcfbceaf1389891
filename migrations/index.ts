import { Initial1763800000000 } from './1763800000000-Initial.js';

/** Every migration, in order. Listed explicitly so compiled and test runs load the same classes. */
export const migrations = [Initial1763800000000];
