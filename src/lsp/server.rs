//! The server's loop: initialize, the documents' notifications (open, change, close), the
//! requests, shutdown and exit. Every request is answered; one that cannot be (unknown method,
//! malformed parameters) gets an error response, never a crash.

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest,
    References, Rename, Request as _,
};
use lsp_types::{
    CodeActionProviderCapability, CompletionOptions, DocumentSymbolResponse,
    GotoDefinitionResponse, Hover, HoverContents, HoverProviderCapability, InitializeParams,
    MarkupContent, MarkupKind, OneOf, PublishDiagnosticsParams, ServerCapabilities, ServerInfo,
    TextDocumentSyncCapability, TextDocumentSyncKind, Url,
};
use serde_json::Value;

use super::names::{Resolver, word_at};
use super::navigate::{location, references, rename, target_at, with_checked};
use super::position::Lines;
use super::store::Store;
use crate::diagnostics::Lang;

/// The server's state: the documents and the client's language.
pub struct Server {
    pub store: Store,
    pub lang: Lang,
    pub codes: Option<Url>,
}

/// The capabilities announced.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Left(true)),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".to_string()]),
            ..CompletionOptions::default()
        }),
        ..ServerCapabilities::default()
    }
}

/// The client's language: `initializationOptions.lang` (`zh` or `en`), else its locale
/// (`zh-CN` → Chinese, any other → English), else the environment's as on the command line.
pub fn client_lang(params: &InitializeParams) -> Lang {
    let option = params
        .initialization_options
        .as_ref()
        .and_then(|o| o.get("lang"))
        .and_then(Value::as_str)
        .and_then(crate::diagnostics::lang::parse_lang);
    if let Some(lang) = option {
        return lang;
    }
    match &params.locale {
        Some(l) if !l.trim().is_empty() => crate::diagnostics::lang::lang_of_locale(l),
        _ => crate::diagnostics::lang::lang_from_env(None),
    }
}

/// Runs the server on stdin and stdout until the client asks it to exit. `Err` with a message
/// when the connection breaks or the client exits without asking for shutdown.
pub fn run() -> Result<(), String> {
    let (connection, io_threads) = Connection::stdio();
    let result = serve(&connection);
    drop(connection);
    io_threads.join().map_err(|e| e.to_string())?;
    result
}

