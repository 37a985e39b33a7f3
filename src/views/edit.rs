//! One flow for the forms editing a titled object against the version the editor read
//! (a proposal, a tension): the form filled with the object as it is, and saving it,
//! which shows the form again with what was typed when the write refuses it (a bad
//! field: 422; someone saved in between: 409, at the version now current, so saving
//! again applies these words over it). A kind of object takes part by implementing
//! [`Edited`]; its fields are drawn by `edit.html` through [`Fields`].

use std::future::Future;

use askama::Template;
use axum::Router;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sqlx::{PgConnection, PgPool};

use crate::auth::csrf::CsrfForm;
use crate::auth::{Masthead, SignedInPage, User};
use crate::proposals::write::ProposalEdit;
use crate::tensions::write::TensionEdit;
use crate::views::Crumb;
use crate::views::form::{Failure, Page, submit, version_after, version_field};
use crate::{AppState, Result};

/// A kind of object edited through this flow.
pub(crate) trait Edited: Sized + Send + Sync + 'static {
    /// What its page calls it: "Edit the proposal".
    const NOUN: &'static str;
    /// Where its pages are: `/proposals` (its page `/proposals/SLUG`, the form `…/edit`).
    const PATH: &'static str;
    /// Its own fields as the form posts them (beside the version), all text.
    type Posted: DeserializeOwned + Send;

    /// Its fields, for `edit.html` to draw.
    fn fields(&self) -> Fields<'_>;

    /// It as it is now, to edit; 404 when it is hidden or there is none.
    fn as_it_is(db: &PgPool, slug: &str) -> impl Future<Output = Result<Self>> + Send;

    /// Saves the edit as `user` in the caller's transaction, with its revision.
    fn save(
        &self,
        conn: &mut PgConnection,
        user: &User,
        slug: &str,
    ) -> impl Future<Output = Result<()>> + Send;

    /// The edit a form posted, made against `version`.
    fn posted(version: i32, posted: Self::Posted) -> Self;
}

/// The fields of each kind of edit form, as `edit.html` draws them.
pub(crate) enum Fields<'a> {
    Proposal(&'a ProposalEdit),
    Tension(&'a TensionEdit),
}

impl Fields<'_> {
    fn title(&self) -> &str {
        match self {
            Fields::Proposal(proposal) => &proposal.title,
            Fields::Tension(tension) => &tension.title,
        }
    }

    fn version(&self) -> i32 {
        match self {
            Fields::Proposal(proposal) => proposal.version,
            Fields::Tension(tension) => tension.version,
        }
    }
}

/// The routes of `E`'s edit form: `PATH/{slug}/edit`, shown and posted.
pub(crate) fn router<E: Edited>() -> Router<AppState> {
    Router::new().route(
        &format!("{}/{{slug}}/edit", E::PATH),
        get(edit_form::<E>).post(edit::<E>),
    )
}

#[derive(Template)]
#[template(path = "edit.html")]
struct EditPage<E: Edited> {
    masthead: Masthead,
    crumbs: Vec<Crumb>,
    slug: String,
    /// The version the form carries (see `version_after`).
    version: i32,
    form: E,
    failure: Option<Failure>,
}

impl<E: Edited> EditPage<E> {
    /// The page editing `slug`, filled with `form`; `title` is the object's title as it
    /// is now, for the trail.
    fn new(
        masthead: Masthead,
        slug: String,
        title: &str,
        version: i32,
        form: E,
        failure: Option<Failure>,
    ) -> Self {
        EditPage {
            masthead,
            crumbs: Crumb::trail(title, &format!("{}/{slug}", E::PATH), "Edit", "edit"),
            slug,
            version,
            form,
            failure,
        }
    }

    fn noun(&self) -> &'static str {
        E::NOUN
    }

    fn path(&self) -> &'static str {
        E::PATH
    }
}

async fn edit_form<E: Edited>(
    SignedInPage(state, _, masthead): SignedInPage,
    Path(slug): Path<String>,
) -> Result<Response> {
    let form = E::as_it_is(&state.db, &slug).await?;
    let (title, version) = (form.fields().title().to_owned(), form.fields().version());
    EditPage::new(masthead, slug, &title, version, form, None).page()
}

/// What an edit form posts: the version it was filled at, and the object's fields.
#[derive(Debug, Deserialize)]
struct Posted<F> {
    #[serde(default)]
    version: String,
    #[serde(flatten)]
    fields: F,
}

async fn edit<E: Edited>(
    SignedInPage(state, user, masthead): SignedInPage,
    Path(slug): Path<String>,
    CsrfForm(posted): CsrfForm<Posted<E::Posted>>,
) -> Result<Response> {
    let edit = E::posted(version_field(&posted.version)?, posted.fields);
    submit(
        &state.db,
        edit,
        async |tx, edit| edit.save(tx, &user, &slug).await,
        |_| format!("{}/{slug}", E::PATH),
        async |edit, status, failure| {
            let current = E::as_it_is(&state.db, &slug).await?;
            let current = current.fields();
            let version = version_after(status, edit.fields().version(), current.version());
            EditPage::new(
                masthead,
                slug.clone(),
                current.title(),
                version,
                edit,
                Some(failure),
            )
            .page_with(status)
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::{Edited, Posted};
    use crate::Error;
    use crate::auth::csrf::form_fields;
    use crate::proposals::write::ProposalEdit;
    use crate::tensions::write::TensionEdit;
    use crate::views::form::version_field;

    fn posted<E: Edited>(body: &str) -> crate::Result<E> {
        let Posted { version, fields } = form_fields::<Posted<E::Posted>>(body.as_bytes())?;
        Ok(E::posted(version_field(&version)?, fields))
    }

    #[test]
    fn an_edit_form_posts_its_version_as_text_beside_its_fields() {
        let body = "csrf=token&version=4&title=Local+or+national&pole_a=Local&pole_b=National&description=";
        let edit: TensionEdit = posted(body).unwrap();
        assert_eq!(edit.version, 4);
        assert_eq!(edit.title, "Local or national");
        assert_eq!(
            (edit.pole_a.as_str(), edit.pole_b.as_str()),
            ("Local", "National")
        );
        let edit: ProposalEdit = posted("csrf=token&version=1&title=Merge+the+boards").unwrap();
        assert_eq!(
            edit.summary, "",
            "a field left out is empty, for the write to judge"
        );
    }

    #[test]
    fn a_version_the_form_lost_is_a_failure_of_the_version_field() {
        for body in [
            "csrf=token&title=A+title",
            "csrf=token&version=four&title=A+title",
        ] {
            let failed = posted::<ProposalEdit>(body).map(|_| ()).unwrap_err();
            assert!(
                matches!(&failed, Error::Invalid { field, .. } if field == "version"),
                "{body}: {failed:?}"
            );
        }
    }
}
