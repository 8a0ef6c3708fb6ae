//! The `zhengce` command; everything it does is in [`zhengce::cli`].

/// The command's allocator (the library leaves the choice to the program that uses it).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    zhengce::cli::main()
}
