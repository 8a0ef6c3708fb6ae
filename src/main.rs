//! The `zhengce` command; everything it does is in [`zhengce::cli`].

/// The command's allocator (the library leaves the choice to the program that uses it).
#[global_allocator]
static ALLOCATOR: zhengce_allocator::MiMalloc = zhengce_allocator::MiMalloc;

fn main() -> std::process::ExitCode {
    // Before any thread starts: freed memory returned after 100 ms, not a second (a streamed
    // register's peak is otherwise twice its live memory).
    zhengce_allocator::return_freed_memory_sooner();
    // And at once, when a run has freed much (a Parquet row group's pages).
    zhengce::memory::on_release(zhengce_allocator::release_freed_memory);
    zhengce::cli::main()
}
