//! The map laid out by Graphviz's `dot`: the DOT source, the run (bounded in time and
//! size), and the SVG it writes made into argmap's (title, description, classes, legend).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::{
    LEGEND, MapEdge, MapNode, NodeKind, arrowhead, draw_legend, edge_colour, escape_xml,
    node_class, node_colours, tooltip,
};
use crate::domain::RelationKind;

/// Maps bigger than this are drawn by the simple fallback: `dot` would take too long.
const MAX_NODES: usize = 1500;
/// How long `dot` may run.
const TIME_LIMIT: Duration = Duration::from_secs(10);
/// The most SVG `dot` may write.
const MAX_OUTPUT: u64 = 32 << 20;
/// Characters per line of a node's text.
const LINE: usize = 30;
/// How many drawings are kept.
const KEPT: usize = 256;

/// A map to draw: `id` prefixes element ids (two maps can share a page), `title` and
/// `description` label the SVG.
pub(super) struct Drawing<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub nodes: &'a [MapNode],
    pub edges: &'a [MapEdge],
}

/// The drawing, or None when Graphviz cannot make it (then the caller falls back).
pub(super) fn draw(map: &Drawing) -> Option<String> {
    if map.nodes.len() > MAX_NODES {
        return None;
    }
    let source = dot_source(map.id, map.nodes, map.edges);
    let key = format!("{}\u{0}{}\u{0}{source}", map.title, map.description);
    if let Some(svg) = kept().lock().expect("the drawings lock").get(&key) {
        return Some(svg.to_string());
    }
    let raw = run_dot("dot", &source)?;
    let svg = finish(&raw, map)?;
    let mut kept = kept().lock().expect("the drawings lock");
    if kept.len() >= KEPT {
        kept.clear();
    }
    kept.insert(key, Arc::from(svg.as_str()));
    Some(svg)
}

/// The drawings already made, by what they were made from.
fn kept() -> &'static Mutex<HashMap<String, Arc<str>>> {
    static KEPT_DRAWINGS: OnceLock<Mutex<HashMap<String, Arc<str>>>> = OnceLock::new();
    KEPT_DRAWINGS.get_or_init(Default::default)
}

/// The id of the `i`th node (`kind` n) or edge (e) of map `id`: letters, digits and
/// underscores only, which Graphviz writes out as they are.
fn element(id: &str, kind: char, i: usize) -> String {
    let id: String = id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("{id}_{kind}{i}")
}

/// A DOT string literal of `text`, as Graphviz should draw it: `&` is written `&amp;`
/// (Graphviz reads `&name;` as an entity), line breaks become spaces and other control
/// characters are dropped; then quoted as the DOT export quotes.
fn quote(text: &str) -> String {
    crate::export::dot::quote(&plain(text))
}

/// `text` with `&` escaped for Graphviz and no control characters (see [`quote`]).
fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A link as Graphviz is given it: everything but plain URL characters percent-encoded
/// (Graphviz writes a URL out unescaped).
fn url(href: &str) -> String {
    let mut out = String::new();
    for byte in href.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b'#' => {
                out.push(byte as char)
            }
            other => {
                let _ = write!(out, "%{other:02X}");
            }
        }
    }
    out
}

/// The lines of a node's text, about [`LINE`] characters each, every word kept.
pub(crate) fn lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 1 + word.chars().count() <= LINE => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

/// A node's lines: its text, a claim's standing on the last.
fn node_lines(node: &MapNode) -> Vec<String> {
    let mut lines = lines(&node.label);
    if let Some(standing) = node.standing {
        lines.push(format!("({standing})"));
    }
    lines
}

/// The size of a node's box in inches (Graphviz's unit), fixed from its lines at a
/// generous width per character, so the text fits whatever sans-serif font the reader's
/// browser draws it in (Graphviz's own estimate is Helvetica's, narrower than most).
fn size(lines: &[String], font_size: f64) -> (f64, f64) {
    const EM_PER_CHAR: f64 = 0.62;
    const LINE_HEIGHT: f64 = 1.25;
    const PADDING: f64 = 10.0; // points, each side
    let widest = lines.iter().map(|l| l.chars().count()).max().unwrap_or(1) as f64;
    let width = widest * font_size * EM_PER_CHAR + 2.0 * PADDING;
    let height = lines.len() as f64 * font_size * LINE_HEIGHT + 2.0 * PADDING * 0.7;
    (width / 72.0, height / 72.0)
}

