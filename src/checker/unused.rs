//! Definitions that nothing uses: a `令` value, a parameter or an enumeration.

use super::Checker;
use crate::ast::ItemKind;
use crate::diagnostics::{Code, Diagnostic, Text};

impl Checker<'_> {
    pub(super) fn unused(&mut self) {
        let mut found = Vec::new();
        for (id, def) in self.scope.defs.iter().enumerate() {
            let what = match def.kind() {
                Some(ItemKind::Let(_)) => Text::new("定义", "definition"),
                Some(ItemKind::Param(_)) => Text::new("参数", "parameter"),
                _ => continue,
            };
            if !self.used.get(id).copied().unwrap_or(true) {
                found.push((def.name.clone(), def.span, what));
            }
        }
        for (id, info) in self.scope.enums.iter().enumerate() {
            let declared = self.scope.enum_names.get(&info.name) == Some(&id)
                && !self.scope.grade_enums.values().any(|e| *e == id);
            if declared && !self.used_enums.contains(&id) {
                let span = self.scope.enum_spans.get(id).copied().unwrap_or_default();
                found.push((info.name.clone(), span, Text::new("枚举", "enumeration")));
            }
        }
        for (name, span, what) in found {
            let d = Diagnostic::new(
                Code::Unused,
                Text::new(
                    format!("{} `{name}` 没有被使用", what.zh),
                    format!("the {} `{name}` is never used", what.en),
                ),
            )
            .at(self.loc(span), Text::new("未被使用", "never used"))
            .help(Text::new(
                "删除它，或在规则中使用它；名称写错也会导致此警告",
                "remove it or use it in a rule; a misspelt reference also causes this warning",
            ));
            self.push(d);
        }
    }
}
