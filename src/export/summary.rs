//! The debate summary: a briefing note a policy team could circulate, in Markdown and as
//! printable HTML (the same text, rendered).
//!
//! For each proposal it gives what it is, the tensions it raises and which way it leans,
//! the strongest claims for and against with their standing, and what is left unresolved;
//! then the tensions that recur across debates, and the sources. Every point is cited
//! (speaker, source, locator, link).
//!
//! **The strongest claims** for (or against) a proposal are those that support (or attack
//! or undercut) it directly, ranked by: standing first (a claim that stands before a
//! contested one before a defeated one); then how many standing claims support it; then
//! how many quotes back it; then alphabetically by slug, so the order is stable. The top
//! [`STRONGEST`] of each side are shown; the rest are counted.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use super::model::{Claim, MapDocument, Proposal};
use crate::domain::RelationKind;
use crate::standing::StandingLabel;

/// How many claims of each side a summary shows.
pub const STRONGEST: usize = 3;

/// Escapes text for Markdown, so that what people wrote is shown as written and never
/// read as markup (or, rendered, as HTML).
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>') {
            out.push('\\');
        }
        out.push(if c == '\n' { ' ' } else { c });
    }
    out
}

fn standing_rank(standing: StandingLabel) -> u8 {
    match standing {
        StandingLabel::Stands => 0,
        StandingLabel::Contested => 1,
        StandingLabel::Defeated => 2,
    }
}

struct Summary<'a> {
    doc: &'a MapDocument,
    base: &'a str,
    out: String,
    cited_sources: BTreeSet<String>,
}

impl<'a> Summary<'a> {
    fn standing_supporters(&self, claim: &str) -> usize {
        self.doc
            .relations_to(claim)
            .filter(|r| r.kind == RelationKind::Supports)
            .filter(|r| {
                self.doc
                    .claim(&r.from)
                    .is_some_and(|c| c.standing == StandingLabel::Stands)
            })
            .count()
    }

