/**
 * vitest `globalSetup` for the integration and e2e projects, so that `npx vitest run --project integration`
 * works on its own: it starts PostgreSQL and Temporal unless TEST_DATABASE_URL / TEST_TEMPORAL_ADDRESS are
 * set (as scripts/test.ts and CI set them), and exports those variables to the test workers.
 */
import { ensureServices } from './test-services.ts';

export default async function setup(): Promise<() => Promise<void>> {
  const services = await ensureServices();
  process.env.TEST_DATABASE_URL = services.databaseUrl;
  process.env.TEST_TEMPORAL_ADDRESS = services.temporalAddress;
  return () => services.stop();
}
