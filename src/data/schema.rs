//! What the data must look like: a subject declaration and the parameters, with types, units,
//! enumeration values and ranges resolved.

use std::sync::Arc;

use rust_decimal::Decimal;

use crate::ast::{
    EnumDecl, Expr, ExprKind, FieldDecl, ItemKind, ParamDecl, Policy, SubjectDecl, TypeExpr,
};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Text};
use crate::source::{Loc, SourceFile, Span};
use crate::units::{Base, Dim, Kind, Unit, parse_unit};

/// What kind of value a field holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// A quantity; a header without a unit means `unit`.
    Number {
        /// The declared unit (`万元`), or the canonical one (`%` for `占比`, none for `数`).
        unit: Unit,
        /// True for `占比`: a share, between 0 and 100% unless a range says otherwise.
        share: bool,
    },
    /// `是否`.
    Bool,
    /// `文本`.
    Text,
    /// `日期`.
    Date,
    /// `年份`.
    Year,
    /// An enumeration and its values, in order.
    Enum {
        /// The enumeration's name.
        name: String,
        /// Its values.
        values: Vec<String>,
    },
}

/// A bound on a number field's values, in base units, and as written for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bound {
    /// The bound in base units.
    pub value: Decimal,
    /// The bound as the policy writes it (`100万元`), or the implied one (`0`, `100%`).
    pub written: String,
    /// True if the policy declares it (`范围`); false for the implied bounds of shares and of
    /// quantities that cannot be negative.
    pub declared: bool,
}

/// One field (or parameter) the data may give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    /// The name.
    pub name: String,
    /// Where the policy declares it.
    pub span: Span,
    /// What it holds.
    pub kind: FieldKind,
    /// `按年`: a value per year.
    pub by_year: bool,
    /// `可选` (for a parameter: it is `可选` or has a default).
    pub optional: bool,
    /// The smallest value allowed, if any.
    pub min: Option<Bound>,
    /// The largest value allowed, if any.
    pub max: Option<Bound>,
}

impl FieldSpec {
    /// The unit a header without one means, as written (`万元`, `%`); `None` when the field
    /// takes no unit.
    pub fn unit_text(&self) -> Option<String> {
        match &self.kind {
            FieldKind::Number { unit, .. } if !unit.dim().is_number() || unit.text().is_some() => {
                Some(unit.display(crate::diagnostics::Lang::Zh))
            }
            _ => None,
        }
    }
}

/// The resolved declarations the data of one subject is validated against.
#[derive(Clone, Debug)]
pub struct Schema {
    /// The policy file the declarations come from (for labels pointing at them).
    pub policy: Arc<SourceFile>,
    /// The subject's name.
    pub subject: String,
    /// Its fields, in declaration order.
    pub fields: Vec<FieldSpec>,
    /// The field identifying a subject: `标识`, else one named `名称`, `编号` or `id`, else the
    /// first text field.
    pub key: Option<usize>,
    /// The parameters, in declaration order.
    pub params: Vec<FieldSpec>,
    /// For a member kind (`主体 合同 属于 企业 按 企业名称`): the owner kind and the field of
    /// this kind that holds the owner's id.
    pub owner: Option<(String, String)>,
    /// Names declared by other policies evaluated together with this one on the same data
    /// (`叠加`): columns and parameters of those names are theirs, not unknown.
    pub also_known: std::collections::BTreeSet<String>,
}