/// A node's label in DOT: its lines, one under another.
fn label(lines: &[String]) -> String {
    let lines: Vec<String> = lines.iter().map(|line| plain(line)).collect();
    crate::export::dot::quote(&lines.join("\n"))
}

/// The map in DOT: the root on the left, the claims bearing on it to its right, their
/// rebuttals further right (so a big map grows down the page, not across it).
fn dot_source(id: &str, nodes: &[MapNode], edges: &[MapEdge]) -> String {
    let mut out = String::new();
    out.push_str("digraph map {\n");
    out.push_str("  graph [rankdir=RL, nodesep=0.25, ranksep=0.45, bgcolor=transparent, pad=0.1, outputorder=edgesfirst];\n");
    out.push_str("  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", penwidth=1.4, fontcolor=\"#1d232b\"];\n");
    out.push_str("  edge [penwidth=1.6, arrowsize=0.9];\n");
    for (i, node) in nodes.iter().enumerate() {
        let (fill, stroke) = node_colours(node);
        let (font_size, extra) = match (node.kind, node.standing) {
            (NodeKind::Proposal, _) => (12.0, ", penwidth=2.2"),
            (_, Some(crate::standing::StandingLabel::Defeated)) => {
                (11.0, ", style=\"rounded,filled,dashed\"")
            }
            _ => (11.0, ""),
        };
        let lines = node_lines(node);
        let (width, height) = size(&lines, font_size);
        let _ = writeln!(
            out,
            "  n{i} [id={}, label={}, fontsize={font_size}, width={width:.3}, height={height:.3}, fixedsize=true, fillcolor=\"{fill}\", color=\"{stroke}\", URL={}, tooltip={}, target=\"_top\"{extra}];",
            quote(&element(id, 'n', i)),
            label(&lines),
            quote(&url(&node.href)),
            quote(&tooltip(node)),
        );
    }
    for (i, edge) in edges.iter().enumerate() {
        let style = match edge.kind {
            RelationKind::Supports => "solid",
            RelationKind::Attacks => "dashed",
            RelationKind::Undercuts => "dotted",
        };
        let _ = writeln!(
            out,
            "  n{} -> n{} [id={}, color=\"{}\", style={style}, arrowhead={}];",
            edge.from,
            edge.to,
            quote(&element(id, 'e', i)),
            edge_colour(edge.kind),
            arrowhead(edge.kind),
        );
    }
    out.push_str("}\n");
    out
}

/// Runs `program -Tsvg` (Graphviz's `dot`) on `source`: its output, or None (with a
/// warning) when it is missing, fails, writes too much or runs past the time limit (then
/// it is killed).
fn run_dot(program: &str, source: &str) -> Option<String> {
    let mut child = match Command::new(program)
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
    {
        Ok(child) => child,
        Err(error) => {
            tracing::warn!(%error, "Graphviz (dot) cannot run: maps are drawn without it");
            return None;
        }
    };
    let mut stdin = child.stdin.take()?;
    let input = source.to_owned();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let mut stdout = child.stdout.take()?;
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        (&mut stdout)
            .take(MAX_OUTPUT)
            .read_to_string(&mut out)
            .map(|_| out)
    });
    let deadline = Instant::now() + TIME_LIMIT;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            _ => break None,
        }
    };
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        tracing::warn!(limit = ?TIME_LIMIT, "Graphviz (dot) ran too long: this map is drawn without it");
        return None;
    };
    let _ = writer.join();
    let output = reader.join().ok()?.ok()?;
    if !status.success() || output.len() as u64 >= MAX_OUTPUT {
        tracing::warn!(%status, "Graphviz (dot) failed: this map is drawn without it");
        return None;
    }
    Some(output)
}

