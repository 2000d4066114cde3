//! `headliner`: see `headliner --help`.

fn main() -> std::process::ExitCode {
    headliner::cli::main()
}
