// Writes clickhouse/users.compose.xml (mounted by docker-compose.yml) from clickhouse/users.ts.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { composeUsersXml } from './users.ts';

export const COMPOSE_USERS_FILE = fileURLToPath(new URL('./users.compose.xml', import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(COMPOSE_USERS_FILE, composeUsersXml());
  console.log(`wrote ${COMPOSE_USERS_FILE}`);
}
