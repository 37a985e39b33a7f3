//! The pages that change claims: adding one from a source passage, editing, annotating,
//! reporting, and the moderators' actions and queue. Every form carries the session's
//! CSRF token; every change goes through `write` in one transaction with its revision.

use askama::Template;
use axum::Router;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::write::{self, ClaimEdit, NewAnnotation, NewClaim, NewQuote, NewReview};
use crate::auth::csrf::CsrfForm;
use crate::auth::{Masthead, SignedInPage, Writer};
use crate::domain::{Pole, RelationKind, word_field};
use crate::read::OrNotFound;
use crate::relations::targets::{self, Match};
use crate::views::Crumb;
use crate::views::form::{Failure, Page, submit, version_field};
use crate::{AppState, Result};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sources/{slug}/claims/new", get(new_form))
        .route("/sources/{slug}/claims", post(create))
        .route("/claims/{key}/edit", get(edit_form).post(edit))
        .route("/claims/{key}/quotes", post(add_quote))
        .route("/claims/{key}/quotes/{id}/retire", post(retire_quote))
        .route("/claims/{key}/annotations", post(annotate))
        .route("/claims/{key}/reports", post(report))
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
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    source_slug: String,
    source_title: String,
    segments: Vec<SegmentOption>,
    actors: Vec<Choice>,
    /// The text of the claim or proposal the form was opened to answer.
    answering: Option<String>,
    /// When the target's words matched several claims or proposals: them, to choose from.
    choices: Vec<Match>,
    tensions: Vec<Choice>,
    form: ClaimFormValues,
    failure: Option<Failure>,
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
    /// The target chosen among the matches of its words (it replaces `target`).
    #[serde(default)]
    pub pick: String,
    #[serde(default)]
    pub shows_tension: String,
    #[serde(default)]
    pub pole: String,
    #[serde(default)]
    pub tags: String,
    #[serde(default)]
    pub note: String,
}

/// Between a tension and the pole in the add-a-claim form's choice ("proposal/tension|a").
const POLE_MARK: char = '|';

impl ClaimFormValues {
    /// The claim the form asks for ([`word_field`] for its relation and pole).
    fn to_new_claim(&self, source: &str) -> Result<NewClaim> {
        let some = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let (shows_tension, pole) = self
            .shows_tension
            .split_once(POLE_MARK)
            .unwrap_or((&self.shows_tension, &self.pole));
        Ok(NewClaim {
            source: source.to_owned(),
            segment: self.segment.clone(),
            quote: self.quote.clone(),
            text: self.text.clone(),
            actor: some(&self.actor),
            relation: word_field("relation", &self.relation)?,
            target: some(&self.pick).or_else(|| some(&self.target)),
            shows_tension: some(shows_tension),
            pole: word_field("pole", pole)?,
            tags: vec![self.tags.clone()],
            note: some(&self.note),
        })
    }
}

/// The actors a claim may be made by, by name.
async fn actor_choices(db: &sqlx::PgPool) -> Result<Vec<Choice>> {
    Ok(sqlx::query!(
        r#"select slug as "slug!: String", name from actors where hidden_at is null order by name"#
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|a| Choice {
        value: a.slug,
        label: a.name,
    })
    .collect())
}

