// Validates Grafana dashboard JSON files against Grafana's own dashboard schema.
//
// @grafana/schema ships the dashboard schema as TypeScript types generated from Grafana's CUE definitions,
// not as a JSON schema, so this turns its Dashboard type into one (ts-json-schema-generator) and validates
// each file with Ajv. The types forbid unknown properties, so a misspelt or invented field fails too.
// Usage: node validate-dashboards.mjs dashboard.json...   Exit code 1 if any file is invalid.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { createGenerator } from 'ts-json-schema-generator';

const require = createRequire(import.meta.url);
const types = require.resolve('@grafana/schema/package.json').replace(/package\.json$/,
    'dist/esm/raw/dashboard/x/dashboard_types.gen.d.ts');
const schema = createGenerator({ path: types, type: 'Dashboard', skipTypeCheck: true }).createSchema('Dashboard');
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

let failed = 0;
for (const file of process.argv.slice(2)) {
  if (validate(JSON.parse(readFileSync(file, 'utf8')))) {
    console.log(`valid: ${file}`);
  } else {
    failed++;
    console.log(`INVALID: ${file}`);
    for (const e of validate.errors) {
      console.log(`  ${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
    }
  }
}
console.log(`${process.argv.length - 2} dashboards checked against @grafana/schema ` +
    `${require('@grafana/schema/package.json').version}, ${failed} invalid`);
process.exit(failed > 0 || process.argv.length < 3 ? 1 : 0);
