//! Declarations: everything a policy file states.

use rust_decimal::Decimal;

use super::{Date, Exception, Expr, Ident, Node, Pattern, Quantity};

/// A declaration and the clauses it cites.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub citations: Vec<Node<Citation>>,
    pub kind: ItemKind,
}

/// `§ 五(三) 「原文」`: the clause a rule encodes and, optionally, its source sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Citation {
    pub clause: Node<String>,
    pub quote: Option<Node<String>>,
}

/// The kinds of declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemKind {
    Import(Import),
    Enum(EnumDecl),
    Subject(SubjectDecl),
    For(ForBlock),
    Param(ParamDecl),
    Let(LetDecl),
    Condition(ConditionDecl),
    Indicators(IndicatorsDecl),
    Score(ScoreDecl),
    Grade(GradeDecl),
    Award(AwardDecl),
    Status(StatusDecl),
    Stack(StackDecl),
    Budget(BudgetDecl),
    Matching(MatchingDecl),
    Stated(StatedDecl),
    Share(ShareDecl),
    Pool(PoolDecl),
    WrittenDate(WrittenDateDecl),
    Averages(AveragesDecl),
}

impl ItemKind {
    /// Whether the declaration is a rule or named value shown for each subject (a `令`, a
    /// condition, indicators, a score, a grade, an award or a status), rather than a constant, a
    /// declaration of data or a relation between policies.
    pub fn is_rule(&self) -> bool {
        matches!(
            self,
            ItemKind::Let(_)
                | ItemKind::Condition(_)
                | ItemKind::Indicators(_)
                | ItemKind::Score(_)
                | ItemKind::Grade(_)
                | ItemKind::Award(_)
                | ItemKind::Status(_)
        )
    }

    /// The name the declaration introduces, if it introduces one.
    pub fn name(&self) -> Option<&Ident> {
        Some(match self {
            ItemKind::Import(d) => &d.alias,
            ItemKind::Enum(d) => &d.name,
            ItemKind::Subject(d) => &d.name,
            ItemKind::For(_) => return None,
            ItemKind::Param(d) => &d.name,
            ItemKind::Let(d) => &d.name,
            ItemKind::Condition(d) => &d.name,
            ItemKind::Indicators(d) => &d.name,
            ItemKind::Score(d) => &d.name,
            ItemKind::Grade(d) => &d.name,
            ItemKind::Award(d) => &d.name,
            ItemKind::Status(d) => &d.name,
            ItemKind::Stack(d) => &d.name,
            ItemKind::Budget(d) => &d.name,
            ItemKind::Matching(d) => &d.name,
            ItemKind::Stated(d) => &d.name,
            ItemKind::Share(d) => &d.name,
            ItemKind::Pool(d) => &d.name,
            ItemKind::WrittenDate(d) => &d.name,
            ItemKind::Averages(d) => &d.name,
        })
    }
}

/// `引用 "taiyuan.zc" 为 太原`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    pub path: Node<String>,
    pub alias: Ident,
}

/// `枚举 级别 有序 { 市级 < 省级 < 国家级 }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EnumDecl {
    pub name: Ident,
    pub ordered: bool,
    pub values: Vec<Ident>,
}

/// `主体 企业 { ... }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubjectDecl {
    pub name: Ident,
    /// The field that identifies a subject in the data (`标识 名称`).
    pub key: Option<Ident>,
    /// `属于 企业 按 企业名称`: the kind each subject of this one belongs to, and the field
    /// of this kind that holds its owner's id.
    pub owner: Option<(Ident, Ident)>,
    pub fields: Vec<Node<FieldDecl>>,
}

/// `营业收入: 万元 按年 可选 范围 0 至 100`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDecl {
    pub citations: Vec<Node<Citation>>,
    pub name: Ident,
    pub ty: Node<TypeExpr>,
    pub by_year: bool,
    pub optional: bool,
    pub range: Option<(Expr, Expr)>,
    /// `= 0元`: the value the field takes where the data leaves it empty (a field with a default
    /// may be left empty).
    pub default: Option<Expr>,
}

