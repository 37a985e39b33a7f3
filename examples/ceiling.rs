//! The benchmark's ceiling: a bare axum server answering every request with the same bytes
//! from memory, so `benches/http.sh` can say how close argmap comes to what this machine can
//! serve at all.
//!
//! `ceiling ADDR FILE CONTENT-TYPE`

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, addr, file, content_type] = args.as_slice() else {
        eprintln!("usage: ceiling ADDR FILE CONTENT-TYPE");
        std::process::exit(2);
    };
    let body = Bytes::from(std::fs::read(file).expect("reading the body file"));
    let content_type = HeaderValue::from_str(content_type).expect("a valid content type");
    let app = Router::new().fallback(move || {
        let body = body.clone();
        let content_type = content_type.clone();
        async move { ([(header::CONTENT_TYPE, content_type)], body).into_response() }
    });
    let listener = tokio::net::TcpListener::bind(addr.as_str())
        .await
        .expect("binding the address");
    axum::serve(listener, app).await.expect("serving");
}
