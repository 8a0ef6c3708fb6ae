//! Freed memory is returned to the system when the command asks (`release_freed_memory`), not
//! only after the purge delay (a second here: this test binary does not shorten it).
#![allow(clippy::unwrap_used, reason = "a test fails loudly on a broken expectation")]

#[global_allocator]
static ALLOCATOR: zhengce_allocator::MiMalloc = zhengce_allocator::MiMalloc;

/// The process's resident memory in KiB (Linux's `/proc/self/status`).
fn resident_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find_map(|l| l.strip_prefix("VmRSS:")).unwrap();
    line.trim().trim_end_matches("kB").trim().parse().unwrap()
}

#[test]
#[cfg(target_os = "linux")]
fn freed_memory_is_returned_when_asked() {
    // 48 buffers of 1 MiB, every page written, as a row group's decoded pages are.
    let buffers: Vec<Vec<u8>> = (0..48u8).map(|i| vec![i | 1; 1 << 20]).collect();
    assert!(buffers.iter().all(|b| b[b.len() - 1] != 0));
    let held = resident_kib();
    drop(buffers);
    zhengce_allocator::release_freed_memory();
    let after = resident_kib();
    // At least 32 of the 48 MiB gone from the resident set at once.
    assert!(after + 32 * 1024 < held, "resident {held} KiB, after the release {after} KiB");
}
