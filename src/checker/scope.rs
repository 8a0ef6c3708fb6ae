//! The symbol table: enumerations, subjects and their fields, and the definitions visible in
//! each scope (the policy's top level, and each subject's `对于` blocks).

use std::collections::BTreeMap;

use super::types::{EnumId, EnumInfo};
use crate::ast::{
    EnumDecl, Expr, ExprKind, FieldDecl, GradeDecl, Ident, Item, ItemKind, Node, Policy,
    SubjectDecl,
};
use crate::source::Span;

/// Index of a definition in [`Scope::defs`].
pub type DefId = usize;
/// Index of a subject kind in [`Scope::subjects`].
pub type SubjectId = usize;

impl Scope<'_> {
    /// The member kinds of a kind: those declared `属于` it, in declaration order.
    pub fn member_kinds(&self, owner: SubjectId) -> Vec<SubjectId> {
        let Some(name) = self.subjects.get(owner).map(|s| s.decl.name.node.as_str()) else {
            return Vec::new();
        };
        (0..self.subjects.len())
            .filter(|&i| {
                self.subjects
                    .get(i)
                    .and_then(|s| s.decl.owner.as_ref())
                    .is_some_and(|(o, _)| o.node == name)
            })
            .collect()
    }

    /// The kind a member kind belongs to (`属于 企业`), when declared.
    pub fn owner_of(&self, member: SubjectId) -> Option<SubjectId> {
        let (owner, _) = self.subjects.get(member)?.decl.owner.as_ref()?;
        self.subject_names.get(&owner.node).copied()
    }

    /// The member kind of `owner` that `e` aggregates over: the first name of one of its
    /// member kinds that `e` reads (`合同` in `合同.金额`, or alone in `计数(合同)`).
    pub fn aggregated_kind(&self, owner: Option<SubjectId>, args: &[Expr]) -> Option<SubjectId> {
        let kinds = self.member_kinds(owner?);
        if kinds.is_empty() {
            return None;
        }
        let mut stack: Vec<&Expr> = args.iter().collect();
        while let Some(e) = stack.pop() {
            if let ExprKind::Name(n) = &e.node
                && let Some(&k) = self.subject_names.get(n)
                && kinds.contains(&k)
            {
                return Some(k);
            }
            stack.extend(e.node.children());
        }
        None
    }
}

/// A kind of subject and its fields.
#[derive(Debug)]
pub struct SubjectInfo<'p> {
    pub decl: &'p SubjectDecl,
    /// The field definitions, in declaration order.
    pub fields: Vec<DefId>,
}

/// Something a name can refer to.
#[derive(Clone, Copy, Debug)]
pub enum DefSource<'p> {
    /// A declaration (`令`, `条件`, `奖励` ...), with the citations written before it.
    Item(&'p Node<Item>),
    /// A field of a subject.
    Field(&'p Node<FieldDecl>),
}

/// A named definition.
#[derive(Debug)]
pub struct Def<'p> {
    pub name: String,
    pub span: Span,
    pub source: DefSource<'p>,
    /// The subject whose scope it belongs to; `None` at the top level.
    pub subject: Option<SubjectId>,
}

impl<'p> Def<'p> {
    pub fn kind(&self) -> Option<&'p ItemKind> {
        match self.source {
            DefSource::Item(i) => Some(&i.node.kind),
            DefSource::Field(_) => None,
        }
    }
}

/// Where an enumeration value name points: the enumeration and the value's index.
pub type EnumValueRef = (EnumId, usize);

/// The symbol table of one policy.
#[derive(Debug, Default)]
pub struct Scope<'p> {
    pub enums: Vec<EnumInfo>,
    /// The declaration of each enumeration (`None` for a grade's bands) and its name's span.
    pub enum_spans: Vec<Span>,
    pub enum_names: BTreeMap<String, EnumId>,
    /// Value name → every enumeration that has a value of that name.
    pub enum_values: BTreeMap<String, Vec<EnumValueRef>>,
    /// The enumeration a grade's bands form, by the grade's definition.
    pub grade_enums: BTreeMap<DefId, EnumId>,
    pub subjects: Vec<SubjectInfo<'p>>,
    pub subject_names: BTreeMap<String, SubjectId>,
    pub defs: Vec<Def<'p>>,
    pub globals: BTreeMap<String, DefId>,
    /// The definitions of each subject's scope: its fields and its `对于` blocks' declarations.
    pub locals: Vec<BTreeMap<String, DefId>>,
    /// The top-level and subject-level items, each with the subject whose block holds it.
    pub items: Vec<(&'p Node<Item>, Option<SubjectId>)>,
}