fn serve(connection: &Connection) -> Result<(), String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let codes = params
        .initialization_options
        .as_ref()
        .and_then(|o| o.get("codesUrl"))
        .and_then(Value::as_str)
        .and_then(|u| Url::parse(u).ok())
        .or_else(super::diagnostics::default_codes_url);
    let mut server = Server { store: Store::default(), lang: client_lang(&params), codes };
    let result = serde_json::json!({
        "capabilities": capabilities(),
        "serverInfo": ServerInfo { name: "zhengce".to_string(), version: Some(env!("CARGO_PKG_VERSION").to_string()) },
    });
    connection.initialize_finish(id, result).map_err(|e| e.to_string())?;
    for message in &connection.receiver {
        match message {
            Message::Request(req) => {
                if connection.handle_shutdown(&req).map_err(|e| e.to_string())? {
                    return Ok(());
                }
                let response = server.request(req);
                connection.sender.send(Message::Response(response)).map_err(|e| e.to_string())?;
            }
            Message::Notification(n) => {
                if n.method == "exit" {
                    return Err("exit without shutdown".to_string());
                }
                for out in server.notification(n) {
                    connection
                        .sender
                        .send(Message::Notification(out))
                        .map_err(|e| e.to_string())?;
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

fn params<P: serde::de::DeserializeOwned>(value: Value) -> Result<P, Response> {
    serde_json::from_value(value).map_err(|e| {
        Response::new_err(
            lsp_server::RequestId::from(0),
            ErrorCode::InvalidParams as i32,
            e.to_string(),
        )
    })
}

impl Server {
    /// The diagnostics to publish for a document.
    pub fn publish(&self, uri: &Url) -> Option<Notification> {
        let file = self.store.get(uri)?;
        let diagnostics = super::diagnostics_of(file, uri, self.lang, self.codes.as_ref());
        let params = PublishDiagnosticsParams { uri: uri.clone(), diagnostics, version: None };
        Some(Notification::new(PublishDiagnostics::METHOD.to_string(), params))
    }

    /// Handles a notification; returns the notifications to send back.
    pub fn notification(&mut self, n: Notification) -> Vec<Notification> {
        match n.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(p) = params::<lsp_types::DidOpenTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                self.store.open(p.text_document.uri.clone(), p.text_document.text);
                self.publish(&p.text_document.uri).into_iter().collect()
            }
            DidChangeTextDocument::METHOD => {
                let Ok(p) = params::<lsp_types::DidChangeTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                // Full sync: the last change holds the whole text.
                let Some(change) = p.content_changes.into_iter().last() else { return Vec::new() };
                self.store.open(p.text_document.uri.clone(), change.text);
                self.publish(&p.text_document.uri).into_iter().collect()
            }
            DidSaveTextDocument::METHOD => {
                let Ok(p) = params::<lsp_types::DidSaveTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                self.publish(&p.text_document.uri).into_iter().collect()
            }
            DidCloseTextDocument::METHOD => {
                let Ok(p) = params::<lsp_types::DidCloseTextDocumentParams>(n.params) else {
                    return Vec::new();
                };
                self.store.close(&p.text_document.uri);
                let params = PublishDiagnosticsParams {
                    uri: p.text_document.uri,
                    diagnostics: Vec::new(),
                    version: None,
                };
                vec![Notification::new(PublishDiagnostics::METHOD.to_string(), params)]
            }
            _ => Vec::new(),
        }
    }

    /// Answers a request.
    pub fn request(&self, req: Request) -> Response {
        let id = req.id.clone();
        match self.answer(req) {
            Ok(value) => Response::new_ok(id, value),
            Err(mut response) => {
                response.id = id;
                response
            }
        }
    }

    fn doc(&self, uri: &Url) -> Result<&std::sync::Arc<crate::source::SourceFile>, Response> {
        self.store.get(uri).ok_or_else(|| {
            Response::new_err(
                lsp_server::RequestId::from(0),
                ErrorCode::InvalidParams as i32,
                format!("document not open: {uri}"),
            )
        })
    }

    fn answer(&self, req: Request) -> Result<Value, Response> {
        let resolver = Resolver::new(&self.store, self.lang);
        let json = |v: Result<Value, serde_json::Error>| v.unwrap_or(Value::Null);
        match req.method.as_str() {
            HoverRequest::METHOD => {
                let p: lsp_types::HoverParams = params(req.params)?;
                let file = self.doc(&p.text_document_position_params.text_document.uri)?;
                let lines = Lines::new(&file.text);
                let offset = lines.offset(&file.text, p.text_document_position_params.position);
                let Some(word) = word_at(&file.text, offset) else { return Ok(Value::Null) };
                let md =
                    with_checked(file, |parsed| super::hover::hover_md(&resolver, parsed, &word));
                Ok(match md {
                    Some(value) => json(serde_json::to_value(Hover {
                        contents: HoverContents::Markup(MarkupContent {
                            kind: MarkupKind::Markdown,
                            value,
                        }),
                        range: Some(lines.range(&file.text, word.span)),
                    })),
                    None => Value::Null,
                })
            }
            GotoDefinition::METHOD => {
                let p: lsp_types::GotoDefinitionParams = params(req.params)?;
                let file = self.doc(&p.text_document_position_params.text_document.uri)?;
                let offset = Lines::new(&file.text)
                    .offset(&file.text, p.text_document_position_params.position);
                let loc =
                    target_at(&resolver, file, offset).and_then(|t| location(&t.file, t.span));
                Ok(loc.map_or(Value::Null, |l| {
                    json(serde_json::to_value(GotoDefinitionResponse::Scalar(l)))
                }))
            }
            References::METHOD => {
                let p: lsp_types::ReferenceParams = params(req.params)?;
                let file = self.doc(&p.text_document_position.text_document.uri)?;
                let offset =
                    Lines::new(&file.text).offset(&file.text, p.text_document_position.position);
                let Some(target) = target_at(&resolver, file, offset) else {
                    return Ok(Value::Null);
                };
                let locs: Vec<_> = references(&resolver, &target)
                    .into_iter()
                    .filter(|(f, s)| {
                        p.context.include_declaration
                            || !(f.name == target.file.name && *s == target.span)
                    })
                    .filter_map(|(f, s)| location(&f, s))
                    .collect();
                Ok(json(serde_json::to_value(locs)))
            }
            Rename::METHOD => {
                let p: lsp_types::RenameParams = params(req.params)?;
                let file = self.doc(&p.text_document_position.text_document.uri)?;
                let offset =
                    Lines::new(&file.text).offset(&file.text, p.text_document_position.position);
                if !super::navigate::is_valid_name(&p.new_name) {
                    let msg = match self.lang {
                        Lang::Zh => format!("`{}` 不是一个名称", p.new_name),
                        Lang::En => format!("`{}` is not a name", p.new_name),
                    };
                    return Err(Response::new_err(
                        lsp_server::RequestId::from(0),
                        ErrorCode::InvalidParams as i32,
                        msg,
                    ));
                }
                let Some(target) = target_at(&resolver, file, offset) else {
                    return Ok(Value::Null);
                };
                Ok(json(serde_json::to_value(rename(&resolver, &target, &p.new_name))))
            }
            DocumentSymbolRequest::METHOD => {
                let p: lsp_types::DocumentSymbolParams = params(req.params)?;
                let file = self.doc(&p.text_document.uri)?;
                let (policy, _) = crate::parser::parse(file);
                let symbols = super::symbols::outline(file, policy.as_ref(), self.lang);
                Ok(json(serde_json::to_value(DocumentSymbolResponse::Nested(symbols))))
            }
            Completion::METHOD => {
                let p: lsp_types::CompletionParams = params(req.params)?;
                let file = self.doc(&p.text_document_position.text_document.uri)?;
                let offset =
                    Lines::new(&file.text).offset(&file.text, p.text_document_position.position);
                let word = word_at(&file.text, offset);
                let items = with_checked(file, |parsed| {
                    super::completion::complete(&resolver, file, parsed, word.as_ref(), offset)
                });
                Ok(json(serde_json::to_value(items)))
            }
            Formatting::METHOD => {
                let p: lsp_types::DocumentFormattingParams = params(req.params)?;
                let file = self.doc(&p.text_document.uri)?;
                Ok(json(serde_json::to_value(super::edits::format(file))))
            }
            CodeActionRequest::METHOD => {
                let p: lsp_types::CodeActionParams = params(req.params)?;
                let file = self.doc(&p.text_document.uri)?;
                let fixes =
                    super::edits::quick_fixes(file, &p.text_document.uri, p.range, self.lang);
                Ok(json(serde_json::to_value(fixes)))
            }
            other => Err(Response::new_err(
                lsp_server::RequestId::from(0),
                ErrorCode::MethodNotFound as i32,
                format!("unknown method {other}"),
            )),
        }
    }
}
