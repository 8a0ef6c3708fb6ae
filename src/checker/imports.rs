//! Imports (`引用 "zezhou.zc" 为 泽州`): the imported file must be readable, and every name a
//! stacking rule takes from it (`泽州.专精特新奖励`) must be an award it defines.

use std::path::Path;
use std::sync::Arc;

use crate::ast::{Item, ItemKind, Node, Policy};
use crate::diagnostics::suggest::{did_you_mean, help_text};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Text};
use crate::limits::{
    MAX_POLICY_BYTES, ReadError, import_outside_root, read_text, resolve_import, too_large,
};
use crate::source::{Loc, SourceFile};

/// Checks a policy's imports by reading them from beside it: the policy's folder is its policy
/// root, and an import leading out of it is `ZC0211` (see [`crate::limits::resolve_import`]).
pub fn check_imports(policy: &Policy) -> Diagnostics {
    let mut diags = Diagnostics::new();
    let dir = Path::new(&policy.file.name).parent().map(Path::to_path_buf).unwrap_or_default();
    for item in &policy.items {
        let ItemKind::Import(imp) = &item.node.kind else { continue };
        let path = match resolve_import(&dir, &dir, &imp.path.node) {
            Ok(p) => p,
            Err(why) => {
                diags.push(import_outside_root(&policy.file, imp.path.span, &imp.path.node, why));
                continue;
            }
        };
        let loc = Loc::new(&policy.file, imp.path.span);
        let text = match read_text(&path, MAX_POLICY_BYTES) {
            Ok(t) => Some(t),
            Err(ReadError::TooLarge(size, max)) => {
                diags.push(too_large(&imp.path.node, size, max, loc));
                continue;
            }
            Err(ReadError::Io(_)) => None,
        };
        let imported = text.and_then(|text| {
            let file: Arc<SourceFile> = SourceFile::new(path.display().to_string(), text);
            let (p, d) = crate::parser::parse(&file);
            p.filter(|_| !d.has_errors())
        });
        let Some(imported) = imported else {
            diags.push(
                Diagnostic::new(
                    Code::ImportNotFound,
                    Text::new(
                        format!("无法读取引用的政策 `{}`", imp.path.node),
                        format!("cannot read the imported policy `{}`", imp.path.node),
                    ),
                )
                .at(loc, Text::new("此处引用", "imported here"))
                .help(Text::new(
                    "路径相对于本政策文件所在的目录；被引用的文件须存在且没有语法错误",
                    "the path is relative to this policy's folder; the file must exist and parse",
                )),
            );
            continue;
        };
        let awards = award_names(&imported.items);
        for stack in stacks(&policy.items) {
            for m in stack {
                let [alias, name] = m.node.as_slice() else { continue };
                if alias.node != imp.alias.node || awards.contains(&name.node.as_str()) {
                    continue;
                }
                let help = help_text(&did_you_mean(&name.node, awards.iter().copied()))
                    .unwrap_or_else(|| {
                        Text::new(
                            format!("`{}` 中的奖励有：{}", imp.path.node, awards.join("、")),
                            format!("the awards of `{}` are {}", imp.path.node, awards.join(", ")),
                        )
                    });
                diags.push(
                    Diagnostic::new(
                        Code::UnknownName,
                        Text::new(
                            format!("引用的政策 `{}` 中没有奖励 `{}`", imp.path.node, name.node),
                            format!(
                                "the imported policy `{}` has no award `{}`",
                                imp.path.node, name.node
                            ),
                        ),
                    )
                    .at(Loc::new(&policy.file, name.span), Text::new("未找到", "not found"))
                    .help(help),
                );
            }
        }
    }
    diags
}

fn award_names(items: &[Node<Item>]) -> Vec<&str> {
    let mut out = Vec::new();
    for i in items {
        match &i.node.kind {
            ItemKind::Award(a) => out.push(a.name.node.as_str()),
            ItemKind::For(f) => out.extend(award_names(&f.items)),
            _ => {}
        }
    }
    out
}

/// The member lists of every stacking rule.
fn stacks(items: &[Node<Item>]) -> Vec<&[Node<Vec<crate::ast::Ident>>]> {
    let mut out = Vec::new();
    for i in items {
        match &i.node.kind {
            ItemKind::Stack(s) => out.push(s.members.as_slice()),
            ItemKind::For(f) => out.extend(stacks(&f.items)),
            _ => {}
        }
    }
    out
}
