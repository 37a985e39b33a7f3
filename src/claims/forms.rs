//! The pages that change claims: adding one from a source passage, editing, annotating,
//! reporting, and the moderators' actions and queue. Every form carries the session's
//! CSRF token; every change goes through `write` in one transaction with its revision.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::write::{self, ClaimEdit, NewAnnotation, NewClaim, NewReview};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Chrome, Role, SignedIn};
use crate::views::Crumb;
use crate::{AppState, Error, Result};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sources/{slug}/claims/new", get(new_form))
        .route("/sources/{slug}/claims", post(create))
        .route("/claims/{key}/edit", get(edit_form).post(edit))
        .route("/claims/{key}/annotations", post(annotate))
        .route("/claims/{key}/reports", post(report))
        .route("/claims/{key}/hide", post(hide))
        .route("/claims/{key}/restore", post(restore))
        .route("/claims/{key}/merge", post(merge))
        .route("/moderation", get(queue))
        .route("/moderation/reviews/{id}/dismiss", post(dismiss))
        .route("/moderation/reviews/{id}/replies", post(reply))
        .route("/suggestions/{id}/dismiss", post(dismiss_suggestion))
}

/// A form field's value and, after a failed submit, what is wrong with it.
pub struct Failure {
    pub field: String,
    pub message: String,
}

struct SegmentOption {
    anchor: String,
    locator: String,
    excerpt: String,
}

struct Choice {
    value: String,
    label: String,
}

#[derive(Template)]
#[template(path = "claims/new.html")]
struct NewClaimPage {
    chrome: Chrome,
    crumbs: Vec<Crumb>,
    source_slug: String,
    source_title: String,
    segments: Vec<SegmentOption>,
    actors: Vec<Choice>,
    targets: Vec<Choice>,
    tensions: Vec<Choice>,
    form: ClaimFormValues,
    failure: Option<Failure>,
}

impl NewClaimPage {
    fn failed(&self, field: &str) -> bool {
        self.failure.as_ref().is_some_and(|f| f.field == field)
    }
}

/// What the person typed, to put back in the form.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ClaimFormValues {
    #[serde(default)]
    pub segment: String,
    #[serde(default)]
    pub quote: String,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub relation: String,
    #[serde(default)]
    pub target: String,
    #[serde(default)]
    pub shows_tension: String,
    #[serde(default)]
    pub pole: String,
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub note: String,
}

impl ClaimFormValues {
    fn to_new_claim(&self, source: &str) -> NewClaim {
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        NewClaim {
            source: source.to_owned(),
            segment: self.segment.clone(),
            quote: self.quote.clone(),
            text: self.text.clone(),
            actor: some(&self.actor),
            relation: some(&self.relation),
            target: some(&self.target),
            shows_tension: some(&self.shows_tension),
            pole: some(&self.pole),
            tags: vec![self.tags.clone()],
            note: some(&self.note),
        }
    }
}

