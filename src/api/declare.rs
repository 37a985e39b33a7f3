//! [`api_read!`] and [`api_write!`]: how the API's operations are declared.

/// Declares API writes: each one's OpenAPI operation and its handler, which runs the write
/// as the signed-in [`Writer`](super::Writer) in one transaction (committed when it
/// succeeds) and answers with the given status, and with the write's outcome as JSON
/// when a type is named after the status (otherwise with nothing).
///
/// ```text
/// api_write! {
///     tag = "map";
///
///     /// Edits a tension; 409 with the current state if it changed since `version`.
///     patch "/api/v1/tensions/{slug}"
///     fn edit_tension(path slug: String, body edit: TensionEdit) -> NO_CONTENT |tx, user| {
///         write::edit_tension(tx, user, &slug, &edit).await
///     }
/// }
/// ```
///
/// `path` binds the path's parameters (a pattern and its type, as `Path` would) and
/// `body` the JSON body ([`ApiJson`](super::ApiJson), which names a field at fault);
/// either may be left out. `params(..)` declares path parameters other than `{slug}`
/// (which [`super::DOCUMENT`] declares everywhere), and `errors(..)` the errors an
/// operation describes more closely than the shared ones. The block is the write, given
/// the transaction and the user; it returns the outcome.
///
/// Why a macro: the writes differ only in these words, and written out each took twenty
/// lines of the same attribute, signature and transaction around its one call.
macro_rules! api_write {
    // The answer: the outcome as JSON when the write names its type, else as it is (`()`).
    (@answer $outcome:ident) => { $outcome };
    (@answer $outcome:ident $answer:ident) => { axum::Json::<$answer>($outcome) };
    (
        tag = $tag:literal;
        $(
            $(#[doc = $doc:literal])*
            $method:ident $path:literal
            $(params($($params:tt)*))?
            $(errors($($errors:tt)*))?
            fn $name:ident(
                $(path $path_arg:tt: $path_ty:tt)? $(,)?
                $(body $body_arg:ident: $body_ty:ident)?
            ) -> $status:ident $($answer:ident)? |$tx:ident, $user:ident| $write:block
        )+
    ) => {
        $(
            $(#[doc = $doc])*
            #[utoipa::path(
                $method,
                path = $path,
                tag = $tag,
                $(params($($params)*),)?
                $(request_body = $body_ty,)?
                responses(
                    (status = StatusCode::$status $(, body = $answer)?),
                    $($($errors)*)?
                )
            )]
            pub async fn $name(
                writer: $crate::api::Writer,
                $(axum::extract::Path($path_arg): axum::extract::Path<$path_ty>,)?
                $($crate::api::ApiJson($body_arg): $crate::api::ApiJson<$body_ty>,)?
            ) -> $crate::Result<axum::response::Response> {
                use axum::response::IntoResponse;
                let outcome = writer.in_transaction(async |$tx, $user| $write).await?;
                let answer = $crate::api::declare::api_write!(@answer outcome $($answer)?);
                Ok((axum::http::StatusCode::$status, answer).into_response())
            }
        )+
    };
}
pub(super) use api_write;

/// Declares API reads (GET): each one's OpenAPI operation and its handler, which answers
/// 200 with what the block reads, as JSON.
///
/// ```text
/// api_read! {
///     tag = "sources";
///
///     /// A source: its metadata, and its current text segment by segment.
///     get "/api/v1/sources/{slug}"
///     fn show(path slug: String) -> SourceDocument |state| {
///         ...
///     }
/// }
/// ```
///
/// The block is given the [`AppState`](crate::AppState) and returns the answer (`?`
/// answers an error). `path` binds the path's parameters, `query` the query string (its
/// fields are the operation's parameters) and `viewer` the [`Viewer`] (who reads, for
/// what is hidden from whom); each may be left out. `described(..)` describes the answer.
///
/// Why a macro: as [`api_write!`] for writes; a read's own part is often one call. A read
/// that answers otherwise (the whole map, streamed) or needs a signed-in user (the token
/// list) is written out.
///
/// [`Viewer`]: crate::auth::viewer::Viewer
macro_rules! api_read {
    (
        tag = $tag:literal;
        $(
            $(#[doc = $doc:literal])*
            get $path:literal
            $(described($description:literal))?
            fn $name:ident(
                $(viewer $viewer:ident,)?
                $(path $path_arg:tt: $path_ty:tt)? $(,)?
                $(query $query_arg:ident: $query_ty:ident)?
            ) -> $answer:ty |$state:ident| $read:block
        )+
    ) => {
        $(
            $(#[doc = $doc])*
            #[utoipa::path(
                get,
                path = $path,
                tag = $tag,
                $(params($query_ty),)?
                responses(
                    (status = 200, body = $answer $(, description = $description)?),
                )
            )]
            pub async fn $name(
                axum::extract::State($state): axum::extract::State<$crate::AppState>,
                $($viewer: $crate::auth::viewer::Viewer,)?
                $(axum::extract::Path($path_arg): axum::extract::Path<$path_ty>,)?
                $(axum::extract::Query($query_arg): axum::extract::Query<$query_ty>,)?
            ) -> $crate::Result<axum::Json<$answer>> {
                Ok(axum::Json($read))
            }
        )+
    };
}
pub(super) use api_read;
