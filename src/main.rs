//! The `argmap` command: parses the command line and hands over to the library.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    argmap::cli::run(argmap::cli::Cli::parse())
}
