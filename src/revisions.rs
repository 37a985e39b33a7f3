//! The history of every object: one revision row per write, in the writer's transaction.

use serde_json::Value;
use sqlx::PgConnection;

use crate::domain::vocabulary;

vocabulary! {
    /// What a revision is about.
    pub enum ObjectKind ("object kind") {
        Actor = "actor",
        Debate = "debate",
        Source = "source",
        Proposal = "proposal",
        Tension = "tension",
        /// A proposal raising a tension.
        ProposalTension = "proposal_tension",
        Claim = "claim",
        Quote = "quote",
        Relation = "relation",
        Annotation = "annotation",
        ClaimReview = "claim_review",
        ReviewReply = "review_reply",
        Suggestion = "suggestion",
        User = "user",
        ApiToken = "api_token",
        Map = "map",
    }
}

vocabulary! {
    /// What a revision did to its object.
    pub enum RevisionAction ("revision action") {
        Create = "create",
        Edit = "edit",
        Hide = "hide",
        Restore = "restore",
        Merge = "merge",
        /// A new version of a source, or a map read from a file.
        Import = "import",
        Link = "link",
        Unlink = "unlink",
        /// A review or suggestion closed.
        Resolve = "resolve",
        /// An API token revoked.
        Revoke = "revoke",
        /// An account disabled: its sessions and tokens stop.
        Disable = "disable",
        /// A disabled account enabled again.
        Enable = "enable",
    }
}

/// One write to record: `by` did `action` to object `id` of kind `object`, which was
/// `before` and became `after`.
///
/// ```text
/// Revision::new(ObjectKind::Claim, id, RevisionAction::Edit)
///     .by(user.id)
///     .before(old)
///     .after(new)
///     .record(conn)
///     .await?;
/// ```
#[derive(Debug, Clone)]
#[must_use = "a revision is only written by `record`"]
pub struct Revision {
    object: ObjectKind,
    id: i64,
    action: RevisionAction,
    /// The user; None for the system (the CLI, the shipped map).
    by: Option<i64>,
    before: Option<Value>,
    after: Option<Value>,
}

impl Revision {
    pub fn new(object: ObjectKind, id: i64, action: RevisionAction) -> Revision {
        Revision {
            object,
            id,
            action,
            by: None,
            before: None,
            after: None,
        }
    }

    pub fn by(self, user_id: impl Into<Option<i64>>) -> Revision {
        Revision {
            by: user_id.into(),
            ..self
        }
    }

    pub fn before(self, before: impl Into<Option<Value>>) -> Revision {
        Revision {
            before: before.into(),
            ..self
        }
    }

    pub fn after(self, after: impl Into<Option<Value>>) -> Revision {
        Revision {
            after: after.into(),
            ..self
        }
    }

    /// Writes the revision row; returns its id.
    pub async fn record(self, conn: &mut PgConnection) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar!(
            "insert into revisions (object_kind, object_id, action, user_id, before, after)
         values ($1, $2, $3, $4, $5, $6)
         returning id",
            self.object.as_str(),
            self.id,
            self.action.as_str(),
            self.by,
            self.before,
            self.after,
        )
        .fetch_one(conn)
        .await
    }
}
