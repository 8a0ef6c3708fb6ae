//! The `zhengce` command's allocator, mimalloc, and the one setting the command gives it: freed
//! memory is returned to the system after 100 ms rather than mimalloc's 1,000.
//!
//! A streamed register's live memory is small (under 30 MiB for 1,000,000 rows of a DuckDB
//! Parquet file), but its blocks are allocated and freed all the time, and mimalloc version 3
//! keeps freed pages a whole second before it returns them: the peak that the system sees was
//! twice the live memory (59–73 MiB for that file). At 100 ms it is 46–54 MiB, at the same
//! speed (BENCHMARKS.md, seventeenth session).
//!
//! And a way to return a thread's freed memory at once ([`release_freed_memory`]), which the
//! command gives the library (`zhengce::memory`) for the moments a run has freed much: a
//! Parquet row group's decoded pages, freed as its reader is dropped, are otherwise still held
//! when the next group's are allocated.
//!
//! This crate is the only place in the project with `unsafe` code: the call that sets the
//! option, the one that reads it, and the collection. The rest of the workspace forbids it.

/// The allocator the command installs as its global allocator.
pub use mimalloc::MiMalloc;

/// The command's purge delay in milliseconds: how long mimalloc keeps freed memory before it
/// returns it to the system.
pub const PURGE_DELAY_MS: std::ffi::c_long = 100;

/// mimalloc's number for its `mi_option_purge_delay` option in the version the `mimalloc`
/// crate builds (version 3's `include/mimalloc.h`: the 16th of `mi_option_e`, between
/// `mi_option_deprecated_eager_commit_delay`, 14, and `mi_option_use_numa_nodes`, 16, both of
/// which the bindings name). The bindings do not name this one; the crate's tests read it back
/// through mimalloc's own environment variable, so that a renumbering fails them.
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Sets the command's purge delay ([`PURGE_DELAY_MS`]) unless the operator has set one:
/// mimalloc reads `MIMALLOC_PURGE_DELAY` (or the older `MIMALLOC_RESET_DELAY`) when the process
/// starts, and a value read there is kept. Call it first thing in `main`, before any thread
/// starts; returns the delay in force after it.
pub fn return_freed_memory_sooner() -> std::ffi::c_long {
    #[expect(
        unsafe_code,
        reason = "mimalloc's option calls are foreign functions; this is the project's one"
    )]
    // SAFETY: `mi_option_set_default` takes any option number and value: it checks the number
    // against its table and ignores one out of range, and it writes the option's value only if
    // the environment did not set it. It allocates nothing. It is called at the start of `main`
    // before any other thread exists, so no allocation reads the option while it is written.
    unsafe {
        libmimalloc_sys::mi_option_set_default(PURGE_DELAY, PURGE_DELAY_MS);
    }
    purge_delay()
}

/// The purge delay in force, in milliseconds (`-1`: freed memory is never returned).
pub fn purge_delay() -> std::ffi::c_long {
    #[expect(
        unsafe_code,
        reason = "mimalloc's option calls are foreign functions; reading one is the other"
    )]
    // SAFETY: `mi_option_get` takes any option number (one out of range gives 0) and only reads
    // the option's value, reading the environment first if the option is not yet initialized.
    unsafe {
        libmimalloc_sys::mi_option_get(PURGE_DELAY)
    }
}

/// Returns the calling thread's freed memory to the system now, not after the purge delay:
/// for a moment when the caller has just freed much that it will not use again soon (a Parquet
/// row group's decoded pages, freed as its reader is dropped), so that what it allocates next
/// does not come on top of it.
pub fn release_freed_memory() {
    #[expect(
        unsafe_code,
        reason = "mimalloc's collection is a foreign function, as its option calls are"
    )]
    // SAFETY: `mi_collect` takes no pointer; it frees the calling thread's heap's empty pages
    // and returns freed memory to the system. It may be called from any thread at any time.
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
}