/// Graphviz's SVG made argmap's: its own `<svg>` element (labelled by the title and
/// description, sized in pixels), each node's `<title>` its full text, each node and
/// edge classed by kind and standing, the legend below.
fn finish(raw: &str, map: &Drawing) -> Option<String> {
    let &Drawing {
        id,
        title,
        description,
        nodes,
        edges,
    } = map;
    let start = raw.find("<svg")?;
    let open_end = start + raw[start..].find('>')?;
    let open = &raw[start..open_end];
    let attr = |name: &str| -> Option<&str> {
        let at = open.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(&open[at..at + open[at..].find('"')?])
    };
    let points = |name: &str| -> Option<f64> { attr(name)?.trim_end_matches("pt").parse().ok() };
    let (width, height) = (points("width")?, points("height")?);
    let view_box = attr("viewBox")?;
    let end = raw.rfind("</svg>")?;
    let mut body = raw[open_end + 1..end].to_owned();
    // The graph's own title and the comments name nodes by their internal names: dropped.
    body = body.replacen("<title>map</title>\n", "", 1);
    while let Some(at) = body.find("<!--") {
        let close = at + body[at..].find("-->")? + 3;
        body.replace_range(at..close, "");
    }
    for (i, node) in nodes.iter().enumerate() {
        body = body.replacen(
            &format!(
                "<g id=\"{}\" class=\"node\">\n<title>n{i}</title>",
                element(id, 'n', i)
            ),
            &format!(
                "<g id=\"{}\" class=\"node {}\">\n<title>{}</title>",
                element(id, 'n', i),
                node_class(node),
                escape_xml(&tooltip(node))
            ),
            1,
        );
    }
    for (i, edge) in edges.iter().enumerate() {
        let (from, to) = (&nodes[edge.from], &nodes[edge.to]);
        body = body.replacen(
            &format!(
                "<g id=\"{}\" class=\"edge\">\n<title>n{}&#45;&gt;n{}</title>",
                element(id, 'e', i),
                edge.from,
                edge.to
            ),
            &format!(
                "<g id=\"{}\" class=\"edge {}\">\n<title>{}</title>",
                element(id, 'e', i),
                edge.kind,
                escape_xml(&format!(
                    "{} {} {}",
                    crate::views::short(&from.label),
                    edge.kind,
                    crate::views::short(&to.label)
                ))
            ),
            1,
        );
    }
    // Graphviz's sizes are points: shown at 4/3 px each (as browsers show `pt`), the
    // legend under the drawing.
    let (w, h) = (
        (width * 4.0 / 3.0).ceil() as i32,
        (height * 4.0 / 3.0).ceil() as i32,
    );
    let w = w.max(380);
    let full = h + LEGEND;
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" class="argument-map graphviz" viewBox="0 0 {w} {full}" width="{w}" height="{full}" role="group" aria-labelledby="{id}-title {id}-desc" font-family="Helvetica, Arial, sans-serif"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        escape_xml(title),
        escape_xml(description)
    );
    let _ = write!(
        svg,
        r#"<svg x="0" y="0" width="{w}" height="{h}" viewBox="{view_box}" preserveAspectRatio="xMinYMin meet">"#
    );
    svg.push_str(&body);
    svg.push_str("</svg>");
    draw_legend(&mut svg, 8, h + LEGEND / 2);
    svg.push_str("</svg>");
    Some(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_graphviz_there_is_no_drawing_and_the_map_falls_back() {
        assert!(run_dot("argmap-no-such-graphviz", "digraph { a -> b }").is_none());
        assert!(
            run_dot("dot", "digraph { a -> }").is_none(),
            "a bad source fails"
        );
        let node = MapNode {
            label: "A proposal".into(),
            href: "/proposals/a".into(),
            kind: NodeKind::Proposal,
            standing: None,
            depth: 0,
        };
        let svg = super::super::fallback("m", "Map", "One node.", &[node], &[]);
        assert!(svg.contains("Drawn without Graphviz"));
        assert!(svg.contains(r#"class="node proposal""#));
    }

    #[test]
    fn labels_and_links_are_quoted_for_dot() {
        assert_eq!(quote(r#"a "b" \ & c"#), r#""a \"b\" \\ &amp; c""#);
        assert_eq!(url("/claims/a b<c>"), "/claims/a%20b%3Cc%3E");
        assert_eq!(element("my-map", 'n', 3), "my_map_n3");
        assert!(
            lines(&"word ".repeat(40))
                .iter()
                .all(|l| l.chars().count() <= LINE)
        );
    }
}
