//! The workbench's safety rules: paths stay inside the folder, bodies stay small, requests off
//! this machine carry the token.

use std::path::{Component, Path, PathBuf};

use crate::diagnostics::{Code, Diagnostic, Text};

/// The largest request body held in memory (a policy's text, an upload): 16 MiB.
pub const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// The token a request must carry, when there is one.
#[derive(Clone, Debug)]
pub struct Guard {
    /// `None` on a loopback address.
    pub token: Option<String>,
}

impl Guard {
    /// Whether a request with this token (from `?token=` or the `X-Zhengce-Token` header) may
    /// be answered. Compared in constant time.
    pub fn admits(&self, given: Option<&str>) -> bool {
        match (&self.token, given) {
            (None, _) => true,
            (Some(t), Some(g)) => {
                t.len() == g.len()
                    && t.bytes().zip(g.bytes()).fold(0u8, |a, (x, y)| a | (x ^ y)) == 0
            }
            (Some(_), None) => false,
        }
    }
}

/// A fresh token: 128 bits from the standard library's per-process random hash keys.
pub fn new_token() -> String {
    use std::hash::{BuildHasher, Hasher};
    let word = |salt: u64| {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(salt);
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        );
        h.finish()
    };
    format!("{:016x}{:016x}", word(1), word(2))
}

/// The refusal of a request without the token (`ZC0932`).
pub fn no_token() -> Diagnostic {
    Diagnostic::new(
        Code::ServeToken,
        Text::new("请求缺少令牌或令牌不符", "the request lacks the token, or its token is wrong"),
    )
    .help(Text::new(
        "打开 `zhengce serve` 启动时打印的地址（带 `?token=`）",
        "open the address `zhengce serve` printed at start (with its `?token=`)",
    ))
}

/// The file `rel` names inside `dir`: a relative path of plain names only (no `..`, no root,
/// no drive), ending in `.zc` when `policy` is set. Anything else is refused (`ZC0930`).
pub fn resolve(dir: &Path, rel: &str, policy: bool) -> Result<PathBuf, Box<Diagnostic>> {
    let path = Path::new(rel);
    let plain = !rel.is_empty()
        && !rel.contains('\\')
        && path.components().all(|c| matches!(c, Component::Normal(_)));
    let zc = !policy || path.extension().is_some_and(|e| e == "zc");
    if plain && zc {
        return Ok(dir.join(path));
    }
    Err(Box::new(
        Diagnostic::new(
            Code::ServePath,
            Text::new(
                format!("拒绝路径 `{rel}`：只能是政策目录内的相对路径"),
                format!("path `{rel}` refused: only a relative path inside the policy folder"),
            ),
        )
        .help(Text::new(
            "路径不得含 `..`、不得以 `/` 或盘符开头；政策文件以 `.zc` 结尾",
            "a path may not contain `..` nor start with `/` or a drive; a policy file ends in `.zc`",
        )),
    ))
}

/// The refusal of a body larger than [`BODY_LIMIT`] (`ZC0931`), naming the command to use.
pub fn too_large(len: usize) -> Diagnostic {
    let mib = BODY_LIMIT / (1024 * 1024);
    Diagnostic::new(
        Code::ServeBodyTooLarge,
        Text::new(
            format!("上传内容有 {len} 字节，超过工作台的上限 {mib} MiB"),
            format!("the upload is {len} bytes, over the workbench's limit of {mib} MiB"),
        ),
    )
    .help(Text::new(
        "大的登记簿请在命令行计算：`zhengce eval 政策.zc --data 登记簿.xlsx --format xlsx --out 结果.xlsx`",
        "evaluate a large register on the command line: `zhengce eval policy.zc --data register.xlsx --format xlsx --out results.xlsx`",
    ))
}

/// Writes `text` to `path` atomically (a temporary file in the same folder, then renamed over
/// it), first keeping the previous version as `path` + `.bak`.
pub fn save_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().ok_or_else(|| std::io::Error::other("no folder"))?;
    if path.exists() {
        let mut bak = path.as_os_str().to_owned();
        bak.push(".bak");
        std::fs::copy(path, PathBuf::from(bak))?;
    }
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_outside_the_folder_are_refused() {
        let dir = Path::new("/srv/policies");
        assert!(resolve(dir, "a.zc", true).is_ok());
        assert!(resolve(dir, "sub/a.zc", true).is_ok());
        for bad in
            ["../a.zc", "/etc/passwd", "a/../../b.zc", "", "..", "a.txt", "a\\..\\b.zc", "./a.zc"]
        {
            assert!(resolve(dir, bad, true).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_token_is_needed_off_this_machine() {
        let open = Guard { token: None };
        assert!(open.admits(None));
        let closed = Guard { token: Some("abc".into()) };
        assert!(closed.admits(Some("abc")));
        assert!(!closed.admits(Some("abd")));
        assert!(!closed.admits(Some("ab")));
        assert!(!closed.admits(None));
        assert_eq!(new_token().len(), 32);
    }
}