impl Schema {
    /// Resolves a subject declaration, the enumerations its fields may name, and the parameters
    /// the data may give. Reports unknown units (ZC0208) and unknown enumerations or key fields
    /// (ZC0201) in the policy file; the checker reports these too, so a checked policy never
    /// fails here.
    pub fn new(
        policy: &Arc<SourceFile>,
        subject: &SubjectDecl,
        enums: &[EnumDecl],
        params: &[ParamDecl],
    ) -> Result<Schema, Diagnostics> {
        let mut diags = Diagnostics::new();
        let mut fields = Vec::new();
        for f in &subject.fields {
            let f: &FieldDecl = f;
            let kind = resolve_type(policy, &f.ty.node, f.ty.span, enums, &mut diags);
            if let Some(kind) = kind {
                // A field with a default may be left empty: the default is its value.
                let optional = f.optional || f.default.is_some();
                fields.push(spec(&f.name, kind, f.by_year, optional, f.range.as_ref()));
            }
        }
        let mut param_specs = Vec::new();
        for p in params {
            if let Some(kind) = resolve_type(policy, &p.ty.node, p.ty.span, enums, &mut diags) {
                param_specs.push(spec(
                    &p.name,
                    kind,
                    p.by_year,
                    p.default.is_some() || p.optional,
                    p.range.as_ref(),
                ));
            }
        }
        let key = match &subject.key {
            Some(k) => {
                let found = fields.iter().position(|f| f.name == k.node);
                if found.is_none() {
                    diags.push(
                        Diagnostic::new(
                            Code::UnknownName,
                            Text::new(
                                format!("标识字段 `{}` 没有定义", k.node),
                                format!(
                                    "key field `{}` is not a field of `{}`",
                                    k.node, subject.name.node
                                ),
                            ),
                        )
                        .at(Loc::new(policy, k.span), Text::new("没有这个字段", "no such field")),
                    );
                }
                found
            }
            None => ["名称", "编号", "id", "ID"]
                .iter()
                .find_map(|n| fields.iter().position(|f| f.name == *n))
                .or_else(|| fields.iter().position(|f| f.kind == FieldKind::Text)),
        };
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Schema {
            policy: Arc::clone(policy),
            subject: subject.name.node.clone(),
            fields,
            key,
            params: param_specs,
            owner: subject.owner.as_ref().map(|(o, l)| (o.node.clone(), l.node.clone())),
            also_known: std::collections::BTreeSet::new(),
        })
    }

    /// The schema of one subject of a parsed policy, with the policy's enumerations and
    /// parameters (those declared at the top level of the file).
    pub fn from_policy(policy: &Policy, subject: &str) -> Result<Schema, Diagnostics> {
        let mut enums = Vec::new();
        let mut params = Vec::new();
        let mut subjects = Vec::new();
        for item in &policy.items {
            match &item.kind {
                ItemKind::Enum(e) => enums.push(e.clone()),
                ItemKind::Param(p) => params.push(p.clone()),
                ItemKind::Subject(s) => subjects.push(s),
                _ => {}
            }
        }
        match subjects.iter().find(|s| s.name.node == subject) {
            Some(s) => Schema::new(&policy.file, s, &enums, &params),
            None => {
                let names: Vec<String> =
                    subjects.iter().map(|s| format!("`{}`", s.name.node)).collect();
                let d = Diagnostic::new(
                    Code::UnknownSubject,
                    Text::new(
                        format!("政策中没有主体 `{subject}`"),
                        format!("the policy declares no subject `{subject}`"),
                    ),
                )
                .at(Loc::new(&policy.file, Span::default()), Text::new("这个政策", "this policy"))
                .help(Text::new(
                    format!("政策声明的主体有：{}", names.join("、")),
                    format!("the policy declares: {}", names.join(", ")),
                ));
                Err(Diagnostics::from(vec![d]))
            }
        }
    }

    /// The field identifying subjects, if there is one.
    pub fn key_field(&self) -> Option<&FieldSpec> {
        self.key.and_then(|k| self.fields.get(k))
    }
}

fn resolve_type(
    policy: &Arc<SourceFile>,
    ty: &TypeExpr,
    span: Span,
    enums: &[EnumDecl],
    diags: &mut Diagnostics,
) -> Option<FieldKind> {
    Some(match ty {
        TypeExpr::Bool => FieldKind::Bool,
        TypeExpr::Text => FieldKind::Text,
        TypeExpr::Date => FieldKind::Date,
        TypeExpr::Year => FieldKind::Year,
        TypeExpr::Number => FieldKind::Number { unit: Unit::canonical(Dim::NUMBER), share: false },
        TypeExpr::Share => FieldKind::Number { unit: Unit::canonical(Dim::PERCENT), share: true },
        TypeExpr::Unit(text) => match parse_unit(text) {
            Ok(unit) => FieldKind::Number { unit, share: false },
            Err(e) => {
                let mut d = Diagnostic::new(e.code(), e.message())
                    .at(Loc::new(policy, span), Text::new("这个单位", "this unit"));
                if let Some(h) = e.help() {
                    d = d.help(h);
                }
                diags.push(d);
                return None;
            }
        },
        TypeExpr::Named(name) => match enums.iter().find(|e| e.name.node == *name) {
            Some(e) => FieldKind::Enum {
                name: name.clone(),
                values: e.values.iter().map(|v| v.node.clone()).collect(),
            },
            None => {
                diags.push(
                    Diagnostic::new(
                        Code::UnknownName,
                        Text::new(
                            format!("类型 `{name}` 没有定义"),
                            format!("unknown type `{name}`"),
                        ),
                    )
                    .at(Loc::new(policy, span), Text::new("没有这个枚举", "no such enumeration")),
                );
                return None;
            }
        },
    })
}

fn spec(
    name: &crate::ast::Ident,
    kind: FieldKind,
    by_year: bool,
    optional: bool,
    range: Option<&(Expr, Expr)>,
) -> FieldSpec {
    let (mut min, mut max) = (None, None);
    if let FieldKind::Number { unit, share } = &kind {
        if *share {
            min = Some(Bound { value: Decimal::ZERO, written: "0%".into(), declared: false });
            max = Some(Bound { value: Decimal::ONE, written: "100%".into(), declared: false });
        } else if never_negative(unit.dim()) {
            min = Some(Bound { value: Decimal::ZERO, written: "0".into(), declared: false });
        }
        if let Some((lo, hi)) = range {
            if let Some(b) = literal_bound(lo, unit) {
                min = Some(b);
            }
            if let Some(b) = literal_bound(hi, unit) {
                max = Some(b);
            }
        }
    }
    FieldSpec { name: name.node.clone(), span: name.span, kind, by_year, optional, min, max }
}

