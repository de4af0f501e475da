/**
 * `npm run demo`: runs the example scenario of each preset (examples/scenarios/) through the real
 * local runtime on a virtual clock and prints its timeline, as `hostcycle simulate` does. One DynamoDB
 * Local and one SES emulator serve the three runs, each in a table of its own.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { runScenarioFile } from '../functions/cli/commands/simulate';
import type { CliIo } from '../functions/cli/io';
import { startDynamoDbLocal } from '../infra/local/dynamodb-local';
import { startSesLocal } from '../infra/local/ses-local';

const DIR = 'examples/scenarios';
const io: CliIo = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

const dynamodb = await startDynamoDbLocal();
const ses = await startSesLocal();
let failures = 0;
try {
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()) {
    io.out(`\n═══ ${join(DIR, file)} ═══\n`);
    const code = await runScenarioFile(join(DIR, file), io, { json: false, quiet: false }, {
      runtime: { dynamodb: { endpoint: dynamodb.endpoint, tableName: `demo-${file.replace('.json', '')}` }, ses },
    });
    if (code !== 0) failures += 1;
  }
} finally {
  await ses.stop();
  await dynamodb.stop();
}
process.exitCode = failures === 0 ? 0 : 1;
