//! Formatting through `fmt`, and the quick fixes of did-you-mean suggestions.

use std::sync::Arc;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, Url, WorkspaceEdit,
};

use super::position::Lines;
use crate::diagnostics::Lang;
use crate::source::SourceFile;

/// The edit that lays the document out as `zhengce fmt` does: none when it already is, or when
/// it cannot be formatted (a syntax error: its diagnostics say why).
pub fn format(file: &Arc<SourceFile>) -> Vec<TextEdit> {
    match crate::format::format(file) {
        Ok(text) if text != file.text => {
            let lines = Lines::new(&file.text);
            vec![TextEdit {
                range: lines.range(&file.text, crate::source::Span::new(0, file.text.len())),
                new_text: text,
            }]
        }
        _ => Vec::new(),
    }
}

/// The names a help text suggests (``did you mean `甲` or `乙`?``), best first.
pub fn suggestions(help_en: &str) -> Vec<&str> {
    let Some(rest) = help_en.find("did you mean").and_then(|i| help_en.get(i..)) else {
        return Vec::new();
    };
    let rest = rest.split('?').next().unwrap_or("");
    rest.split('`').skip(1).step_by(2).collect()
}

/// The quick fixes for the diagnostics whose primary span lies in `range`: replace the name
/// written with each name suggested (only where the span holds just the misspelt name).
pub fn quick_fixes(
    file: &Arc<SourceFile>,
    uri: &Url,
    range: Range,
    lang: Lang,
) -> Vec<CodeActionOrCommand> {
    let lines = Lines::new(&file.text);
    let diags = crate::check::check_sources(std::slice::from_ref(file)).sorted();
    let mut out = Vec::new();
    for d in &diags {
        let Some(help) = &d.help else { continue };
        let Some(label) = d.labels.iter().find(|l| l.primary) else { continue };
        if label.loc.file.name != file.name {
            continue;
        }
        let at = lines.range(&file.text, label.loc.span);
        if at.end < range.start || range.end < at.start {
            continue;
        }
        let written = file.slice(label.loc.span);
        for name in suggestions(&help.en) {
            if crate::diagnostics::suggest::did_you_mean(written, [name]).is_empty() {
                continue;
            }
            let diagnostic = super::diagnostics::convert(d, file, &lines, uri, lang, None);
            let title = match lang {
                Lang::Zh => format!("改为 `{name}`"),
                Lang::En => format!("change to `{name}`"),
            };
            let edit = TextEdit { range: at, new_text: name.to_string() };
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic]),
                edit: Some(WorkspaceEdit {
                    changes: Some([(uri.clone(), vec![edit])].into_iter().collect()),
                    ..WorkspaceEdit::default()
                }),
                is_preferred: Some(out.is_empty()),
                ..CodeAction::default()
            }));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggested_names_are_read_from_the_help() {
        assert_eq!(super::suggestions("did you mean `营业收入`?"), vec!["营业收入"]);
        assert_eq!(super::suggestions("did you mean `甲`, `乙` or `丙`?"), vec!["甲", "乙", "丙"]);
        assert!(super::suggestions("declare it first").is_empty());
    }
}
