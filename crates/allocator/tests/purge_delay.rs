//! The purge delay is set, and is mimalloc's `purge_delay`: each case runs in a child process
//! (this test binary again, one `#[ignore]`d case) because mimalloc reads its environment when
//! a process starts.
#![allow(clippy::unwrap_used, reason = "a test fails loudly on a broken expectation")]

use std::process::Command;

#[global_allocator]
static ALLOCATOR: zhengce_allocator::MiMalloc = zhengce_allocator::MiMalloc;

/// The child: sets the delay and prints the one in force.
#[test]
#[ignore = "run by the other tests in a child process"]
fn child_prints_the_delay_in_force() {
    println!("delay={}", zhengce_allocator::return_freed_memory_sooner());
}

/// The delay the child prints, run with `env` (`None`: the variable removed).
fn delay_in_child(env: &[(&str, Option<&str>)]) -> i64 {
    let exe = std::env::current_exe().unwrap();
    let mut child = Command::new(exe);
    child.args(["--ignored", "--exact", "child_prints_the_delay_in_force", "--nocapture"]);
    for name in ["MIMALLOC_PURGE_DELAY", "MIMALLOC_RESET_DELAY"] {
        child.env_remove(name);
    }
    for (name, value) in env {
        match value {
            Some(value) => child.env(name, value),
            None => child.env_remove(name),
        };
    }
    let out = child.output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text.lines().find_map(|l| l.strip_prefix("delay=")).unwrap();
    line.trim().parse().unwrap()
}

#[test]
fn without_the_operators_value_the_delay_is_the_commands() {
    assert_eq!(delay_in_child(&[]), 100);
    assert_eq!(zhengce_allocator::PURGE_DELAY_MS, 100);
}

/// mimalloc sets the option from `MIMALLOC_PURGE_DELAY` by its name: if the number the crate
/// uses were another option's, the child would not print the operator's value.
#[test]
fn the_operators_value_is_kept_and_is_the_option_set() {
    assert_eq!(delay_in_child(&[("MIMALLOC_PURGE_DELAY", Some("777"))]), 777);
    assert_eq!(delay_in_child(&[("MIMALLOC_PURGE_DELAY", Some("0"))]), 0);
    assert_eq!(delay_in_child(&[("MIMALLOC_RESET_DELAY", Some("250"))]), 250);
}
