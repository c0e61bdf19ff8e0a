// The index is built from many small allocations on several threads, and large answers are
// built as trees of small maps: mimalloc serves both faster than the system allocator. Without
// transparent huge pages (`no_thp`), or its segments would count 2 MB pages as resident.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    seedls::cli::main()
}
