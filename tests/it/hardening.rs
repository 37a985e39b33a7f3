//! Hardening: one regression test per defect of the attack on argmap (issue 11), each named
//! for what must hold. The long attacks (schemathesis, soak with faults, fuzzing) are
//! commands, described in docs/reliability.md.

use std::io::{Read, Write};
use std::process::Stdio;
use std::time::Duration;

use argmap::auth::Role;
use argmap::export::dump;
use reqwest::StatusCode;

use crate::builders::small;
use crate::harness::{
    PASSWORD, TestApp, Visitor, argmap, assert_contains, corpus_database, database_url, execute,
    fresh_database, header, insert_claim_row, location, scalar, texts,
};

/// Adds a claim saying `text`, quoting the small map's `QUOTE`, through the page's form.
async fn add_claim(visitor: &Visitor, text: &str) -> reqwest::Response {
    visitor
        .post_form(
            &format!("/sources/{}/claims", small::SOURCE),
            &[
                ("segment", small::SEGMENT),
                ("quote", small::QUOTE),
                ("text", text),
            ],
        )
        .await
}

async fn sign_in_from(
    app: &TestApp,
    address: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    let mut visitor = app.visitor();
    visitor.fetch_csrf("/signin").await;
    visitor
        .client
        .post(app.url("/signin"))
        .header("x-forwarded-for", format!("203.0.113.9, {address}"))
        .form(&[
            ("csrf", visitor.csrf.as_str()),
            ("email", email),
            ("password", password),
        ])
        .send()
        .await
        .unwrap()
}

