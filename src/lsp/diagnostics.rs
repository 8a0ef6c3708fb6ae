//! The checker's diagnostics as LSP diagnostics: code, severity, the message and help in the
//! client's language, the other labels as related information, and a link to the code's page.

use std::sync::Arc;

use lsp_types::{
    CodeDescription, Diagnostic as LspDiagnostic, DiagnosticRelatedInformation, DiagnosticSeverity,
    Location, NumberOrString, Range, Url,
};

use super::position::Lines;
use super::store::uri_of;
use crate::diagnostics::{Diagnostic, Lang, Severity};
use crate::source::SourceFile;

/// Where the pages of the codes are: `docs/codes/` of the source tree the binary was built from.
/// A client may give another base (`initializationOptions.codesUrl`, ending with `/`).
pub fn default_codes_url() -> Option<Url> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs").join("codes");
    Url::from_directory_path(dir).ok()
}

/// Every diagnostic of parsing and checking `file` (its imports read from disk, relative to its
/// name), for the document `uri`, sorted by position.
pub fn diagnostics_of(
    file: &Arc<SourceFile>,
    uri: &Url,
    lang: Lang,
    codes: Option<&Url>,
) -> Vec<LspDiagnostic> {
    let diags = crate::check::check_sources(std::slice::from_ref(file)).sorted();
    let lines = Lines::new(&file.text);
    diags.iter().map(|d| convert(d, file, &lines, uri, lang, codes)).collect()
}

/// One diagnostic. A primary label in another file (an imported policy) is shown at the start
/// of the document, its place in the related information.
pub fn convert(
    d: &Diagnostic,
    file: &Arc<SourceFile>,
    lines: &Lines,
    uri: &Url,
    lang: Lang,
    codes: Option<&Url>,
) -> LspDiagnostic {
    let primary = d.labels.iter().find(|l| l.primary).or(d.labels.first());
    let here = |l: &crate::diagnostics::Label| l.loc.file.name == file.name;
    let range = match primary {
        Some(l) if here(l) => lines.range(&file.text, l.loc.span),
        _ => Range::default(),
    };
    let mut message = d.message.get(lang).to_string();
    if let Some(l) = primary.filter(|l| !l.text.get(lang).is_empty()) {
        message.push_str(if lang == Lang::Zh { "：" } else { ": " });
        message.push_str(l.text.get(lang));
    }
    if let Some(help) = &d.help {
        message.push_str(if lang == Lang::Zh { "\n提示：" } else { "\nhelp: " });
        message.push_str(help.get(lang));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .labels
        .iter()
        .filter(|l| !(l.primary && here(l)))
        .filter_map(|l| {
            let (uri, range) = if here(l) {
                (uri.clone(), lines.range(&file.text, l.loc.span))
            } else {
                let other = Lines::new(&l.loc.file.text);
                (uri_of(&l.loc.file.name)?, other.range(&l.loc.file.text, l.loc.span))
            };
            Some(DiagnosticRelatedInformation {
                location: Location { uri, range },
                message: l.text.get(lang).to_string(),
            })
        })
        .collect();
    let id = d.code.id();
    LspDiagnostic {
        range,
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Note => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(id.to_string())),
        code_description: codes
            .and_then(|base| base.join(&format!("{id}.md")).ok())
            .map(|href| CodeDescription { href }),
        source: Some("zhengce".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}
