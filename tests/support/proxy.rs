//! An HTTP proxy on 127.0.0.1 for tests: it forwards plain requests, tunnels `CONNECT`, and
//! records the request line of each. It only connects to loopback addresses, and any other
//! target gets a 403 response and is recorded.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

const FORBIDDEN: &[u8] = b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n";

/// The running proxy; it stops accepting when dropped.
pub struct TestProxy {
    port: u16,
    seen: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl TestProxy {
    /// Starts a proxy that relays to loopback targets.
    pub fn start() -> Self {
        Self::launch(false)
    }

    /// Starts a proxy that rejects every request with 403, like a proxy whose policy forbids
    /// the target.
    pub fn rejecting() -> Self {
        Self::launch(true)
    }

    fn launch(rejecting: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local address").port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        {
            let seen = Arc::clone(&seen);
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let seen = Arc::clone(&seen);
                    thread::spawn(move || serve(&stream, &seen, rejecting));
                }
            });
        }
        Self { port, seen, stop }
    }

    /// Returns the proxy URL for `HTTPS_PROXY` and the other proxy variables.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Returns the request lines received so far (`CONNECT 127.0.0.1:4431 HTTP/1.1`).
    pub fn seen(&self) -> Vec<String> {
        self.seen.lock().expect("lock").clone()
    }
}

impl Drop for TestProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(client: &TcpStream, seen: &Mutex<Vec<String>>, rejecting: bool) {
    let mut reader = BufReader::new(client.try_clone().expect("clone stream"));
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
        return;
    }
    let request_line = request_line.trim_end().to_owned();
    let mut head = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let end = line == "\r\n" || line == "\n";
        head.push(line);
        if end {
            break;
        }
    }
    seen.lock().expect("lock").push(request_line.clone());

    let mut parts = request_line.split_whitespace();
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next())
    else {
        return;
    };

    let mut client_writer = client.try_clone().expect("clone stream");
    if rejecting {
        let _ = client_writer.write_all(FORBIDDEN);
        return;
    }
    if method == "CONNECT" {
        let Some(upstream) = connect_loopback(target) else {
            let _ = client_writer.write_all(FORBIDDEN);
            return;
        };
        let _ = client_writer.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
        relay(reader, client_writer, upstream);
        return;
    }

    // A plain request in absolute form: `GET http://127.0.0.1:PORT/path HTTP/1.1`.
    let Some(rest) = target.strip_prefix("http://") else {
        let _ = client_writer.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let Some(mut upstream) = connect_loopback(authority) else {
        let _ = client_writer.write_all(FORBIDDEN);
        return;
    };
    let path = if path.is_empty() { "/" } else { path };
    let mut forwarded = format!("{method} {path} {version}\r\n").into_bytes();
    for line in &head {
        forwarded.extend_from_slice(line.as_bytes());
    }
    if upstream.write_all(&forwarded).is_err() {
        return;
    }
    relay(reader, client_writer, upstream);
}

/// Connects to `host:port` when the host is a loopback address or `localhost`.
fn connect_loopback(authority: &str) -> Option<TcpStream> {
    let (host, port) = authority.rsplit_once(':')?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<IpAddr>()
            .is_ok_and(|address| address.is_loopback());
    if !loopback {
        return None;
    }
    let port: u16 = port.parse().ok()?;
    TcpStream::connect(("127.0.0.1", port)).ok()
}

/// Copies bytes both ways until either side closes.
fn relay(mut from_client: BufReader<TcpStream>, mut to_client: TcpStream, upstream: TcpStream) {
    let mut from_upstream = upstream.try_clone().expect("clone stream");
    let mut to_upstream = upstream;
    let backwards = thread::spawn(move || {
        let _ = std::io::copy(&mut from_upstream, &mut to_client);
        let _ = to_client.shutdown(Shutdown::Both);
    });
    let mut buffer = [0_u8; 8192];
    loop {
        match from_client.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(read) => {
                if to_upstream.write_all(&buffer[..read]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to_upstream.shutdown(Shutdown::Both);
    let _ = backwards.join();
}
