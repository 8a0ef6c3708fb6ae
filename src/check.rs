//! The `check` entry point: parse and check policy sources, collecting every diagnostic.

use std::sync::Arc;

use crate::diagnostics::Diagnostics;
use crate::source::SourceFile;

/// Parses and checks each policy source; returns all diagnostics (unsorted).
pub fn check_sources(sources: &[Arc<SourceFile>]) -> Diagnostics {
    let mut all = Diagnostics::new();
    for file in sources {
        all.extend(crate::checker::check_source(file));
    }
    all
}