// 1. The sign-in lockout is per client address, never site-wide.
#[tokio::test]
async fn twenty_failed_sign_ins_lock_out_their_address_only() {
    let app = TestApp::spawn_configured(|config| {
        config.trusted_proxy_header = Some("x-forwarded-for".parse().unwrap());
    })
    .await;
    app.user("ada@example.org", Role::Admin).await;
    for i in 0..argmap::auth::pages::MAX_FAILURES_PER_CLIENT {
        let response = sign_in_from(
            &app,
            "198.51.100.7",
            &format!("nobody{i}@example.org"),
            "wrong",
        )
        .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = sign_in_from(&app, "198.51.100.7", "ada@example.org", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    // Someone else, right password: in.
    let response = sign_in_from(&app, "198.51.100.8", "ada@example.org", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn sign_in_attempts_record_the_real_peer_and_ignore_an_untrusted_header() {
    let app = TestApp::spawn().await;
    let response = sign_in_from(&app, "198.51.100.7", "nobody@example.org", "wrong").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let ip: String = sqlx::query_scalar("select ip from sign_in_attempts")
        .fetch_one(&app.db)
        .await
        .unwrap();
    assert_eq!(
        ip, "127.0.0.1",
        "no proxy header configured: the peer it is"
    );
}

// 2 and 16. No redirect leaves the site, and no `next` or `back` gives a 500.
#[tokio::test]
async fn next_and_back_never_lead_off_site_nor_fail() {
    let app = small::spawn().await;
    app.user("ada@example.org", Role::Contributor).await;
    for next in [
        "/\t/evil.example",
        "/\n/evil.example",
        "//evil.example",
        "/\\evil.example",
        "/\u{1}",
        "/caf\u{e9}",
    ] {
        let mut visitor = app.visitor();
        visitor.fetch_csrf("/signin").await;
        let response = visitor
            .post_form(
                "/signin",
                &[
                    ("email", "ada@example.org"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
        let status = response.status();
        assert!(status == 303 || status == 422, "{next:?}: {status}");
        if status == 303 {
            assert_eq!(location(&response), "/", "{next:?}");
        }
        let response = visitor
            .get(&format!(
                "/signin?next={}",
                argmap::auth::encode_component(next)
            ))
            .await;
        assert!(
            response.status().is_success() || response.status() == 422,
            "{next:?}"
        );
    }

    let visitor = app.signed_in("bea@example.org", Role::Contributor).await;
    let suggestion = scalar(
        &app.db,
        "select id from suggestions where status = 'open' order by id limit 1",
    )
    .await;
    let response = visitor
        .post_form(
            &format!("/suggestions/{suggestion}/dismiss"),
            &[("back", "/\t/evil.example")],
        )
        .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/");
}

// 6. Simultaneous guesses are each counted against the limit.
#[tokio::test]
async fn forty_simultaneous_wrong_guesses_get_only_five_tries() {
    let app = TestApp::spawn().await;
    app.user("ada@example.org", Role::Contributor).await;
    let mut visitors = Vec::new();
    for _ in 0..40 {
        let mut visitor = app.visitor();
        visitor.fetch_csrf("/signin").await;
        visitors.push(visitor);
    }
    let guesses = visitors.iter().map(|visitor| {
        visitor.post_form(
            "/signin",
            &[("email", "ada@example.org"), ("password", "wrong guess")],
        )
    });
    let statuses: Vec<u16> = futures_util::future::join_all(guesses)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    let tried = statuses.iter().filter(|&&s| s == 401).count() as i64;
    let refused = statuses.iter().filter(|&&s| s == 429).count();
    assert_eq!(
        tried,
        argmap::auth::pages::MAX_FAILURES_PER_EMAIL,
        "{statuses:?}"
    );
    assert_eq!(refused, 35, "{statuses:?}");
}

// 7. Re-enabling an account does not bring back its sessions or tokens.
#[tokio::test]
async fn re_enabling_an_account_does_not_revive_its_sessions_or_tokens() {
    let app = TestApp::spawn().await;
    let admin = app.signed_in("admin@example.org", Role::Admin).await;
    let contributor = app.signed_in("ada@example.org", Role::Contributor).await;
    let token = app.token("bea@example.org", Role::Contributor).await;
    let with_token = |path: &str| app.client.get(app.url(path)).bearer_auth(&token).send();
    assert_eq!(contributor.get("/account").await.status(), StatusCode::OK);
    assert_eq!(
        with_token("/account").await.unwrap().status(),
        StatusCode::OK
    );
    for email in ["ada@example.org", "bea@example.org"] {
        let id = scalar(
            &app.db,
            &format!("select id from users where email = '{email}'"),
        )
        .await;
        for action in ["disable", "enable"] {
            let response = admin
                .post_form(&format!("/admin/users/{id}/{action}"), &[])
                .await;
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{action} {email}");
        }
    }
    let response = contributor.get("/account").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(location(&response).starts_with("/signin"));
    let response = with_token("/account").await.unwrap();
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "the token is dead"
    );
    assert!(location(&response).starts_with("/signin"));
    // Signing in again works.
    let mut again = app.visitor();
    assert_eq!(
        again.sign_in("ada@example.org", PASSWORD).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(again.get("/account").await.status(), StatusCode::OK);
}

// 8 and 12. NUL and other control characters: a 422 naming the field, never a 500.
#[tokio::test]
async fn control_characters_anywhere_are_a_422_naming_the_field() {
    let (app, visitor) = small::contributor("ada@example.org").await;
    for bad in ["\0", "\u{1}", "\u{2}", "\u{1b}", "\u{7f}"] {
        let claim = format!("A claim that hides {bad} a control character.");
        let response = add_claim(&visitor, &claim).await;
        assert_eq!(response.status(), 422, "{bad:?}");
        assert!(response.text().await.unwrap().contains("text"));
    }
    for path in [
        "/search?q=%00",
        "/search?q=a%01b",
        "/claims/%00",
        "/signin?next=%00",
        "/api/v1/search?q=%00",
    ] {
        let response = app.get(path).await;
        let status = response.status();
        assert!(status.is_client_error(), "{path}: {status}");
    }
    let token = app.token("bea@example.org", Role::Contributor).await;
    let body = serde_json::json!({"source": small::SOURCE, "segment": small::SEGMENT,
        "quote": "more control", "text": "Nul \u{0} inside a claim text here."});
    let response = app
        .send_as(reqwest::Method::POST, "/api/v1/claims", &token, &body)
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        header(&response, "content-type"),
        "application/problem+json"
    );
    let problem: serde_json::Value = response.json().await.unwrap();
    assert_eq!(problem["field"], "text");
}

// 12. Control characters already stored (a map file, an old row) break nothing.
#[tokio::test]
async fn stored_control_characters_neither_break_the_svg_nor_forge_highlights() {
    let app = small::spawn().await;
    sqlx::query(
        "update claims set body = body || ' ' || chr(1) || 'forged' || chr(2) || ' reorganisation'
         where id = (select min(id) from claims where hidden_at is null)",
    )
    .execute(&app.db)
    .await
    .unwrap();
    let svg = app.svg("/export/map.svg").await;
    assert!(!svg.contains(['\u{1}', '\u{2}']), "XML cannot hold U+0001");
    let page = app.page("/search?q=reorganisation").await;
    let marks = texts(&page, "mark");
    assert!(!marks.is_empty());
    assert!(!marks.iter().any(|m| m.contains("forged")), "{marks:?}");
}

// 13. load-map reads only inside the map folder.
#[tokio::test]
async fn load_map_refuses_source_files_outside_the_map_folder() {
    let (db, _) = fresh_database().await;
    for outside in ["../../../../../../etc/hostname", "/etc/hostname"] {
        let dir = tempfile::tempdir().unwrap();
        small::map().write(dir.path());
        let file = dir.path().join(format!("claims/{}.toml", small::SOURCE));
        let text = std::fs::read_to_string(&file).unwrap();
        let edited = text.replacen(
            &format!("file = \"sources/{}.txt\"", small::SOURCE),
            &format!("file = \"{outside}\""),
            1,
        );
        assert_ne!(text, edited);
        std::fs::write(&file, edited).unwrap();
        let mut tx = db.begin().await.unwrap();
        let err = argmap::map::load_map(&mut tx, dir.path())
            .await
            .expect_err("a source outside the map was read")
            .to_string();
        assert_contains(&err, "inside the map folder");
        let at = format!("{}.toml:3", small::SOURCE);
        assert_contains(&err, &at);
    }
}

// 5. Opposite merges at once leave one claim standing.
#[tokio::test]
async fn opposite_merges_at_once_leave_one_of_the_two_claims() {
    let app = TestApp::spawn().await;
    let first = app.signed_in("mod1@example.org", Role::Moderator).await;
    let second = app.signed_in("mod2@example.org", Role::Moderator).await;
    for round in 0..5 {
        let mut slugs = Vec::new();
        for side in ["a", "b"] {
            let slug = format!("duplicate-{round}-{side}");
            insert_claim_row(&app.db, &slug, "A duplicate claim to merge.").await;
            slugs.push(slug);
        }
        let (a, b) = (&slugs[0], &slugs[1]);
        let (path_a, path_b) = (format!("/claims/{a}/merge"), format!("/claims/{b}/merge"));
        let (into_b, into_a) = ([("into", b.as_str())], [("into", a.as_str())]);
        let (one, two) = tokio::join!(
            first.post_form(&path_a, &into_b),
            second.post_form(&path_b, &into_a),
        );
        let statuses = [one.status().as_u16(), two.status().as_u16()];
        assert!(statuses.iter().all(|s| *s < 500), "{statuses:?}");
        let shown = scalar(
            &app.db,
            &format!(
                "select count(*) from claims where slug in ('{a}', '{b}') and hidden_at is null"
            ),
        )
        .await;
        assert_eq!(shown, 1, "round {round}: {statuses:?}");
    }
}

// 23. Invisible claims are refused; other scripts get readable slugs.
#[tokio::test]
async fn zero_width_claims_are_refused_and_cyrillic_gets_a_real_slug() {
    let (_app, visitor) = small::contributor("ada@example.org").await;
    let invisible = "\u{200b}\u{200c}\u{200d}\u{2060}\u{feff}".repeat(6);
    let response = add_claim(&visitor, &invisible).await;
    assert_eq!(response.status(), 422);
    let response = add_claim(&visitor, "Здоровье нации важнее реорганизаций").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(
        location(&response).starts_with("/claims/zdorove-natsii"),
        "{}",
        location(&response)
    );
}

// 25 and the write limits.
#[tokio::test]
async fn sign_ups_are_limited_per_address_taken_emails_included() {
    let app = TestApp::spawn_configured(|config| config.limits.signups_per_hour = 2).await;
    app.user("taken@example.org", Role::Contributor).await;
    let mut statuses = Vec::new();
    for email in ["taken@example.org", "new1@example.org", "new2@example.org"] {
        let response = app.visitor().sign_up(email, "Someone", "/").await;
        statuses.push(response.status().as_u16());
        if response.status() == 429 {
            assert!(response.headers().contains_key("retry-after"));
        }
    }
    assert_eq!(statuses, [200, 200, 429]);
    assert!(app.mails_to("new2@example.org").is_empty());
}

#[tokio::test]
async fn a_sign_up_link_makes_one_account_once_within_a_day_and_never_from_a_get() {
    let app = TestApp::spawn().await;
    let mut visitor = app.visitor();
    visitor.sign_up("ada@example.org", "Ada", "/").await;
    let link = app.signup_link("ada@example.org").unwrap();
    let accounts = async || -> i64 {
        sqlx::query_scalar("select count(*) from users")
            .fetch_one(&app.db)
            .await
            .unwrap()
    };
    // Opening the link (as a mail scanner would) makes nothing.
    assert_eq!(app.client.get(&link).send().await.unwrap().status(), 200);
    assert_eq!(accounts().await, 0);
    let path = link.strip_prefix(&app.url("")).unwrap();
    let token = path.split_once("token=").unwrap().1;
    let no_csrf = app
        .client
        .post(app.url("/signup/confirm"))
        .form(&[("token", token)])
        .send()
        .await
        .unwrap();
    assert_eq!(no_csrf.status(), 403, "the button carries the CSRF token");
    assert_eq!(visitor.confirm(&link).await.status(), 303);
    assert_eq!(accounts().await, 1);
    // Used once: the link is gone, for everyone.
    let again = app.visitor().client.get(&link).send().await.unwrap();
    assert_eq!(again.status(), 404);
    assert!(again.text().await.unwrap().contains("used already"));
    visitor.fetch_csrf("/signup").await;
    let replayed = visitor
        .post_form("/signup/confirm", &[("token", token)])
        .await;
    assert_eq!(replayed.status(), 404);
    assert_eq!(accounts().await, 1);

    // A day old: refused, and no account is made.
    app.visitor().sign_up("bea@example.org", "Bea", "/").await;
    execute(&app.db, "update signup_requests set created_at = now() - interval '25 hours' where email = 'bea@example.org'").await;
    let stale = app.signup_link("bea@example.org").unwrap();
    assert_eq!(app.client.get(&stale).send().await.unwrap().status(), 404);
    assert_eq!(accounts().await, 1);
    // A made-up token names nothing.
    let made_up = app.get("/signup/confirm?token=00").await;
    assert_eq!(made_up.status(), 404);
}

#[tokio::test]
async fn sign_up_links_start_with_the_configured_address_never_the_requests_host() {
    let app = TestApp::spawn_configured(|config| {
        config.public_url = Some("https://argmap.example.org".into());
    })
    .await;
    let mut visitor = app.visitor();
    visitor.fetch_csrf("/signup").await;
    let response = visitor
        .client
        .post(app.url("/signup"))
        .header("host", "evil.example")
        .form(&[
            ("csrf", visitor.csrf.as_str()),
            ("email", "ada@example.org"),
            ("display_name", "Ada"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let mail = app.mails_to("ada@example.org").pop().unwrap();
    assert_contains(&mail, "https://argmap.example.org/signup/confirm?token=");
    assert!(!mail.contains("evil.example"), "{mail}");
}

#[tokio::test]
async fn writes_are_limited_per_account_whatever_the_address() {
    let app = TestApp::spawn_configured(|config| {
        config.trusted_proxy_header = Some("x-real-ip".parse().unwrap());
        config.limits.writes_per_minute = 3;
    })
    .await;
    let token = app.token("ada@example.org", Role::Contributor).await;
    let mut statuses = Vec::new();
    for i in 0..5 {
        let response = app
            .client
            .post(app.url("/api/v1/claims"))
            .bearer_auth(&token)
            .header("x-real-ip", format!("198.51.100.{i}"))
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(&statuses[3..], [429, 429], "{statuses:?}");
    assert!(statuses[..3].iter().all(|s| *s != 429), "{statuses:?}");
}

// Security headers, HSTS over HTTPS.
#[tokio::test]
async fn referrer_policy_always_and_hsts_only_over_https() {
    let app = TestApp::spawn().await;
    let response = app.get("/").await;
    assert_eq!(
        header(&response, "referrer-policy"),
        "strict-origin-when-cross-origin"
    );
    assert!(!response.headers().contains_key("strict-transport-security"));
    let https = TestApp::spawn_configured(|config| config.secure_cookies = true).await;
    let response = https.get("/").await;
    assert_eq!(
        header(&response, "strict-transport-security"),
        "max-age=31536000; includeSubDomains"
    );
}

// 18. A chunked body over the limit is a 413, like one that says its length.
#[tokio::test]
async fn a_chunked_body_over_the_limit_is_a_413() {
    let app = TestApp::spawn().await;
    let status = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(app.addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        stream
            .write_all(
                b"POST /signin HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n",
            )
            .unwrap();
        let chunk = vec![b'a'; 64 * 1024];
        for _ in 0..40 {
            let header = format!("{:x}\r\n", chunk.len());
            let sent = stream
                .write_all(header.as_bytes())
                .and_then(|()| stream.write_all(&chunk))
                .and_then(|()| stream.write_all(b"\r\n"));
            if sent.is_err() {
                break; // the server already answered
            }
        }
        let _ = stream.write_all(b"0\r\n\r\n");
        let mut response = [0u8; 12];
        stream.read_exact(&mut response).unwrap();
        String::from_utf8_lossy(&response).into_owned()
    })
    .await
    .unwrap();
    assert_eq!(status, "HTTP/1.1 413");
}

// 21. Half-sent headers do not hold a connection open.
#[tokio::test]
async fn half_sent_headers_are_cut_off() {
    let app = TestApp::spawn_configured(|config| {
        config.header_read_timeout = Duration::from_millis(500);
    })
    .await;
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        .await
        .unwrap();
    let mut buffer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut buffer))
        .await
        .expect("the half-sent request was still open after 10 s");
    // Closed, with a 408 or without a word.
    assert!(
        read.is_err() || buffer.is_empty() || buffer.starts_with(b"HTTP/1.1 408"),
        "{:?}",
        String::from_utf8_lossy(&buffer)
    );
}

// 17. A connection the database cut is a 503, not a 500.
#[tokio::test]
async fn a_connection_the_database_cut_is_unavailable_not_an_error() {
    let (db, _) = fresh_database().await;
    let err = sqlx::query("select pg_terminate_backend(pg_backend_pid())")
        .execute(&db)
        .await
        .expect_err("the backend was terminated");
    let err = argmap::Error::from(err);
    assert_eq!(err.status(), StatusCode::SERVICE_UNAVAILABLE, "{err:?}");
}

// 22. A reader that stops early is not a crash.
#[tokio::test]
async fn export_into_a_closed_pipe_exits_quietly() {
    let (_db, name) = corpus_database().await;
    for args in [&["export", "json"][..], &["dump"][..]] {
        let mut child = argmap()
            .args(args)
            .env("DATABASE_URL", database_url(&name))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut first = [0u8; 16];
        stdout.read_exact(&mut first).unwrap();
        drop(stdout);
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(output.status.success(), "{args:?}: {stderr}");
    }
}

// 3. A merged dump's rows get fresh ids: a foreign token never becomes a local admin's.
#[tokio::test]
async fn restore_merge_never_attaches_foreign_rows_to_local_ids() {
    // The other instance: a contributor (id 1) with a token.
    let elsewhere = TestApp::spawn().await;
    let token = elsewhere
        .token("mallory@example.org", Role::Contributor)
        .await;
    let mut bytes = Vec::new();
    dump::dump(&elsewhere.db, &mut bytes).await.unwrap();

    // Here: an admin holds id 1.
    let here = TestApp::spawn().await;
    let admin = here.user("admin@example.org", Role::Admin).await;
    assert_eq!(admin, 1);
    let mut tx = here.db.begin().await.unwrap();
    let summary = dump::restore(&mut tx, "elsewhere.json", &bytes, true)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert!(summary.inserted > 0, "{summary}");

    let response = here.get_as("/account", &token).await;
    assert_eq!(
        response.status(),
        StatusCode::SEE_OTHER,
        "the token is unknown here"
    );
    let tokens = scalar(&here.db, "select count(*) from api_tokens").await;
    assert_eq!(tokens, 0, "another instance's tokens are never merged");
    let mallory: (i64, String) =
        sqlx::query_as("select id, role from users where email = 'mallory@example.org'")
            .fetch_one(&here.db)
            .await
            .unwrap();
    assert_ne!(mallory.0, admin);
    assert_eq!(mallory.1, "contributor");
    let revisions = scalar(
        &here.db,
        &format!(
            "select count(*) from revisions where object_kind = 'user' and object_id = {} and user_id = {}",
            mallory.0, mallory.0
        ),
    )
    .await;
    assert_eq!(revisions, 1, "the history follows the new id");
    let admin_role: String = sqlx::query_scalar("select role from users where id = 1")
        .fetch_one(&here.db)
        .await
        .unwrap();
    assert_eq!(admin_role, "admin");

    // The whole shipped map merged into an instance that has its own content keeps both.
    let (corpus, _) = corpus_database().await;
    let mut bytes = Vec::new();
    dump::dump(&corpus, &mut bytes).await.unwrap();
    let claims_there = scalar(&corpus, "select count(*) from claims").await;
    let mut tx = here.db.begin().await.unwrap();
    dump::restore(&mut tx, "corpus.json", &bytes, true)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        scalar(&here.db, "select count(*) from claims").await,
        claims_there
    );
    // Merging it again adds nothing.
    let mut tx = here.db.begin().await.unwrap();
    let again = dump::restore(&mut tx, "corpus.json", &bytes, true)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(again.inserted, 0, "{again}");
}

// 11. A failed restore moves no sequence; a crafted id cannot exhaust one.
#[tokio::test]
async fn a_failed_restore_leaves_sequences_and_a_crafted_id_is_refused() {
    let (source, _) = small::database().await;
    let mut bytes = Vec::new();
    dump::dump(&source, &mut bytes).await.unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let (db, _) = fresh_database().await;
    let sequences = "select coalesce(sum(coalesce(last_value, 0)), 0)::bigint from pg_sequences where schemaname = 'public'";
    let before = scalar(&db, sequences).await;

    // A bad row in the last table: everything before it went in, then it failed.
    let last = text.rfind("\"object_kind\": \"").unwrap();
    let mut broken = text.clone();
    broken.replace_range(
        last..last + "\"object_kind\": \"".len(),
        "\"object_kind\": \"nonsense",
    );
    // A claim id at the end of the sequence (jsonb puts the shortest key, "id", first).
    let start = text.find("\"claims\":[\n{\"id\": ").unwrap() + "\"claims\":[\n{\"id\": ".len();
    let end = start + text[start..].find(',').unwrap();
    let mut crafted = text.clone();
    crafted.replace_range(start..end, "9223372036854775807");
    for (file, expected) in [
        (broken, "revisions"),
        (crafted, "id must be a whole number"),
    ] {
        let mut tx = db.begin().await.unwrap();
        let err = dump::restore(&mut tx, "crafted.json", file.as_bytes(), false)
            .await
            .expect_err("a bad dump was restored")
            .to_string();
        tx.rollback().await.unwrap();
        assert_contains(&err, expected);
        assert_eq!(scalar(&db, sequences).await, before, "{err}");
    }
}
