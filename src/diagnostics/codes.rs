//! The registry of diagnostic codes.
//!
//! A code never changes meaning once published. Codes are grouped by phase:
//! `ZC01xx` syntax, `ZC02xx` names, `ZC03xx` types and units, `ZC04xx` rules,
//! `ZC05xx` consistency of the facts a document states, `ZC06xx` data, `ZC07xx` evaluation,
//! `ZC08xx` test files (`zhengce test`), `ZC09xx` files and usage, `ZC10xx` policies compiled to SQL
//! (`zhengce sql`). Each code is documented once,
//! in `docs/codes/ZCxxxx.md`, and `zhengce explain-code ZCxxxx` prints that page.

use super::Severity;

macro_rules! codes {
    ($( $variant:ident = $id:literal, $sev:ident, $zh:literal, $en:literal; )*) => {
        /// A stable diagnostic code.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( $variant, )* }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The code as users see it, e.g. `ZC0201`.
            pub fn id(self) -> &'static str {
                match self { $( Code::$variant => $id, )* }
            }

            /// The severity a diagnostic of this code has.
            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$sev, )* }
            }

            /// A one-line title in Chinese and English.
            pub fn title(self) -> (&'static str, &'static str) {
                match self { $( Code::$variant => ($zh, $en), )* }
            }

            /// Looks a code up by its id, case-insensitively.
            pub fn from_id(id: &str) -> Option<Code> {
                Code::ALL.iter().copied().find(|c| c.id().eq_ignore_ascii_case(id.trim()))
            }
        }
    };
}