/// A name clash found while building the table: the new definition and the earlier one.
pub struct Clash {
    pub name: String,
    pub span: Span,
    pub earlier: Span,
}

/// A `对于` block naming a subject that is not declared.
pub struct UnknownSubject {
    pub name: String,
    pub span: Span,
}

impl<'p> Scope<'p> {
    /// Builds the table; returns it with the clashes and unknown subjects found.
    pub fn build(policy: &'p Policy) -> (Scope<'p>, Vec<Clash>, Vec<UnknownSubject>) {
        let mut s = Scope::default();
        let mut clashes = Vec::new();
        let mut unknown = Vec::new();
        // Enumerations and subjects first: they are types, visible everywhere.
        for item in &policy.items {
            match &item.node.kind {
                ItemKind::Enum(e) => s.add_enum(e, &mut clashes),
                ItemKind::Subject(d) => s.add_subject(d, &mut clashes),
                _ => {}
            }
        }
        // A member kind's owner (`属于 企业`) must be a declared kind.
        for sub in &s.subjects {
            if let Some((owner, _)) = &sub.decl.owner
                && !s.subject_names.contains_key(&owner.node)
            {
                unknown.push(UnknownSubject { name: owner.node.clone(), span: owner.span });
            }
        }
        for item in &policy.items {
            match &item.node.kind {
                ItemKind::For(block) => match s.subject_names.get(&block.subject.node).copied() {
                    Some(sid) => {
                        for inner in &block.items {
                            s.add_item(inner, Some(sid), &mut clashes);
                        }
                    }
                    None => unknown.push(UnknownSubject {
                        name: block.subject.node.clone(),
                        span: block.subject.span,
                    }),
                },
                ItemKind::Enum(_) | ItemKind::Subject(_) => {}
                _ => s.add_item(item, None, &mut clashes),
            }
        }
        s.add_grade_enums();
        (s, clashes, unknown)
    }

    fn add_enum(&mut self, e: &EnumDecl, clashes: &mut Vec<Clash>) {
        if let Some(&prev) = self.enum_names.get(&e.name.node) {
            let earlier = self.enum_spans.get(prev).copied().unwrap_or_default();
            clashes.push(Clash { name: e.name.node.clone(), span: e.name.span, earlier });
            return;
        }
        let id = self.enums.len();
        let mut values: Vec<String> = Vec::new();
        let mut value_spans: Vec<Span> = Vec::new();
        for v in &e.values {
            if let Some(i) = values.iter().position(|x| *x == v.node) {
                let earlier = value_spans.get(i).copied().unwrap_or_default();
                clashes.push(Clash { name: v.node.clone(), span: v.span, earlier });
                continue;
            }
            values.push(v.node.clone());
            value_spans.push(v.span);
        }
        for (i, v) in values.iter().enumerate() {
            self.enum_values.entry(v.clone()).or_default().push((id, i));
        }
        self.enums.push(EnumInfo { name: e.name.node.clone(), ordered: e.ordered, values });
        self.enum_spans.push(e.name.span);
        self.enum_names.insert(e.name.node.clone(), id);
    }

    fn add_subject(&mut self, d: &'p SubjectDecl, clashes: &mut Vec<Clash>) {
        if let Some(&prev) = self.subject_names.get(&d.name.node) {
            let earlier = self.subjects.get(prev).map(|s| s.decl.name.span).unwrap_or_default();
            clashes.push(Clash { name: d.name.node.clone(), span: d.name.span, earlier });
            return;
        }
        let sid = self.subjects.len();
        self.subject_names.insert(d.name.node.clone(), sid);
        self.locals.push(BTreeMap::new());
        let mut fields = Vec::new();
        for f in &d.fields {
            let def = Def {
                name: f.node.name.node.clone(),
                span: f.node.name.span,
                source: DefSource::Field(f),
                subject: Some(sid),
            };
            if let Some(id) = self.insert(def, Some(sid), clashes) {
                fields.push(id);
            }
        }
        self.subjects.push(SubjectInfo { decl: d, fields });
    }