    /// The claims on one side of a proposal, strongest first.
    fn side(&self, proposal: &Proposal, supporting: bool) -> Vec<&'a Claim> {
        let target = format!("proposal:{}", proposal.slug);
        let doc = self.doc;
        let mut claims: Vec<&Claim> = doc
            .relations_to(&target)
            .filter(|r| (r.kind == RelationKind::Supports) == supporting)
            .filter_map(|r| doc.claim(&r.from))
            .collect();
        claims.sort_by_key(|c| {
            (
                standing_rank(c.standing),
                std::cmp::Reverse(self.standing_supporters(&c.slug)),
                std::cmp::Reverse(c.quotes.len()),
                c.slug.clone(),
            )
        });
        claims.dedup_by_key(|c| c.slug.clone());
        claims
    }

    /// "— Speaker (stands). [Source, 3/11](url)"
    fn cite(&mut self, claim: &Claim) -> String {
        let speaker = self
            .doc
            .actor_name(claim.actor.as_deref())
            .unwrap_or("unattributed");
        let mut line = format!(" — {} ({})", escape_markdown(speaker), claim.standing);
        if let Some(quote) = claim.quotes.first() {
            let title = self
                .doc
                .sources
                .iter()
                .find(|s| s.slug == quote.source)
                .map_or(quote.source.as_str(), |s| s.title.as_str());
            self.cited_sources.insert(quote.source.clone());
            let _ = write!(
                line,
                ". [{}, {}]({}/sources/{}#{}): “{}”",
                escape_markdown(title),
                escape_markdown(&quote.locator),
                self.base,
                quote.source,
                quote.anchor,
                escape_markdown(&quote.text)
            );
        }
        line
    }

    fn claim_link(&self, claim: &Claim) -> String {
        format!(
            "[{}]({}/claims/{})",
            escape_markdown(&claim.text),
            self.base,
            claim.slug
        )
    }

    fn proposal(&mut self, number: usize, proposal: &Proposal) {
        let doc = self.doc;
        let _ = writeln!(
            self.out,
            "\n### {number}. {}\n",
            escape_markdown(&proposal.title)
        );
        if !proposal.summary.is_empty() {
            let _ = writeln!(self.out, "{}\n", escape_markdown(&proposal.summary));
        }
        let raises: Vec<_> = doc
            .raises
            .iter()
            .filter(|r| r.proposal == proposal.slug)
            .collect();
        if !raises.is_empty() {
            let _ = writeln!(self.out, "**Tensions it raises.**\n");
            for raise in raises {
                let Some(tension) = doc.tensions.iter().find(|t| t.slug == raise.tension) else {
                    continue;
                };
                let leaning = raise
                    .leaning
                    .phrase_with(&tension.pole_a, &tension.pole_b, |name| {
                        format!("*{}*", escape_markdown(name))
                    });
                let note = if raise.note.is_empty() {
                    String::new()
                } else {
                    format!(" {}", escape_markdown(&raise.note))
                };
                let _ = writeln!(
                    self.out,
                    "- [{}]({}/tensions/{}) ({} vs {}): {leaning}.{note}",
                    escape_markdown(&tension.title),
                    self.base,
                    tension.slug,
                    escape_markdown(&tension.pole_a),
                    escape_markdown(&tension.pole_b)
                );
            }
            self.out.push('\n');
        }
        for (supporting, heading) in [
            (true, "The strongest case for"),
            (false, "The strongest case against"),
        ] {
            let claims = self.side(proposal, supporting);
            let _ = writeln!(self.out, "**{heading}.**\n");
            if claims.is_empty() {
                let _ = writeln!(
                    self.out,
                    "No claim in the map {} it.\n",
                    if supporting { "supports" } else { "attacks" }
                );
                continue;
            }
            for claim in claims.iter().take(STRONGEST) {
                let cite = self.cite(claim);
                let _ = writeln!(self.out, "1. {}{cite}", self.claim_link(claim));
            }
            if claims.len() > STRONGEST {
                let _ = writeln!(self.out, "\n{} more in the map.", claims.len() - STRONGEST);
            }
            self.out.push('\n');
        }
        let contested: Vec<&Claim> = self
            .tree(proposal)
            .into_iter()
            .filter(|c| c.standing == StandingLabel::Contested)
            .collect();
        let _ = writeln!(self.out, "**Unresolved.** ");
        if contested.is_empty() {
            let _ = writeln!(
                self.out,
                "Nothing in the argument over this proposal is left contested.\n"
            );
        } else {
            let _ = writeln!(
                self.out,
                "These claims attack each other in a circle that nothing in the map settles:\n"
            );
            for claim in contested {
                let cite = self.cite(claim);
                let _ = writeln!(self.out, "- {}{cite}", self.claim_link(claim));
            }
            self.out.push('\n');
        }
    }

    /// Every claim in the proposal's argument, directly or down the chain.
    fn tree(&self, proposal: &Proposal) -> Vec<&'a Claim> {
        let doc = self.doc;
        let mut seen: BTreeSet<String> = BTreeSet::new();
        let mut frontier = vec![format!("proposal:{}", proposal.slug)];
        while let Some(target) = frontier.pop() {
            for relation in doc.relations_to(&target) {
                if seen.insert(relation.from.clone()) {
                    frontier.push(relation.from.clone());
                }
            }
        }
        seen.iter().filter_map(|slug| doc.claim(slug)).collect()
    }
}

