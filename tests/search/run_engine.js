// Run the handbook's search engine (docs/_ext/search_ko.js) in node on a built site's index.
// Usage: node run_engine.js <search_ko.js> <index.js> <queries.json> [options.json]
//   →  {query: [[docname, score], ...]} in the order the search page lists them.
"use strict";
const fs = require("fs");
const vm = require("vm");

const [script, indexFile, queriesFile, optionsFile] = process.argv.slice(2);
const options = optionsFile ? JSON.parse(fs.readFileSync(optionsFile, "utf-8")) : {};
const HandbookSearch = require(fs.realpathSync(script));
let engine = null;
vm.runInNewContext(fs.readFileSync(indexFile, "utf-8"), {
  HandbookSearch: { setIndex: (index) => (engine = new HandbookSearch.Engine(index, options)) },
});
const out = {};
for (const q of JSON.parse(fs.readFileSync(queriesFile, "utf-8")))
  out[q] = engine.search(q).map((r) => [r.docname, Math.round(r.score * 10) / 10]);
process.stdout.write(JSON.stringify(out));
