// Parses an Argdown file with the real Argdown parser and prints what it found as JSON:
// errors of every kind, the statements and relations of the model it built, and the data
// argmap keeps in Argdown's YAML (the front matter's lists, statements' speakers and quotes).
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
const lists = {};
for (const [name, items] of Object.entries((response.frontMatter || {}).argmap || {})) {
  lists[name] = items.length;
}
const speakers = {};
let quotes = 0;
for (const [title, statement] of Object.entries(response.statements || {})) {
  if (statement.data && statement.data.speaker) speakers[title] = statement.data.speaker;
  quotes += ((statement.data || {}).quotes || []).length;
}
console.log(JSON.stringify({
  lexerErrors: (response.lexerErrors || []).map((e) => e.message),
  parserErrors: (response.parserErrors || []).map((e) => e.message),
  exceptions: (response.exceptions || []).map((e) => String(e.message || e)),
  statements: Object.keys(response.statements || {}).sort(),
  arguments: Object.keys(response.arguments || {}).length,
  relations,
  lists,
  speakers,
  quotes,
}));