/// The summary of debate `slug` in Markdown, from a document of the whole map (so that
/// tensions recurring in other debates can be named). Links are absolute under `base`.
pub fn markdown(all: &MapDocument, slug: &str, base: &str, today: time::Date) -> Option<String> {
    let debate = all.debates.iter().find(|d| d.slug == slug)?;
    let proposals: Vec<&Proposal> = all.proposals.iter().filter(|p| p.debate == slug).collect();
    let mut summary = Summary {
        doc: all,
        base,
        out: String::new(),
        cited_sources: BTreeSet::new(),
    };
    let out = &mut summary.out;
    let _ = writeln!(out, "# {}\n", escape_markdown(&debate.title));
    let period = match (debate.started, debate.ended) {
        (Some(start), Some(end)) => format!("{start} to {end}. "),
        (Some(start), None) => format!("From {start}. "),
        (None, Some(end)) => format!("Until {end}. "),
        (None, None) => String::new(),
    };
    let _ = writeln!(
        out,
        "*A briefing from argmap, {today}. {period}Online: <{base}/debates/{slug}>*\n"
    );
    if !debate.summary.is_empty() {
        let _ = writeln!(out, "{}\n", escape_markdown(&debate.summary));
    }
    let _ = writeln!(
        out,
        "A claim **stands** when every claim attacking it is defeated, is **defeated** when a claim attacking it stands, \
         and is **contested** when attacks go round in a circle that nothing settles.\n"
    );
    let _ = writeln!(out, "## Proposals");
    for (i, proposal) in proposals.iter().enumerate() {
        summary.proposal(i + 1, proposal);
    }

    // Tensions raised here that other debates raised too, with every proposal that did.
    let here: BTreeSet<&str> = all
        .raises
        .iter()
        .filter(|r| proposals.iter().any(|p| p.slug == r.proposal))
        .map(|r| r.tension.as_str())
        .collect();
    let mut recurring: BTreeMap<&str, Vec<&Proposal>> = BTreeMap::new();
    for raise in &all.raises {
        if here.contains(raise.tension.as_str()) {
            if let Some(proposal) = all.proposal(&raise.proposal) {
                recurring
                    .entry(raise.tension.as_str())
                    .or_default()
                    .push(proposal);
            }
        }
    }
    recurring.retain(|_, raisers| {
        raisers
            .iter()
            .map(|p| p.debate.as_str())
            .collect::<BTreeSet<_>>()
            .len()
            > 1
    });
    let out = &mut summary.out;
    let _ = writeln!(out, "## Tensions that recur across debates\n");
    if recurring.is_empty() {
        let _ = writeln!(
            out,
            "None of this debate's tensions is raised in another debate of the map.\n"
        );
    }
    for (tension_slug, raisers) in recurring {
        let Some(tension) = all.tensions.iter().find(|t| t.slug == tension_slug) else {
            continue;
        };
        let mut by_debate: Vec<String> = raisers
            .iter()
            .map(|p| {
                let debate = all.debates.iter().find(|d| d.slug == p.debate);
                let year = debate
                    .and_then(|d| d.started.or(d.ended))
                    .map(|d| format!(", {}", d.year()))
                    .unwrap_or_default();
                let title = debate.map_or(p.debate.as_str(), |d| d.title.as_str());
                format!(
                    "{} ({}{year})",
                    escape_markdown(&p.title),
                    escape_markdown(title)
                )
            })
            .collect();
        by_debate.sort();
        let _ = writeln!(
            out,
            "- **[{}]({base}/tensions/{})** ({} vs {}): {}.",
            escape_markdown(&tension.title),
            tension.slug,
            escape_markdown(&tension.pole_a),
            escape_markdown(&tension.pole_b),
            by_debate.join("; ")
        );
    }

    let _ = writeln!(out, "\n## Sources\n");
    for source in all
        .sources
        .iter()
        .filter(|s| summary.cited_sources.contains(&s.slug))
    {
        let author = all
            .actor_name(source.author.as_deref())
            .or(source.author_name.as_deref())
            .unwrap_or("Unknown author");
        let mut line = format!(
            "1. {}, *{}*",
            escape_markdown(author),
            escape_markdown(&source.title)
        );
        if let Some(outlet) = &source.outlet {
            let _ = write!(line, ", {}", escape_markdown(outlet));
        }
        if let Some(date) = source.published {
            let _ = write!(line, ", {date}");
        }
        let _ = write!(line, ". <{base}/sources/{}>", source.slug);
        if let Some(url) = &source.url {
            let _ = write!(line, " (original: <{url}>)");
        }
        let _ = writeln!(summary.out, "{line}");
    }
    let _ = writeln!(
        summary.out,
        "\n---\n\n*How the strongest claims are chosen: those that bear directly on the proposal, ranked by standing \
         (stands, then contested, then defeated), then by how many standing claims support them, then by how many \
         quotes back them. The top {STRONGEST} on each side are shown.*"
    );
    Some(summary.out)
}

#[derive(askama::Template)]
#[template(path = "summaries/debate.html")]
struct SummaryPage<'a> {
    title: &'a str,
    body: String,
}

/// The summary as a printable HTML page of its own (no site navigation).
pub fn standalone_html(markdown: &str) -> String {
    use askama::Template;
    let title = markdown
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("# ");
    let title = title.replace('\\', "");
    let page = SummaryPage {
        title: &title,
        body: render_html(markdown),
    };
    page.render().expect("the summary template renders")
}

/// Markdown to HTML, with any HTML in the text shown as text, never run.
pub fn render_html(markdown: &str) -> String {
    use pulldown_cmark::{Event, Parser, html};
    let events = Parser::new(markdown).map(|event| match event {
        Event::Html(text) | Event::InlineHtml(text) => Event::Text(text),
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_html_is_shown_not_run() {
        let html = render_html(&format!(
            "Claim: {}",
            escape_markdown("<script>alert(1)</script> *bold*")
        ));
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<em>"));
        let raw = render_html("<img src=x onerror=alert(1)>");
        assert!(!raw.contains("<img"), "{raw}");
    }
}
