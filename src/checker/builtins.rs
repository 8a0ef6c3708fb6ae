//! The builtin functions, each with a Chinese and an English name.

/// A builtin function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Builtin {
    /// `最小`/`min`(a, b, …)
    Min,
    /// `最大`/`max`(a, b, …)
    Max,
    /// `取整`/`round`(x, step): half up to a multiple of step.
    Round,
    /// `向下取整`/`round_down`(x, step)
    RoundDown,
    /// `向上取整`/`round_up`(x, step)
    RoundUp,
    /// `合计`/`sum`(a, b, …)
    Sum,
    /// `绝对值`/`abs`(x)
    Abs,
    /// `累计`/`cumulative`(series[, from_year]): the sum of a yearly series up to the evaluation
    /// year.
    Cumulative,
    /// `上年`/`previous`(x): x in the year before.
    Previous,
    /// `增长率`/`growth`(x): x ÷ 上年(x) − 1, as a percentage.
    Growth,
    /// `连续年数`/`consecutive_years`(c): how many years in a row, ending in the evaluation year,
    /// c held.
    ConsecutiveYears,
    /// `计数`/`count`(合同[, 当 c]): how many members (that meet c).
    Count,
    /// `任一`/`any`(c): whether some member meets c.
    Any,
    /// `全部`/`all`(c): whether every member meets c.
    All,
    /// `依次分配`/`allocate`(order, amount, cap[, amount, cap …]): the members taken in order,
    /// each paid at the level (an amount and the owner's cap at that level) that pays it the
    /// most of what is left of that level's cap; the total paid.
    Allocate,
    /// `年均增长率`/`average_growth`(last, first, years, step): (last ÷ first)^(1/years) − 1,
    /// an nth root rounded half away from zero to a multiple of step, exactly ([`crate::growth`]).
    AverageGrowth,
}

impl Builtin {
    /// Whether it only ever aggregates over members (`计数`, `任一`, `全部`); `合计`, `最大`
    /// and `最小` aggregate when their argument reads a member kind.
    pub fn aggregates_only(self) -> bool {
        matches!(self, Builtin::Count | Builtin::Any | Builtin::All | Builtin::Allocate)
    }

    /// Whether it can aggregate over members.
    pub fn aggregates(self) -> bool {
        self.aggregates_only() || matches!(self, Builtin::Sum | Builtin::Max | Builtin::Min)
    }
}

/// Every builtin with its names and how many arguments it takes (min, max).
pub const BUILTINS: &[(Builtin, &str, &str, usize, usize)] = &[
    (Builtin::Min, "最小", "min", 1, usize::MAX),
    (Builtin::Max, "最大", "max", 1, usize::MAX),
    (Builtin::Round, "取整", "round", 2, 2),
    (Builtin::RoundDown, "向下取整", "round_down", 2, 2),
    (Builtin::RoundUp, "向上取整", "round_up", 2, 2),
    (Builtin::Sum, "合计", "sum", 1, usize::MAX),
    (Builtin::Abs, "绝对值", "abs", 1, 1),
    (Builtin::Cumulative, "累计", "cumulative", 1, 2),
    (Builtin::Previous, "上年", "previous", 1, 1),
    (Builtin::Growth, "增长率", "growth", 1, 1),
    (Builtin::ConsecutiveYears, "连续年数", "consecutive_years", 1, 1),
    (Builtin::Count, "计数", "count", 1, 2),
    (Builtin::Any, "任一", "any", 1, 2),
    (Builtin::All, "全部", "all", 1, 2),
    (Builtin::Allocate, "依次分配", "allocate", 3, usize::MAX),
    (Builtin::AverageGrowth, "年均增长率", "average_growth", 4, 4),
];

/// The names of the evaluation year: `当年` / `current_year`.
pub const CURRENT_YEAR: [&str; 2] = ["当年", "current_year"];

/// Looks a builtin up by either name; returns it with its argument bounds.
pub fn lookup(name: &str) -> Option<(Builtin, usize, usize)> {
    // By name in a table built once: the evaluator looks a builtin up at each call.
    static BY_NAME: std::sync::LazyLock<foldhash::HashMap<&'static str, (Builtin, usize, usize)>> =
        std::sync::LazyLock::new(|| {
            let mut by_name = foldhash::HashMap::default();
            // The first of two builtins with one name wins, as a search in order finds it.
            for b in BUILTINS.iter().rev() {
                by_name.insert(b.2, (b.0, b.3, b.4));
                by_name.insert(b.1, (b.0, b.3, b.4));
            }
            by_name
        });
    BY_NAME.get(name).copied()
}

/// Every builtin name, for "did you mean".
pub fn names() -> impl Iterator<Item = &'static str> {
    BUILTINS.iter().flat_map(|b| [b.1, b.2])
}
