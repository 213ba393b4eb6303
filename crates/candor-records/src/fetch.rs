//! A small HTTP/1 client (hyper), for the shop's config URL and the load
//! generator.

use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::Error;

/// A keep-alive HTTP/1 client (plain `http://` only).
pub type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// A new client; `max_idle` connections per host are kept open.
pub fn client(max_idle: usize) -> HttpClient {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(max_idle)
        .build(connector)
}

/// GETs `url` and returns its body as text: a 2xx status, at most
/// `max_bytes`, within `timeout`.
pub async fn get_text(
    client: &HttpClient,
    url: &str,
    max_bytes: usize,
    timeout: Duration,
) -> Result<String, Error> {
    let uri: hyper::Uri = url.parse().map_err(|e| Error::new(format!("{url}: {e}")))?;
    let request = hyper::Request::get(uri)
        .header("accept", "application/json")
        .body(Full::new(Bytes::new()))
        .map_err(|e| Error::new(format!("{url}: {e}")))?;
    let work = async {
        let response = client
            .request(request)
            .await
            .map_err(|e| Error::new(format!("{url}: {e}")))?;
        let status = response.status();
        if !status.is_success() {
            return Err(Error::new(format!("{url}: HTTP {status}")));
        }
        let body = Limited::new(response.into_body(), max_bytes)
            .collect()
            .await
            .map_err(|e| Error::new(format!("{url}: {e}")))?
            .to_bytes();
        String::from_utf8(body.to_vec()).map_err(|_| Error::new(format!("{url}: not UTF-8")))
    };
    tokio::time::timeout(timeout, work)
        .await
        .map_err(|_| Error::new(format!("{url}: no answer within {timeout:?}")))?
}
