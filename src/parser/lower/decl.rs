//! Lowering of the header and of declarations other than rules.

use pest::iterators::Pair;

use super::expr::string_value;
use super::{Cursor, Lower, R, unexpected};
use crate::ast::{
    AverageRow, AveragesDecl, BudgetDecl, BudgetKind, Citation, EnumDecl, Expr, FieldDecl,
    ForBlock, Header, Ident, Import, Item, ItemKind, LetDecl, MatchingDecl, Node, ParamDecl, Part,
    PoolDecl, ShareDecl, StackDecl, StackMode, StatedDecl, StatusDecl, SubjectDecl, TypeExpr,
    Validity, ValidityEnd, WrittenDate, WrittenDateDecl,
};
use crate::diagnostics::{Code, Diagnostic, Text};
use crate::parser::grammar::Rule;

/// The modifiers of a field or parameter.
struct Modifiers {
    by_year: bool,
    optional: bool,
    range: Option<(Expr, Expr)>,
}

impl Lower {
    pub(super) fn header(&self, p: Pair<'_, Rule>) -> R<Node<Header>> {
        let whole = self.span(&p);
        let mut c = Cursor::new(p, "header");
        c.expect(Rule::kw_policy)?;
        let t = c.expect(Rule::string)?;
        let title = Node::new(string_value(t.clone())?, self.span(&t));
        let mut h =
            Header { title, issuer: None, docno: None, date: None, valid: None, basis: vec![] };
        // Where each field was first given, to point at it when it is given again.
        let mut first_at: Vec<(Rule, crate::source::Span)> = Vec::new();
        for f in c.eat_all(Rule::header_field) {
            let mut fc = Cursor::new(f, "header field");
            let kw = fc.next()?;
            let kw_span = self.span(&kw);
            let earlier = first_at.iter().find(|(r, _)| *r == kw.as_rule()).map(|(_, s)| *s);
            if earlier.is_none() {
                first_at.push((kw.as_rule(), kw_span));
            }
            let first_given = match kw.as_rule() {
                Rule::kw_issuer => {
                    h.issuer.replace(self.string(fc.expect(Rule::string)?)?).is_some()
                }
                Rule::kw_docno => h.docno.replace(self.string(fc.expect(Rule::string)?)?).is_some(),
                Rule::kw_date => h.date.replace(self.date(fc.expect(Rule::date)?)?).is_some(),
                Rule::kw_valid => {
                    h.valid.replace(self.validity(fc.expect(Rule::validity)?)?).is_some()
                }
                Rule::kw_basis => {
                    for s in fc.eat_all(Rule::string) {
                        h.basis.push(self.string(s)?);
                    }
                    false
                }
                _ => return Err(unexpected(&kw, "header field")),
            };
            if first_given {
                let mut d = Diagnostic::new(
                    Code::DuplicateHeaderField,
                    Text::new(
                        format!("文件头字段 `{}` 写了两次", kw.as_str()),
                        format!("the header field `{}` is given twice", kw.as_str()),
                    ),
                )
                .at(self.loc(kw_span), Text::new("第二次出现", "given again here"));
                if let Some(earlier) = earlier {
                    d = d.also(self.loc(earlier), Text::new("第一次出现", "first given here"));
                }
                self.report(
                    d.help(Text::new("每个文件头字段只写一次", "give each header field once")),
                );
            }
        }
        Ok(Node::new(h, whole))
    }

    fn string(&self, p: Pair<'_, Rule>) -> R<Node<String>> {
        let s = self.span(&p);
        Ok(Node::new(string_value(p)?, s))
    }

