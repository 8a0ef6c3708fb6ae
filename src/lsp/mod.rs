//! `zhengce lsp`: a language server for policy files over stdio.
//!
//! The server is built on [`lsp_server`], the synchronous message loop and Content-Length framing
//! of rust-analyzer, with the protocol's types from [`lsp_types`]. It was chosen over
//! `tower-lsp` because the work of every request (parse, check, look a name up) is synchronous
//! and takes milliseconds: an async runtime in the binary would add a dependency tree and
//! threads for nothing.
//!
//! Every request is answered from the library alone (parser, checker, formatter, units), never
//! from the command line's code. The files, each small:
//!
//! - [`server`]: the loop: initialize, the documents' notifications, the requests, shutdown;
//! - [`store`]: the open documents (full text sync) and the files their `引用` imports read;
//! - [`position`]: byte offsets ↔ LSP positions (UTF-16 code units: Chinese text everywhere);
//! - [`diagnostics`]: the checker's diagnostics as LSP diagnostics, in the client's language;
//! - [`names`]: the word under the cursor and what it names, in the policy or an imported one;
//! - [`hover`]: a name's kind, type, unit and clauses; a unit word; a comparison word;
//! - [`navigate`]: go to definition, find references, rename;
//! - [`symbols`]: the outline (subjects, awards, conditions, score sheets ...);
//! - [`completion`]: names, fields, enumeration values, unit words, keywords in both languages;
//! - [`edits`]: formatting through `fmt` and the quick fixes of did-you-mean suggestions.
//!
//! Nothing panics on any input: a document that does not parse gets its syntax diagnostics and
//! an outline of the declarations that can be read line by line.

pub mod completion;
pub mod diagnostics;
pub mod edits;
pub mod hover;
pub mod names;
pub mod navigate;
pub mod position;
pub mod server;
pub mod store;
pub mod symbols;

pub use diagnostics::diagnostics_of;
pub use server::run;
