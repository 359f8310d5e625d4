// `pnpm client:generate [base-url]`: writes src/openapi.ts from the OpenAPI document a fairdraw
// service serves: the one at base-url, or (without it) this checkout's API started in-process.
// Run after `tsc -b` (the root script does both).
import { writeFile } from 'node:fs/promises';
import { typesFrom } from '../dist/generate.js';
import { fetchDocument, startServedApi } from '../dist/testing/served-api.js';

const given = process.argv[2];
const api = given ? { url: given, close: async () => {} } : await startServedApi();
try {
  const target = new URL('../src/openapi.ts', import.meta.url);
  await writeFile(target, await typesFrom(await fetchDocument(api.url)));
  console.log(`wrote ${target.pathname} from ${given ? `${api.url}/openapi.json` : "this checkout's API"}`);
} finally {
  await api.close();
}
