// Parses an Argdown file with the real Argdown parser and prints what it found as JSON:
// errors of every kind, and the statements and relations of the model it built.
import { ArgdownApplication, ParserPlugin, ModelPlugin, DataPlugin } from "@argdown/core";
import { readFileSync } from "node:fs";

const app = new ArgdownApplication();
app.addPlugin(new ParserPlugin(), "parse-input");
app.addPlugin(new DataPlugin(), "build-model");
app.addPlugin(new ModelPlugin(), "build-model");
const response = app.run({
  input: readFileSync(process.argv[2], "utf8"),
  process: ["parse-input", "build-model"],
  logExceptions: false,
});
const relations = {};
for (const relation of response.relations || []) {
  relations[relation.relationType] = (relations[relation.relationType] || 0) + 1;
}
console.log(JSON.stringify({
  lexerErrors: (response.lexerErrors || []).map((e) => e.message),
  parserErrors: (response.parserErrors || []).map((e) => e.message),
  exceptions: (response.exceptions || []).map((e) => String(e.message || e)),
  statements: Object.keys(response.statements || {}).sort(),
  arguments: Object.keys(response.arguments || {}).length,
  relations,
}));
