//! AK/SK signing: the six requests signed by the official SDK reproduced byte for byte, and a
//! loopback server that checks signatures on its own and rejects tampered requests.

mod support;

use std::path::Path;

use serde::Deserialize;
use stage_images::auth::signer::{self, RequestParts, SigningKey};
use stage_images::secret::SecretString;
use support::server::TestServer;
use support::signature::{self as verifier, Verifier};
use time::macros::format_description;
use time::{Duration, OffsetDateTime, PrimitiveDateTime};

#[derive(Deserialize)]
struct VectorFile {
    ak: String,
    sk: String,
    date: String,
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    name: String,
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<String>,
    canonical_request: String,
    string_to_sign: String,
    signed_headers: Vec<String>,
    authorization: String,
    wire_url: String,
}

/// Reads the vectors, keeping the headers in file order.
fn vectors() -> VectorFile {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/signing-vectors.json");
    let text = std::fs::read_to_string(path).expect("read signing-vectors.json");
    let mut value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    for vector in value["vectors"].as_array_mut().expect("vectors") {
        let pairs: Vec<serde_json::Value> = vector["headers"]
            .as_object()
            .expect("headers object")
            .iter()
            .map(|(name, value)| serde_json::json!([name, value]))
            .collect();
        vector["headers"] = serde_json::Value::Array(pairs);
    }
    serde_json::from_value(value).expect("vector file shape")
}

fn parse_sdk_date(text: &str) -> OffsetDateTime {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    PrimitiveDateTime::parse(text, format)
        .expect("X-Sdk-Date format")
        .assume_utc()
}

/// Signs a vector's request with stage-images' signer.
fn sign_vector(file: &VectorFile, vector: &Vector) -> (signer::Signed, reqwest::Url) {
    let url = reqwest::Url::parse(&vector.url).expect("vector URL");
    // The vector lists the headers after signing; the signer adds these three itself.
    let headers: Vec<(String, String)> = vector
        .headers
        .iter()
        .filter(|(name, _)| {
            !["authorization", "x-sdk-date", "host"].contains(&name.to_ascii_lowercase().as_str())
        })
        .cloned()
        .collect();
    let secret = SecretString::from(file.sk.clone());
    let parts = RequestParts {
        method: &vector.method,
        url: &url,
        headers,
        body: vector.body.as_deref().unwrap_or_default().as_bytes(),
    };
    let key = SigningKey {
        access_key: &file.ak,
        secret_key: &secret,
    };
    (signer::sign(&parts, parse_sdk_date(&file.date), key), url)
}

#[test]
fn every_vector_is_reproduced_exactly() {
    let file = vectors();
    assert_eq!(file.vectors.len(), 6, "the fixture holds six vectors");
    for vector in &file.vectors {
        let (signed, url) = sign_vector(&file, vector);
        let name = &vector.name;
        assert_eq!(
            signed.canonical_request, vector.canonical_request,
            "{name}: canonical request"
        );
        assert_eq!(
            signed.string_to_sign, vector.string_to_sign,
            "{name}: string to sign"
        );
        assert_eq!(
            signed.signed_headers, vector.signed_headers,
            "{name}: signed headers"
        );
        assert_eq!(
            signed.authorization, vector.authorization,
            "{name}: Authorization"
        );
        assert_eq!(signed.date, file.date, "{name}: X-Sdk-Date");
        let host = vector
            .headers
            .iter()
            .find(|(header, _)| header == "Host")
            .map(|(_, value)| value.as_str());
        assert_eq!(Some(signed.host.as_str()), host, "{name}: Host");

        let mut wire = url.clone();
        if url.query().is_some() {
            wire.set_query(Some(&signed.canonical_query));
        }
        assert_eq!(wire.as_str(), vector.wire_url, "{name}: URL sent");
    }
}