    fn validity(&self, p: Pair<'_, Rule>) -> R<Node<Validity>> {
        let whole = self.span(&p);
        let mut c = Cursor::new(p, "validity");
        let v = match c.peek() {
            Some(Rule::string) => Validity::Text(string_value(c.next()?)?),
            Some(Rule::date) => {
                let from = self.date(c.next()?)?;
                c.expect(Rule::kw_to)?;
                let end = c.next()?;
                let to = match end.as_rule() {
                    Rule::date => ValidityEnd::Date(self.date(end)?),
                    Rule::string => ValidityEnd::Text(self.string(end)?),
                    _ => return Err(unexpected(&end, "validity")),
                };
                Validity::Range { from, to }
            }
            _ => return Err(c.malformed()),
        };
        Ok(Node::new(v, whole))
    }

    pub(super) fn citations(&self, c: &mut Cursor<'_>) -> R<Vec<Node<Citation>>> {
        c.eat_all(Rule::citation).into_iter().map(|p| self.citation(p)).collect()
    }

    pub(super) fn citation(&self, p: Pair<'_, Rule>) -> R<Node<Citation>> {
        let whole = self.span(&p);
        let mut c = Cursor::new(p, "citation");
        c.eat(Rule::kw_clause);
        let r = c.expect(Rule::clause_ref)?;
        let clause = Node::new(r.as_str().to_string(), self.span(&r));
        let quote = match c.eat(Rule::quote) {
            Some(q) => {
                let s = self.span(&q);
                // A sentence quoted over several lines is one sentence: the line breaks and the
                // indentation of the policy file are not part of it.
                let raw = q.into_inner().next().map(|i| i.as_str()).unwrap_or_default();
                let text: String = raw.lines().map(str::trim).collect();
                Some(Node::new(text, s))
            }
            None => None,
        };
        Ok(Node::new(Citation { clause, quote }, whole))
    }

