use std::process::ExitCode;

fn main() -> ExitCode {
    kolo::cli::main()
}
