import { rmSync } from 'node:fs';

/** Stops the run's embedded PostgreSQL; its folder, with every clone in it, goes with it. */
export default async function embeddedGlobalTeardown() {
  const state = globalThis.listebudEmbeddedTestDatabase;
  if (!state) return;
  await state.embedded.stop();
  rmSync(state.dataDir, { recursive: true, force: true });
}