    pub(super) fn item(&self, p: Pair<'_, Rule>) -> R<Node<Item>> {
        let whole = self.span(&p);
        let mut c = Cursor::new(p, "declaration");
        let citations = self.citations(&mut c)?;
        let d = c.next()?;
        let kind = match d.as_rule() {
            Rule::import_decl => {
                let mut dc = Cursor::new(d, "import");
                dc.expect(Rule::kw_import)?;
                let path = self.string(dc.expect(Rule::string)?)?;
                dc.expect(Rule::kw_as)?;
                ItemKind::Import(Import { path, alias: self.ident(dc.expect(Rule::ident)?)? })
            }
            Rule::enum_decl => ItemKind::Enum(self.enum_decl(d)?),
            Rule::subject_decl => ItemKind::Subject(self.subject(d)?),
            Rule::for_block => {
                let mut dc = Cursor::new(d, "for block");
                dc.expect(Rule::kw_for)?;
                let subject = self.ident(dc.expect(Rule::ident)?)?;
                let items =
                    dc.eat_all(Rule::item).into_iter().map(|i| self.item(i)).collect::<R<_>>()?;
                ItemKind::For(ForBlock { subject, items })
            }
            Rule::param_decl => {
                let mut dc = Cursor::new(d, "parameter");
                dc.expect(Rule::kw_param)?;
                let name = self.ident(dc.expect(Rule::ident)?)?;
                let ty = self.type_expr(dc.expect(Rule::type_expr)?)?;
                let mods = self.modifiers(&mut dc)?;
                let default = dc.eat(Rule::expr).map(|e| self.expr(e)).transpose()?;
                ItemKind::Param(ParamDecl {
                    name,
                    ty,
                    by_year: mods.by_year,
                    optional: mods.optional,
                    range: mods.range,
                    default,
                })
            }
            Rule::let_decl => {
                let mut dc = Cursor::new(d, "definition");
                dc.expect(Rule::kw_let)?;
                let name = self.ident(dc.expect(Rule::ident)?)?;
                let ty = dc.eat(Rule::type_expr).map(|t| self.type_expr(t)).transpose()?;
                let value = self.expr(dc.expect(Rule::expr)?)?;
                let exceptions = self.exceptions(&mut dc)?;
                ItemKind::Let(LetDecl { name, ty, value, exceptions })
            }
            Rule::condition_decl => ItemKind::Condition(self.condition(d)?),
            Rule::indicators_decl => ItemKind::Indicators(self.indicators(d)?),
            Rule::score_decl => ItemKind::Score(self.score(d)?),
            Rule::grade_decl => ItemKind::Grade(self.grade(d)?),
            Rule::award_decl => ItemKind::Award(self.award(d)?),
            Rule::status_decl => {
                let mut dc = Cursor::new(d, "status");
                dc.expect(Rule::kw_status)?;
                let name = self.ident(dc.expect(Rule::ident)?)?;
                ItemKind::Status(StatusDecl { name, cond: self.expr(dc.expect(Rule::expr)?)? })
            }
            Rule::stack_decl => {
                let mut dc = Cursor::new(d, "stacking rule");
                dc.expect(Rule::kw_stack)?;
                let name = self.ident(dc.expect(Rule::ident)?)?;
                let mode = match dc.next()?.as_rule() {
                    Rule::kw_exclusive => StackMode::Exclusive,
                    Rule::kw_additive => StackMode::Additive,
                    _ => return Err(dc.malformed()),
                };
                let members =
                    dc.eat_all(Rule::path).into_iter().map(|p| self.path(p)).collect::<R<_>>()?;
                let received = match dc.eat(Rule::kw_less) {
                    Some(_) => Some(self.ident(dc.expect(Rule::ident)?)?),
                    None => None,
                };
                ItemKind::Stack(StackDecl { name, mode, members, received })
            }
            Rule::budget_decl => {
                let mut dc = Cursor::new(d, "budget");
                let kind = match dc.next()?.as_rule() {
                    Rule::kw_budget => BudgetKind::Budget,
                    Rule::kw_breakdown => BudgetKind::Breakdown,
                    _ => return Err(dc.malformed()),
                };
                let name = self.ident(dc.expect(Rule::ident)?)?;
                let total = self.arith(dc.expect(Rule::arith)?)?;
                let parts = self.parts(&mut dc)?;
                ItemKind::Budget(BudgetDecl { kind, name, total, parts })
            }
            Rule::matching_decl => {
                let mut dc = Cursor::new(d, "matching");
                dc.expect(Rule::kw_matching)?;
                let name = self.ident(dc.expect(Rule::ident)?)?;
                let r = dc.expect(Rule::ratio)?;
                let rs = self.span(&r);
                let mut nums = r.into_inner().filter(|q| q.as_rule() == Rule::number);
                let (Some(a), Some(b)) = (nums.next(), nums.next()) else {
                    return Err(dc.malformed());
                };
                let ratio = Node::new((self.decimal(&a)?, self.decimal(&b)?), rs);
                let parts = self.parts(&mut dc)?;
                ItemKind::Matching(MatchingDecl { name, ratio, parts })
            }
            Rule::stated_decl => {
                let mut dc = Cursor::new(d, "stated amount");
                dc.expect(Rule::kw_stated)?;
                let name = self.ident(dc.expect(Rule::ident)?)?;
                let stated = self.arith(dc.expect(Rule::arith)?)?;
                let approx = dc.eat(Rule::kw_approx).is_some();
                if !approx {
                    dc.expect(Rule::kw_equals)?;
                }
                let computed = self.expr(dc.expect(Rule::expr)?)?;
                ItemKind::Stated(StatedDecl { name, stated, computed, approx })
            }
            Rule::share_decl => {
                let mut dc = Cursor::new(d, "share");
                dc.expect(Rule::kw_share)?;
                let name = self.ident(dc.expect(Rule::ident)?)?;
                let value = self.arith(dc.expect(Rule::arith)?)?;
                let of = match dc.eat(Rule::kw_approx) {
                    Some(_) => Some(self.expr(dc.expect(Rule::expr)?)?),
                    None => None,
                };
                ItemKind::Share(ShareDecl { name, value, of })
            }
            Rule::written_date_decl => {
                let mut dc = Cursor::new(d, "written date");
                dc.expect(Rule::kw_written_date)?;
                let name = self.ident(dc.expect(Rule::ident)?)?;
                let written = written_date(self, dc.expect(Rule::written_date)?)?;
                dc.expect(Rule::kw_read_as)?;
                let reading = written_date(self, dc.expect(Rule::written_date)?)?;
                ItemKind::WrittenDate(WrittenDateDecl { name, written, reading })
            }
            Rule::averages_decl => {
                let mut dc = Cursor::new(d, "averages");
                dc.expect(Rule::kw_averages)?;
                let name = self.ident(dc.expect(Rule::ident)?)?;
                let mut rows = Vec::new();
                for r in dc.eat_all(Rule::average_row) {
                    let whole = self.span(&r);
                    let mut rc = Cursor::new(r, "average");
                    let citations = self.citations(&mut rc)?;
                    let name = self.ident(rc.expect(Rule::ident)?)?;
                    let total = self.arith(rc.expect(Rule::arith)?)?;
                    rc.expect(Rule::kw_average)?;
                    let average = self.arith(rc.expect(Rule::arith)?)?;
                    rows.push(Node::new(AverageRow { citations, name, total, average }, whole));
                }
                ItemKind::Averages(AveragesDecl { name, rows })
            }
            Rule::pool_decl => {
                let mut dc = Cursor::new(d, "pool");
                dc.expect(Rule::kw_pool)?;
                let name = self.ident(dc.expect(Rule::ident)?)?;
                let total = self.arith(dc.expect(Rule::arith)?)?;
                dc.expect(Rule::kw_pays)?;
                let pays =
                    dc.eat_all(Rule::path).into_iter().map(|p| self.path(p)).collect::<R<_>>()?;
                let prorata = match dc.eat(Rule::kw_prorata) {
                    Some(_) => Some(self.quantity(dc.expect(Rule::quantity)?)?),
                    None => None,
                };
                ItemKind::Pool(PoolDecl { name, total, pays, prorata })
            }
            _ => return Err(unexpected(&d, "declaration")),
        };
        Ok(Node::new(Item { citations, kind }, whole))
    }