async fn new_claim_page(
    state: &AppState,
    chrome: Chrome,
    slug: &str,
    form: ClaimFormValues,
    failure: Option<Failure>,
) -> Result<NewClaimPage> {
    let db = &state.db;
    let source = sqlx::query!(
        r#"select s.title, a.slug as "author?: String",
                  (select id from source_versions where source_id = s.id order by number desc limit 1) as "version!"
           from sources s left join actors a on a.id = s.author_id
           where s.slug = $1::text and s.hidden_at is null"#,
        slug
    )
    .fetch_optional(db)
    .await?
    .ok_or_else(|| Error::NotFound(format!("the source {slug:?}")))?;
    let segments = sqlx::query!(
        "select anchor, locator, body from segments where source_version_id = $1 and kind <> 'heading' order by position",
        source.version
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|s| SegmentOption { excerpt: crate::claims::short(&s.body), anchor: s.anchor, locator: s.locator })
    .collect();
    let actors = sqlx::query!(
        r#"select slug as "slug!: String", name from actors where hidden_at is null order by name"#
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|a| Choice {
        value: a.slug,
        label: a.name,
    })
    .collect();
    let mut targets: Vec<Choice> = sqlx::query!(r#"select 'proposal:' || slug as "value!", title from proposals where hidden_at is null order by title"#)
        .fetch_all(db)
        .await?
        .into_iter()
        .map(|p| Choice { value: p.value, label: format!("Proposal: {}", p.title) })
        .collect();
    targets.extend(
        sqlx::query!(r#"select slug as "slug!: String", body from claims where hidden_at is null order by slug"#)
            .fetch_all(db)
            .await?
            .into_iter()
            .map(|c| Choice { value: c.slug, label: c.body }),
    );
    // Inferences an undercut can name: every live relation between visible claims.
    let inference_ids = sqlx::query_scalar!(
        "select r.id from relations r
         join claims f on f.id = r.from_claim_id and f.hidden_at is null
         left join claims t on t.id = r.to_claim_id
         left join proposals p on p.id = r.to_proposal_id
         where r.removed_at is null and r.to_relation_id is null
           and (t.hidden_at is null and t.id is not null or p.hidden_at is null and p.id is not null)
         order by r.id"
    )
    .fetch_all(db)
    .await?;
    let inferences = crate::inference::Inferences::load(db, &inference_ids).await?;
    targets.extend(inference_ids.into_iter().map(|id| {
        let mut label = inferences.text(id);
        if let Some(first) = label.get(..1) {
            label = first.to_uppercase() + &label[1..];
        }
        Choice {
            value: format!("relation:{id}"),
            label,
        }
    }));
    let tensions = sqlx::query!(
        r#"select p.slug || '/' || t.slug as "value!", p.title || ': ' || t.title || ' (a: ' || t.pole_a || ', b: ' || t.pole_b || ')' as "label!"
           from proposal_tensions pt join proposals p on p.id = pt.proposal_id join tensions t on t.id = pt.tension_id
           where pt.removed_at is null and p.hidden_at is null order by p.title, t.title"#
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|t| Choice { value: t.value, label: t.label })
    .collect();
    let mut form = form;
    if form.actor.is_empty() {
        form.actor = source.author.unwrap_or_default();
    }
    Ok(NewClaimPage {
        chrome,
        crumbs: vec![
            Crumb::home(),
            Crumb::new(&source.title, format!("/sources/{slug}")),
            Crumb::new("Add a claim", format!("/sources/{slug}/claims/new")),
        ],
        source_slug: slug.to_owned(),
        source_title: source.title,
        segments,
        actors,
        targets,
        tensions,
        form,
        failure,
    })
}

async fn new_form(
    State(state): State<AppState>,
    SignedIn(_): SignedIn,
    chrome: Chrome,
    Path(slug): Path<String>,
    Query(form): Query<ClaimFormValues>,
) -> Result<Response> {
    let page = new_claim_page(&state, chrome, &slug, form, None).await?;
    Ok(Html(page.render()?).into_response())
}

async fn create(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    chrome: Chrome,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<ClaimFormValues>,
) -> Result<Response> {
    let mut tx = state.db.begin().await?;
    match write::create(&mut tx, &user, &form.to_new_claim(&slug)).await {
        Ok(claim) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/claims/{claim}")).into_response())
        }
        Err(Error::Invalid { field, message }) => {
            drop(tx);
            let page = new_claim_page(
                &state,
                chrome,
                &slug,
                form,
                Some(Failure { field, message }),
            )
            .await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
        Err(err) => Err(err),
    }
}

#[derive(Template)]
#[template(path = "claims/edit.html")]
struct EditPage {
    chrome: Chrome,
    crumbs: Vec<Crumb>,
    slug: String,
    version: i32,
    text: String,
    tags: String,
    /// After a conflict: the claim as it is now.
    current: Option<write::Editable>,
    failure: Option<Failure>,
}

async fn edit_form(
    State(state): State<AppState>,
    SignedIn(_): SignedIn,
    chrome: Chrome,
    Path(key): Path<String>,
) -> Result<Response> {
    let mut conn = state.db.acquire().await?;
    let claim = write::editable(&mut conn, &key).await?;
    let page = EditPage {
        chrome,
        crumbs: edit_crumbs(&claim),
        slug: claim.slug.clone(),
        version: claim.version,
        tags: claim.tags.join(", "),
        text: claim.text,
        current: None,
        failure: None,
    };
    Ok(Html(page.render()?).into_response())
}

fn edit_crumbs(claim: &write::Editable) -> Vec<Crumb> {
    vec![
        Crumb::home(),
        Crumb::new(
            crate::claims::short(&claim.text),
            format!("/claims/{}", claim.slug),
        ),
        Crumb::new("Edit", format!("/claims/{}/edit", claim.slug)),
    ]
}

#[derive(Debug, Deserialize)]
struct EditForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    tags: String,
}

async fn edit(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    chrome: Chrome,
    Path(key): Path<String>,
    CsrfForm(form): CsrfForm<EditForm>,
) -> Result<Response> {
    let version: i32 = form
        .version
        .parse()
        .map_err(|_| Error::invalid("version", "the form lost track of the version: reload it"))?;
    let edit = ClaimEdit {
        version,
        text: form.text.clone(),
        tags: vec![form.tags.clone()],
    };
    let mut tx = state.db.begin().await?;
    let outcome = write::edit(&mut tx, &user, &key, &edit).await;
    match outcome {
        Ok(claim) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/claims/{}", claim.slug)).into_response())
        }
        Err(Error::Conflict { message, .. }) => {
            drop(tx);
            let mut conn = state.db.acquire().await?;
            let current = write::editable(&mut conn, &key).await?;
            // The person's text is kept; saving again now applies it over the current version.
            let page = EditPage {
                chrome,
                crumbs: edit_crumbs(&current),
                slug: current.slug.clone(),
                version: current.version,
                text: form.text,
                tags: form.tags,
                current: Some(current),
                failure: Some(Failure {
                    field: "version".into(),
                    message,
                }),
            };
            Ok((StatusCode::CONFLICT, Html(page.render()?)).into_response())
        }
        Err(Error::Invalid { field, message }) => {
            drop(tx);
            let page = EditPage {
                chrome,
                crumbs: vec![
                    Crumb::home(),
                    Crumb::new("Edit", format!("/claims/{key}/edit")),
                ],
                slug: key,
                version,
                text: form.text,
                tags: form.tags,
                current: None,
                failure: Some(Failure { field, message }),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response())
        }
        Err(err) => Err(err),
    }
}

