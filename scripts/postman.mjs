// `npm run postman [-- <server url>]`: saves the running server's Postman collection (made from its
// OpenAPI document, GET /postman.json) as apicechat.postman_collection.json. Default server: PUBLIC_URL
// or http://127.0.0.1:3000 (start it with `npm start`).
import { writeFileSync } from 'node:fs';

const base = (process.argv[2] ?? process.env.PUBLIC_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
const file = 'apicechat.postman_collection.json';
try {
  const res = await fetch(`${base}/postman.json`);
  if (!res.ok) throw new Error(`${base}/postman.json answered ${res.status}`);
  const collection = await res.json();
  writeFileSync(file, `${JSON.stringify(collection, null, 2)}\n`);
  const requests = collection.item.reduce((n, folder) => n + folder.item.length, 0);
  console.log(
    `wrote ${file}: ${requests} requests in ${collection.item.length} folders (import it in Postman)`,
  );
} catch (err) {
  console.error(
    `could not export the Postman collection from ${base}: ${err.message} (is the server running?)`,
  );
  process.exit(1);
}
