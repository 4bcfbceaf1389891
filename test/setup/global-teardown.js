import { admin } from './global-setup.js';

/** Drops the template and any copy a crashed test file left behind. */
export default async function globalTeardown() {
  await admin(async (c) => {
    const { rows } = await c.query(`SELECT datname FROM pg_database WHERE datname LIKE 'listebud\\_test\\_%'`);
    for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  });
}
