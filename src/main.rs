fn main() -> std::process::ExitCode {
    seedls::cli::main()
}