    fn enum_decl(&self, p: Pair<'_, Rule>) -> R<EnumDecl> {
        let mut c = Cursor::new(p, "enumeration");
        c.expect(Rule::kw_enum)?;
        let name = self.ident(c.expect(Rule::ident)?)?;
        let ordered = c.eat(Rule::kw_ordered).is_some();
        let vals = c.expect(Rule::enum_values)?;
        let values = vals
            .into_inner()
            .filter(|v| v.as_rule() == Rule::ident)
            .map(|v| self.ident(v))
            .collect::<R<_>>()?;
        Ok(EnumDecl { name, ordered, values })
    }

    fn subject(&self, p: Pair<'_, Rule>) -> R<SubjectDecl> {
        let mut c = Cursor::new(p, "subject");
        c.expect(Rule::kw_subject)?;
        let name = self.ident(c.expect(Rule::ident)?)?;
        let owner = match c.eat(Rule::subject_owner) {
            Some(o) => {
                let mut oc = Cursor::new(o, "owner");
                oc.expect(Rule::kw_belongs)?;
                let owner = self.ident(oc.expect(Rule::ident)?)?;
                oc.expect(Rule::kw_by)?;
                let link = self.ident(oc.expect(Rule::ident)?)?;
                Some((owner, link))
            }
            None => None,
        };
        let mut key = None;
        let mut fields = Vec::new();
        for m in c.eat_all(Rule::subject_member) {
            let mut mc = Cursor::new(m, "field");
            if mc.eat(Rule::kw_key).is_some() {
                key = Some(self.ident(mc.expect(Rule::ident)?)?);
                continue;
            }
            let f = mc.expect(Rule::field_decl)?;
            fields.push(self.field(f)?);
        }
        Ok(SubjectDecl { name, key, owner, fields })
    }

