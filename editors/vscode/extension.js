// The client: starts `zhengce lsp` (the command of the `zhengce.path` setting) for .zc files and
// passes it the language of diagnostics (`zhengce.lang`, else the editor's display language).
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("zhengce");
  const command = config.get("path") || "zhengce";
  const lang = config.get("lang") || (vscode.env.language.startsWith("zh") ? "zh" : "en");
  const server = { command, args: ["lsp"], transport: TransportKind.stdio };
  client = new LanguageClient(
    "zhengce",
    "zhengce",
    { run: server, debug: server },
    {
      documentSelector: [{ scheme: "file", language: "zhengce" }, { scheme: "untitled", language: "zhengce" }],
      initializationOptions: { lang },
    }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
