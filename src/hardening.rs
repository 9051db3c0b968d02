//! What the process does to itself first thing: no core dumps. A core file of a run that was
//! refreshing or signing in would hold the access and refresh tokens (a `kill -QUIT` at the wrong
//! moment was enough), readable by anyone who can read the directory it lands in.
//!
//! Linux: `prctl(PR_SET_DUMPABLE, 0)`, which the kernel resets at `execve`, so the commands
//! `ssoenv exec` starts keep their own core dumps. Other Unix systems: the soft `RLIMIT_CORE` is
//! set to 0 and put back right before `ssoenv exec` replaces the process with the command.

/// Makes this process produce no core dump. Best effort: a failure leaves things as they were.
pub fn forbid_core_dumps() {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl with PR_SET_DUMPABLE takes plain integers and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0);
    }
    #[cfg(all(unix, not(target_os = "linux")))]
    set_core_limit(|limit| {
        let saved = limit.rlim_cur;
        SAVED_CORE_LIMIT.store(saved as u64, std::sync::atomic::Ordering::Relaxed);
        limit.rlim_cur = 0;
    });
}

/// Gives the command `ssoenv exec` is about to become the core dump limit the user had.
pub fn allow_core_dumps_for_exec() {
    #[cfg(all(unix, not(target_os = "linux")))]
    set_core_limit(|limit| {
        limit.rlim_cur =
            SAVED_CORE_LIMIT.load(std::sync::atomic::Ordering::Relaxed) as libc::rlim_t;
    });
}

#[cfg(all(unix, not(target_os = "linux")))]
static SAVED_CORE_LIMIT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

#[cfg(all(unix, not(target_os = "linux")))]
fn set_core_limit(change: impl FnOnce(&mut libc::rlimit)) {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit read and write the one struct passed by pointer.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_CORE, &mut limit) == 0 {
            change(&mut limit);
            libc::setrlimit(libc::RLIMIT_CORE, &limit);
        }
    }
}
