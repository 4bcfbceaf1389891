import { admin, runId } from './global-setup.js';

/** Drops this run's template and any copy of it a crashed test file left behind; other runs' stay. */
export default async function globalTeardown() {
  await admin(async (c) => {
    const { rows } = await c.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`listebud\\_test\\_${runId()}\\_%`]);
    for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  });
}