codes! {
    // --- syntax
    Syntax = "ZC0101", Error, "语法错误", "syntax error";
    NumberLiteral = "ZC0102", Error, "数字无法表示", "number cannot be represented";
    DateLiteral = "ZC0103", Error, "日期无效", "invalid date";
    NestingTooDeep = "ZC0104", Error, "嵌套过深", "nesting too deep";
    DuplicateHeaderField = "ZC0105", Error, "文件头字段重复", "header field given twice";
    UnclosedQuote = "ZC0106", Error, "引文未闭合", "quotation not closed";
    FormatCheck = "ZC0190", Error, "格式化结果未通过自检", "formatting failed its own check";
    Internal = "ZC0199", Error, "内部错误", "internal error";
    // --- names
    UnknownName = "ZC0201", Error, "未定义的名称", "unknown name";
    DuplicateDefinition = "ZC0202", Error, "名称重复定义", "name defined twice";
    UnknownFunction = "ZC0203", Error, "未知函数", "unknown function";
    ArgumentCount = "ZC0204", Error, "参数个数不对", "wrong number of arguments";
    UnknownEnumValue = "ZC0205", Error, "未知的枚举值", "unknown enumeration value";
    DefinitionCycle = "ZC0206", Error, "定义循环引用", "definition cycle";
    Unused = "ZC0207", Warning, "定义未被使用", "unused definition";
    UnknownUnit = "ZC0208", Error, "未知单位", "unknown unit";
    UnknownSubject = "ZC0209", Error, "未知主体", "unknown subject";
    ImportNotFound = "ZC0210", Error, "引用的政策无法读取", "imported policy cannot be read";
    ImportOutsideRoot = "ZC0211", Error, "引用的政策在政策根目录之外", "imported policy outside the policy root";
    LessWithAdditive = "ZC0212", Error, "累加的叠加规则写了扣除", "a deduction on an additive stacking rule";
    StackNotAValue = "ZC0213", Error, "叠加规则不能作为数值读取", "a stacking rule read as a value";
    // --- types and units
    UnitMismatch = "ZC0301", Error, "单位不相容", "incompatible units";
    TypeMismatch = "ZC0302", Error, "类型不符", "type mismatch";
    PercentVsPoints = "ZC0303", Error, "百分比与百分点混用", "percent mixed with percentage points";
    DeclaredUnit = "ZC0304", Error, "声明的单位与计算结果不符", "declared unit differs from the computed one";
    UnorderedEnum = "ZC0305", Error, "无序枚举不能比较大小", "unordered enumeration compared by order";
    EnumMismatch = "ZC0306", Error, "不同枚举的值相比较", "values of different enumerations compared";
    // --- rules
    MissingCitation = "ZC0401", Warning, "规则缺少条款引用", "rule without a clause citation";
    ConflictingExceptions = "ZC0402", Error, "例外相互冲突", "exceptions conflict";
    AtLeastTooMany = "ZC0403", Error, "至少项数超过条目数", "at-least count exceeds the number of items";
    TierUnreachable = "ZC0404", Warning, "分档不可达", "tier can never be reached";
    TierNoFallback = "ZC0405", Warning, "分档未覆盖所有情况", "tiers do not cover every case";
    UnroundedDivision = "ZC0406", Warning, "金额来自除法却未写明取整", "an amount comes from a division with no rounding written";
    RateWithoutPercent = "ZC0407", Warning, "比例像是漏写了百分号", "a rate without its percent sign";
    FigureNotQuoted = "ZC0408", Warning, "规则中的数字不在所引原文中", "a figure in a rule is not in its quoted clause";
    FenFraction = "ZC0409", Warning, "金额可能有不足一分的尾数却未写明取整", "an amount can carry fractions of a fen with no rounding written";
    // --- consistency of stated facts
    TotalMismatch = "ZC0501", Warning, "合计与各项之和不符", "stated total differs from the sum of its parts";
    StatedAmountMismatch = "ZC0502", Warning, "声明金额与计算结果不符", "stated amount differs from the computed one";
    ShareAbove100 = "ZC0503", Warning, "占比超过100%", "share above 100%";
    SectionPointsMismatch = "ZC0504", Warning, "分值与各项分值之和不符", "section points differ from the sum of its items";
    MatchingRatioMismatch = "ZC0505", Warning, "配套比例不成立", "matching ratio does not hold";
    CapsExceedBudget = "ZC0506", Warning, "封顶之和超过预算", "caps add up to more than the budget line";
    WrittenPrecisionMismatch = "ZC0507", Warning, "写明的数字按其精度与计算不符", "a stated figure disagrees with its computation at the precision written";
    DateDoesNotExist = "ZC0508", Warning, "原文写的日期不存在", "a date the document writes does not exist";
    AverageDisagrees = "ZC0509", Warning, "一列平均数中有一行与其余各行的除数不符", "an average disagrees with the count the other rows of its column share";
    // --- data
    MissingField = "ZC0601", Error, "数据缺少字段", "field missing from the data";
    UnknownField = "ZC0602", Error, "数据中有未声明的字段", "unknown field in the data";
    WrongValue = "ZC0603", Error, "数据取值类型不符", "value of the wrong kind";
    DataUnit = "ZC0604", Error, "数据单位有误", "wrong or missing unit in the data";
    OutOfRange = "ZC0605", Error, "数据取值超出范围", "value out of range";
    DuplicateSubject = "ZC0606", Error, "主体标识重复", "duplicate subject id";
    DataFormat = "ZC0607", Error, "数据文件无法读取", "unreadable data file";
    MissingParam = "ZC0608", Error, "缺少参数", "missing parameter";
    EmptyValue = "ZC0609", Error, "必填值为空", "required value is empty";
    ConflictingValues = "ZC0610", Error, "同一主体的取值相互矛盾", "conflicting values for one subject";
    DuplicateColumn = "ZC0611", Error, "数据列重复", "column given twice";
    YearColumn = "ZC0612", Error, "年份与字段声明不符", "year does not match the field declaration";
    // --- evaluation
    DivisionByZero = "ZC0701", Error, "除数为零", "division by zero";
    Overflow = "ZC0702", Error, "数值溢出", "arithmetic overflow";
    NoYear = "ZC0703", Error, "没有评估年度", "no evaluation year";
    DeductionRange = "ZC0704", Error, "扣分超出规定范围", "deduction outside its range";
    MissingParamValue = "ZC0705", Error, "参数没有取值", "parameter has no value";
    EvalLimit = "ZC0706", Error, "评估超出上限", "evaluation limit exceeded";
    OutsideValidity = "ZC0707", Warning, "评估年度不在有效期内", "evaluation year outside the validity period";
    MissingResults = "ZC0708", Warning, "结果缺数据", "results missing data";
    FenOutcome = "ZC0709", Warning, "金额有不足一分的尾数", "an amount finer than a fen";
    Interpreted = "ZC0710", Note, "登记簿按解释器逐个计算", "register evaluated by the interpreter";
    OutsideValidityRefused = "ZC0711", Error, "评估年度不在有效期内，未计算", "evaluation year outside the validity period: not evaluated";
    MemberWithoutOwner = "ZC0712", Error, "成员所属的主体不在数据中", "member whose owner is not in the data";
    MembersUnavailable = "ZC0713", Error, "成员数据未读入", "members not read";
    MembersNotGrouped = "ZC0715", Error, "成员未按所属主体分组", "members not grouped by owner";
    MemberOwnerDiffers = "ZC0716", Error, "成员写明的所属主体与所在主体不符", "member naming another owner than its own";
    MembersTwice = "ZC0717", Error, "成员数据给出了两处", "members given in two places";
    OwnerRowsDisagree = "ZC0718", Error, "长表中同一主体的各行不一致", "an owner's rows of a long table disagree";
    OwnerRowsApart = "ZC0719", Error, "长表中同一主体的行不相连", "an owner's rows of a long table not together";
    GrowthUndefined = "ZC0714", Error, "年均增长率无法计算", "average growth undefined";
    PoolCut = "ZC0720", Note, "资金池按比例核减", "pool cut in proportion";
    PoolExceeded = "ZC0721", Warning, "申领超过资金池而政策未写核减", "claims exceed a pool that writes no cut";
    // --- test files
    TestFile = "ZC0801", Error, "测试文件无法读取", "unreadable test file";
    TestCase = "ZC0802", Error, "测试用例无法运行", "test case that cannot run";
    NoTests = "ZC0803", Warning, "政策没有测试", "policy without tests";
    BranchNoLongerTaken = "ZC0804", Warning, "快照不再走到的分支", "branch the snapshot no longer takes";
    CoverageBelow = "ZC0805", Error, "测试覆盖率低于要求", "test coverage below the threshold";
    // --- files and usage
    Io = "ZC0901", Error, "无法读取文件", "cannot read file";
    NoPolicyFiles = "ZC0902", Error, "没有找到政策文件", "no policy files found";
    UnknownCode = "ZC0903", Error, "未知的诊断代码", "unknown diagnostic code";
    BadOptions = "ZC0904", Error, "命令行选项不匹配", "command-line options that do not fit together";
    FileTooLarge = "ZC0905", Error, "文件过大", "file too large";
    DataTooLarge = "ZC0906", Error, "数据规模超出上限", "too many rows or columns in the data";
    CellTooLong = "ZC0907", Error, "单元格过长", "cell too long";
    SubjectsDiffer = "ZC0908", Error, "两份政策的主体不一致", "the two policies' subjects differ";
    UnknownColumn = "ZC0909", Error, "报告中没有这一列", "no such column in the report";
    LineTooLong = "ZC0910", Error, "数据行过长", "line too long";
    WorkbookTooLarge = "ZC0911", Error, "工作簿解压后过大", "workbook inflates too far";
    UnknownParam = "ZC0912", Error, "政策没有这一参数", "no such parameter in the policy";
    ParamOverride = "ZC0913", Note, "命令行参数改写了数据中的值", "a command-line parameter overrides the data's value";
    ParamsBeside = "ZC0914", Note, "参数取自登记簿旁的参数文件", "parameters from the file beside a register";
    UnreadOption = "ZC0916", Warning, "给出的选项没有被用到", "an option given and not used";
    SheetFull = "ZC0915", Error, "登记簿超出 xlsx 工作表的行数", "more subjects than an xlsx sheet holds";
    ServePath = "ZC0930", Error, "工作台拒绝的路径", "a path the workbench refuses";
    ServeBodyTooLarge = "ZC0931", Error, "上传内容超过工作台的上限", "an upload over the workbench's limit";
    ServeToken = "ZC0932", Error, "请求缺少工作台的令牌", "a request without the workbench's token";
    ServeNotData = "ZC0933", Error, "工作台读不了的上传文件", "an upload the workbench cannot read";
    EmptyField = "ZC0950", Warning, "字段留空，用到它的结果缺数据", "an empty field leaves the results that use it missing";
    ParamKind = "ZC0951", Error, "参数值与参数的单位或类型不符", "a parameter value of another unit or kind than declared";
    // --- policies compiled to SQL
    SqlNotCompiled = "ZC1001", Error, "主体类别的规则不能写成 SQL", "a subject kind's rules that do not compile to SQL";
    SqlInexact = "ZC1002", Error, "SQL 中不能精确计算的写法", "a construct SQL cannot compute exactly";
    SqlMorePlaces = "ZC1003", Error, "单元格的小数位多于查询保留的位数", "a cell with more places than the query keeps";
    SqlHanded = "ZC1004", Error, "查询留给 `zhengce eval` 计算的主体", "a subject the query leaves to `zhengce eval`";
}

impl Code {
    /// Whether a problem of this code is the same for every subject it stops (a parameter
    /// without a value), for every subject of an award (an amount finer than a fen), or for
    /// every data file evaluated (a year outside the validity period), so that a run reports
    /// it once.
    pub fn once_per_run(self) -> bool {
        matches!(self, Code::MissingParamValue | Code::OutsideValidity | Code::FenOutcome)
    }

    /// Whether a problem reported once per run counts the subjects it stopped.
    pub fn counts_subjects(self) -> bool {
        matches!(self, Code::MissingParamValue | Code::FenOutcome)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.id()), "duplicate id {}", c.id());
            assert_eq!(c.id().len(), 6);
            assert!(c.id().starts_with("ZC"));
            assert_eq!(Code::from_id(&c.id().to_lowercase()), Some(*c));
        }
    }
}
