//! A small HTTP/1.1 server on 127.0.0.1 for tests, scriptable per request.
//!
//! It runs on its own threads with blocking sockets, so both async tests and tests that run
//! the binary can use it. Every request is recorded with its headers and body. A closure
//! chooses the reply, which may be delayed, cut off mid-body, or never sent.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    /// Path and query exactly as sent.
    pub target: String,
    /// Header names lowercased; repeated headers joined with ", ".
    pub headers: BTreeMap<String, String>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// Returns the path without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }
}

/// The reply of the server to one request.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before replying.
    pub delay: Duration,
    pub behaviour: Behaviour,
}

/// Ways to misbehave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Behaviour {
    /// Send the whole reply.
    Normal,
    /// Send the head and half the body, then reset the connection.
    ResetMidBody,
    /// Close the connection without answering.
    CloseWithoutAnswer,
    /// Send no `Content-Length`: the body ends when the connection closes.
    CloseDelimited,
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
            behaviour: Behaviour::Normal,
        }
    }

    pub fn text(status: u16, body: &str) -> Self {
        Self {
            status,
            headers: vec![("Content-Type".to_owned(), "text/html".to_owned())],
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
            behaviour: Behaviour::Normal,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    pub fn behaving(mut self, behaviour: Behaviour) -> Self {
        self.behaviour = behaviour;
        self
    }
}

type Responder = dyn Fn(&Received) -> Reply + Send + Sync;

/// The running server; it stops when dropped.
pub struct TestServer {
    port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    stop: Arc<AtomicBool>,
}

impl TestServer {
    /// Starts a server that answers every request with `responder`.
    pub fn start(responder: impl Fn(&Received) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let port = listener.local_addr().expect("local address").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let responder: Arc<Responder> = Arc::new(responder);
        {
            let received = Arc::clone(&received);
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let received = Arc::clone(&received);
                    let responder = Arc::clone(&responder);
                    thread::spawn(move || serve(&stream, &received, responder.as_ref()));
                }
            });
        }
        Self {
            port,
            received,
            stop,
        }
    }

    /// Starts a server that answers every request with the same reply.
    pub fn always(reply: Reply) -> Self {
        Self::start(move |_| reply.clone())
    }

    /// Returns the base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Returns the requests received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop so it reads the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn serve(stream: &TcpStream, received: &Mutex<Vec<Received>>, responder: &Responder) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone stream"));
    // Serve requests on this connection until the client closes it.
    while let Some(request) = read_request(&mut reader) {
        received.lock().expect("lock").push(request.clone());
        let reply = responder(&request);
        thread::sleep(reply.delay);
        if !write_reply(stream, &reply) {
            return;
        }
    }
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Received> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        let header = header.trim_end_matches(['\r', '\n']);
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        let name = name.trim().to_ascii_lowercase();
        let value = value.trim().to_owned();
        headers
            .entry(name)
            .and_modify(|existing| {
                existing.push_str(", ");
                existing.push_str(&value);
            })
            .or_insert(value);
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|value| value.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Received {
        method,
        target,
        headers,
        body,
    })
}

/// Writes the reply; returns whether the connection may serve another request.
fn write_reply(mut stream: &TcpStream, reply: &Reply) -> bool {
    if reply.behaviour == Behaviour::CloseWithoutAnswer {
        let _ = stream.shutdown(Shutdown::Both);
        return false;
    }
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (name, value) in &reply.headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    if reply.behaviour == Behaviour::CloseDelimited {
        head.push_str("Connection: close\r\n\r\n");
    } else {
        let _ = write!(head, "Content-Length: {}\r\n\r\n", reply.body.len());
    }
    if stream.write_all(head.as_bytes()).is_err() {
        return false;
    }
    if reply.behaviour == Behaviour::CloseDelimited {
        let _ = stream.write_all(&reply.body);
        let _ = stream.shutdown(Shutdown::Both);
        return false;
    }
    if reply.behaviour == Behaviour::ResetMidBody {
        let _ = stream.write_all(&reply.body[..reply.body.len() / 2]);
        let _ = stream.flush();
        // Linger 0 turns the close into a reset. The socket closes when `serve` returns and
        // drops both handles; a shutdown first would send a plain end of stream instead.
        let socket = socket2::SockRef::from(&stream);
        let _ = socket.set_linger(Some(Duration::ZERO));
        return false;
    }
    stream.write_all(&reply.body).is_ok() && stream.flush().is_ok()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}
