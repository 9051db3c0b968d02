//! What the fault, crash, soak and hostile-input tests share beyond `common`: a proxy that takes
//! the service down at a chosen call, snapshots of the cache directories, and small helpers.
#![allow(dead_code)] // each test file uses a different part of this

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

/// A loopback TCP proxy in front of the emulator that *goes down* when a chosen request comes
/// through: that request's connection is dropped unanswered, every open connection is closed,
/// and the listening socket is closed, so every later connection attempt is refused. This is
/// "connection refused" at exactly the call under test, however many calls came before it.
pub struct GoDownProxy {
    url: String,
    stop: Arc<AtomicBool>,
    down: Arc<AtomicBool>,
    accept_thread: Option<JoinHandle<()>>,
}

impl GoDownProxy {
    /// Forwards to `upstream` (`127.0.0.1:PORT`) until a request whose bytes contain `trigger`
    /// (a request line start such as `"POST /token "`) arrives.
    pub fn start(upstream: &str, trigger: &str) -> GoDownProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        listener.set_nonblocking(true).unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let stop = Arc::new(AtomicBool::new(false));
        let down = Arc::new(AtomicBool::new(false));
        let connections: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let upstream = upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let trigger = trigger.as_bytes().to_vec();
        let accept_thread = {
            let (stop, down) = (stop.clone(), down.clone());
            thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) && !down.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((client, _)) => {
                            client.set_nonblocking(false).unwrap();
                            let Ok(server) = TcpStream::connect(&upstream) else {
                                continue;
                            };
                            if let (Ok(c), Ok(s)) = (client.try_clone(), server.try_clone()) {
                                connections.lock().unwrap().extend([c, s]);
                            }
                            let (down, connections, trigger) =
                                (down.clone(), connections.clone(), trigger.clone());
                            thread::spawn(move || {
                                relay(client, server, &trigger, &down, &connections)
                            });
                        }
                        Err(e) if e.kind() == ErrorKind::WouldBlock => {
                            thread::sleep(Duration::from_millis(2));
                        }
                        Err(_) => thread::sleep(Duration::from_millis(2)),
                    }
                }
                // Dropping the listener here closes the port: connects are refused from now on.
                drop(listener);
            })
        };
        GoDownProxy {
            url,
            stop,
            down,
            accept_thread: Some(accept_thread),
        }
    }

    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Whether the trigger came through.
    pub fn went_down(&self) -> bool {
        self.down.load(Ordering::SeqCst)
    }
}

impl Drop for GoDownProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.accept_thread.take() {
            let _ = thread.join();
        }
    }
}

/// Copies client → server (watching for the trigger) on this thread and server → client on
/// another, until either side closes or the proxy goes down.
fn relay(
    mut client: TcpStream,
    mut server: TcpStream,
    trigger: &[u8],
    down: &AtomicBool,
    connections: &Mutex<Vec<TcpStream>>,
) {
    let back = {
        let (mut from, mut to) = (server.try_clone().unwrap(), client.try_clone().unwrap());
        thread::spawn(move || {
            let _ = std::io::copy(&mut from, &mut to);
            let _ = to.shutdown(Shutdown::Both);
        })
    };
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        let n = match client.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let chunk = &buffer[..n];
        if down.load(Ordering::SeqCst)
            || chunk.windows(trigger.len()).any(|window| window == trigger)
        {
            down.store(true, Ordering::SeqCst);
            for stream in connections.lock().unwrap().iter() {
                let _ = stream.shutdown(Shutdown::Both);
            }
            break;
        }
        if server.write_all(chunk).is_err() {
            break;
        }
    }
    let _ = client.shutdown(Shutdown::Both);
    let _ = server.shutdown(Shutdown::Both);
    let _ = back.join();
}

/// Every file in the two cache directories (recursively, lock files included) with its bytes:
/// compare two snapshots to prove a failed run changed nothing.
pub fn snapshot(home: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for dir in [".aws/sso/cache", ".aws/cli/cache"] {
        collect(&home.join(dir), &mut files);
    }
    files
}

fn collect(dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if let Ok(bytes) = std::fs::read(&path) {
            files.insert(path, bytes);
        }
    }
}

/// The `*.json` entries of a snapshot: what AWS tools read (lock files are ours and empty).
pub fn json_only(snapshot: &BTreeMap<PathBuf, Vec<u8>>) -> BTreeMap<PathBuf, Vec<u8>> {
    snapshot
        .iter()
        .filter(|(path, _)| path.extension().is_some_and(|e| e == "json"))
        .map(|(p, b)| (p.clone(), b.clone()))
        .collect()
}

/// Files a writer leaves behind only if it was interrupted (`.NAME.PID.N.NANOS.tmp`).
pub fn temp_files(snapshot: &BTreeMap<PathBuf, Vec<u8>>) -> Vec<PathBuf> {
    snapshot
        .keys()
        .filter(|path| path.extension().is_some_and(|e| e == "tmp"))
        .cloned()
        .collect()
}

/// Runs `jobs` on at most `parallel` threads at a time and returns their results in order.
pub fn run_parallel<T: Send + 'static>(
    parallel: usize,
    jobs: Vec<Box<dyn FnOnce() -> T + Send>>,
) -> Vec<T> {
    let queue = Arc::new(Mutex::new(jobs.into_iter().enumerate().collect::<Vec<_>>()));
    let results = Arc::new(Mutex::new(BTreeMap::new()));
    let workers: Vec<_> = (0..parallel)
        .map(|_| {
            let (queue, results) = (queue.clone(), results.clone());
            thread::spawn(move || {
                loop {
                    let next = queue.lock().unwrap().pop();
                    let Some((index, job)) = next else { break };
                    let result = job();
                    results.lock().unwrap().insert(index, result);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("a job panicked");
    }
    let results = std::mem::take(&mut *results.lock().unwrap());
    results.into_values().collect()
}

/// The values of every secret field in the cache files of a [`snapshot`] (access and refresh
/// tokens, client secrets, secret keys, session tokens), to look for where they must not be.
pub fn secrets_in(files: &BTreeMap<PathBuf, Vec<u8>>) -> std::collections::BTreeSet<String> {
    let mut secrets = std::collections::BTreeSet::new();
    for bytes in files.values() {
        let Ok(json) = serde_json::from_slice::<serde_json::Value>(bytes) else {
            continue;
        };
        for pointer in [
            "/accessToken",
            "/refreshToken",
            "/clientSecret",
            "/Credentials/SecretAccessKey",
            "/Credentials/SessionToken",
        ] {
            if let Some(value) = json.pointer(pointer).and_then(|v| v.as_str()) {
                secrets.insert(value.to_string());
            }
        }
    }
    secrets
}