/// A type as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeExpr {
    Bool,
    Text,
    Date,
    Year,
    Number,
    Share,
    /// A unit: `万元`, `元/㎡/年`.
    Unit(String),
    /// An enumeration's name.
    Named(String),
}

/// `对于 企业 { ... }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForBlock {
    pub subject: Ident,
    pub items: Vec<Node<Item>>,
}

/// `参数 优秀分数线: 分 = 90分`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamDecl {
    pub name: Ident,
    pub ty: Node<TypeExpr>,
    /// A value per year.
    pub by_year: bool,
    /// `可选`: when no value is given, it is missing (rules that need it are not met) instead of
    /// an error.
    pub optional: bool,
    pub range: Option<(Expr, Expr)>,
    pub default: Option<Expr>,
}

/// `令 补贴: 万元 = 转化费用 × 30% 例外 若 ... 则 ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LetDecl {
    pub name: Ident,
    pub ty: Option<Node<TypeExpr>>,
    pub value: Expr,
    pub exceptions: Vec<Node<Exception>>,
}

/// `条件 申报条件 全部 { ... }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConditionDecl {
    pub name: Ident,
    pub group: Node<CondGroup>,
}

/// A list of named conditions and how many must hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CondGroup {
    pub kind: GroupKind,
    pub items: Vec<Node<CondItem>>,
}

/// How many items of a group must hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupKind {
    All,
    Any,
    AtLeast(Node<u32>),
}

/// A named condition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CondItem {
    pub citations: Vec<Node<Citation>>,
    pub name: Ident,
    pub body: CondBody,
}

/// A condition is an expression (with exceptions) or a nested group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CondBody {
    Expr { expr: Expr, exceptions: Vec<Node<Exception>> },
    Group(Node<CondGroup>),
}

/// `指标表 达标指标 起算 批复年份 { ... }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndicatorsDecl {
    pub name: Ident,
    /// The year the scheme starts, from which `第1年` counts.
    pub from: Option<Expr>,
    pub indicators: Vec<Node<Indicator>>,
    /// `门槛 至少 24 项`.
    pub gates: Vec<Node<u32>>,
}

/// One indicator: how its value is computed and its targets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Indicator {
    pub citations: Vec<Node<Citation>>,
    pub name: Ident,
    pub value: Expr,
    pub targets: Vec<Node<Target>>,
}

/// A target for a year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub year: Node<YearSel>,
    pub kind: TargetKind,
}

/// Which year a target is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum YearSel {
    /// `每年`
    Every,
    /// `2020年`
    Calendar(u16),
    /// `第1年`
    Creation(u32),
}

/// What a target asks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetKind {
    /// `≥ 1000家`, `高于 全省增速`.
    Compare(super::Cmp, Expr),
    /// `年增 20%`: at least that much above the year before.
    Growth(Expr),
}

/// `评分 绩效评价 满分 100分 { ... }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoreDecl {
    pub name: Ident,
    pub max: Node<Quantity>,
    pub parts: Vec<Node<ScorePart>>,
}

/// A section of a score sheet or an item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ScorePart {
    Section(Section),
    Item(ScoreItem),
}

/// `部分 项目决策 20分 { ... }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    pub citations: Vec<Node<Citation>>,
    pub name: Ident,
    pub points: Node<Quantity>,
    pub parts: Vec<Node<ScorePart>>,
}

/// `项 到位率 3分 按比例 ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoreItem {
    pub citations: Vec<Node<Citation>>,
    pub name: Ident,
    pub points: Node<Quantity>,
    pub scoring: Node<Scoring>,
}

/// How an item is scored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scoring {
    /// Points for each criterion met.
    Criteria(Vec<Node<Criterion>>),
    /// The item's points times a ratio between 0 and 1; `stated` is the full mark the criterion
    /// text gives, when it gives one.
    Ratio { stated: Option<Node<Quantity>>, value: Expr },
    /// The item's points less the deductions.
    Deductions(Vec<Node<Deduction>>),
    /// Points taken from the data.
    Given { stated: Option<Node<Quantity>>, value: Expr },
}

