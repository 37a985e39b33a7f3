//! The server's own behaviour: probes, error pages, middleware.

use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_TYPE};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

use crate::harness::{TestApp, assert_detail, assert_some, header, html, text_of};

#[tokio::test]
async fn healthz_and_readyz_answer_200_when_the_database_is_up() {
    let app = TestApp::spawn().await;
    for path in ["/healthz", "/readyz"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
    let ready: serde_json::Value = app.get("/readyz").await.json().await.unwrap();
    assert_eq!(ready["status"], "ready");
}

#[tokio::test]
async fn readyz_answers_503_when_the_database_is_unreachable() {
    let nowhere = PgConnectOptions::new()
        .socket("/nonexistent-argmap-socket-dir")
        .username("argmap");
    let pool = PgPoolOptions::new()
        .acquire_timeout(std::time::Duration::from_millis(500))
        .connect_lazy_with(nowhere);
    let app = TestApp::spawn_with_pool(pool).await;

    assert_eq!(
        app.get("/healthz").await.status(),
        StatusCode::OK,
        "the process itself is alive"
    );
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "unavailable");
}

#[tokio::test]
async fn an_unknown_page_gets_a_helpful_html_404() {
    let app = TestApp::spawn().await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let page = html(response).await;
    assert_eq!(text_of(&page, "h1"), "404 · Not Found");
    assert!(
        text_of(&page, "main").contains("/no/such/page"),
        "the page names what was not found"
    );
    assert_some(&page, "main a[href='/']", "the 404 page links home");
    assert_some(
        &page,
        "main form[action='/search'] input[name=q]",
        "and offers a search",
    );
}

#[tokio::test]
async fn api_errors_are_problem_json() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/no-such-thing").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(header(&response, CONTENT_TYPE), "application/problem+json");
    let problem: serde_json::Value = response.json().await.unwrap();
    assert_eq!(problem["status"], 404);
    assert_eq!(problem["title"], "Not Found");
    assert_detail(&problem, "/api/v1/no-such-thing");
}

#[tokio::test]
async fn a_wrong_method_gets_405_with_allow_rendered_by_us() {
    let app = TestApp::spawn().await;
    let response = app.client.delete(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(response.headers().contains_key("allow"));
    assert!(header(&response, CONTENT_TYPE).starts_with("text/html"));
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413() {
    let app = TestApp::spawn().await;
    let body = vec![b'x'; argmap::http::MAX_BODY_BYTES + 1];
    let response = app
        .client
        .post(app.url("/api/v1/anything"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(header(&response, CONTENT_TYPE), "application/problem+json");
}

#[tokio::test]
async fn every_response_carries_security_headers_and_a_request_id_the_client_may_choose() {
    let app = TestApp::spawn().await;
    for path in ["/", "/healthz", "/missing", "/static/style.css"] {
        let response = app.get(path).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert!(headers.contains_key("referrer-policy"), "{path}");
        assert_eq!(
            headers["x-request-id"].to_str().unwrap().len(),
            36,
            "{path}: a UUID request id"
        );
    }
    // A client's own request id is kept.
    let traced = app
        .get_with("/healthz", "x-request-id", "trace-me-42")
        .await;
    assert_eq!(header(&traced, "x-request-id"), "trace-me-42");
}

#[tokio::test]
async fn static_files_are_served_with_cache_headers_and_compressed_on_request() {
    let app = TestApp::spawn().await;
    let response = app
        .get_with("/static/style.css", "accept-encoding", "gzip")
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header(&response, CONTENT_TYPE).starts_with("text/css"));
    assert_eq!(header(&response, CACHE_CONTROL), "public, max-age=86400");
    assert_eq!(header(&response, "content-encoding"), "gzip");
}

#[tokio::test]
async fn the_home_page_of_an_empty_map_is_html_with_the_layout() {
    let app = TestApp::spawn().await;
    let page = app.page("/").await;
    assert_eq!(text_of(&page, "header.site .brand"), "◇ argmap");
    assert_eq!(
        text_of(&page, "main h1"),
        "NHS England reform debates, mapped"
    );
    assert_eq!(
        text_of(&page, "#debates-heading + p.empty"),
        "No debates yet."
    );
    assert_some(
        &page,
        "link[rel=stylesheet][href='/static/style.css']",
        "the stylesheet",
    );
}
