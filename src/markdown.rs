//! People's comments: a small, safe subset of Markdown, rendered to HTML and sanitised
//! (ammonia) so nothing a user writes can run or restyle the page.

use std::collections::HashSet;
use std::sync::LazyLock;

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::empty();
    builder
        .tags(HashSet::from([
            "p",
            "br",
            "em",
            "strong",
            "code",
            "pre",
            "blockquote",
            "ul",
            "ol",
            "li",
            "a",
        ]))
        .tag_attributes(std::collections::HashMap::from([(
            "a",
            HashSet::from(["href"]),
        )]))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .link_rel(Some("nofollow noopener noreferrer"));
    builder
});

/// Markdown to sanitised HTML.
pub fn render(markdown: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(markdown));
    CLEANER.clean(&html).to_string()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn emphasis_lists_and_links_survive() {
        let html = render("Some *emphasis*, a [link](https://example.org)\n\n- one\n- two");
        assert!(html.contains("<em>emphasis</em>"));
        assert!(
            html.contains(
                r#"<a href="https://example.org" rel="nofollow noopener noreferrer">link</a>"#
            ),
            "{html}"
        );
        assert!(html.contains("<li>one</li>"));
    }

    #[test]
    fn scripts_handlers_and_javascript_urls_are_removed() {
        for attack in [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "[click](javascript:alert(1))",
            "<a href=\"javascript:alert(1)\">x</a>",
            "<p style=\"position:fixed\" onclick=\"alert(1)\">x</p>",
            "<iframe src=\"https://evil.example\"></iframe>",
        ] {
            let html = render(attack);
            for bad in [
                "<script",
                "onerror",
                "javascript:",
                "onclick",
                "<iframe",
                "style=",
                "<img",
            ] {
                assert!(
                    !html.to_lowercase().contains(bad),
                    "{attack:?} gave {html:?}"
                );
            }
        }
    }
}
