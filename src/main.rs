// The index is built from many small allocations on several threads, and large answers are
// built as trees of small maps: mimalloc serves both faster than the system allocator. Without
// transparent huge pages (`no_thp`), or its segments would count 2 MB pages as resident.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_e` of `mimalloc.h`; the crate
/// has no constant for it).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    // Freed pages go back to the system at once rather than 10 ms later, and only if the thread
    // allocates again: after a build the parsing threads sit idle holding them (resident
    // memory at N = 100,000: 147–154 MB → see BENCHMARKS.md).
    // SAFETY: takes no pointers; options may be set at any time, here before any thread starts.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 0) };
    seedls::lsp::set_return_free_memory(return_free_memory);
    seedls::cli::main()
}

/// mimalloc returns a thread's free pages when that thread allocates again; the server's
/// parsing threads sit idle after a build (resident memory at N = 10,000: 59 MB → 54–55 MB).
fn return_free_memory() {
    // SAFETY: `mi_collect` takes no pointers; it frees what the calling thread's own heap no
    // longer uses and may be called at any time.
    unsafe { libmimalloc_sys::mi_collect(true) }
}
