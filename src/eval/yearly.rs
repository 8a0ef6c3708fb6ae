//! Whether an expression depends on the year it is evaluated in: it reads yearly data (a `按年`
//! field or parameter), the evaluation year, or a year function, directly or through the
//! definitions it uses.

use super::Evaluator;
use super::explain::{collect, exprs};
use crate::ast::{Expr, ExprKind};
use crate::checker::Checked;
use crate::checker::scope::{DefId, DefSource, SubjectId};

/// How deep the search follows definitions.
const MAX_DEPTH: usize = 32;

impl Evaluator<'_, '_> {
    /// Whether any of `es` has a value that can differ from year to year.
    pub(super) fn depends_on_year(&self, es: &[&Expr]) -> bool {
        let lookup = |n: &str| self.lookup(n);
        Walk { checked: self.checked, lookup: &lookup }.any(es)
    }
}

/// Whether any of `es`, read in the scope of subject kind `subject`, has a value that can
/// differ from year to year: the interpreter's test, for the compiled form, which hands it
/// what it cannot follow (an award paid once, or for so many years, from the first year due).
pub fn depends_on_year(checked: &Checked<'_>, subject: Option<SubjectId>, es: &[&Expr]) -> bool {
    let lookup = |n: &str| checked.scope.lookup(n, subject);
    Walk { checked, lookup: &lookup }.any(es)
}

/// The search, with the names of the scope read in.
struct Walk<'a, 'c> {
    checked: &'a Checked<'c>,
    lookup: &'a dyn Fn(&str) -> Option<DefId>,
}

impl Walk<'_, '_> {
    fn any(&self, es: &[&Expr]) -> bool {
        let mut seen = Vec::new();
        es.iter().any(|e| self.expr_yearly(e, &mut seen, 0))
    }

    fn expr_yearly(&self, e: &Expr, seen: &mut Vec<DefId>, depth: usize) -> bool {
        if depth > MAX_DEPTH || uses_years(e) {
            return true;
        }
        let mut names = Vec::new();
        collect(e, &mut names);
        names.iter().any(|n| {
            if crate::checker::CURRENT_YEAR.contains(&n.as_str()) {
                return true;
            }
            match (self.lookup)(n) {
                Some(d) => self.def_yearly(d, seen, depth + 1),
                None => false,
            }
        })
    }

    fn def_yearly(&self, def: DefId, seen: &mut Vec<DefId>, depth: usize) -> bool {
        if seen.contains(&def) {
            return false;
        }
        seen.push(def);
        if self.checked.types.get(def).is_some_and(|t| t.yearly) {
            return true;
        }
        match self.checked.scope.defs.get(def).map(|d| d.source) {
            Some(DefSource::Item(item)) => {
                exprs(&item.node.kind).iter().any(|e| self.expr_yearly(e, seen, depth))
            }
            _ => false,
        }
    }
}

/// A year index or a year function.
fn uses_years(e: &Expr) -> bool {
    match &e.node {
        ExprKind::Index(..) => true,
        ExprKind::Call(f, args) => {
            matches!(
                crate::checker::lookup_builtin(&f.node).map(|b| b.0),
                Some(
                    crate::checker::Builtin::Previous
                        | crate::checker::Builtin::Growth
                        | crate::checker::Builtin::Cumulative
                        | crate::checker::Builtin::ConsecutiveYears
                )
            ) || args.iter().any(uses_years)
        }
        ExprKind::Paren(x) | ExprKind::Neg(x) | ExprKind::Not(x) => uses_years(x),
        ExprKind::Binary(_, l, r) | ExprKind::Compare(_, l, r) | ExprKind::Logic(_, l, r) => {
            uses_years(l) || uses_years(r)
        }
        ExprKind::If(c, t, f) => uses_years(c) || uses_years(t) || uses_years(f),
        ExprKind::Member(b, _) => uses_years(b),
        ExprKind::Tier(s, arms) => uses_years(s) || arms.iter().any(|a| uses_years(&a.node.value)),
        _ => false,
    }
}