async fn annotate(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(key): Path<String>,
    CsrfForm(form): CsrfForm<NewAnnotation>,
) -> Result<Response> {
    let mut tx = state.db.begin().await?;
    let id = write::annotate(&mut tx, &user, &key, &form).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/claims/{key}#annotation-{id}")).into_response())
}

async fn report(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(key): Path<String>,
    CsrfForm(form): CsrfForm<NewReview>,
) -> Result<Response> {
    let mut tx = state.db.begin().await?;
    write::report(&mut tx, &user, &key, &form).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/claims/{key}#reviews")).into_response())
}

async fn hide(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(key): Path<String>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> Result<Response> {
    set_hidden(&state, &user, &key, true).await
}

async fn restore(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(key): Path<String>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> Result<Response> {
    set_hidden(&state, &user, &key, false).await
}

/// Hides or restores a claim, then shows it.
async fn set_hidden(
    state: &AppState,
    user: &crate::auth::User,
    key: &str,
    hide: bool,
) -> Result<Response> {
    let mut tx = state.db.begin().await?;
    write::set_hidden(&mut tx, user, key, hide).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/claims/{key}")).into_response())
}

#[derive(Debug, Deserialize)]
struct MergeForm {
    #[serde(default)]
    into: String,
}

async fn merge(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(key): Path<String>,
    CsrfForm(form): CsrfForm<MergeForm>,
) -> Result<Response> {
    let into = form.into.trim().trim_start_matches("/claims/").to_owned();
    let mut tx = state.db.begin().await?;
    write::merge(&mut tx, &user, &key, &into).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/claims/{into}")).into_response())
}

struct OpenReview {
    id: i64,
    claim_slug: String,
    claim_body: String,
    reason: String,
    note: String,
    reporter: String,
    created_at: time::OffsetDateTime,
    replies: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "moderation.html")]
struct QueuePage {
    chrome: Chrome,
    crumbs: Vec<Crumb>,
    reviews: Vec<OpenReview>,
}

async fn queue(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    chrome: Chrome,
) -> Result<Response> {
    user.require(Role::Moderator)?;
    let rows = sqlx::query!(
        r#"select r.id, c.slug as "claim_slug!: String", c.body as claim_body, r.reason, r.note,
                  u.display_name as reporter, r.created_at,
                  coalesce(array_agg(ru.display_name || ': ' || rr.body order by rr.id) filter (where rr.id is not null), '{}') as "replies!"
           from claim_reviews r
           join claims c on c.id = r.claim_id
           join users u on u.id = r.reported_by
           left join review_replies rr on rr.review_id = r.id
           left join users ru on ru.id = rr.user_id
           where r.resolution is null
           group by r.id, c.id, u.id
           order by r.created_at"#
    )
    .fetch_all(&state.db)
    .await?;
    let reviews = rows
        .into_iter()
        .map(|r| OpenReview {
            id: r.id,
            claim_slug: r.claim_slug,
            claim_body: r.claim_body,
            reason: r.reason,
            note: r.note,
            reporter: r.reporter,
            created_at: r.created_at,
            replies: r
                .replies
                .into_iter()
                .map(|line| match line.split_once(": ") {
                    Some((who, what)) => (who.to_owned(), what.to_owned()),
                    None => (String::new(), line),
                })
                .collect(),
        })
        .collect();
    let page = QueuePage {
        chrome,
        crumbs: vec![Crumb::home(), Crumb::new("Review queue", "/moderation")],
        reviews,
    };
    Ok(Html(page.render()?).into_response())
}

async fn dismiss(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> Result<Response> {
    let mut tx = state.db.begin().await?;
    write::dismiss(&mut tx, &user, id).await?;
    tx.commit().await?;
    Ok(Redirect::to("/moderation").into_response())
}

#[derive(Debug, Deserialize)]
struct ReplyForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    back: Option<String>,
}

async fn reply(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<ReplyForm>,
) -> Result<Response> {
    let mut tx = state.db.begin().await?;
    write::reply(&mut tx, &user, id, &form.body).await?;
    tx.commit().await?;
    Ok(Redirect::to(&crate::auth::safe_next(form.back.as_deref())).into_response())
}

#[derive(Debug, Deserialize)]
struct BackForm {
    #[serde(default)]
    back: Option<String>,
}

async fn dismiss_suggestion(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Path(id): Path<i64>,
    CsrfForm(form): CsrfForm<BackForm>,
) -> Result<Response> {
    let mut tx = state.db.begin().await?;
    write::dismiss_suggestion(&mut tx, &user, id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&crate::auth::safe_next(form.back.as_deref())).into_response())
}
