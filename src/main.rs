//! The `zhengce` command; everything it does is in [`zhengce::cli`].

fn main() -> std::process::ExitCode {
    zhengce::cli::main()
}
