//! Choosing the language diagnostics are shown in.
//!
//! The order is: an explicit `--lang zh|en`; else the first of `LC_ALL`, `LC_MESSAGES` and
//! `LANG` that is set to a non-empty value (as POSIX does, an empty value counts as unset):
//! a value starting with `zh` (`zh_CN.UTF-8`, `zh_TW`, `zh`) chooses Chinese; the C and POSIX
//! locales (`C`, `C.UTF-8`, `POSIX`), which name no language, choose Chinese too; any other
//! value (`en_US.UTF-8`, `fr_FR`) chooses English.
//!
//! When none of them is set, the language is **Chinese**: zhengce is written for Chinese
//! government offices, whose machines often run with no locale variables at all (services,
//! scheduled jobs, some Windows terminals) or with the C locale (servers, containers).
//!
//! [`select_lang`] is a pure function of its arguments so that it can be tested without
//! touching the process environment; [`lang_from_env`] reads the real environment.

use super::Lang;

/// The language named by a `--lang` value: `zh` or `en` (case-insensitive, surrounding
/// whitespace ignored); `None` for anything else.
pub fn parse_lang(value: &str) -> Option<Lang> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("zh") {
        Some(Lang::Zh)
    } else if value.eq_ignore_ascii_case("en") {
        Some(Lang::En)
    } else {
        None
    }
}

/// The language a locale value such as `zh_CN.UTF-8` or `en_US.UTF-8` stands for:
/// Chinese if it starts with `zh` (case-insensitive) or is the C or POSIX locale, which names
/// no language; English otherwise.
pub fn lang_of_locale(value: &str) -> Lang {
    let value = value.trim();
    let starts_with_zh = value.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("zh"));
    let base = value.split(['.', '@']).next().unwrap_or("");
    let no_language = base.eq_ignore_ascii_case("c") || base.eq_ignore_ascii_case("posix");
    if starts_with_zh || no_language { Lang::Zh } else { Lang::En }
}

/// The language to use, given an explicit choice and the values of `LC_ALL`, `LC_MESSAGES`
/// and `LANG` (`None` when unset). See the module documentation for the rules.
pub fn select_lang(
    explicit: Option<Lang>,
    lc_all: Option<&str>,
    lc_messages: Option<&str>,
    lang: Option<&str>,
) -> Lang {
    if let Some(lang) = explicit {
        return lang;
    }
    [lc_all, lc_messages, lang]
        .into_iter()
        .flatten()
        .find(|v| !v.trim().is_empty())
        .map_or(Lang::Zh, lang_of_locale)
}

/// [`select_lang`] with the locale variables of this process.
pub fn lang_from_env(explicit: Option<Lang>) -> Lang {
    let var = |name: &str| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned());
    let (lc_all, lc_messages, lang) = (var("LC_ALL"), var("LC_MESSAGES"), var("LANG"));
    select_lang(explicit, lc_all.as_deref(), lc_messages.as_deref(), lang.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_choice_wins() {
        assert_eq!(select_lang(Some(Lang::En), Some("zh_CN.UTF-8"), None, None), Lang::En);
        assert_eq!(select_lang(Some(Lang::Zh), None, None, Some("en_US.UTF-8")), Lang::Zh);
    }

    #[test]
    fn nothing_set_means_chinese() {
        assert_eq!(select_lang(None, None, None, None), Lang::Zh);
        assert_eq!(select_lang(None, Some(""), Some(" "), Some("")), Lang::Zh);
    }

    #[test]
    fn variables_are_consulted_in_order() {
        assert_eq!(select_lang(None, Some("en_US.UTF-8"), Some("zh_CN"), Some("zh_CN")), Lang::En);
        assert_eq!(select_lang(None, None, Some("zh_CN.UTF-8"), Some("en_US")), Lang::Zh);
        assert_eq!(select_lang(None, Some(""), Some("en_GB"), Some("zh_CN")), Lang::En);
        assert_eq!(select_lang(None, None, None, Some("zh_TW.Big5")), Lang::Zh);
    }

    #[test]
    fn the_c_and_posix_locales_name_no_language_and_mean_chinese() {
        for v in ["C", "POSIX", "C.UTF-8", "c.utf8", "POSIX@euro"] {
            assert_eq!(select_lang(None, None, None, Some(v)), Lang::Zh, "{v}");
        }
        // The first variable set decides, as POSIX has it: `LC_ALL=C` over `LANG=en_US`.
        assert_eq!(select_lang(None, Some("C.UTF-8"), None, Some("en_US.UTF-8")), Lang::Zh);
    }

    #[test]
    fn any_other_value_means_english() {
        for v in ["en_GB", "fr_FR.UTF-8", "z", "Catalan"] {
            assert_eq!(select_lang(None, None, None, Some(v)), Lang::En, "{v}");
        }
        assert_eq!(lang_of_locale("ZH_cn"), Lang::Zh);
    }

    #[test]
    fn parse_lang_values() {
        assert_eq!(parse_lang("zh"), Some(Lang::Zh));
        assert_eq!(parse_lang(" EN "), Some(Lang::En));
        assert_eq!(parse_lang("中文"), None);
    }
}