/// `目标明确 1分: 目标明确`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Criterion {
    pub citations: Vec<Node<Citation>>,
    pub name: Ident,
    pub points: Node<Quantity>,
    pub cond: Expr,
}

/// `虚列套取 4-7分: 虚列套取扣分`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Deduction {
    pub citations: Vec<Node<Citation>>,
    pub name: Ident,
    pub points: Node<DeductionPoints>,
    /// A condition (fixed deduction) or the actual deduction (a range).
    pub value: Expr,
}

/// A fixed deduction or the range an actual deduction must lie in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeductionPoints {
    Fixed(Quantity),
    Range { min: Decimal, max: Decimal, unit: Option<Node<String>> },
}

/// `等级 绩效档次: 绩效评价 { 优: 90分以上; ... }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GradeDecl {
    pub name: Ident,
    pub value: Expr,
    pub bands: Vec<Node<GradeBand>>,
}

/// `优: 90分以上`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GradeBand {
    pub name: Ident,
    pub pattern: Node<Pattern>,
}

/// `奖励 X { ... }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwardDecl {
    /// The word the award is introduced by, as written: `奖励`, `补贴`, `补助`, `资助`, `award`
    /// or `subsidy` (the formatter keeps it).
    pub word: String,
    pub name: Ident,
    pub clauses: Vec<Node<AwardClause>>,
}

impl AwardDecl {
    /// The award's conditions (`当 …`), in the order written.
    pub fn conditions(&self) -> Vec<&Expr> {
        self.clauses
            .iter()
            .filter_map(|c| match &c.node {
                AwardClause::When(e) => Some(e),
                _ => None,
            })
            .collect()
    }
}

/// One clause of an award, in the order written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AwardClause {
    Citation(Citation),
    /// `当 c`: who qualifies.
    When(Expr),
    /// `金额 x`: how much.
    Amount {
        value: Expr,
        exceptions: Vec<Node<Exception>>,
    },
    /// `最高不超过 x`.
    Cap(Expr),
    /// `核减 20%`: a cut.
    Reduce(Expr),
    /// `一次性`.
    Once,
    /// `每年`, `每年 连续 3年`.
    Yearly {
        during: Option<Node<Quantity>>,
    },
    /// `来源 省级资金.科技创新`: the budget line that pays it.
    Source(Node<Vec<Ident>>),
}

/// `状态 示范县: ...`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusDecl {
    pub name: Ident,
    pub cond: Expr,
}

/// `叠加 X 就高不重复 { a, b }`, or `叠加 X 就高不重复 { a, b } 扣除 已获同一事项支持`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StackDecl {
    pub name: Ident,
    pub mode: StackMode,
    pub members: Vec<Node<Vec<Ident>>>,
    /// `扣除 已获同一事项支持`: the subject's field (in 元) giving what it has already received
    /// for the same matter under a document outside the workspace; the highest award then pays
    /// only what it adds to that amount.
    pub received: Option<Ident>,
}

/// How awards from several policies combine for one subject.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StackMode {
    /// 就高不重复: the higher one, never both.
    Exclusive,
    /// 累加 (在…基础上再给予): both.
    Additive,
}

/// `预算 X 5820万元 { ... }` or `分解 X 3735亿元 { ... }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BudgetDecl {
    pub kind: BudgetKind,
    pub name: Ident,
    pub total: Expr,
    pub parts: Vec<Node<Part>>,
}

/// A budget of money or a breakdown of a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BudgetKind {
    Budget,
    Breakdown,
}

/// `龙虎榜企业专项资金 3000万元`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    pub citations: Vec<Node<Citation>>,
    pub name: Ident,
    pub value: Expr,
}

/// `配套 X 1:1 { ... }`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MatchingDecl {
    pub name: Ident,
    pub ratio: Node<(Decimal, Decimal)>,
    pub parts: Vec<Node<Part>>,
}

/// `声明 X 8万元 应等于 48元/㎡ × 1700㎡`: a stated figure and its computation as the document writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatedDecl {
    pub name: Ident,
    pub stated: Expr,
    pub computed: Expr,
    /// `约等于`: the stated figure agrees with the computation at the precision it is written to.
    pub approx: bool,
}

