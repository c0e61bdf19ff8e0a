//! The allocator hook: the binary chooses the allocator (`main.rs`) and tells the server how a
//! thread hands its free pages back to the system; index builds call it on the threads that
//! parsed.

use std::sync::OnceLock;

/// What the binary's allocator does to return a thread's free pages to the system.
static RETURN_FREE_MEMORY: OnceLock<fn()> = OnceLock::new();

/// Sets how a thread returns its free pages, called on every parsing thread after a build:
/// they freed most of what they allocated (texts, parse trees), but an allocator such as
/// mimalloc hands a thread's free pages back only when that thread allocates again, and after
/// the build they sit idle.
pub fn set_return_free_memory(f: fn()) {
    let _ = RETURN_FREE_MEMORY.set(f);
}

/// Returns the free pages of every parsing thread and of the calling one; nothing when the
/// binary set no hook.
pub fn return_free_memory() {
    if let Some(&f) = RETURN_FREE_MEMORY.get() {
        on_parsing_threads(f);
    }
}

/// Runs `f` on every thread of the parsing pool and on the calling one (which ran the build).
fn on_parsing_threads(f: fn()) {
    rayon::broadcast(|_| f());
    f();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every parsing thread, and the thread that ran the build, hands back its free pages.
    #[test]
    fn free_memory_is_returned_on_every_parsing_thread() {
        static THREADS: std::sync::Mutex<Vec<std::thread::ThreadId>> = std::sync::Mutex::new(Vec::new());
        on_parsing_threads(|| THREADS.lock().unwrap().push(std::thread::current().id()));
        let mut threads = THREADS.lock().unwrap().clone();
        threads.sort_by_key(|t| format!("{t:?}"));
        threads.dedup();
        assert_eq!(threads.len(), rayon::current_num_threads() + 1);
    }
}
