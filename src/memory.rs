//! Giving freed memory back at the moments a run knows it has freed much: the decoded pages of a
//! Parquet row group at its end, and those the default year was read from before the run.
//!
//! The library does not choose the program's allocator; a program whose allocator keeps freed
//! memory for a while (mimalloc keeps it in the thread that freed it, and only returns it after
//! its purge delay) registers how to return it now ([`on_release`]). Without one, [`release`]
//! does nothing. The `zhengce` command registers mimalloc's collection: DuckDB's row groups
//! (122,880 rows, all of a column chunk's values in one page) made the widest bundled kind's
//! peak grow group by group, to 74–87 MiB over 1,000,000 rows (provincial 县), and 59–65 MiB
//! with each group's pages given back (BENCHMARKS.md, twentieth session).

use std::sync::OnceLock;

/// The program's way of returning the calling thread's freed memory, if it gave one.
static RELEASE: OnceLock<fn()> = OnceLock::new();

/// Registers `release` as the way to return the calling thread's freed memory to the system;
/// `false` when one was registered before (it stays).
pub fn on_release(release: fn()) -> bool {
    RELEASE.set(release).is_ok()
}

/// Returns the calling thread's freed memory to the system, if the program said how.
pub fn release() {
    if let Some(release) = RELEASE.get() {
        release();
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    static CALLED: AtomicUsize = AtomicUsize::new(0);

    fn count() {
        CALLED.fetch_add(1, Ordering::SeqCst);
    }

    fn other() {}

    #[test]
    fn release_calls_what_the_program_registered_and_only_that() {
        super::release();
        assert_eq!(CALLED.load(Ordering::SeqCst), 0, "nothing registered: nothing called");
        assert!(super::on_release(count));
        assert!(!super::on_release(other), "the first registered stays");
        super::release();
        super::release();
        // (Another test of the library may release memory meanwhile: at least these two.)
        assert!(CALLED.load(Ordering::SeqCst) >= 2);
    }
}