    fn field(&self, p: Pair<'_, Rule>) -> R<Node<FieldDecl>> {
        let whole = self.span(&p);
        let mut c = Cursor::new(p, "field");
        let citations = self.citations(&mut c)?;
        let name = self.ident(c.expect(Rule::ident)?)?;
        let ty = self.type_expr(c.expect(Rule::type_expr)?)?;
        let m = self.modifiers(&mut c)?;
        let default = c.eat(Rule::expr).map(|e| self.expr(e)).transpose()?;
        let f = FieldDecl {
            citations,
            name,
            ty,
            by_year: m.by_year,
            optional: m.optional,
            range: m.range,
            default,
        };
        Ok(Node::new(f, whole))
    }

    fn modifiers(&self, c: &mut Cursor<'_>) -> R<Modifiers> {
        let mut out = Modifiers { by_year: false, optional: false, range: None };
        for m in c.eat_all(Rule::field_modifier) {
            let mut mc = Cursor::new(m, "field modifier");
            match mc.next()?.as_rule() {
                Rule::kw_by_year => out.by_year = true,
                Rule::kw_optional => out.optional = true,
                Rule::kw_range => {
                    let lo = self.arith(mc.expect(Rule::arith)?)?;
                    mc.expect(Rule::kw_to)?;
                    let hi = self.arith(mc.expect(Rule::arith)?)?;
                    out.range = Some((lo, hi));
                }
                _ => return Err(mc.malformed()),
            }
        }
        Ok(out)
    }

    pub(super) fn type_expr(&self, p: Pair<'_, Rule>) -> R<Node<TypeExpr>> {
        let whole = self.span(&p);
        let mut c = Cursor::new(p, "type");
        let t = c.next()?;
        let ty = match t.as_rule() {
            Rule::kw_bool => TypeExpr::Bool,
            Rule::kw_text => TypeExpr::Text,
            Rule::kw_date => TypeExpr::Date,
            Rule::kw_year => TypeExpr::Year,
            Rule::kw_number => TypeExpr::Number,
            Rule::kw_share => TypeExpr::Share,
            Rule::unit => TypeExpr::Unit(t.as_str().to_string()),
            Rule::ident => TypeExpr::Named(t.as_str().to_string()),
            _ => return Err(unexpected(&t, "type")),
        };
        Ok(Node::new(ty, whole))
    }

    pub(super) fn path(&self, p: Pair<'_, Rule>) -> R<Node<Vec<Ident>>> {
        let whole = self.span(&p);
        let parts = p
            .into_inner()
            .filter(|q| q.as_rule() == Rule::ident)
            .map(|q| self.ident(q))
            .collect::<R<_>>()?;
        Ok(Node::new(parts, whole))
    }

    fn parts(&self, c: &mut Cursor<'_>) -> R<Vec<Node<Part>>> {
        let mut out = Vec::new();
        for p in c.eat_all(Rule::part) {
            let whole = self.span(&p);
            let mut pc = Cursor::new(p, "part");
            let citations = self.citations(&mut pc)?;
            let name = self.ident(pc.expect(Rule::ident)?)?;
            let value = self.arith(pc.expect(Rule::arith)?)?;
            out.push(Node::new(Part { citations, name, value }, whole));
        }
        Ok(out)
    }
}

/// A date as written, `2021年4月31日`, `2021-04-31`, `当年4月31日` or `4月31日`, whether or not it
/// exists.
fn written_date(lower: &Lower, p: Pair<'_, Rule>) -> R<Node<WrittenDate>> {
    let s = lower.span(&p);
    let digits = super::expr::date_numbers(p.as_str());
    let date = match digits.as_slice() {
        [y, m, d] => WrittenDate { year: Some(*y), month: *m, day: *d },
        [m, d] => WrittenDate { year: None, month: *m, day: *d },
        _ => return Err(unexpected(&p, "date")),
    };
    Ok(Node::new(date, s))
}
