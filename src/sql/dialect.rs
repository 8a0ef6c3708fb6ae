//! The three SQL dialects `zhengce sql` writes: the integer type that holds a fixed-point
//! mantissa, integer division and how a quoted name and a decimal are written.

/// A SQL engine the query is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// DuckDB: mantissas in `HUGEINT` (128-bit integers).
    DuckDb,
    /// PostgreSQL: mantissas in `NUMERIC` (exact, unbounded integers).
    Postgres,
    /// Spark SQL (also Databricks and Hive): mantissas in `DECIMAL(38,0)`.
    Spark,
}

impl Dialect {
    /// The type of a mantissa: an exact integer of at least 38 digits.
    pub fn int_type(self) -> &'static str {
        match self {
            Dialect::DuckDb => "HUGEINT",
            Dialect::Postgres => "NUMERIC",
            Dialect::Spark => "DECIMAL(38,0)",
        }
    }

    /// An integer literal of the mantissa type.
    pub fn int(self, v: i64) -> String {
        format!("CAST({v} AS {})", self.int_type())
    }

    /// How a layer of the query is introduced: PostgreSQL computes each layer once
    /// (`MATERIALIZED`), since it would otherwise put every layer's expressions into the next
    /// and a deep program's expressions grow past its memory; DuckDB and Spark keep a layer's
    /// columns as they are.
    pub fn cte(self) -> &'static str {
        match self {
            Dialect::Postgres => "AS MATERIALIZED (",
            _ => "AS (",
        }
    }

    /// 10^26 in the mantissa type (beyond an `i64` literal).
    pub fn int_e26(self) -> String {
        format!("CAST('100000000000000000000000000' AS {})", self.int_type())
    }

    /// `a` divided by the positive constant `p`, truncated towards zero.
    pub fn div_trunc(self, a: &str, p: i64) -> String {
        match self {
            Dialect::DuckDb => format!("({a} // {})", self.int(p)),
            Dialect::Postgres => format!("div({a}, {})", self.int(p)),
            Dialect::Spark => format!("CAST({a} div {p} AS DECIMAL(38,0))"),
        }
    }

    /// The whole part of `a` divided by `b`, both integers and not negative (where the
    /// engines' integer divisions agree).
    pub fn idiv(self, a: &str, b: &str) -> String {
        match self {
            Dialect::DuckDb => format!("({a} // {b})"),
            Dialect::Postgres => format!("div({a}, {b})"),
            Dialect::Spark => format!("({a} div {b})"),
        }
    }

    /// The remainder of `a` by `b`, both integers and not negative.
    pub fn imod(self, a: &str, b: &str) -> String {
        match self {
            Dialect::Postgres => format!("mod({a}, {b})"),
            _ => format!("({a} % {b})"),
        }
    }

    /// An integer expression that stops the query with the text `msg` (an SQL expression of
    /// a text) in the engine's error: a cast of the text to an integer, which DuckDB and
    /// PostgreSQL refuse with the text in the message, and Spark's `raise_error` (a cast there
    /// gives `NULL` unless ANSI mode is on).
    pub fn stop(self, msg: &str) -> String {
        match self {
            Dialect::Spark => format!("CAST(raise_error({msg}) AS INT)"),
            _ => format!("CAST(({msg}) AS INTEGER)"),
        }
    }

    /// A quoted identifier (any name the policy writes, in Chinese, with brackets).
    pub fn ident(self, name: &str) -> String {
        match self {
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// A string literal.
    pub fn text(self, s: &str) -> String {
        match self {
            Dialect::Spark => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
            _ => format!("'{}'", s.replace('\'', "''")),
        }
    }

    /// The type a cell's text is read as before it becomes a mantissa: 38 digits, 18 places.
    pub fn cell_decimal(self) -> &'static str {
        "DECIMAL(38,18)"
    }

    /// The engine's name, for the header comment.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::DuckDb => "DuckDB",
            Dialect::Postgres => "PostgreSQL",
            Dialect::Spark => "Spark SQL",
        }
    }
}
