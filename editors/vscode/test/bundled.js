// Every keyword of every bundled policy is tokenised as a keyword: each policy is tokenised
// with the grammar (vscode-textmate, as VS Code does), and each word outside comments, texts,
// quoted sentences and clause references that is a keyword of grammar/zhengce.pest's `kw_`
// rules must carry a keyword scope.
const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const root = path.join(__dirname, "..", "..", "..");
const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;
const pest = fs.readFileSync(path.join(root, "grammar", "zhengce.pest"), "utf8");
const keywords = new Set();
for (const line of pest.split("\n").filter((l) => l.startsWith("kw_"))) {
  const m = line.match(/\((.*)\) ~ kwb/);
  if (!m) continue;
  for (const alt of m[1].split(" | ")) {
    const parts = [...alt.matchAll(/"([^"]*)"/g)].map((x) => x[1]).filter((p) => p.trim());
    if (parts.length === 1) keywords.add(parts[0]);
  }
}

async function main() {
  await oniguruma.loadWASM(wasm);
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (s) => new oniguruma.OnigScanner(s),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () =>
      vsctm.parseRawGrammar(fs.readFileSync(path.join(__dirname, "..", "syntaxes", "zhengce.tmLanguage.json"), "utf8"), "zhengce.tmLanguage.json"),
  });
  const grammar = await registry.loadGrammar("source.zhengce");
  const dir = path.join(root, "policies");
  let failures = 0;
  let checked = 0;
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith(".zc")).sort()) {
    const lines = fs.readFileSync(path.join(dir, name), "utf8").split("\n");
    let state = vsctm.INITIAL;
    lines.forEach((line, i) => {
      const r = grammar.tokenizeLine(line, state);
      state = r.ruleStack;
      for (const t of r.tokens) {
        const text = line.slice(t.startIndex, t.endIndex);
        const scopes = t.scopes.join(" ");
        if (/comment|string|entity\.name\.section/.test(scopes)) continue;
        for (const w of text.split(/[^\p{L}\p{N}_]+/u).filter(Boolean)) {
          if (!keywords.has(w)) continue;
          checked++;
          if (!/keyword/.test(scopes)) {
            failures++;
            console.error(`${name}:${i + 1}: keyword \`${w}\` not tokenised as a keyword (${scopes})`);
          }
        }
      }
    });
  }
  console.log(`${checked} keywords checked in the bundled policies, ${failures} untokenised`);
  if (failures > 0 || checked < 500) process.exit(1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