/// Counts, amounts of money and areas are never negative unless a range says they may be.
fn never_negative(dim: Dim) -> bool {
    [Base::Money, Base::Area, Base::People, Base::Things].iter().any(|b| dim == Dim::base(*b))
        && dim.kind() == Kind::Plain
}

/// A range bound written as a number (`100`, `-5`, `100万元`, `50%`), in base units; `None`
/// for any other expression (the evaluator checks those) or a unit of another dimension (the
/// checker reports it).
fn literal_bound(e: &Expr, field_unit: &Unit) -> Option<Bound> {
    let (negative, inner) = match &e.node {
        ExprKind::Neg(inner) => (true, inner.as_ref()),
        _ => (false, e),
    };
    let ExprKind::Quantity(q) = &inner.node else {
        return None;
    };
    let unit = match &q.unit {
        Some(u) => parse_unit(&u.node).ok()?,
        None => field_unit.clone(),
    };
    if unit.dim() != field_unit.dim() {
        return None;
    }
    let value = if negative { -q.value } else { q.value };
    let written = format!(
        "{}{value}{}",
        if negative && value.is_zero() { "-" } else { "" },
        q.unit.as_ref().map_or(String::new(), |u| u.node.clone())
    );
    Some(Bound { value: unit.to_base(value).ok()?, written, declared: true })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parser::parse;

    fn schema(src: &str) -> Result<Schema, Diagnostics> {
        let f = SourceFile::new("p.zc", src);
        let (p, d) = parse(&f);
        assert!(d.is_empty(), "{:?}", d.sorted());
        Schema::from_policy(&p.unwrap(), "企业")
    }

    #[test]
    fn fields_resolve_with_units_keys_and_bounds() {
        let s = schema(
            "枚举 级别 有序 { 市级 < 省级 }\n\
             参数 分数线: 分 = 90分\n\
             主体 企业 { 编号: 文本\n 名称: 文本\n 收入: 万元 按年\n 占: 占比 可选\n 级: 级别\n\
             增速: % 范围 -50% 至 200%\n 补贴: 万元 范围 -1万元 至 50 }",
        )
        .unwrap();
        assert_eq!(s.subject, "企业");
        assert_eq!(s.key, Some(1), "名称 is preferred");
        let f = |n: &str| s.fields.iter().find(|f| f.name == n).unwrap();
        assert!(f("收入").by_year);
        assert_eq!(f("收入").unit_text().as_deref(), Some("万元"));
        assert_eq!(f("收入").min.as_ref().unwrap().value, Decimal::ZERO);
        assert_eq!(f("占").max.as_ref().unwrap().value, Decimal::ONE);
        assert_eq!(f("占").unit_text().as_deref(), Some("%"));
        assert!(f("占").optional);
        assert_eq!(
            f("级").kind,
            FieldKind::Enum {
                name: "级别".into(), values: vec!["市级".into(), "省级".into()]
            }
        );
        assert_eq!(f("增速").min.as_ref().unwrap().value, Decimal::new(-5, 1));
        assert_eq!(f("增速").min.as_ref().unwrap().written, "-50%");
        assert_eq!(f("补贴").min.as_ref().unwrap().value, Decimal::from(-10_000));
        assert_eq!(f("补贴").max.as_ref().unwrap().value, Decimal::from(500_000));
        assert_eq!(f("补贴").max.as_ref().unwrap().written, "50");
        assert_eq!(f("编号").unit_text(), None);
        assert_eq!(s.params.len(), 1);
        assert!(s.params[0].optional);
    }

    #[test]
    fn key_defaults() {
        let s = schema("主体 企业 { 规模: 万元\n 简称: 文本\n 全称: 文本 }").unwrap();
        assert_eq!(s.key_field().map(|f| f.name.as_str()), Some("简称"));
        let s = schema("主体 企业 { 标识 全称\n 简称: 文本\n 全称: 文本 }").unwrap();
        assert_eq!(s.key_field().map(|f| f.name.as_str()), Some("全称"));
        let s = schema("主体 企业 { 规模: 万元 }").unwrap();
        assert_eq!(s.key, None);
    }

    #[test]
    fn non_literal_ranges_are_left_to_the_evaluator() {
        let s = schema("参数 上限: 万元\n主体 企业 { 补贴: 万元 范围 0 至 上限 }").unwrap();
        assert_eq!(s.fields[0].max, None);
        assert_eq!(s.fields[0].min.as_ref().unwrap().value, Decimal::ZERO);
    }

    #[test]
    fn unresolvable_declarations_are_reported() {
        let e = schema("主体 企业 { 标识 代码\n 级: 等级 }").unwrap_err();
        let codes: Vec<Code> = e.iter().map(|d| d.code).collect();
        assert_eq!(codes, [Code::UnknownName, Code::UnknownName]);
        let e = schema("主体 单位 { 名称: 文本 }").unwrap_err();
        assert_eq!(e.iter().next().unwrap().code, Code::UnknownSubject);
    }
}
