//! Sends a hand-made HTTP/1.1 request to a test server on 127.0.0.1, byte for byte as given,
//! so tests can replay a signed request with one part changed.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};

/// A request exactly as it goes on the wire.
#[derive(Debug, Clone)]
pub struct RawRequest {
    pub method: String,
    /// Path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// Sends `request` to `127.0.0.1:port` and returns the status code and the body as text.
pub fn send(port: u16, request: &RawRequest) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the test server");
    let mut head = format!("{} {} HTTP/1.1\r\n", request.method, request.target);
    for (name, value) in &request.headers {
        let _ = write!(head, "{name}: {value}\r\n");
    }
    let _ = write!(head, "Content-Length: {}\r\n\r\n", request.body.len());
    stream.write_all(head.as_bytes()).expect("send head");
    stream.write_all(&request.body).expect("send body");
    // Closing the sending side ends the server's keep-alive loop, so it closes after replying.
    stream.shutdown(Shutdown::Write).expect("half-close");
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).expect("read answer");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .expect("status line");
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, body)| body.to_owned())
        .unwrap_or_default();
    (status, body)
}
