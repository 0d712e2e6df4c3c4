//! Password hashing and verification on a few long-lived threads.
//!
//! Argon2id is memory-hard on purpose: each hash or verification needs its
//! whole memory cost (19 MiB for passwords, 64 MiB to unlock the vault) at once.
//! Run on tokio's blocking pool, concurrent failed logins ran as many hashes at
//! the same time, each allocating its memory, and the process grew by hundreds
//! of megabytes (and kept much of it). Here every such job goes through one
//! bounded queue served by at most [`MAX_WORKERS`] threads, and each worker
//! reuses one Argon2 working memory while jobs wait (and gives it back when
//! none does), so the process holds at most that many, whatever the number of
//! logins in flight. A single login is as fast as before: an idle
//! worker takes it at once. Under load, logins wait in the queue (and then for
//! a free place in it) instead of competing for memory and the two cores.
//!
//! There is one set of workers per process, started on first use, so the bound
//! holds for every server and command in the process.

use std::cell::RefCell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::thread;

use kolo_core::auth::{
    HashMemory, Password, PasswordHash, hash_password_with, verify_password_or_dummy_with,
    verify_password_with,
};
use tokio::sync::{mpsc, oneshot};

/// Most threads that run Argon2 at once; fewer when the machine has one core.
/// Two keep both cores of a small server busy under a burst of logins while
/// holding at most two memory blocks.
pub const MAX_WORKERS: usize = 2;

/// Jobs waiting for a worker before callers wait for room in the queue. Each
/// waiting job holds only a password and a hash, not Argon2 memory.
const QUEUE_LEN: usize = 256;

type Job = Box<dyn FnOnce() + Send>;

/// The job could not run: no worker thread could be started, or the job
/// panicked.
#[derive(Debug, thiserror::Error)]
#[error("the password workers could not run the job")]
pub struct WorkersUnavailable;

struct Workers {
    queue: Option<mpsc::Sender<Job>>,
}

static WORKERS: LazyLock<Workers> = LazyLock::new(Workers::start);

impl Workers {
    fn start() -> Workers {
        let count = thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(MAX_WORKERS);
        let (sender, receiver) = mpsc::channel::<Job>(QUEUE_LEN);
        // The workers share the receiving end; the one holding the lock waits
        // for the next job and lets go of the lock before running it.
        let receiver = Arc::new(Mutex::new(receiver));
        let mut started = 0;
        for index in 0..count {
            let receiver = receiver.clone();
            let spawned = thread::Builder::new()
                .name(format!("kolo-passwords-{index}"))
                .spawn(move || work(&receiver));
            match spawned {
                Ok(_) => started += 1,
                Err(error) => tracing::error!(%error, "could not start a password worker"),
            }
        }
        Workers {
            queue: (started > 0).then_some(sender),
        }
    }
}

fn work(receiver: &Mutex<mpsc::Receiver<Job>>) {
    loop {
        let job = receiver
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .blocking_recv();
        let Some(job) = job else { return };
        // A panicking job loses its answer (the caller sees an error), not the worker.
        let _ = catch_unwind(AssertUnwindSafe(job));
        // Keep Argon2's memory while jobs wait, give it back when none does. A
        // lock held by another worker means that worker is waiting for a job.
        let idle = receiver.try_lock().map_or(true, |queue| queue.is_empty());
        if idle {
            MEMORY.with_borrow_mut(HashMemory::release);
        }
    }
}

/// Runs `job` on a password worker and returns its result.
///
/// If the caller stops waiting (the client went away) before a worker reaches
/// the job, the job is skipped, so abandoned requests cost no hashing.
pub async fn run<T, F>(job: F) -> Result<T, WorkersUnavailable>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let queue = WORKERS.queue.as_ref().ok_or(WorkersUnavailable)?;
    let (reply, answer) = oneshot::channel();
    let job: Job = Box::new(move || {
        if !reply.is_closed() {
            let _ = reply.send(job());
        }
    });
    queue.send(job).await.map_err(|_| WorkersUnavailable)?;
    answer.await.map_err(|_| WorkersUnavailable)
}

thread_local! {
    /// Argon2's working memory of this worker, reused from one job to the next
    /// while jobs wait and released when none does: the process holds at most
    /// [`MAX_WORKERS`] copies, and none when no one is signing in.
    static MEMORY: RefCell<HashMemory> = RefCell::new(HashMemory::default());
}

/// Hashes a new password with Argon2id.
pub async fn hash(password: Password) -> Result<PasswordHash, WorkersUnavailable> {
    run(move || MEMORY.with_borrow_mut(|memory| hash_password_with(&password, memory))).await
}

/// Checks a password against a stored hash; `false` also when the check could not run.
pub async fn verify(candidate: String, hash: PasswordHash) -> bool {
    run(move || MEMORY.with_borrow_mut(|memory| verify_password_with(&candidate, &hash, memory)))
        .await
        .unwrap_or(false)
}

/// Checks a password at login, against a dummy hash when there is no account
/// (see [`kolo_core::auth::verify_password_or_dummy`]); `false` also when the
/// check could not run.
pub async fn verify_or_dummy(candidate: String, hash: Option<PasswordHash>) -> bool {
    run(move || {
        MEMORY.with_borrow_mut(|memory| {
            verify_password_or_dummy_with(&candidate, hash.as_ref(), memory)
        })
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn concurrent_checks_all_get_their_own_answer() {
        let password = Password::new("a long enough passphrase", "olena").expect("valid");
        let stored = hash(password).await.expect("hashed");
        let checks = (0..16).map(|i| {
            let stored = stored.clone();
            async move {
                let candidate = if i % 2 == 0 {
                    "a long enough passphrase".to_owned()
                } else {
                    format!("wrong guess {i}")
                };
                (i, verify(candidate, stored).await)
            }
        });
        for (i, ok) in futures_join_all(checks).await {
            assert_eq!(ok, i % 2 == 0, "check {i}");
        }
    }

    #[tokio::test]
    async fn no_more_jobs_run_at_once_than_there_are_workers() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::time::Duration;
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let jobs = (0..24).map(|_| {
            let (running, most) = (running.clone(), most.clone());
            run(move || {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                thread::sleep(Duration::from_millis(10));
                running.fetch_sub(1, Ordering::SeqCst);
            })
        });
        let handles: Vec<_> = jobs.map(tokio::spawn).collect();
        for handle in handles {
            handle.await.expect("joined").expect("the job ran");
        }
        let most = most.load(Ordering::SeqCst);
        assert!((1..=MAX_WORKERS).contains(&most), "{most} jobs ran at once");
    }

    #[tokio::test]
    async fn a_panicking_job_is_an_error_and_the_workers_go_on() {
        let outcome = run(|| -> u8 { panic!("a job that fails") }).await;
        assert!(outcome.is_err());
        assert_eq!(run(|| 7).await.expect("the workers still run"), 7);
    }

    /// Runs futures concurrently on the test's runtime, in order of the input.
    async fn futures_join_all<F: Future + Send + 'static>(
        futures: impl Iterator<Item = F>,
    ) -> Vec<F::Output>
    where
        F::Output: Send + 'static,
    {
        let handles: Vec<_> = futures.map(tokio::spawn).collect();
        let mut outputs = Vec::with_capacity(handles.len());
        for handle in handles {
            outputs.push(handle.await.expect("the check finishes"));
        }
        outputs
    }
}