    fn add_item(
        &mut self,
        item: &'p Node<Item>,
        subject: Option<SubjectId>,
        clashes: &mut Vec<Clash>,
    ) {
        self.items.push((item, subject));
        let Some(name) = item.node.kind.name() else { return };
        let def = Def {
            name: name.node.clone(),
            span: name.span,
            source: DefSource::Item(item),
            subject,
        };
        self.insert(def, subject, clashes);
    }

    /// Adds a definition unless its name is taken in its scope (or, for a subject's scope, at
    /// the top level).
    fn insert(
        &mut self,
        def: Def<'p>,
        subject: Option<SubjectId>,
        clashes: &mut Vec<Clash>,
    ) -> Option<DefId> {
        let taken = match subject {
            Some(sid) => self
                .locals
                .get(sid)
                .and_then(|l| l.get(&def.name))
                .or_else(|| self.globals.get(&def.name)),
            None => self.globals.get(&def.name),
        };
        if let Some(&prev) = taken {
            let earlier = self.defs.get(prev).map(|d| d.span).unwrap_or_default();
            clashes.push(Clash { name: def.name.clone(), span: def.span, earlier });
            return None;
        }
        let id = self.defs.len();
        let name = def.name.clone();
        self.defs.push(def);
        match subject {
            Some(sid) => {
                if let Some(l) = self.locals.get_mut(sid) {
                    l.insert(name, id);
                }
            }
            None => {
                self.globals.insert(name, id);
            }
        }
        Some(id)
    }

    /// A grade's bands are values: of the declared enumeration that has them all, or else of a
    /// new ordered enumeration named after the grade, the last band lowest.
    fn add_grade_enums(&mut self) {
        for id in 0..self.defs.len() {
            let Some(ItemKind::Grade(g)) = self.defs.get(id).and_then(Def::kind) else { continue };
            let enum_id = self.enum_of_bands(g).unwrap_or_else(|| {
                let eid = self.enums.len();
                let mut values: Vec<String> = Vec::new();
                for b in g.bands.iter().rev() {
                    if !values.contains(&b.node.name.node) {
                        values.push(b.node.name.node.clone());
                    }
                }
                for (i, v) in values.iter().enumerate() {
                    self.enum_values.entry(v.clone()).or_default().push((eid, i));
                }
                self.enums.push(EnumInfo { name: g.name.node.clone(), ordered: true, values });
                self.enum_spans.push(g.name.span);
                eid
            });
            self.grade_enums.insert(id, enum_id);
        }
    }

    fn enum_of_bands(&self, g: &GradeDecl) -> Option<EnumId> {
        let first = g.bands.first()?;
        let candidates = self.enum_values.get(&first.node.name.node)?;
        candidates.iter().map(|(e, _)| *e).find(|e| {
            g.bands.iter().all(|b| {
                self.enums.get(*e).is_some_and(|info| info.index_of(&b.node.name.node).is_some())
            })
        })
    }

    /// The definition a name refers to from a scope.
    pub fn lookup(&self, name: &str, subject: Option<SubjectId>) -> Option<DefId> {
        subject
            .and_then(|sid| self.locals.get(sid))
            .and_then(|l| l.get(name))
            .or_else(|| self.globals.get(name))
            .copied()
    }

    /// Every name visible from a scope, for "did you mean".
    pub fn visible_names(&self, subject: Option<SubjectId>) -> Vec<&str> {
        let mut names: Vec<&str> = self.globals.keys().map(String::as_str).collect();
        if let Some(l) = subject.and_then(|sid| self.locals.get(sid)) {
            names.extend(l.keys().map(String::as_str));
        }
        names.extend(self.enum_values.keys().map(String::as_str));
        names
    }

    pub fn ident_of(&self, id: DefId) -> Option<(&str, Span)> {
        self.defs.get(id).map(|d| (d.name.as_str(), d.span))
    }
}

/// Names declared twice inside one construct (condition items, score parts ...).
pub fn duplicates_in<'a>(
    names: impl IntoIterator<Item = &'a Ident>,
) -> Vec<(&'a Ident, &'a Ident)> {
    let mut seen: BTreeMap<&str, &Ident> = BTreeMap::new();
    let mut out = Vec::new();
    for n in names {
        match seen.get(n.node.as_str()) {
            Some(first) => out.push((n, *first)),
            None => {
                seen.insert(n.node.as_str(), n);
            }
        }
    }
    out
}