/// `占比 X 330%`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShareDecl {
    pub name: Ident,
    pub value: Expr,
    /// `约等于 27521户 ÷ 67699户`: the share's parts, agreeing at the precision written.
    pub of: Option<Expr>,
}

/// `原文日期 以后各年申报期限 当年4月31日 解读为 当年4月30日`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WrittenDateDecl {
    pub name: Ident,
    /// The date as the document writes it; it may not exist.
    pub written: Node<WrittenDate>,
    /// The date the policy reads it as.
    pub reading: Node<WrittenDate>,
}

/// `平均数 县区平均基数 { 新增规上企业数量 4780家 平均 40家 }`: averages over one count that the
/// document does not state; `check` finds whether one whole count gives every row at the precision
/// its average is written to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AveragesDecl {
    pub name: Ident,
    pub rows: Vec<Node<AverageRow>>,
}

/// `新增规上企业数量 4780家 平均 40家`: a total and its average.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AverageRow {
    pub citations: Vec<Node<Citation>>,
    pub name: Ident,
    pub total: Expr,
    pub average: Expr,
}

/// A date as written: the year is `None` for `当年4月31日` or `4月31日` (in each year).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WrittenDate {
    pub year: Option<u32>,
    pub month: u32,
    pub day: u32,
}

impl WrittenDate {
    /// The number of days in the month (29 in February when no year is written, 0 for no such
    /// month).
    pub fn month_days(self) -> u32 {
        match self.month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 => match self.year {
                Some(y)
                    if !(y.is_multiple_of(4) && !y.is_multiple_of(100)
                        || y.is_multiple_of(400)) =>
                {
                    28
                }
                _ => 29,
            },
            _ => 0,
        }
    }

    /// Whether the date exists (in some year, when no year is written: `2月29日` does).
    pub fn exists(self) -> bool {
        self.day >= 1 && self.day <= self.month_days()
    }
}

/// `资金池 X 400万元 支付 { a, b } 按比例核减 0.01元`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolDecl {
    pub name: Ident,
    pub total: Expr,
    pub pays: Vec<Node<Vec<Ident>>>,
    /// `按比例核减 0.01元`: claims above the pool are cut in proportion, rounded down to this step.
    pub prorata: Option<Node<Quantity>>,
}

/// The document header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    pub title: Node<String>,
    pub issuer: Option<Node<String>>,
    pub docno: Option<Node<String>>,
    pub date: Option<Node<Date>>,
    pub valid: Option<Node<Validity>>,
    pub basis: Vec<Node<String>>,
}

/// How long a document is in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Validity {
    Range { from: Node<Date>, to: ValidityEnd },
    Text(String),
}

/// The end of a validity range: a date or a text (`"资金使用完结"`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValidityEnd {
    Date(Node<Date>),
    Text(Node<String>),
}

#[cfg(test)]
mod tests {
    use super::WrittenDate;

    fn exists(year: Option<u32>, month: u32, day: u32) -> bool {
        WrittenDate { year, month, day }.exists()
    }

    #[test]
    fn dates_as_written() {
        // April has 30 days: 「当年4月31日」 does not exist, 4月30日 does.
        assert!(!exists(None, 4, 31));
        assert!(exists(None, 4, 30));
        assert_eq!(WrittenDate { year: None, month: 4, day: 31 }.month_days(), 30);
        // 2月29日 exists in some year; in 2021 and 2100 it does not, in 2020 and 2000 it does.
        assert!(exists(None, 2, 29));
        assert!(!exists(Some(2021), 2, 29));
        assert!(!exists(Some(2100), 2, 29));
        assert!(exists(Some(2020), 2, 29));
        assert!(exists(Some(2000), 2, 29));
        // No month 13, no day 0.
        assert!(!exists(None, 13, 1));
        assert_eq!(WrittenDate { year: None, month: 13, day: 1 }.month_days(), 0);
        assert!(!exists(Some(2021), 1, 0));
        assert!(exists(Some(2021), 12, 31));
    }
}