#[test]
fn verifier_agrees_with_every_vector() {
    // The test server's own canonicalisation must match the official SDK too, or its verdicts
    // on the client's requests would mean nothing.
    let file = vectors();
    for vector in &file.vectors {
        let target = vector
            .wire_url
            .split_once("://")
            .and_then(|(_, rest)| rest.find('/').map(|slash| &rest[slash..]))
            .expect("path in URL");
        let request = verifier::SignedRequest {
            method: &vector.method,
            target,
            headers: vector
                .headers
                .iter()
                .map(|(name, value)| (name.to_ascii_lowercase(), value.clone()))
                .collect(),
            body: vector.body.as_deref().unwrap_or_default().as_bytes(),
        };
        let canonical = verifier::canonical_request(&request).expect("signed request");
        assert_eq!(canonical, vector.canonical_request, "{}", vector.name);
    }
}

/// Builds a request to the verifying server, signed by stage-images at `time`.
fn signed_raw(
    server: &TestServer,
    path_and_query: &str,
    time: OffsetDateTime,
) -> support::raw::RawRequest {
    let url = reqwest::Url::parse(&format!("{}{path_and_query}", server.url())).expect("url");
    let secret = SecretString::from(verifier::TEST_SK.to_owned());
    let parts = RequestParts {
        method: "GET",
        url: &url,
        headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
        body: b"",
    };
    let signed = signer::sign(
        &parts,
        time,
        SigningKey {
            access_key: verifier::TEST_AK,
            secret_key: &secret,
        },
    );
    let query = if signed.canonical_query.is_empty() {
        String::new()
    } else {
        format!("?{}", signed.canonical_query)
    };
    support::raw::RawRequest {
        method: "GET".to_owned(),
        target: format!("{}{query}", url.path()),
        headers: vec![
            ("Host".to_owned(), signed.host),
            ("Content-Type".to_owned(), "application/json".to_owned()),
            ("X-Sdk-Date".to_owned(), signed.date),
            ("Authorization".to_owned(), signed.authorization),
        ],
        body: Vec::new(),
    }
}

#[test]
fn verifying_server_accepts_untouched_request() {
    let server = Verifier::server();
    let request = signed_raw(
        &server,
        "/v3/projects?name=cn-north-4",
        OffsetDateTime::now_utc(),
    );
    let (status, body) = support::raw::send(server.port(), &request);
    assert_eq!(status, 200, "{body}");
}

#[test]
fn verifying_server_rejects_tampering() {
    let server = Verifier::server();
    let original = signed_raw(
        &server,
        "/v3/projects?name=cn-north-4",
        OffsetDateTime::now_utc(),
    );

    let mut path = original.clone();
    path.target = path.target.replace("/v3/projects", "/v3/projectz");
    let mut query = original.clone();
    query.target = query.target.replace("cn-north-4", "cn-north-1");
    let mut header = original.clone();
    header.headers[1].1 = "text/plain".to_owned();
    let mut date = original.clone();
    date.headers[2].1 = signer::sdk_date(OffsetDateTime::now_utc() + Duration::seconds(1));

    for (case, request) in [
        ("path", path),
        ("query", query),
        ("header", header),
        ("date", date),
    ] {
        let (status, body) = support::raw::send(server.port(), &request);
        assert_eq!(status, 401, "tampered {case}: {body}");
        assert!(
            body.contains("SIGNATURE_MISMATCH"),
            "tampered {case}: {body}"
        );
    }
}

#[test]
fn verifying_server_rejects_stale_date() {
    let server = Verifier::server();
    for minutes in [-16, 16] {
        let when = OffsetDateTime::now_utc() + Duration::minutes(minutes);
        let request = signed_raw(&server, "/v3/projects", when);
        let (status, body) = support::raw::send(server.port(), &request);
        assert_eq!(status, 401, "{minutes} min: {body}");
        assert!(body.contains("STALE_DATE"), "{minutes} min: {body}");
    }
}
