//! A proxy that takes the service down at a chosen call, for the fault matrix.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
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