async fn new_claim_page(
    state: &AppState,
    masthead: Masthead,
    slug: &str,
    form: ClaimFormValues,
    failure: Option<Failure>,
) -> Result<NewClaimPage> {
    let db = &state.db;
    let source = sqlx::query!(
        r#"select s.title, a.slug as "author?: String",
                  v.id as "version!"
           from sources s left join actors a on a.id = s.author_id
           join current_source_versions v on v.source_id = s.id
           where s.slug = $1::text and s.hidden_at is null"#,
        slug
    )
    .fetch_optional(db)
    .await?
    .or_not_found("source", slug)?;
    let segments = sqlx::query!(
        "select anchor, locator, body from segments where source_version_id = $1 and kind <> 'heading' order by position",
        source.version
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .map(|s| SegmentOption { excerpt: crate::views::short(&s.body), anchor: s.anchor, locator: s.locator })
    .collect();
    let actors = actor_choices(db).await?;
    // Each raised tension once per pole, by the poles' names: choosing the option says
    // which side the claim argues.
    let tensions = sqlx::query!(
        r#"select p.slug || '/' || t.slug as "value!", p.title || ': ' || t.title as "label!",
                  t.pole_a, t.pole_b
           from proposal_tensions pt join proposals p on p.id = pt.proposal_id join tensions t on t.id = pt.tension_id
           where pt.removed_at is null and p.hidden_at is null order by p.title, t.title"#
    )
    .fetch_all(db)
    .await?
    .into_iter()
    .flat_map(|t| {
        Pole::ALL.iter().map(move |pole| Choice {
            value: format!("{}{POLE_MARK}{pole}", t.value),
            label: format!("{}, for {}", t.label, pole.name(&t.pole_a, &t.pole_b)),
        })
    })
    .collect();
    let mut conn = db.acquire().await?;
    let answering = targets::label(&mut conn, &form.target).await?;
    let choices = if failure.as_ref().is_some_and(|f| f.is("target")) {
        targets::matches(&mut conn, &form.target).await?
    } else {
        Vec::new()
    };
    let mut form = form;
    if form.actor.is_empty() {
        form.actor = source.author.unwrap_or_default();
    }
    Ok(NewClaimPage {
        masthead,
        crumbs: Crumb::trail(
            &source.title,
            &format!("/sources/{slug}"),
            "Add a claim",
            "claims/new",
        ),
        source_slug: slug.to_owned(),
        source_title: source.title,
        segments,
        actors,
        answering,
        choices,
        tensions,
        form,
        failure,
    })
}

async fn new_form(
    SignedInPage(state, _, masthead): SignedInPage,
    Path(slug): Path<String>,
    Query(form): Query<ClaimFormValues>,
) -> Result<Response> {
    new_claim_page(&state, masthead, &slug, form, None)
        .await?
        .page()
}

async fn create(
    SignedInPage(state, user, masthead): SignedInPage,
    Path(slug): Path<String>,
    CsrfForm(form): CsrfForm<ClaimFormValues>,
) -> Result<Response> {
    submit(
        &state.db,
        form,
        async |tx, form| write::create(tx, &user, &form.to_new_claim(&slug)?).await,
        |claim| format!("/claims/{claim}"),
        async |form, status, failure| {
            new_claim_page(&state, masthead, &slug, form, Some(failure))
                .await?
                .page_with(status)
        },
    )
    .await
}

#[derive(Template)]
#[template(path = "claims/edit.html")]
struct EditPage {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    slug: String,
    version: i32,
    text: String,
    tags: String,
    /// The speaker chosen (an actor's slug; empty for none).
    actor: String,
    actors: Vec<Choice>,
    /// Its live quotes, each of which may be retired (but the last).
    quotes: Vec<crate::claims::read::Quote>,
    /// The sources a quote may be added from, and what the quote form last sent.
    sources: Vec<crate::sources::read::Listed>,
    new_quote: NewQuote,
    /// After a conflict: the claim as it is now.
    current: Option<write::Editable>,
    failure: Option<Failure>,
}

/// What the edit form shows in its fields: the claim as read, or as the person typed it.
struct EditValues {
    version: i32,
    text: String,
    tags: String,
    actor: String,
}

impl EditValues {
    fn of(claim: &write::Editable) -> Self {
        EditValues {
            version: claim.version,
            text: claim.text.clone(),
            tags: claim.tags.join(", "),
            actor: claim.actor.clone().unwrap_or_default(),
        }
    }
}

/// The edit page of the claim `key` with `values` in its fields; after a conflict the
/// claim as it is now is shown beside them.
async fn edit_page(
    state: &AppState,
    masthead: Masthead,
    key: &str,
    values: Option<EditValues>,
    new_quote: NewQuote,
    conflict: bool,
    failure: Option<Failure>,
) -> Result<EditPage> {
    let db = &state.db;
    let mut conn = db.acquire().await?;
    let current = write::editable(&mut conn, key).await?;
    let id = write::claim_id(&mut conn, &current.slug, "claim").await?;
    drop(conn);
    let values = values.unwrap_or_else(|| EditValues::of(&current));
    Ok(EditPage {
        masthead,
        crumbs: edit_crumbs(&current),
        slug: current.slug.clone(),
        version: if conflict {
            current.version
        } else {
            values.version
        },
        text: values.text,
        tags: values.tags,
        actor: values.actor,
        actors: actor_choices(db).await?,
        quotes: crate::claims::read::quotes(db, id).await?,
        sources: crate::sources::read::list(db, crate::read::Slice::ALL).await?,
        new_quote,
        current: conflict.then_some(current),
        failure,
    })
}

async fn edit_form(
    SignedInPage(state, _, masthead): SignedInPage,
    Path(key): Path<String>,
) -> Result<Response> {
    edit_page(
        &state,
        masthead,
        &key,
        None,
        NewQuote::default(),
        false,
        None,
    )
    .await?
    .page()
}

fn edit_crumbs(claim: &write::Editable) -> Vec<Crumb> {
    let href = format!("/claims/{}", claim.slug);
    Crumb::trail(crate::views::short(&claim.text), &href, "Edit", "edit")
}

#[derive(Debug, Deserialize)]
struct EditForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    text: String,
    #[serde(default)]
    tags: String,
    /// The speaker: an actor's slug, or empty for none.
    #[serde(default)]
    actor: String,
}

async fn edit(
    SignedInPage(state, user, masthead): SignedInPage,
    Path(key): Path<String>,
    CsrfForm(form): CsrfForm<EditForm>,
) -> Result<Response> {
    let edit = ClaimEdit {
        version: version_field(&form.version)?,
        text: form.text,
        tags: vec![form.tags.clone()],
        actor: Some(form.actor.clone()),
    };
    submit(
        &state.db,
        edit,
        async |tx, edit| write::edit(tx, &user, &key, edit).await,
        |claim| format!("/claims/{}", claim.slug),
        async |edit, status, failure| {
            // The person's text is kept; after a conflict, saving again applies it over the
            // current version, which is shown beside it.
            let values = EditValues {
                version: edit.version,
                text: edit.text,
                tags: form.tags,
                actor: form.actor,
            };
            let conflict = status == StatusCode::CONFLICT;
            edit_page(
                &state,
                masthead,
                &key,
                Some(values),
                NewQuote::default(),
                conflict,
                Some(failure),
            )
            .await?
            .page_with(status)
        },
    )
    .await
}

/// Adds a quote to the claim from its edit page; a refused one shows the page again
/// saying why, with the words kept.
async fn add_quote(
    SignedInPage(state, user, masthead): SignedInPage,
    Path(key): Path<String>,
    CsrfForm(form): CsrfForm<NewQuote>,
) -> Result<Response> {
    submit(
        &state.db,
        form,
        async |tx, form| write::add_quote(tx, &user, &key, form).await,
        |_| format!("/claims/{key}/edit#quotes-heading"),
        async |form, status, failure| {
            edit_page(&state, masthead, &key, None, form, false, Some(failure))
                .await?
                .page_with(status)
        },
    )
    .await
}

/// Retires a quote of the claim, from its edit page.
async fn retire_quote(
    writer: Writer,
    Path((key, id)): Path<(String, i64)>,
    CsrfForm(_): CsrfForm<serde::de::IgnoredAny>,
) -> Result<Redirect> {
    writer
        .in_transaction(async |tx, user| write::retire_quote(tx, user, &key, id).await)
        .await?;
    Ok(Redirect::to(&format!("/claims/{key}/edit#quotes-heading")))
}

async fn annotate(
    writer: Writer,
    Path(key): Path<String>,
    CsrfForm(form): CsrfForm<NewAnnotation>,
) -> Result<Redirect> {
    let id = writer
        .in_transaction(async |tx, user| write::annotate(tx, user, &key, &form).await)
        .await?;
    Ok(Redirect::to(&format!("/claims/{key}#annotation-{id}")))
}

async fn report(
    writer: Writer,
    Path(key): Path<String>,
    CsrfForm(form): CsrfForm<NewReview>,
) -> Result<Redirect> {
    writer
        .in_transaction(async |tx, user| write::report(tx, user, &key, &form).await)
        .await?;
    Ok(Redirect::to(&format!("/claims/{key}#reviews")))
}
